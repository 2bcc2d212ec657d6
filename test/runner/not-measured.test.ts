/**
 * Observables a job could not measure (JobOutput.notMeasured): validation, analysis (fits
 * and verdicts on the measured points only, INCONCLUSIVE when too few are left), the
 * results.json schema and the cache, fixtures, `ntk-verify diff` and the report.
 *
 * The runs are the toy claim T3 (test/runner/toy-claims): a ∝ n^{-1/2} with 5% seeded
 * noise, measured after a tiny GD run that diverges (lr 1e4) in the jobs its setting
 * lists; every number is deterministic.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { compareWithFixture, fixtureFromResult, readFixture, writeFixture } from '../../src/runner/fixtures';
import { validateOutput } from '../../src/runner/job';
import { loadRegistry, selectClaims, type RegisteredClaim } from '../../src/runner/registry';
import { parseResults, type ClaimResult, type RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { fitLogLog } from '../../src/stats';
import { diffRuns, formatDiffMarkdown, sideFromFixtures, sideFromResults } from '../../src/report/diff';
import { writeReport } from '../../src/report';

const toyDir = path.join(__dirname, 'toy-claims');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-not-measured-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let t3: RegisteredClaim;
let t1: RegisteredClaim;

/** T3 with its setting changed (in-process runs use the definition object as given). */
function variant(setting: Record<string, unknown>): RegisteredClaim {
  return { ...t3, def: { ...t3.def, setting: { ...t3.def.setting, ...setting } } };
}

async function run(c: RegisteredClaim, runId: string, cache?: JobCache): Promise<RunResults> {
  return runClaims([c], { tier: 'smoke', cache: cache ?? new JobCache(path.join(tmp, 'nocache'), false), runId });
}

function pred(c: ClaimResult, kind: string) {
  return c.predictions.find((p) => p.kind === kind)!;
}

/** Run A: trial 3 at the largest size diverges. Run B: nothing diverges. */
let diverging: RunResults;
let measured: RunResults;

beforeAll(async () => {
  const reg = await loadRegistry([toyDir]);
  [t1, t3] = selectClaims(reg, ['T1', 'T3']) as [RegisteredClaim, RegisteredClaim];
  diverging = await run(t3, 'nm-a');
  measured = await run(variant({ diverge: [] }), 'nm-b');
});

describe('validateOutput', () => {
  const where = 'claim T3, n=800, trial 2';
  const def = () => t3.def;

  it('a NaN or an infinity without a reason is an error naming claim, size, trial and observable', () => {
    expect(() => validateOutput(def(), { values: { a: Number.NaN, loss0: 1 } }, where)).toThrow(
      /^claim T3, n=800, trial 2: observable 'a' is NaN, not a finite number \(if it could not be measured, list it in notMeasured with the reason\)$/,
    );
    expect(() => validateOutput(def(), { values: { a: 1, loss0: Number.POSITIVE_INFINITY } }, where)).toThrow(/claim T3, n=800, trial 2: observable 'loss0' is Infinity/);
    expect(() => validateOutput(def(), { values: { loss0: 1 } }, where)).toThrow(/claim T3, n=800, trial 2: observable 'a' missing from run\(\)'s values/);
  });

  it('not measured needs a non-empty reason, a declared observable, and no value beside it', () => {
    expect(() => validateOutput(def(), { values: { loss0: 1 }, notMeasured: { a: '  ' } }, where)).toThrow(/observable 'a' is listed as not measured without a reason/);
    expect(() => validateOutput(def(), { values: { a: 1, loss0: 1 }, notMeasured: { zz: 'why' } }, where)).toThrow(/notMeasured names 'zz', not an observable of the claim \(a, loss0\)/);
    expect(() => validateOutput(def(), { values: { a: 0.5, loss0: 1 }, notMeasured: { a: 'diverged' } }, where)).toThrow(/observable 'a' has a value \(0.5\) and is listed as not measured/);
  });

  it('records a not-measured observable without a value (a NaN placeholder is dropped)', () => {
    const out = validateOutput(def(), { values: { a: Number.NaN, loss0: 1 }, notMeasured: { a: ' training diverged at step 3 ' } }, where);
    expect(out.values).toEqual({ loss0: 1 });
    expect(out.notMeasured).toEqual({ a: 'training diverged at step 3' });
    // Nothing not measured: the output is recorded as before, without the field.
    const plain = validateOutput(def(), { values: { a: 0.5, loss0: 1 } }, where);
    expect(plain).toEqual({ values: { a: 0.5, loss0: 1 } });
  });

  it('through the runner: every job fails, naming the observable, the others are kept', async () => {
    const r = await run(variant({ nanWithoutReason: true }), 'nm-nan');
    const c = r.claims[0]!;
    expect(c.jobs.every((j) => j.status === 'failed')).toBe(true);
    expect(c.jobs.find((j) => j.x === 400 && j.trial === 1)!.error).toBe(
      "claim T3, n=400, trial 1: observable 'a' is NaN, not a finite number (if it could not be measured, list it in notMeasured with the reason)",
    );
  });
});

describe('analysis', () => {
  it('the largest size diverges in one trial: the slope uses the other 15 points and says what was not measured', () => {
    const c = diverging.claims[0]!;
    expect(c.jobs.every((j) => j.status === 'ok')).toBe(true);
    const job = c.jobs.find((j) => j.x === 800 && j.trial === 3)!;
    expect(job.output!.values.a).toBeUndefined();
    expect(job.output!.notMeasured!.a).toMatch(/^training diverged at step \d+ \(loss [\d.e+]+, initial [\d.]+\)$/);
    // What was measured before the divergence is kept.
    expect(job.output!.values.loss0).toBeGreaterThan(0);

    const a = c.observables.find((o) => o.name === 'a')!;
    expect(a.notMeasured).toEqual([{ x: 800, trials: [3], of: 4, reasons: [job.output!.notMeasured!.a] }]);
    expect(a.perSize.map((s) => s.trials)).toEqual([4, 4, 4, 3]);
    expect(a.fit!.points).toBe(15);
    // The same fit as on the measured points alone, to the last bit.
    const pts = c.jobs.filter((j) => j.output!.values.a !== undefined).map((j) => ({ x: j.x, y: j.output!.values.a!, trial: j.trial }));
    expect(a.fit!.slope).toBe(fitLogLog(pts).slope);
    // The other trials are the same numbers as in the run where nothing diverges.
    const b = measured.claims[0]!.observables.find((o) => o.name === 'a')!;
    expect(a.perSize.slice(0, 3)).toEqual(b.perSize.slice(0, 3));
    expect(b.notMeasured).toBeUndefined();

    const slope = pred(c, 'slope≈');
    expect(slope.verdict).toBe('CONFIRMED');
    expect(slope.reason).toContain('fitted on the measured points only, not measured: 1 of 4 trials at n = 800: training diverged at step');
    expect(pred(c, 'compare').verdict).toBe('CONFIRMED');
    expect(pred(c, 'compare').reason).toMatch(/mean \S+ \(3 values\).*skipped as not measured: 'a' in 1 of 4 trials at n = 800: training diverged/);
    expect(pred(c, 'holds').reason).toMatch(/all 15 cases hold.*no case of a ≤ 1 from jobs that did not measure everything — 1 of 4 trials at n = 800/);
    expect(pred(c, 'transition').reason).toMatch(/means over the measured trials only, not measured: 1 of 4 trials at n = 800/);
    expect(c.matchesExpected).toBe(true);
    // Without divergences nothing mentions it.
    for (const p of measured.claims[0]!.predictions) expect(p.reason).not.toMatch(/not measured/);
  });

  it('two of four trials at the largest size unmeasured: too few trials, INCONCLUSIVE, never CONFIRMED on what is left', async () => {
    const r = await run(variant({ diverge: ['800/0', '800/2'] }), 'nm-two');
    const slope = pred(r.claims[0]!, 'slope≈');
    expect(slope.verdict).toBe('INCONCLUSIVE');
    expect(slope.reason).toMatch(/^too few measured points: only 2 trials at n=800 \(need 3\);.* not judged .*; not measured: 2 of 4 trials at n = 800: training diverged/);
  });

  it('every trial of two sizes unmeasured: slope, compare and transition INCONCLUSIVE with the reason', async () => {
    const r = await run(variant({ diverge: ['400/*', '800/*'] }), 'nm-many');
    const c = r.claims[0]!;
    const slope = pred(c, 'slope≈');
    expect(slope.verdict).toBe('INCONCLUSIVE');
    expect(slope.reason).toMatch(/^too few measured points: only 2 sizes \(need 4\); sizes span a factor 2 .*not measured: 4 of 4 trials at n = 400: .*; 4 of 4 trials at n = 800: /);
    expect(slope.reason).toContain('(1 more reason)'); // four distinct reasons at a size, three shown
    // compare at the largest size: nothing measured there.
    expect(pred(c, 'compare').verdict).toBe('INCONCLUSIVE');
    expect(pred(c, 'compare').reason).toMatch(/no left values; skipped as not measured: 'a' in 4 of 4 trials at n = 800/);
    expect(pred(c, 'transition').verdict).toBe('INCONCLUSIVE');
    expect(pred(c, 'transition').reason).toMatch(/only 2 sizes \(need 3\); means over the measured trials only, not measured: 4 of 4 trials at n = 400/);
    const a = c.observables.find((o) => o.name === 'a')!;
    expect(a.notMeasured!.map((g) => [g.x, g.trials.length, g.of, g.reasons.length])).toEqual([[400, 4, 4, 4], [800, 4, 4, 4]]);
  });

  it("compare at 'largestMeasured': the largest size at which every trial measured its sides, naming the sizes passed over", async () => {
    const at = (diverge: string[]) => {
      const v = variant({ diverge });
      const predictions = [{ kind: 'compare' as const, left: 'a', relation: '<' as const, right: 1, at: 'largestMeasured' as const }];
      return run({ ...v, def: { ...v.def, predictions } }, `nm-lm-${diverge.length}`).then((r) => r.claims[0]!.predictions[0]!);
    };
    // One trial of four diverges at n = 800: the comparison moves to n = 400, on all four trials there.
    const one = await at(['800/3']);
    expect(one.verdict).toBe('CONFIRMED');
    expect(one.details!.at).toBe('400');
    expect(one.reason).toMatch(/mean \S+ \(4 values\)/);
    expect(one.reason).toMatch(/at n = 400, the largest n at which every trial measured 'a'; passed over: 'a' in 1 of 4 trials at n = 800: training diverged at step \d+/);
    // The mean is that of the four trials at n = 400 of the run where nothing diverges.
    const a400 = measured.claims[0]!.jobs.filter((j) => j.x === 400).map((j) => j.output!.values.a!);
    expect(one.details!.leftMean).toBeCloseTo(a400.reduce((s, v) => s + v, 0) / 4, 15);
    // Two sizes lost in every trial: n = 200.
    const two = await at(['400/*', '800/*']);
    expect(two.details!.at).toBe('200');
    expect(two.reason).toMatch(/passed over: 'a' in 4 of 4 trials at n = 400: .*; 4 of 4 trials at n = 800: /);
    // No size measured in every trial: INCONCLUSIVE, with the reason.
    const none = await at(['100/0', '200/1', '400/2', '800/3']);
    expect(none.verdict).toBe('INCONCLUSIVE');
    expect(none.reason).toMatch(/no n at which every trial measured 'a'; not measured: 'a' in 1 of 4 trials at n = 100: /);
    // Nothing diverges: the same comparison as at 'largest', and no word of it.
    const all = await at([]);
    const largest = pred(measured.claims[0]!, 'compare');
    expect(all.verdict).toBe(largest.verdict);
    expect(all.details).toEqual(largest.details);
    expect(all.reason).toBe(largest.reason);
  });

  it('every trial unmeasured: no fit, and the summary says why', async () => {
    const r = await run(variant({ diverge: ['100/*', '200/*', '400/*', '800/*'] }), 'nm-all');
    const a = r.claims[0]!.observables.find((o) => o.name === 'a')!;
    expect(a.perSize).toEqual([]);
    expect(a.fit).toBeUndefined();
    expect(a.fitProblem).toMatch(/^only 0 sizes with measured values \(not measured: 4 of 4 trials at n = 100: /);
    expect(r.claims[0]!.predictions.map((p) => p.verdict)).toEqual(['INCONCLUSIVE', 'INCONCLUSIVE', 'INCONCLUSIVE', 'INCONCLUSIVE']);
  });
});

describe('results.json and the cache', () => {
  it('round trip keeps notMeasured in jobs and observables; results without it still load', async () => {
    const text = JSON.stringify(diverging);
    const back = parseResults(text);
    expect(back).toEqual(JSON.parse(text));
    const job = back.claims[0]!.jobs.find((j) => j.x === 800 && j.trial === 3)!;
    expect(job.output!.notMeasured!.a).toMatch(/^training diverged/);
    expect(back.claims[0]!.observables.find((o) => o.name === 'a')!.notMeasured).toHaveLength(1);
    // A run with every value measured writes no such field (older readers see the same file).
    const t1run = await run(t1, 'nm-t1');
    expect(JSON.stringify(t1run)).not.toContain('notMeasured');
    expect(() => parseResults(JSON.stringify(t1run))).not.toThrow();
    // An empty reason does not load.
    const bad = JSON.parse(text);
    bad.claims[0].jobs.find((j: { x: number; trial: number }) => j.x === 800 && j.trial === 3).output.notMeasured.a = '';
    expect(() => parseResults(JSON.stringify(bad))).toThrow(/notMeasured/);
  });

  it('worker processes record the same not-measured values as an in-process run', async () => {
    const pooled = await runClaims([t3], { tier: 'smoke', workers: 2, cache: new JobCache(path.join(tmp, 'nocache'), false), runId: 'nm-a' });
    const strip = (r: RunResults) => r.claims[0]!.jobs.map((j) => ({ x: j.x, trial: j.trial, status: j.status, output: j.output }));
    expect(strip(pooled)).toEqual(strip(diverging));
    expect(pooled.claims[0]!.predictions).toEqual(diverging.claims[0]!.predictions);
  });

  it('a rerun served from the cache gives the same result', async () => {
    const cache = new JobCache(path.join(tmp, 'cache'));
    const first = await run(t3, 'nm-c1', cache);
    const second = await run(t3, 'nm-c2', cache);
    expect(second.claims[0]!.timing.cachedJobs).toBe(16);
    const strip = (r: RunResults) => ({ ...r.claims[0]!, timing: undefined, jobs: r.claims[0]!.jobs.map((j) => ({ ...j, ms: undefined, cpuMs: undefined, cached: undefined })) });
    expect(strip(second)).toEqual(strip(first));
  });
});

describe('fixtures', () => {
  it('not measured in the fixture equals not measured in the run, whatever the reason says', () => {
    const c = diverging.claims[0]!;
    const fx = fixtureFromResult(c, 'smoke', 0, 'test');
    expect(fx.jobs.find((j) => j.x === 800 && j.trial === 3)!.notMeasured).toEqual({ a: expect.stringMatching(/^training diverged/) });
    expect(fx.jobs.find((j) => j.x === 800 && j.trial === 0)!.notMeasured).toBeUndefined();
    expect(compareWithFixture(c, fx).ok).toBe(true);
    const reworded = parseResults(JSON.stringify(diverging)).claims[0]!;
    reworded.jobs.find((j) => j.x === 800 && j.trial === 3)!.output!.notMeasured!.a = 'diverged (said differently)';
    expect(compareWithFixture(reworded, fx).ok).toBe(true);
    // Written and read back.
    const dir = path.join(tmp, 'fixtures');
    writeFixture(fx, dir);
    expect(readFixture('T3', 'smoke', dir)).toEqual(fx);
  });

  it('measured ↔ not measured is a mismatch, both ways', () => {
    const fxDiverging = fixtureFromResult(diverging.claims[0]!, 'smoke', 0, 'test');
    const fxMeasured = fixtureFromResult(measured.claims[0]!, 'smoke', 0, 'test');
    const nowMeasured = compareWithFixture(measured.claims[0]!, fxDiverging);
    expect(nowMeasured.ok).toBe(false);
    const d1 = nowMeasured.differences.find((d) => d.what === 'a at x=800 trial 3')!;
    expect(d1.expected).toMatch(/^not measured \(training diverged/);
    expect(Number(d1.obtained)).toBeGreaterThan(0);
    const nowNot = compareWithFixture(diverging.claims[0]!, fxMeasured);
    expect(nowNot.ok).toBe(false);
    const d2 = nowNot.differences.find((d) => d.what === 'a at x=800 trial 3')!;
    expect(d2.obtained).toMatch(/^not measured \(training diverged/);
    expect(Number(d2.expected)).toBeGreaterThan(0);
  });
});

describe('ntk-verify diff', () => {
  it('not measured on both sides is no difference; measured on one side only is reported', () => {
    expect(diffRuns(diverging, parseResults(JSON.stringify(diverging))).identical).toBe(true);
    const fx = fixtureFromResult(diverging.claims[0]!, 'smoke', diverging.environment.rootSeed, diverging.environment.engineVersion);
    expect(diffRuns(sideFromFixtures([fx]), sideFromResults(diverging)).totals.valueChanges).toBe(0);

    const d = diffRuns(measured, diverging);
    expect(d.identical).toBe(false);
    expect(d.totals.measuredChanges).toBe(1);
    const v = d.claims[0]!.values.find((x) => x.observable === 'a' && x.x === 800 && x.trial === 3)!;
    expect(v.a).toBeGreaterThan(0);
    expect(v.b).toBeUndefined();
    expect(v.notMeasuredB).toMatch(/^training diverged/);
    expect(v.notMeasuredA).toBeUndefined();
    const md = formatDiffMarkdown(d);
    expect(md).toContain('1 of them measured on one side and not measured on the other');
    expect(md).toMatch(/\| T3 \| a \| n = 800 \| 3 \| [\d.]+ \| not measured: training diverged at step \d+/);
    // The other way round (fixtures as A).
    const back = diffRuns(sideFromFixtures([fx]), sideFromResults(measured));
    expect(back.claims[0]!.values.find((x) => x.observable === 'a' && x.x === 800)!.notMeasuredA).toMatch(/^training diverged/);
  });
});

describe('report', () => {
  it('summary.md, index.html and the claim page show what was not measured, and the plot leaves it out', async () => {
    const out = path.join(tmp, 'report');
    const { warnings } = await writeReport(diverging, out);
    expect(warnings).toEqual([]);
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toMatch(/- ⚠️ not measured: 1 of 4 trials at n = 800 \(trial 3\): training diverged at step \d+ \(loss/);
    expect(md).toMatch(/\| 800 \| [^|]+ \| [^|]+ \| [^|]+ \| 3 \(1 not measured\) \|/);
    const index = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(index).toContain('Values not measured (left out of fits, verdicts and plots)');
    expect(index).toMatch(/<li>a <code>a<\/code> — not measured: 1 of 4 trials at n = 800 \(trial 3\): training diverged/);
    const page = readFileSync(path.join(out, 'T3', 'index.html'), 'utf8');
    expect(page).toMatch(/<li class="warn">⚠ not measured: 1 of 4 trials at n = 800 \(trial 3\): training diverged/);
    expect(page).toMatch(/a not measured: training diverged at step \d+/); // the jobs table
    const svg = readFileSync(path.join(out, 'T3', 'a.svg'), 'utf8');
    expect(svg).toContain('1 trial not measured, not shown (n = 800)');
    // A run without divergences shows none of it.
    const out2 = path.join(tmp, 'report2');
    await writeReport(measured, out2);
    expect(readFileSync(path.join(out2, 'summary.md'), 'utf8')).not.toMatch(/not measured[:)]/);
  });

  it('a size with no measured trial gets its own row', async () => {
    const r = await run(variant({ diverge: ['800/*'] }), 'nm-row');
    const out = path.join(tmp, 'report3');
    await writeReport(r, out);
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toContain('| 800 | not measured | — | — | 0 (4 not measured) | — |');
    // Three sizes spanning 4 are left: the slope is not judged.
    expect(pred(r.claims[0]!, 'slope≈').verdict).toBe('INCONCLUSIVE');
    expect(pred(r.claims[0]!, 'slope≈').reason).toMatch(/^too few measured points: only 3 sizes \(need 4\)/);
  });
});
