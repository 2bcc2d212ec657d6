/**
 * docs/ADDING-A-CLAIM.md stays true: its worked example is the file docs/examples/X1-*.ts
 * (character for character), that file runs at the smoke tier with the verdicts the guide
 * states, the report shows what the guide says it shows, every local link of the guide
 * resolves, and docs/verdict-rules.svg is what scripts/verdict-rules-figure.ts draws.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { loadRegistry } from '../../src/runner/registry';
import { runClaims } from '../../src/runner/runner';
import { writeReport } from '../../src/report';
// A static import, so that `tsc -p .` type-checks the example (docs/ is outside tsconfig's include).
import x1 from '../../docs/examples/X1-gaussian-operator-norm';
import { FIGURE_PATH, verdictRulesSvg } from '../../scripts/verdict-rules-figure';

const root = path.resolve(__dirname, '../..');
const docs = path.join(root, 'docs');
const guidePath = path.join(docs, 'ADDING-A-CLAIM.md');
const examplesDir = path.join(docs, 'examples');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-guide-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const guide = readFileSync(guidePath, 'utf8');

describe('docs/ADDING-A-CLAIM.md', () => {
  it('shows the example claim file verbatim', () => {
    const marker = '<!-- example: docs/examples/X1-gaussian-operator-norm.ts';
    const at = guide.indexOf(marker);
    expect(at, 'the guide marks its example block').toBeGreaterThan(0);
    const m = /```ts\n([\s\S]*?)```/.exec(guide.slice(at));
    expect(m, 'a ```ts block follows the marker').not.toBeNull();
    const file = readFileSync(path.join(examplesDir, 'X1-gaussian-operator-norm.ts'), 'utf8');
    expect(m![1]).toBe(file);
  });

  it('links only to files that exist', () => {
    const links = [...guide.matchAll(/\]\(([^)\s]+)\)/g)].map((l) => l[1]!).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
    expect(links).toEqual(expect.arrayContaining(['verdict-rules.svg', 'examples/X1-gaussian-operator-norm.ts']));
    for (const l of links) expect(existsSync(path.join(docs, l.split('#')[0]!)), l).toBe(true);
  });

  it('has the verdict-rules picture the script draws', async () => {
    expect(FIGURE_PATH).toBe(path.join(docs, 'verdict-rules.svg'));
    const committed = readFileSync(FIGURE_PATH, 'utf8');
    expect(committed, 'regenerate with: npx tsx scripts/verdict-rules-figure.ts').toBe(await verdictRulesSvg());
    expect(committed).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const v of ['CONFIRMED', 'INCONCLUSIVE', 'REFUTED', 'CONFIRMED, loose']) expect(committed).toContain(`>${v}<`);
  });
});

describe('the worked example X1', () => {
  it('loads from docs/examples as a claims folder', async () => {
    const reg = await loadRegistry([examplesDir]);
    expect(reg.map((c) => c.def.id)).toEqual(['X1']);
    expect(reg[0]!.def.id).toBe(x1.id);
  });

  it('runs at the smoke tier with the verdicts the guide states, and the report shows them', async () => {
    const reg = await loadRegistry([examplesDir]);
    const r = await runClaims(reg, { tier: 'smoke', cache: new JobCache(path.join(tmp, 'cache'), false), runId: 'guide' });
    const c = r.claims[0]!;
    expect(c.jobs.filter((j) => j.status === 'failed').map((j) => j.error)).toEqual([]);
    expect(c.predictions.map((p) => p.verdict)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'REFUTED']);
    expect(c.predictions.map((p) => p.matchesExpected)).toEqual([true, true, true, true, true]);
    expect(c.matchesExpected).toBe(true);
    expect(c.verdict).toBe('REFUTED');
    expect(c.predictions[3]!.loose).toBe(true);
    // The numbers quoted in the guide's table (rounded there to 2 decimals).
    const op = c.observables.find((o) => o.name === 'op')!;
    expect(op.fit!.slope).toBeGreaterThan(0.5);
    expect(op.fit!.slope).toBeLessThan(0.52);
    expect(op.local.map((l) => Math.round(l.slope * 100) / 100)).toEqual([0.54, 0.5, 0.51]);
    expect(c.observables.find((o) => o.name === 'fro')!.fit!.slope).toBeCloseTo(1, 2);

    await writeReport(r, path.join(tmp, 'report'));
    const md = readFileSync(path.join(tmp, 'report', 'summary.md'), 'utf8');
    const loose = md.slice(md.indexOf('## Bounds that look loose'), md.indexOf('## Exponents nobody predicted'));
    expect(loose).toMatch(/- \*\*X1\*\* · ‖G‖_op = O\(n\), from ‖G‖_op ≤ ‖G‖_F: measured 0\.51\d .* the CI's upper end is 0\.46\d below the bound/);
    const unpredicted = md.slice(md.indexOf('## Exponents nobody predicted'));
    expect(unpredicted).toMatch(/- \*\*X1\*\* · ‖G‖_F \(fro\): slope (0\.99\d|1\.00)/);
  });
});
