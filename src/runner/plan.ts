/**
 * What a run will cost before it runs: `ntk-verify plan`. For each claim, the jobs of a
 * tier, their estimated CPU time and peak memory, and the wall time of each shard.
 *
 * Cost model. A claim may declare `resources(x, setting)`: the relative work of one job
 * (e.g. n·h·d·steps for a training run) and the bytes of its largest arrays. Without it the
 * work is x^p, p by the sweep variable (n, d: 3; h, m: 1.5; η: 0 — the network's size is
 * then in the setting, and the claim should declare its resources). Timings recorded by
 * earlier runs (results.json files; every job stores its compute time) calibrate, per claim,
 * ms = a + c·work: a fixed cost per job and a time per unit of work (fitCalibration). The
 * estimate is only as good as the work model's shape and the recorded runs' conditions (a
 * machine busy with other work records longer times): it is printed with the tier it was
 * calibrated on.
 */
import { type ClaimDefinition, type Tier, resolvedSetting, TIERS } from './define';
import { constantValues } from './constants';
import type { RegisteredClaim } from './registry';
import type { ClaimResult, RunResults } from './results';
import { DEFAULT_ROOT_SEED, planJobs, type Shard } from './runner';
import type { JobCache } from './cache';
import { checkpointProgress } from '../train/checkpoints';

/** What one job needs: relative work (any unit, consistent within a claim) and optionally bytes. */
export interface JobResources {
  work: number;
  bytes?: number;
  /** The job trains until a loss threshold (or a cap): its time depends on when it converges. */
  converges?: boolean;
}

const DEFAULT_EXPONENT: Record<string, number> = { n: 3, d: 3, h: 1.5, m: 1.5, eta: 0 };

/** The resources of one job of a claim: its declared `resources`, else x^p. */
export function jobResources(def: ClaimDefinition, x: number, setting: Record<string, unknown>): JobResources {
  if (def.resources) {
    const r = def.resources(x, setting);
    if (!(r.work > 0) || !Number.isFinite(r.work)) throw new RangeError(`claim ${def.id}: resources(${x}) gave work ${r.work}; it must be a positive number`);
    return r;
  }
  return { work: x ** (DEFAULT_EXPONENT[def.sweep.variable] ?? 1) };
}

export interface Calibration {
  /** ms = a + c·work: a fixed cost per job (start-up, allocation, small passes) plus time per unit of work. */
  a: number;
  c: number;
  /** The tier and number of recorded jobs it was fitted on. */
  tier: Tier;
  jobs: number;
  /**
   * How many of those jobs recorded their CPU time (the rest: wall time, which other work on the
   * machine inflates — such an estimate is an upper bound).
   */
  cpuTimedJobs?: number;
}

/** One recorded job: the work it had (from the claim's model) and the time it took. */
interface TimedJob {
  work: number;
  ms: number;
  /** ms is the job's CPU time (not its wall time). */
  cpu?: boolean;
}

function settingAt(def: ClaimDefinition, setting: Record<string, unknown>, constant?: number): Record<string, unknown> {
  return constant !== undefined && def.constant ? { ...setting, [def.constant.key]: constant } : setting;
}

/**
 * Fits ms = a + c·work (a, c ≥ 0) on a claim's recorded jobs by least squares in relative
 * error (each job weighs 1/ms², so a few large jobs do not swamp the small ones that fix a).
 * The work model carries the exponent (flop-like counts from `resources`, x^p otherwise),
 * so the time is linear in it; small jobs' fixed costs go to a instead of bending the fit.
 */
export function fitCalibration(points: readonly TimedJob[], tier: Tier): Calibration | undefined {
  const ok = points.filter((p) => p.ms > 0 && p.work > 0 && Number.isFinite(p.ms));
  if (ok.length === 0) return undefined;
  // Weighted normal equations for t ≈ a + c·w with weights 1/t².
  let s00 = 0, s01 = 0, s11 = 0, r0 = 0, r1 = 0;
  for (const p of ok) {
    const q = 1 / (p.ms * p.ms);
    s00 += q; s01 += q * p.work; s11 += q * p.work * p.work; r0 += q * p.ms; r1 += q * p.ms * p.work;
  }
  const det = s00 * s11 - s01 * s01;
  let a = det > 1e-12 * s00 * s11 ? (r0 * s11 - r1 * s01) / det : 0;
  let c = det > 1e-12 * s00 * s11 ? (s00 * r1 - s01 * r0) / det : 0;
  if (!(c > 0) || a < 0) {
    // No resolvable fixed cost (one work value, or noise): time proportional to work, with the
    // ratio of the sums, which is unbiased for the total that plan reports.
    a = 0;
    c = ok.reduce((s, p) => s + p.ms, 0) / ok.reduce((s, p) => s + p.work, 0);
  }
  return { a, c, tier, jobs: ok.length, cpuTimedJobs: ok.filter((p) => p.cpu).length };
}

/** A recorded job's time: its CPU time where recorded (robust to other work on the machine), else its wall time. */
export function jobTime(j: { ms: number; cpuMs?: number }): number {
  return j.cpuMs ?? j.ms;
}

/** The estimated ms of one job under a calibration. */
export function estimateMs(k: Calibration, work: number): number {
  return k.a + k.c * work;
}

/**
 * The calibration of one claim from recorded runs: the jobs of the highest tier not above
 * `tier` that has any of this claim's jobs (a larger tier's timings are preferred: they are
 * closer in size to what is estimated).
 */
export function calibrateClaim(def: ClaimDefinition, runs: readonly RunResults[], tier: Tier): Calibration | undefined {
  const rank = (t: Tier) => TIERS.indexOf(t);
  const usable = runs.filter((r) => rank(r.tier) <= rank(tier) && r.claims.some((c) => c.id === def.id));
  if (usable.length === 0) return undefined;
  const best = Math.max(...usable.map((r) => rank(r.tier)));
  const points: TimedJob[] = [];
  for (const r of usable.filter((u) => rank(u.tier) === best)) {
    const c = r.claims.find((k) => k.id === def.id)!;
    // The setting the jobs ran with at that tier (recorded), and the claim's current model of their work.
    for (const j of c.jobs) {
      if (j.status !== 'ok') continue;
      points.push({ work: jobResources(def, j.x, settingAt(def, c.setting, j.constant)).work, ms: jobTime(j), cpu: j.cpuMs !== undefined });
    }
  }
  return fitCalibration(points, TIERS[best]!);
}

export interface ClaimPlan {
  id: string;
  /** The sweep variable (n, d, h, …) and the swept constant's symbol, if any (for progress lines). */
  variable: string;
  constantSymbol?: string;
  jobs: number;
  /** Estimated CPU time of all its jobs (ms), undefined without a calibration. */
  cpuMs?: number;
  /** The largest job's bytes, when the claim declares them. */
  peakBytes?: number;
  calibration?: Calibration;
  /** Its jobs train to convergence: the estimate carries the recorded runs' convergence, which may differ at other sizes. */
  convergenceBound?: boolean;
  /** With a cache: its jobs already there (a run serves them), those with training checkpoints, and the CPU the rest needs. */
  progress?: {
    cached: number;
    resuming: number;
    leftCpuMs?: number;
    /** Each job with checkpoints: its latest training run's saved step, of its cap. */
    resumingJobs?: { x: number; trial: number; constant?: number; run: number; step: number; maxSteps: number; savedAt: string }[];
  };
}

export interface Plan {
  tier: Tier;
  claims: ClaimPlan[];
  /** Per shard (1-based index order): estimated CPU ms of its jobs (one worker: its wall time). */
  shards: number[];
  /** Claims whose time could not be estimated (no recorded timings). */
  uncalibrated: string[];
}

/**
 * Estimates a tier's cost from the claims and earlier runs' timings; shards as `run --shard k/N` would cut them.
 * With a cache (the one `run` would use, with the same root seed and BLAS threads), also how far a
 * tier run over several sessions has come: jobs cached, jobs with training checkpoints (they resume
 * part-way; counted as left in full), and the CPU left.
 */
export function planRun(
  claims: readonly RegisteredClaim[], tier: Tier, runs: readonly RunResults[], shardCount = 1,
  progress?: { cache: JobCache; rootSeed?: string | number },
): Plan {
  const cal = new Map(claims.map((c) => [c.def.id, calibrateClaim(c.def, runs, tier)]));
  const estimate = (c: RegisteredClaim, x: number, constant?: number) => {
    const k = cal.get(c.def.id);
    const r = jobResources(c.def, x, settingAt(c.def, resolvedSetting(c.def, tier), constant));
    return { ms: k ? estimateMs(k, r.work) : undefined, bytes: r.bytes };
  };
  const out: ClaimPlan[] = claims.map((c) => {
    const xs = c.def.sweep.values[tier];
    const trials = c.def.sweep.trials[tier];
    const constants: (number | undefined)[] = [undefined, ...constantValues(c.def, tier).slice(1)];
    let cpu = 0;
    let peak: number | undefined;
    let known = true;
    const converges = jobResources(c.def, xs[0]!, resolvedSetting(c.def, tier)).converges === true;
    for (const k of constants) {
      for (const x of xs) {
        const e = estimate(c, x, k);
        if (e.ms === undefined) known = false;
        else cpu += e.ms * trials;
        if (e.bytes !== undefined) peak = Math.max(peak ?? 0, e.bytes);
      }
    }
    const calib = cal.get(c.def.id);
    return {
      id: c.def.id, variable: c.def.sweep.variable, ...(c.def.constant ? { constantSymbol: c.def.constant.symbol } : {}),
      jobs: xs.length * trials * constants.length,
      ...(known ? { cpuMs: cpu } : {}), ...(peak !== undefined ? { peakBytes: peak } : {}), ...(calib ? { calibration: calib } : {}),
      ...(converges ? { convergenceBound: true } : {}),
      ...(progress ? { progress: progressOf(c) } : {}),
    };
  });
  function progressOf(c: RegisteredClaim): NonNullable<ClaimPlan['progress']> {
    const { cache, rootSeed = DEFAULT_ROOT_SEED } = progress!;
    let cached = 0, resuming = 0, left = 0, known = true;
    const resumingJobs: NonNullable<NonNullable<ClaimPlan['progress']>['resumingJobs']> = [];
    for (const p of planJobs([c], tier, rootSeed)) {
      if (cache.get(p.spec.claimId, p.spec.key)) { cached++; continue; }
      if (cache.hasTrainingCheckpoints(p.spec.claimId, p.spec.key)) {
        resuming++;
        const last = checkpointProgress(cache.checkpointDir(p.spec.claimId, p.spec.key)!).at(-1);
        if (last) {
          resumingJobs.push({
            x: p.spec.x, trial: p.spec.trial, ...(p.spec.constant !== undefined ? { constant: p.spec.constant } : {}),
            run: last.run, step: last.step, maxSteps: last.maxSteps, savedAt: last.savedAt,
          });
        }
      }
      const e = estimate(c, p.spec.x, p.spec.constant).ms;
      if (e === undefined) known = false;
      else left += e;
    }
    return { cached, resuming, ...(known ? { leftCpuMs: left } : {}), ...(resumingJobs.length > 0 ? { resumingJobs } : {}) };
  }

  const shards: number[] = [];
  for (let s = 1; s <= shardCount; s++) {
    const shard: Shard = { index: s, count: shardCount };
    let ms = 0;
    for (const p of planJobs([...claims], tier, 0, shard)) ms += estimate(p.claim, p.spec.x, p.spec.constant).ms ?? 0;
    shards.push(ms);
  }
  return { tier, claims: out, shards, uncalibrated: out.filter((p) => p.cpuMs === undefined).map((p) => p.id) };
}

/**
 * How well the model extrapolates, on one recorded run of a claim: calibrated on a probe —
 * the jobs below the largest size (for a rate sweep or a single size: trial 0 of each) — the
 * estimate of every job's time against what the run measured. Probe and whole run share the
 * run's conditions (machine, load), so this tests the work model, not the machine.
 */
export function probeEstimate(def: ClaimDefinition, c: ClaimResult, tier: Tier): { estimatedMs: number; measuredMs: number; probe: 'smaller sizes' | 'trial 0' } {
  const xs = [...new Set(c.jobs.map((j) => j.x))].sort((a, b) => a - b);
  const bySize = def.sweep.variable !== 'eta' && xs.length >= 2;
  const largest = xs.at(-1);
  const ok = c.jobs.filter((j) => j.status === 'ok');
  const work = (j: (typeof ok)[number]) => jobResources(def, j.x, settingAt(def, c.setting, j.constant)).work;
  const probe = ok.filter((j) => (bySize ? j.x !== largest : j.trial === 0));
  const k = fitCalibration(probe.map((j) => ({ work: work(j), ms: jobTime(j) })), tier);
  if (!k) throw new RangeError(`claim ${def.id}: no recorded job to calibrate on`);
  return {
    estimatedMs: ok.reduce((s, j) => s + estimateMs(k, work(j)), 0),
    measuredMs: ok.reduce((s, j) => s + jobTime(j), 0),
    probe: bySize ? 'smaller sizes' : 'trial 0',
  };
}
