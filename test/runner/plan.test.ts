/**
 * `ntk-verify plan` (src/runner/plan.ts): the calibration of ms = c·work^b, job counts with
 * swept constants, shards as `run --shard` cuts them, and — on this repo's committed results —
 * the estimate of every claim's standard-tier compute calibrated on the smoke tier alone,
 * within 2× of what the standard run measured.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { estimateMs, fitCalibration, jobResources, planRun, probeEstimate } from '../../src/runner/plan';
import { loadRegistry, type RegisteredClaim } from '../../src/runner/registry';
import { parseResults, type RunResults } from '../../src/runner/results';
import { DEFAULT_ROOT_SEED, planJobs, runClaims } from '../../src/runner/runner';
import { JobCache } from '../../src/runner/cache';
import { defaultTimingSources, formatPlan, planCommand } from '../../src/cli/plan';
import { CHECKPOINT_FORMAT, fileCheckpoint } from '../../src/train/checkpoints';
import { PROJECT_ROOT } from '../../src/runner/engine-version';

describe('fitCalibration', () => {
  it('recovers ms = a + c·work from exact points; without spread, time is proportional to work (ratio of sums)', () => {
    const pts = [1, 2, 4, 8, 16].map((w) => ({ work: w * 1e6, ms: 7 + 3e-4 * w * 1e6 }));
    const k = fitCalibration(pts, 'smoke')!;
    expect(k.a).toBeCloseTo(7, 8);
    expect(k.c).toBeCloseTo(3e-4, 12);
    expect(estimateMs(k, 1e8)).toBeCloseTo(7 + 3e4, 4);
    const flat = fitCalibration([{ work: 5, ms: 10 }, { work: 5, ms: 30 }], 'standard')!;
    expect(flat.a).toBe(0);
    expect(flat.c).toBeCloseTo(40 / 10, 12);
    // A negative fixed cost (noise) falls back to proportional.
    const neg = fitCalibration([{ work: 1, ms: 1 }, { work: 10, ms: 30 }], 'smoke')!;
    expect(neg.a).toBe(0);
    expect(neg.c).toBeCloseTo(31 / 11, 12);
    expect(fitCalibration([], 'smoke')).toBeUndefined();
  });
});

describe('planRun on the toy claims', () => {
  let toys: RegisteredClaim[];
  beforeAll(async () => {
    toys = [
      ...(await loadRegistry([path.join(__dirname, 'toy-claims')])).filter((c) => c.def.id === 'T1'),
      ...(await loadRegistry([path.join(__dirname, 'toy-constant')])),
    ];
  });

  it('counts jobs with their constants; estimates from a recorded run; shards add up to the whole', () => {
    // A fake recorded smoke run: T1 jobs took 1 ms per (n/100)³, T4 none recorded.
    const rec: RunResults = {
      schema: 'ntk-verify.results/1', runId: 'r', tier: 'smoke', startedAt: '', finishedAt: '', wallMs: 0,
      environment: { engineVersion: 'x', packageVersion: 'x', backend: 'x', blas: 'x', blasThreads: 1, workers: 1, node: 'x', platform: 'x', cpus: 2, rootSeed: 1 },
      claims: [{
        id: 'T1', paper: 'T', source: '', title: '', statement: '', expectation: '', setting: {}, sweep: { variable: 'n', values: [], trials: 1 },
        observables: [], predictions: [], verdict: 'CONFIRMED', matchesExpected: true, timing: { wallMs: 0, computeMs: 0, jobs: 0, cachedJobs: 0, failedJobs: 0 },
        jobs: [100, 200, 400].map((x) => ({ x, trial: 0, key: String(x), seedKey: '', status: 'ok' as const, cached: false, ms: (x / 100) ** 3 })),
      }],
    };
    const p = planRun(toys, 'standard', [rec], 3);
    const t1 = p.claims.find((c) => c.id === 'T1')!;
    expect(t1.jobs).toBe(5 * 4);
    // Default work x³ and a perfect power law: no fixed cost, the estimate is Σ (n/100)³ × 4 trials.
    expect(t1.calibration!.a).toBeCloseTo(0, 9);
    expect(t1.cpuMs!).toBeCloseTo(4 * (1 + 8 + 64 + 512 + 4096), 6);
    const t4 = p.claims.find((c) => c.id === 'T4')!;
    expect(t4.jobs).toBe(2 * 5 * 5);
    expect(t4.cpuMs).toBeUndefined();
    expect(p.uncalibrated).toEqual(['T4']);
    expect(p.shards.length).toBe(3);
    expect(p.shards.reduce((a, b) => a + b, 0)).toBeCloseTo(t1.cpuMs!, 6);
    // The shards are the ones `run --shard k/3` runs.
    expect(planJobs(toys, 'standard', 0, { index: 1, count: 3 }).length + planJobs(toys, 'standard', 0, { index: 2, count: 3 }).length
      + planJobs(toys, 'standard', 0, { index: 3, count: 3 }).length).toBe(20 + 50);
    // Those jobs recorded wall times only: the estimate says so (an upper bound under load).
    expect(t1.calibration!.cpuTimedJobs).toBe(0);
    expect(formatPlan(p)).toMatch(/T1 .*smoke, 3 jobs \(wall times\)/);
    expect(formatPlan(p)).toMatch(/"wall times": .* upper bounds/);
    // With CPU times recorded (one job without), the CPU times calibrate and one wall time is named.
    const cpu = structuredClone(rec);
    cpu.claims[0]!.jobs.forEach((j, i) => { if (i > 0) j.cpuMs = j.ms / 2; });
    const q = planRun(toys, 'standard', [cpu], 1).claims.find((c) => c.id === 'T1')!;
    expect(q.calibration!.cpuTimedJobs).toBe(2);
    expect(formatPlan({ ...p, claims: [q] })).toMatch(/smoke, 3 jobs \(1 wall time\)/);
    cpu.claims[0]!.jobs[0]!.cpuMs = cpu.claims[0]!.jobs[0]!.ms / 2;
    const all = planRun(toys, 'standard', [cpu], 1).claims.find((c) => c.id === 'T1')!;
    expect(all.cpuMs!).toBeCloseTo(t1.cpuMs! / 2, 6);
    expect(formatPlan({ ...p, claims: [all] })).not.toMatch(/wall times/);
  });
});

describe('plan with a cache: how far a tier run has come', () => {
  it('counts the cached jobs of the run `run` would make, those with training checkpoints, and the CPU left', async () => {
    const t1 = (await loadRegistry([path.join(__dirname, 'toy-claims')])).filter((c) => c.def.id === 'T1');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-plan-progress-'));
    try {
      const cache = new JobCache(path.join(tmp, 'cache'));
      const rec = await runClaims(t1, { tier: 'smoke', cache, shard: { index: 1, count: 3 } });
      const before = planRun(t1, 'smoke', [rec], 1, { cache });
      const done = planJobs(t1, 'smoke', DEFAULT_ROOT_SEED, { index: 1, count: 3 }).length;
      expect(before.claims[0]!.progress).toMatchObject({ cached: done, resuming: 0 });
      const total = before.claims[0]!.cpuMs!;
      const left = before.claims[0]!.progress!.leftCpuMs!;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(total);
      // A job with a training checkpoint left behind is counted as resuming (and still left).
      const pending = planJobs(t1, 'smoke', DEFAULT_ROOT_SEED, { index: 2, count: 3 })[0]!;
      const dir = cache.checkpointDir('T1', pending.spec.key)!;
      fileCheckpoint(path.join(dir, 'train-0.ckpt'), 0).save({
        format: CHECKPOINT_FORMAT, fingerprint: 'f', done: false, step: 850, maxSteps: 2073, context: 'toy', epoch: 850, loss: 1, initialLoss: 1,
        history: [], params: [], optimizer: [], observers: [],
      });
      const resuming = planRun(t1, 'smoke', [rec], 1, { cache });
      expect(resuming.claims[0]!.progress).toMatchObject({
        cached: done, resuming: 1, leftCpuMs: left,
        resumingJobs: [{ x: pending.spec.x, trial: pending.spec.trial, run: 0, step: 850, maxSteps: 2073 }],
      });
      expect(formatPlan(resuming)).toMatch(new RegExp(`T1 n=${pending.spec.x} trial ${pending.spec.trial}: training run 1 saved at step 850 of 2073 \\(`));
      // Another root seed is another run: nothing of it is cached.
      const other = planRun(t1, 'smoke', [rec], 1, { cache, rootSeed: 7 }).claims[0]!.progress!;
      expect(other).toMatchObject({ cached: 0, resuming: 0 });
      expect(other.leftCpuMs!).toBeCloseTo(total, 6);
      // The CLI shows the columns and the line.
      expect(formatPlan(before)).toMatch(new RegExp(`in the cache: ${done} jobs done; .* of CPU left`));
      expect(formatPlan(before)).toMatch(/cached +CPU left \(est\.\)/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('plan --trials: what another trial count would cost', () => {
  it('replaces each claim\'s trials at the tier, keeps the cached jobs it shares, and refuses a count below 1', async () => {
    const claims = path.join(__dirname, 'toy-claims');
    const t1 = (await loadRegistry([claims])).filter((c) => c.def.id === 'T1');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-plan-trials-'));
    const before = process.env.NTKV_CACHE_DIR;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      process.env.NTKV_CACHE_DIR = path.join(tmp, 'cache');
      const rec = await runClaims(t1, { tier: 'smoke', cache: new JobCache(process.env.NTKV_CACHE_DIR) });
      const f = path.join(tmp, 'results.json');
      writeFileSync(f, JSON.stringify(rec));
      const own = planRun(t1, 'smoke', [rec]).claims[0]!;
      expect(own.jobs).toBe(4 * 3);
      await planCommand(['T1'], { tier: 'smoke', claims, from: f, trials: 7, json: true });
      const p = JSON.parse(String(log.mock.calls.at(-1)![0])) as { trialsWhatIf: number; claims: { jobs: number; cpuMs: number; progress: { cached: number } }[] };
      expect(p.trialsWhatIf).toBe(7);
      expect(p.claims[0]!.jobs).toBe(4 * 7);
      expect(p.claims[0]!.cpuMs).toBeCloseTo((own.cpuMs! * 7) / 3, 6);
      // The three trials run are the first three of the seven: cached under the same keys.
      expect(p.claims[0]!.progress.cached).toBe(4 * 3);
      await planCommand(['T1'], { tier: 'smoke', claims, from: f, trials: '7' });
      expect(String(log.mock.calls.at(-1)![0])).toMatch(/^what if: 7 trials per size at tier smoke/);
      await expect(planCommand(['T1'], { tier: 'smoke', claims, trials: 0 })).rejects.toThrow(/--trials must be a positive integer, got '0'/);
    } finally {
      log.mockRestore();
      if (before === undefined) delete process.env.NTKV_CACHE_DIR;
      else process.env.NTKV_CACHE_DIR = before;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('timing sources', () => {
  it('are every tier folder\'s results.json and the shards of a tier still being gathered', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-plan-sources-'));
    try {
      const put = (rel: string) => { mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true }); writeFileSync(path.join(tmp, rel), '{}'); };
      for (const f of ['results/standard/results.json', 'results/paper/results.json', 'results/paper/shards/W13/shard-1-of-3.json',
        'results/paper/shards/W13/shard-2-of-3.json', 'results/paper/shards/W13/notes.txt', 'results/paper/H1/plot.svg', 'reports/run-1/results.json']) put(f);
      expect(defaultTimingSources([path.join(tmp, 'results'), path.join(tmp, 'reports'), path.join(tmp, 'absent')]).map((f) => path.relative(tmp, f))).toEqual([
        'results/paper/results.json', 'results/paper/shards/W13/shard-1-of-3.json', 'results/paper/shards/W13/shard-2-of-3.json',
        'results/standard/results.json', 'reports/run-1/results.json',
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('the estimate against this repo\'s measured standard tier', () => {
  const standardFile = path.join(PROJECT_ROOT, 'results', 'standard', 'results.json');

  it('calibrated on a probe (the smaller sizes, or trial 0), every claim that trains for a fixed time is within 2× of the measured tier', async () => {
    // The file is committed (results/README.md says how it was made); its absence is a failure, not a skip.
    expect(existsSync(standardFile), `${standardFile} is missing`).toBe(true);
    const standard = parseResults(readFileSync(standardFile, 'utf8'), standardFile);
    const reg = await loadRegistry();
    expect(standard.claims.map((c) => c.id).sort()).toEqual(reg.map((c) => c.def.id).sort());
    const rows = standard.claims.map((c) => {
      const def = reg.find((r) => r.def.id === c.id)!.def;
      const e = probeEstimate(def, c, 'standard');
      return { id: c.id, ratio: e.estimatedMs / e.measuredMs, converges: jobResources(def, c.sweep.values[0]!, c.setting).converges === true };
    });
    const fixed = rows.filter((r) => !r.converges);
    const off = fixed.filter((r) => !(r.ratio >= 0.5 && r.ratio <= 2));
    expect(off, `estimate / measured outside [0.5, 2]: ${off.map((r) => `${r.id} ${r.ratio.toFixed(2)}`).join(', ')}`).toEqual([]);
    // The claims whose jobs train to a loss threshold are the ones plan marks "rough" (W6, W7, W7b, W9–W13).
    const rough = ['W10', 'W11', 'W12', 'W13', 'W6', 'W7', 'W7b', 'W9'];
    expect(rows.filter((r) => r.converges).map((r) => r.id).sort()).toEqual(rough);
    // Every other claim is checked (W15 trains for a fixed number of epochs, H14 for a fixed number of steps).
    expect(fixed.length).toBe(reg.length - rough.length);
  });
});
