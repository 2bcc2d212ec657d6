/**
 * One job = one claim at one sweep value and one trial. Runs the claim's `run` with a
 * stream keyed by (root seed, claim, x, trial), validates what it returns, and records
 * it. Used in-process and inside pool workers (worker.mjs), with identical results.
 */
import { type ClaimDefinition, type JobOutput, type Tier, resolvedSetting } from './define';
import { rngFor, streamKey } from '../random';
import type { JobRecord } from './results';

/** Everything a worker needs to run a job (plain data: it crosses process boundaries). */
export interface JobSpec {
  claimFile: string;
  claimId: string;
  tier: Tier;
  x: number;
  trial: number;
  rootSeed: string | number;
  key: string;
  keepDetail: boolean;
}

export function seedKeyOf(rootSeed: string | number, claimId: string, x: number, trial: number): string {
  return streamKey([rootSeed, claimId, x, trial]);
}

/** Checks a job's output: every declared observable present and finite. */
export function validateOutput(def: ClaimDefinition, out: JobOutput, where: string): JobOutput {
  if (!out || typeof out !== 'object' || typeof out.values !== 'object') {
    throw new Error(`${where}: run() must return { values: {...} }`);
  }
  for (const name of Object.keys(def.observables)) {
    const v = out.values[name];
    if (v === undefined) {
      throw new Error(`${where}: observable '${name}' missing from run()'s values (got ${Object.keys(out.values).join(', ') || 'none'})`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: observable '${name}' is ${v}, not a finite number`);
  }
  // Typed arrays do not survive JSON; convert spectra/series to plain arrays.
  const spectra = out.spectra ? Object.fromEntries(Object.entries(out.spectra).map(([k, a]) => [k, Array.from(a)])) : undefined;
  return { ...out, ...(spectra ? { spectra } : {}) };
}

export async function runJob(def: ClaimDefinition, spec: JobSpec): Promise<JobRecord> {
  const where = `claim ${spec.claimId}, ${def.sweep.variable}=${spec.x}, trial ${spec.trial}`;
  const seedKey = seedKeyOf(spec.rootSeed, spec.claimId, spec.x, spec.trial);
  const t0 = performance.now();
  try {
    const out = await def.run({
      claimId: spec.claimId,
      tier: spec.tier,
      x: spec.x,
      trial: spec.trial,
      setting: resolvedSetting(def, spec.tier),
      rng: rngFor(spec.rootSeed, spec.claimId, spec.x, spec.trial),
      keepDetail: spec.keepDetail,
    });
    const output = validateOutput(def, out, where);
    return { x: spec.x, trial: spec.trial, key: spec.key, seedKey, status: 'ok', cached: false, ms: performance.now() - t0, output };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    return {
      x: spec.x, trial: spec.trial, key: spec.key, seedKey, status: 'failed', cached: false, ms: performance.now() - t0,
      error: msg.includes(spec.claimId) ? msg : `${where}: ${msg}`,
    };
  }
}
