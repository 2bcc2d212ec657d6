/**
 * Tightness in summary.md: "Bounds that look loose" lists exactly the confirmed one-sided
 * bounds whose CI lies more than 0.25 inside them (`slope ≤ b`: upper end < b − 0.25;
 * `slope ≥ b`: lower end > b + 0.25), with the right gap; "Exponents nobody predicted"
 * lists exactly the fitted observables no slope prediction is about.
 *
 * Two runs: an in-memory claim with exact power laws (every case, decided by margins far
 * wider than the noise), and the real W2 claim re-analysed from its smoke fixture (no
 * recomputation), whose note says its (2,∞) bound looks loose.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeClaim } from '../../src/runner/analyze';
import { JobCache } from '../../src/runner/cache';
import { defineClaim } from '../../src/runner/define';
import { readFixture } from '../../src/runner/fixtures';
import { loadClaimFile, type RegisteredClaim } from '../../src/runner/registry';
import type { JobRecord, RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { writeReport } from '../../src/report';
import { looseBounds, unpredictedExponents } from '../../src/report/model';

const root = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-tight-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function section(md: string, title: string): string {
  const start = md.indexOf(`## ${title}`);
  const next = md.indexOf('\n## ', start + 3);
  return md.slice(start, next < 0 ? undefined : next);
}

/** Power laws with 2% log-normal noise: every CI is a few hundredths wide. */
const tightnessClaim = defineClaim({
  id: 'TT',
  paper: 'T',
  source: 'synthetic',
  title: 'Loose and tight bounds',
  statement: 'u ∝ n^{-3/2}, w ∝ n^{1/2}, z ∝ n^{0.3}, k ∝ n.',
  expectation: 'Exact power laws with 2% noise.',
  setting: {},
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800], paper: [100, 200, 400, 800] }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { u: { label: 'u' }, w: { label: 'w' }, z: { label: 'z' }, k: { label: 'k', fit: false } },
  predictions: [
    { kind: 'slope≤', observable: 'u', exponent: -0.5, label: 'u = O(n^{-1/2})' }, // loose: 1 below
    { kind: 'slope≤', observable: 'u', exponent: -1.5, label: 'u = O(n^{-3/2})' }, // sharp
    { kind: 'slope≥', observable: 'w', exponent: -0.5, label: 'w = Ω(n^{-1/2})' }, // loose: 1 above
    { kind: 'slope≥', observable: 'w', exponent: 0.5, label: 'w = Ω(n^{1/2})' }, // sharp
    { kind: 'slope≈', observable: 'w', exponent: 0.5 }, // a rate, never "loose"
    { kind: 'slope≤', observable: 'u', exponent: -2, expected: 'REFUTED' }, // refuted, not listed
  ],
  run: ({ x, rng }) => {
    const r = rng.split('noise');
    const e = () => Math.exp(0.02 * r.normal());
    return { values: { u: x ** -1.5 * e(), w: x ** 0.5 * e(), z: x ** 0.3 * e(), k: x * e() } };
  },
});

describe('tightness sections of summary.md', () => {
  it('lists the loose `slope ≤` and `slope ≥` bounds with their gaps, and only the unpredicted exponent', async () => {
    const reg: RegisteredClaim = { def: tightnessClaim, file: path.join(tmp, 'TT.ts'), sourceHash: 'tightness' };
    const results = await runClaims([reg], { tier: 'smoke', cache: new JobCache(path.join(tmp, 'cache'), false), runId: 'tight' });
    const c = results.claims[0]!;
    expect(c.matchesExpected).toBe(true);
    expect(c.predictions.map((p) => p.loose ?? null)).toEqual([true, false, true, false, null, null]);
    expect(looseBounds(results).map((l) => l.prediction.label)).toEqual(['u = O(n^{-1/2})', 'w = Ω(n^{-1/2})']);
    expect(unpredictedExponents(results).map((u) => u.observable.name)).toEqual(['z']);

    await writeReport(results, path.join(tmp, 'report'));
    const md = readFileSync(path.join(tmp, 'report', 'summary.md'), 'utf8');
    const loose = section(md, 'Bounds that look loose');
    const items = loose.split('\n').filter((l) => l.startsWith('- '));
    expect(items).toHaveLength(2);
    // u: slope ≈ −1.5, CI upper end about 1 below the bound −0.5.
    expect(items[0]).toMatch(/^- \*\*TT\*\* · u = O\(n\^\{-1\/2\}\): measured -1\.\d+ \[.*\] against the bound -0\.500 \(\+0\.150 tolerance\); the CI's upper end is (0\.9\d+|1\.0\d+) below the bound$/);
    // w: slope ≈ 0.5, CI lower end about 1 above the bound −0.5 (not "below").
    expect(items[1]).toMatch(/^- \*\*TT\*\* · w = Ω\(n\^\{-1\/2\}\): measured 0\.\d+ \[.*\] against the bound -0\.500 \(−0\.150 tolerance\); the CI's lower end is (0\.9\d+|1\.0\d+) above the bound$/);
    expect(loose).toMatch(/`slope ≤ b`.*`slope ≥ b`/);
    const unpredicted = section(md, 'Exponents nobody predicted').split('\n').filter((l) => l.startsWith('- '));
    expect(unpredicted).toHaveLength(1);
    expect(unpredicted[0]).toMatch(/^- \*\*TT\*\* · z \(z\): slope 0\.(29|30|31)\d* \[/);
    // The HTML front page says the same.
    const html = readFileSync(path.join(tmp, 'report', 'index.html'), 'utf8');
    expect(html).toContain('the CI&#39;s lower end is');
  });

  it('flags the W2 bounds that look loose, from its smoke fixture', async () => {
    const fx = readFixture('W2', 'smoke', path.join(root, 'fixtures'));
    const file = path.join(root, 'claims/W/W2-early-weight-change.ts');
    if (!fx || !existsSync(file)) return expect.fail('fixtures/W2/smoke.json and the W2 claim file are part of the repository');
    const claim = await loadClaimFile(file);
    const jobs: JobRecord[] = fx.jobs.map((j) => ({ x: j.x, trial: j.trial, key: `${j.x}/${j.trial}`, seedKey: '', status: 'ok', cached: false, ms: 0, output: { values: j.values } }));
    const c = analyzeClaim(claim, 'smoke', jobs, { rootSeed: fx.rootSeed });
    const results = { claims: [c] } as unknown as RunResults;
    const loose = looseBounds(results).map((l) => l.prediction);
    // Every listed bound is a confirmed one-sided bound whose CI clears it by more than 0.25 …
    for (const p of loose) {
      expect(p.verdict).toBe('CONFIRMED');
      expect(p.kind === 'slope≤' ? p.exponent! - p.ci!.hi : p.ci!.lo - p.exponent!).toBeGreaterThan(0.25);
    }
    // … and every confirmed one-sided bound that does is listed.
    const should = c.predictions.filter((p) => p.verdict === 'CONFIRMED' && p.ci && ((p.kind === 'slope≤' && p.ci.hi < p.exponent! - 0.25) || (p.kind === 'slope≥' && p.ci.lo > p.exponent! + 0.25)));
    expect(loose).toEqual(should);
    // The claim's note: the (2,∞) change decays like n^{-0.93}, so its O(n^{-1/2}) bound looks loose.
    expect(loose.map((p) => p.observable)).toContain('wTwoInf');
    expect(loose.map((p) => p.observable)).not.toContain('wFro');
    expect(unpredictedExponents(results)).toEqual([]);
  });
});
