/**
 * The README's results table and its table of the predictions not confirmed are generated from
 * results/<tier>/results.json (scripts/update-readme.ts): they must be exactly what the
 * committed files give, so no figure in them is copied by hand (from a note or elsewhere).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report';
import { JobCache } from '../../src/runner/cache';
import { loadRegistry } from '../../src/runner/registry';
import { runClaims } from '../../src/runner/runner';
import { README, expectedReadme } from '../../scripts/update-readme';
import { FINDINGS_BEGIN, FINDINGS_END, findingsTable } from '../../src/report/findings-table';
import { fmtInterval, fmtNum } from '../../src/report/format';
import { DEPARTS, RESULTS_BEGIN, RESULTS_END, resultsTable, spliceResultsTable } from '../../src/report/results-table';
import { parseResults } from '../../src/runner/results';

describe('README results table', () => {
  it('is what scripts/update-readme.ts generates from the committed results', async () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(RESULTS_BEGIN);
    expect(readme).toContain(RESULTS_END);
    expect(readme, 'README.md is out of date: run npx tsx scripts/update-readme.ts').toBe(await expectedReadme());
  });

  it('marks claims not run at a tier, and refuses a README without markers', () => {
    const t = resultsTable([{ label: 'paper', results: undefined }], ['W1']);
    expect(t).toContain('paper: no results committed yet');
    expect(() => spliceResultsTable('no markers here', t)).toThrow(/markers not found/);
  });

  it('lists every prediction the committed results do not confirm, with the measured figures and the claim\'s note', () => {
    const readme = readFileSync(README, 'utf8');
    const table = readme.slice(readme.indexOf(FINDINGS_BEGIN) + FINDINGS_BEGIN.length, readme.indexOf(FINDINGS_END));
    const rows = table.split('\n').filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| claim |'));
    const root = path.dirname(README);
    let expected = 0;
    for (const tier of ['standard', 'paper']) {
      const f = path.join(root, 'results', tier, 'results.json');
      if (existsSync(f)) expected += parseResults(readFileSync(f, 'utf8')).claims.flatMap((c) => c.predictions).filter((p) => p.verdict !== 'CONFIRMED').length;
    }
    expect(rows).toHaveLength(expected);
    // W2's (2,∞) weight change: the slope and CI of the committed standard run, not a note's figure.
    const w2 = parseResults(readFileSync(path.join(root, 'results/standard/results.json'), 'utf8')).claims.find((c) => c.id === 'W2')!;
    const p = w2.predictions.find((q) => q.verdict === 'REFUTED')!;
    expect(rows.find((r) => r.startsWith('| W2 |'))).toContain(`slope ${fmtNum(p.fit!.slope)} ${fmtInterval(p.ci!.lo, p.ci!.hi)}`);
    for (const [, target] of table.matchAll(/\]\((claims\/[^)]+\.md)\)/g)) expect(existsSync(path.join(root, target!)), target).toBe(true);
  });

  it('says so when every prediction is confirmed', () => {
    expect(findingsTable([{ label: 'paper', results: undefined }], ['W1'], () => undefined)).toBe('Every prediction in the committed results is CONFIRMED.');
  });
});

describe('departures from the paper\'s setting', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-departures-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('travel from the claim to its tier\'s results, the report and the README table, and only for that tier', async () => {
    const [t1] = (await loadRegistry([path.join(__dirname, '..', 'runner', 'toy-claims')])).filter((c) => c.def.id === 'T1');
    const why = '4 trials, not the specified 25: the toy is cheap, but this is a test';
    const c = { ...t1!, def: { ...t1!.def, departures: { paper: why } } };
    const cache = new JobCache(undefined, false);
    const smoke = await runClaims([c], { tier: 'smoke', cache });
    const paper = await runClaims([c], { tier: 'paper', cache });
    expect(smoke.claims[0]!.departures).toBeUndefined();
    expect(parseResults(JSON.stringify(paper)).claims[0]!.departures).toBe(why);

    const t = resultsTable([{ label: 'smoke', results: smoke }, { label: 'paper', results: paper }], ['T1']);
    const row = t.split('\n').find((l) => l.startsWith('| T1 |'))!;
    expect(row).toContain('| n = 100…800, 3 trials |');
    expect(row).toContain(`| n = 100…1600, 4 trials ${DEPARTS} |`);
    expect(t).toContain(`- ${DEPARTS} T1, paper: ${why}`);
    expect(resultsTable([{ label: 'smoke', results: smoke }], ['T1'])).not.toContain(DEPARTS);

    await writeReport(paper, tmp);
    expect(readFileSync(path.join(tmp, 'summary.md'), 'utf8')).toContain(`- **Departs from the paper's setting:** ${why}`);
    const page = readdirSync(tmp, { recursive: true }).map(String).find((f) => f.endsWith('.html') && f !== 'index.html')!;
    expect(readFileSync(path.join(tmp, page), 'utf8')).toContain("<b>Departs from the paper's setting:</b> 4 trials, not the specified 25");
  });
});
