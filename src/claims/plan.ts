/**
 * What a run will cost before it runs: `ntk-verify plan`. For each claim, the jobs of a
 * tier, their estimated CPU time and peak memory, and the wall time of each shard.
 *
 * Cost model. A claim may declare `resources(x, setting)`: the relative work of one job
 * (e.g. n·h·d·steps for a training run) and the bytes of its largest arrays. Without it the
 * work is x^p, p by the sweep variable (n, d: 3; h, m: 1.5; η: 0 — the network's size is
 * then in the setting, and the claim should declare its resources). Timings recorded by
 * earlier runs (results.json files; every job stores its compute time) calibrate, per claim,
 * ms = c·work^b: b is fitted by least squares on log–log when the recorded jobs span a factor
 * ≥ 2 in work (clamped to [0.5, 1.5], so a few noisy small jobs cannot send the extrapolation
 * off), else b = 1. The estimate is therefore only as good as the declared work's shape and
 * the calibration's range: it is printed with the tier it was calibrated on.
 */
import { type ClaimDefinition, type Tier, resolvedSetting, TIERS } from './define';
import { constantValues } from './constants';
import type { RegisteredClaim } from './registry';
import type { RunResults } from './results';
import { planJobs, type Shard } from './runner';

/** What one job needs: relative work (any unit, consistent within a claim) and optionally bytes. */
export interface JobResources {
  work: number;
  bytes?: number;
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
  /** ms = c·work^b. */
  c: number;
  b: number;
  /** The tier and number of recorded jobs it was fitted on. */
  tier: Tier;
  jobs: number;
}

/** One recorded job: the work it had (from the claim's model) and the time it took. */
interface TimedJob {
  work: number;
  ms: number;
}

function settingAt(def: ClaimDefinition, setting: Record<string, unknown>, constant?: number): Record<string, unknown> {
  return constant !== undefined && def.constant ? { ...setting, [def.constant.key]: constant } : setting;
}

/**
 * Fits ms = c·work^b on a claim's recorded jobs (those that ran, not served from a cache
 * that recorded another machine's time: every job keeps the time it originally took).
 */
export function fitCalibration(points: readonly TimedJob[], tier: Tier): Calibration | undefined {
  const ok = points.filter((p) => p.ms > 0 && p.work > 0 && Number.isFinite(p.ms));
  if (ok.length === 0) return undefined;
  const lw = ok.map((p) => Math.log(p.work));
  const lm = ok.map((p) => Math.log(p.ms));
  const span = Math.max(...lw) - Math.min(...lw);
  let b = 1;
  if (span >= Math.log(2)) {
    const mw = lw.reduce((s, v) => s + v, 0) / lw.length;
    const mm = lm.reduce((s, v) => s + v, 0) / lm.length;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < lw.length; i++) {
      sxy += (lw[i]! - mw) * (lm[i]! - mm);
      sxx += (lw[i]! - mw) ** 2;
    }
    b = Math.min(1.5, Math.max(0.5, sxy / sxx));
  }
  // c from the mean of log(ms) − b·log(work): the fit's intercept at the clamped slope.
  const logC = lm.reduce((s, v, i) => s + v - b * lw[i]!, 0) / lm.length;
  return { c: Math.exp(logC), b, tier, jobs: ok.length };
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
      points.push({ work: jobResources(def, j.x, settingAt(def, c.setting, j.constant)).work, ms: j.ms });
    }
  }
  return fitCalibration(points, TIERS[best]!);
}

export interface ClaimPlan {
  id: string;
  jobs: number;
  /** Estimated CPU time of all its jobs (ms), undefined without a calibration. */
  cpuMs?: number;
  /** The largest job's bytes, when the claim declares them. */
  peakBytes?: number;
  calibration?: Calibration;
}

export interface Plan {
  tier: Tier;
  claims: ClaimPlan[];
  /** Per shard (1-based index order): estimated CPU ms of its jobs (one worker: its wall time). */
  shards: number[];
  /** Claims whose time could not be estimated (no recorded timings). */
  uncalibrated: string[];
}

/** Estimates a tier's cost from the claims and earlier runs' timings; shards as `run --shard k/N` would cut them. */
export function planRun(claims: readonly RegisteredClaim[], tier: Tier, runs: readonly RunResults[], shardCount = 1): Plan {
  const cal = new Map(claims.map((c) => [c.def.id, calibrateClaim(c.def, runs, tier)]));
  const estimate = (c: RegisteredClaim, x: number, constant?: number) => {
    const k = cal.get(c.def.id);
    const r = jobResources(c.def, x, settingAt(c.def, resolvedSetting(c.def, tier), constant));
    return { ms: k ? k.c * r.work ** k.b : undefined, bytes: r.bytes };
  };
  const out: ClaimPlan[] = claims.map((c) => {
    const xs = c.def.sweep.values[tier];
    const trials = c.def.sweep.trials[tier];
    const constants: (number | undefined)[] = [undefined, ...constantValues(c.def, tier).slice(1)];
    let cpu = 0;
    let peak: number | undefined;
    let known = true;
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
      id: c.def.id, jobs: xs.length * trials * constants.length,
      ...(known ? { cpuMs: cpu } : {}), ...(peak !== undefined ? { peakBytes: peak } : {}), ...(calib ? { calibration: calib } : {}),
    };
  });
  const shards: number[] = [];
  for (let s = 1; s <= shardCount; s++) {
    const shard: Shard = { index: s, count: shardCount };
    let ms = 0;
    for (const p of planJobs([...claims], tier, 0, shard)) ms += estimate(p.claim, p.spec.x, p.spec.constant).ms ?? 0;
    shards.push(ms);
  }
  return { tier, claims: out, shards, uncalibrated: out.filter((p) => p.cpuMs === undefined).map((p) => p.id) };
}
