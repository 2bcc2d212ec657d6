import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { loadRegistry, selectClaims } from '../../src/runner/registry';
import { parseShard, runClaims } from '../../src/runner/runner';
import { parseResults, runResultsSchema, type RunResults } from '../../src/runner/results';
import { mergeRuns } from '../../src/cli/run';
import { compareWithFixture, fixtureFromResult } from '../../src/runner/fixtures';

const root = path.resolve(__dirname, '../..');
const toyDir = path.join(__dirname, 'toy-claims');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Results without the fields that legitimately differ between runs (times, ids, cache flags). */
function stable(r: RunResults) {
  return r.claims.map((c) => ({
    ...c,
    timing: undefined,
    jobs: c.jobs.map((j) => ({ ...j, ms: undefined, cpuMs: undefined, cached: undefined })),
  }));
}

describe('runner', async () => {
  const reg = await loadRegistry([toyDir]);

  it('expands jobs, fits the toy power laws and gives the expected verdicts', async () => {
    const r = await runClaims(selectClaims(reg, ['T1']), { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c0'), false) });
    expect(() => runResultsSchema.parse(JSON.parse(JSON.stringify(r)))).not.toThrow();
    const c = r.claims[0]!;
    expect(c.jobs).toHaveLength(12);
    const a = c.observables.find((o) => o.name === 'a')!;
    // 5% noise over a factor 8 in n: the slope is within a few hundredths of −1/2.
    expect(Math.abs(a.fit!.slope + 0.5)).toBeLessThan(0.05);
    expect(c.predictions.map((p) => p.verdict)).toEqual(['CONFIRMED', 'CONFIRMED', 'REFUTED']);
    expect(c.matchesExpected).toBe(true);
    // The unpredicted observable still gets a fit (the report lists it).
    expect(c.observables.find((o) => o.name === 'c')!.fit!.slope).toBeCloseTo(0.25, 1);
  });

  it('records a failing job, finishes the others, and names claim, size and trial in the error', async () => {
    const r = await runClaims(selectClaims(reg, ['T2']), { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c1'), false) });
    const c = r.claims[0]!;
    const failed = c.jobs.filter((j) => j.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/claim T2, n=400, trial 1: deliberate failure/);
    expect(c.jobs.filter((j) => j.status === 'ok')).toHaveLength(11);
    expect(c.timing.failedJobs).toBe(1);
    expect(c.matchesExpected).toBe(false);
  });

  it('cache: a rerun is served from cache with identical results; --no-cache recomputes', async () => {
    const cache = new JobCache(path.join(tmp, 'c2'));
    const first = await runClaims(selectClaims(reg, ['T1']), { tier: 'smoke', cache });
    expect(first.claims[0]!.timing.cachedJobs).toBe(0);
    const second = await runClaims(selectClaims(reg, ['T1']), { tier: 'smoke', cache });
    expect(second.claims[0]!.timing.cachedJobs).toBe(12);
    expect(stable(second)).toEqual(stable(first));
    // A different root seed is a different job: a miss.
    const other = await runClaims(selectClaims(reg, ['T1']), { tier: 'smoke', cache, rootSeed: 7 });
    expect(other.claims[0]!.timing.cachedJobs).toBe(0);
    const off = await runClaims(selectClaims(reg, ['T1']), { tier: 'smoke', cache: new JobCache(cache.dir, false) });
    expect(off.claims[0]!.timing.cachedJobs).toBe(0);
  });

  it('shards partition the jobs and merge equals a whole run bit for bit', async () => {
    const sel = selectClaims(reg, ['T1', 'T2']);
    const whole = await runClaims(sel, { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c3'), false) });
    const parts = [];
    for (let k = 1; k <= 3; k++) {
      parts.push(await runClaims(sel, { tier: 'smoke', shard: { index: k, count: 3 }, cache: new JobCache(path.join(tmp, 'c3'), false) }));
    }
    const counts = parts.map((p) => p.claims.reduce((s, c) => s + c.jobs.length, 0));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(24);
    // Serialise and parse as a user's shard files would be.
    const reparsed = parts.map((p) => parseResults(JSON.stringify(p)));
    const merged = await mergeRuns(reparsed, reg);
    expect(stable(merged)).toEqual(stable(parseResults(JSON.stringify(whole))));
    expect(() => parseShard('0/3')).toThrow(/1 ≤ k ≤ N/);
    expect(() => parseShard('two')).toThrow(/k\/N/);
  });

  it('two worker processes give the same numbers as one (determinism across worker counts)', async () => {
    const sel = selectClaims(reg, ['T1']);
    const one = await runClaims(sel, { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c4'), false), workers: 1 });
    const two = await runClaims(sel, { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c4'), false), workers: 2 });
    expect(stable(two)).toEqual(stable(one));
  });

  it('fixture comparison: identical runs match; an injected change is reported with both values', async () => {
    const r = await runClaims(selectClaims(reg, ['T1']), { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c5'), false) });
    const c = r.claims[0]!;
    const fx = fixtureFromResult(c, 'smoke', 1, 'x');
    expect(compareWithFixture(c, fx).ok).toBe(true);
    const changed = JSON.parse(JSON.stringify(fx));
    changed.jobs[0].values.a *= 1 + 1e-4;
    changed.predictions[0].verdict = 'REFUTED';
    const cmp = compareWithFixture(c, changed);
    expect(cmp.ok).toBe(false);
    expect(cmp.differences.map((d) => d.what).join('\n')).toMatch(/prediction 1/);
    expect(cmp.differences.some((d) => /^a at x=100 trial 0$/.test(d.what) && (d.relDiff ?? 0) > 9e-5)).toBe(true);
  });
});

describe('CLI', () => {
  const bin = path.join(root, 'bin/ntk-verify.mjs');
  const env = { ...process.env, NTKV_CLAIMS_DIR: toyDir, NTKV_CACHE_DIR: path.join(tmp, 'cli-cache'), NTKV_REPORTS_DIR: path.join(tmp, 'reports') };
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 120_000 });

  it('exit code 2 and the valid choices for an unknown claim, tier, command or option value', () => {
    const a = cli('run', 'W99', '--tier', 'smoke');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/unknown claim 'W99'. Valid ids: T1, T2/);
    const b = cli('run', 'T1', '--tier', 'huge');
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/unknown tier 'huge' \(choose smoke, standard, paper\)/);
    const c = cli('frobnicate');
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/unknown command 'frobnicate'/);
    const d = cli('run', 'T1', '--tier', 'smoke', '--shard', '5/2');
    expect(d.status).toBe(2);
  });

  it('exit code 0 when every prediction has its expected verdict, 1 otherwise; writes the report', () => {
    const ok = cli('run', 'T1', '--tier', 'smoke', '--out', path.join(tmp, 'rep-ok'));
    expect(ok.status, ok.stderr).toBe(0);
    for (const f of ['results.json', 'summary.md', 'index.html']) expect(existsSync(path.join(tmp, 'rep-ok', f))).toBe(true);
    expect(readFileSync(path.join(tmp, 'rep-ok', 'summary.md'), 'utf8')).toMatch(/T1/);
    const bad = cli('run', 'T2', '--tier', 'smoke', '--out', path.join(tmp, 'rep-bad'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/job failed: claim T2, n=400, trial 1/);
    const list = cli('list');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/T1 .*synthetic/);
    const rebuilt = cli('report', path.join(tmp, 'rep-ok'));
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
  });

  it('a run killed mid-way resumes from the jobs it finished', async () => {
    const cacheDir = path.join(tmp, 'kill-cache');
    const envSlow = { ...env, NTKV_CACHE_DIR: cacheDir, NTKV_TOY_SLEEP_MS: '150', NTKV_TOY_NO_FAIL: '1' };
    const child = spawn(process.execPath, [bin, 'run', 'T2', '--tier', 'smoke', '--out', path.join(tmp, 'rep-kill')], { env: envSlow, stdio: 'ignore' });
    // Kill once a few jobs are in the cache (atomic writes: only complete entries exist).
    const t0 = Date.now();
    const count = () => (existsSync(path.join(cacheDir, 'T2')) ? readdirSync(path.join(cacheDir, 'T2')).filter((f) => f.endsWith('.json')).length : 0);
    while (count() < 3 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const done = count();
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(12);
    const resumed = spawnSync(process.execPath, [bin, 'run', 'T2', '--tier', 'smoke', '--json', '--out', path.join(tmp, 'rep-kill')], { env: envSlow, encoding: 'utf8', timeout: 120_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    const r = parseResults(resumed.stdout);
    expect(r.claims[0]!.timing.cachedJobs).toBe(done);
    expect(r.claims[0]!.jobs.every((j) => j.status === 'ok')).toBe(true);
  });
});

describe('compare predictions', () => {
  it('paired: the comparison uses per-trial differences (paired t) instead of Welch when asked', async () => {
    const { defineClaim } = await import('../../src/runner/define');
    // left = base + 0.01, right = base, with a large trial-to-trial spread in base: the two
    // groups overlap, while every paired difference is exactly +0.01. The relation holds at
    // the means either way, but only the paired CI lies wholly above 0: Welch's straddles it
    // (INCONCLUSIVE), the paired t interval is [0.01, 0.01] (CONFIRMED).
    const make = (paired: boolean) => ({
      def: defineClaim({
        id: paired ? 'P1' : 'P0', paper: 'T', source: 'synthetic', title: 'paired', statement: 's', expectation: 'e',
        setting: {}, sweep: { variable: 'n', values: { smoke: [10], standard: [10], paper: [10] }, trials: { smoke: 6, standard: 6, paper: 6 } },
        observables: { a: { label: 'a', fit: false }, b: { label: 'b', fit: false } },
        predictions: [{ kind: 'compare', left: 'a', relation: '>', right: 'b', paired }],
        run: ({ rng }) => { const base = 5 * rng.normal(); return { values: { a: base + 0.01, b: base } }; },
      }),
      file: path.join(toyDir, 'T1-toy-power-law.ts'),
      sourceHash: paired ? 'p1' : 'p0',
    });
    const r = await runClaims([make(false), make(true)], { tier: 'smoke', cache: new JobCache(path.join(tmp, 'c6'), false) });
    expect(r.claims[0]!.predictions[0]!.verdict).toBe('INCONCLUSIVE');
    expect(r.claims[0]!.predictions[0]!.reason).toMatch(/holds at the means .* \(Welch t\) reaches the failing side of 0$/);
    expect(r.claims[1]!.predictions[0]!.verdict).toBe('CONFIRMED');
    expect(r.claims[1]!.predictions[0]!.reason).toMatch(/paired/);
  });
});
