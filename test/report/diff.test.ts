/**
 * Run diffs (src/report/diff.ts, `ntk-verify diff`): a run against itself is empty; an
 * injected slope change, a verdict flip and value changes are found; the CLI exits 1 on a
 * verdict change, 0 otherwise, 2 on usage errors.
 *
 * The runs are the toy claims of test/runner/toy-claims (exact power laws with seeded
 * noise), so every number here is deterministic.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClaim } from '../../src/runner/analyze';
import { JobCache } from '../../src/runner/cache';
import { fixtureFromResult, writeFixture } from '../../src/runner/fixtures';
import { loadRegistry, selectClaims, type RegisteredClaim } from '../../src/runner/registry';
import { parseResults, type RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { diffRuns, formatDiffMarkdown, relativeDifference, sideFromFixtures, sideFromResults } from '../../src/report/diff';

const root = path.resolve(__dirname, '../..');
const toyDir = path.join(root, 'test/runner/toy-claims');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A deep copy, as a user's results.json would be after a round trip. */
function copy(r: RunResults): RunResults {
  return parseResults(JSON.stringify(r));
}

/**
 * The run with observable `obs` of claim T1 multiplied by x^power in every job, then
 * re-analysed: a consistent run whose fitted slope of `obs` moves by exactly `power`.
 */
function withSlopeShift(r: RunResults, claim: RegisteredClaim, obs: string, power: number): RunResults {
  const out = copy(r);
  const i = out.claims.findIndex((c) => c.id === claim.def.id);
  const jobs = out.claims[i]!.jobs.map((j) =>
    j.status === 'ok' && j.output ? { ...j, output: { ...j.output, values: { ...j.output.values, [obs]: j.output.values[obs]! * j.x ** power } } } : j,
  );
  out.claims[i] = analyzeClaim(claim, out.tier, jobs, { rootSeed: out.environment.rootSeed });
  return out;
}

let reg: RegisteredClaim[];
let run: RunResults;

beforeAll(async () => {
  reg = await loadRegistry([toyDir]);
  run = await runClaims(selectClaims(reg, ['T1', 'T2']), { tier: 'smoke', cache: new JobCache(path.join(tmp, 'cache'), false), runId: 'toy-a' });
});

describe('diffRuns', () => {
  it('finds nothing between a run and itself', () => {
    const d = diffRuns(run, copy(run));
    expect(d.identical).toBe(true);
    expect(d.verdictChanged).toBe(false);
    expect(d.totals).toMatchObject({ compared: 2, verdictChanges: 0, slopeChanges: 0, disjointCis: 0, valueChanges: 0, jobChanges: 0, onlyA: 0, onlyB: 0 });
    // 12 jobs × 3 observables (T1) + 11 ok jobs × 1 observable (T2; one job fails on both sides).
    expect(d.totals.valuesCompared).toBe(12 * 3 + 11);
    const slopes = d.claims.flatMap((c) => c.slopes);
    expect(slopes.map((s) => s.observable)).toEqual(['a', 'b', 'c', 'q']);
    for (const s of slopes) {
      expect(s.delta).toBe(0);
      expect(s.ciOverlap).toBe(true);
      expect(s.changed).toBe(false);
    }
    const md = formatDiffMarkdown(d);
    expect(md).toContain('**No differences.** 2 claims compared');
    expect(md).toContain('No verdict changed.');
    expect(md).toMatch(/\| T1 \| a \(a\) \| -0\.\d+ \[-0\.\d+, -0\.\d+\] \| -0\.\d+ \[.*\] \| 0 \| yes \|/);
    expect(md).toContain(`None: all ${12 * 3 + 11} values agree within tolerance.`);
  });

  it('finds an injected slope change and the verdict it flips', () => {
    const t1 = reg.find((c) => c.def.id === 'T1')!;
    // a ∝ n^{-1/2} becomes ∝ n^{-0.2}: outside −0.5 ± 0.15, so 'slope≈ −0.5' flips to REFUTED.
    const shifted = withSlopeShift(run, t1, 'a', 0.3);
    const d = diffRuns(run, shifted);
    expect(d.identical).toBe(false);
    expect(d.verdictChanged).toBe(true);
    const c = d.claims.find((x) => x.id === 'T1')!;
    // T1 is REFUTED overall on both sides (its third prediction is refuted by design).
    expect(c.claimVerdictChanged).toBe(false);
    expect(d.totals.verdictChanges).toBe(1);
    expect(c.predictionVerdicts).toEqual([{ index: 0, label: expect.stringMatching(/^a ∝ n\^b, b ≈ [−-]0\.5/), a: 'CONFIRMED', b: 'REFUTED', expected: 'CONFIRMED' }]);
    const a = c.slopes.find((s) => s.observable === 'a')!;
    // Multiplying every value by x^0.3 moves the least-squares slope by exactly 0.3 (up to rounding).
    expect(a.delta!).toBeCloseTo(0.3, 12);
    expect(a.changed).toBe(true);
    expect(a.ciOverlap).toBe(false);
    for (const s of c.slopes.filter((x) => x.observable !== 'a')) expect(s.changed, s.observable).toBe(false);
    // Every job's value of `a` moved (by a factor 100^0.3 ≈ 4 at the least), nothing else did.
    expect(c.values).toHaveLength(12);
    expect(c.values.every((v) => v.observable === 'a' && v.relDiff! > 0.7)).toBe(true);
    expect(d.claims.find((x) => x.id === 'T2')!.values).toEqual([]);
    const md = formatDiffMarkdown(d, { limit: 5 });
    expect(md).toContain('**1 verdict change.**');
    expect(md).toMatch(/\| T1 \| 1\. .* \| CONFIRMED \| REFUTED \| ⚠️ expected CONFIRMED \|/);
    expect(md).toMatch(/\| T1 \| a \(a\) \| .* \| \+0\.300 \| \*\*no\*\* \| changed \|/);
    expect(md).toContain('… and 7 more');
  });

  it('applies relative tolerances per observable: default 1e-6, or the claim\'s own', () => {
    const b = copy(run);
    const job = b.claims[0]!.jobs[0]!;
    job.output!.values.b! *= 1 + 1e-8;
    job.output!.values.c! *= 1 + 1e-4;
    let d = diffRuns(run, b);
    expect(d.claims[0]!.values.map((v) => v.observable)).toEqual(['c']);
    expect(d.claims[0]!.values[0]!.relDiff).toBeCloseTo(1e-4, 6);
    expect(d.verdictChanged).toBe(false);
    expect(d.identical).toBe(false);
    d = diffRuns(run, b, { tolerances: { T1: { c: 1e-3 } } });
    expect(d.totals.valueChanges).toBe(0);
    d = diffRuns(run, b, { relTol: 1e-10 });
    expect(d.claims[0]!.values.map((v) => v.observable)).toEqual(['b', 'c']);
    expect(relativeDifference(1, 1)).toBe(0);
    expect(relativeDifference(2, 1)).toBe(0.5);
    expect(relativeDifference(Number.NaN, 1)).toBe(Infinity);
  });

  it('reports jobs failed or missing on one side, and claims on one side only', () => {
    const b = copy(run);
    const t1 = b.claims[0]!;
    t1.jobs[3] = { ...t1.jobs[3]!, status: 'failed', error: 'boom' };
    delete t1.jobs[3]!.output;
    t1.jobs.pop();
    b.claims.pop(); // T2 only in A
    const d = diffRuns(run, b);
    expect(d.claims[0]!.jobs).toEqual([
      { x: t1.jobs[3]!.x, trial: t1.jobs[3]!.trial, a: 'ok', b: 'failed' },
      { x: 800, trial: 2, a: 'ok', b: 'missing' },
    ]);
    expect(d.claims.find((c) => c.id === 'T2')!.presence).toBe('only-a');
    expect(d.totals.onlyA).toBe(1);
    expect(d.notes.join('\n')).toMatch(/only in A \(run toy-a\): T2/);
    expect(d.verdictChanged).toBe(false);
    expect(formatDiffMarkdown(d)).toContain('## Jobs failed or missing on one side');
  });

  it('compares a run with its fixtures (slopes without CIs)', () => {
    const fx = run.claims.map((c) => fixtureFromResult(c, run.tier, run.environment.rootSeed, run.environment.engineVersion));
    const d = diffRuns(sideFromFixtures(fx), sideFromResults(run));
    // The fixtures keep only ok jobs; T2's failed job shows as failed on B, missing on A.
    expect(d.claims.find((c) => c.id === 'T2')!.jobs).toEqual([{ x: 400, trial: 1, a: 'missing', b: 'failed' }]);
    expect(d.totals).toMatchObject({ verdictChanges: 0, slopeChanges: 0, valueChanges: 0 });
    expect(d.claims.flatMap((c) => c.slopes).every((s) => s.ciOverlap === null && s.delta === 0)).toBe(true);
  });

  it('warns when tiers or seeds differ', () => {
    const b = copy(run);
    b.environment.rootSeed = 7;
    expect(diffRuns(run, b).notes.join('\n')).toMatch(/root seeds differ \(A 20231123, B 7\)/);
  });
});

describe('ntk-verify diff (CLI)', () => {
  const bin = path.join(root, 'bin/ntk-verify.mjs');
  const env = { ...process.env, NTKV_CLAIMS_DIR: toyDir, NTKV_REPORTS_DIR: path.join(tmp, 'reports'), NTKV_FIXTURES_DIR: path.join(tmp, 'fixtures') };
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, 'diff', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  let fileA: string;
  let fileB: string;

  beforeAll(() => {
    // A run id under NTKV_REPORTS_DIR, and a results.json file elsewhere.
    mkdirSync(path.join(tmp, 'reports', 'toy-a'), { recursive: true });
    fileA = path.join(tmp, 'reports', 'toy-a', 'results.json');
    writeFileSync(fileA, JSON.stringify(run));
    fileB = path.join(tmp, 'flipped.json');
    writeFileSync(fileB, JSON.stringify(withSlopeShift(run, reg.find((c) => c.def.id === 'T1')!, 'a', 0.3)));
    for (const c of run.claims) writeFixture(fixtureFromResult(c, run.tier, run.environment.rootSeed, run.environment.engineVersion), path.join(tmp, 'fixtures'));
  });

  // Each CLI call starts Node with tsx (a few seconds): few calls, each checking much.
  it('exits 0 for a run against itself (Markdown), 1 when a verdict changed (--json)', () => {
    const same = cli('toy-a', fileA);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toContain('# ntk-verify diff');
    expect(same.stdout).toContain('**No differences.**');
    const flipped = cli('toy-a', fileB, '--json');
    expect(flipped.status, flipped.stderr).toBe(1);
    const d = JSON.parse(flipped.stdout);
    expect(d.schema).toBe('ntk-verify.diff/1');
    expect(d.verdictChanged).toBe(true);
    expect(d.claims[0].predictionVerdicts[0]).toMatchObject({ a: 'CONFIRMED', b: 'REFUTED' });
    expect(d.claims[0].slopes[0].delta).toBeCloseTo(0.3, 10);
  });

  it('compares with fixtures via --fixtures (exit 1 on a verdict change)', () => {
    const flipped = cli(fileB, '--fixtures');
    expect(flipped.status, flipped.stderr).toBe(1);
    expect(flipped.stdout).toMatch(/\| Source \| fixtures .*fixtures\/\*\/smoke\.json \|/);
    expect(flipped.stdout).toMatch(/\| T1 \| 1\. .* \| CONFIRMED \| REFUTED \|/);
  });

  it('exits 2 on usage errors', () => {
    const none = cli('toy-a');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/give two runs .* or one run and --fixtures/);
    const missing = cli('no-such-run', fileA);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no results found for 'no-such-run'/);
  });
});
