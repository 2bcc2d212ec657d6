/**
 * One job = one claim at one sweep value and one trial. Runs the claim's `run` with a
 * stream keyed by (root seed, claim, x, trial), validates what it returns, and records
 * it. Used in-process and inside pool workers (worker.mjs), with identical results.
 */
import { type ClaimDefinition, type JobOutput, type Tier, resolvedSetting } from './define';
import { rngFor, streamKey } from '../random';
import type { JobRecord } from './results';
import { constantSuffix, renameOutput } from './constants';
import { earlierAttemptsCost, jobClock, withTrainingCheckpoints } from '../train/checkpoints';

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
  /** A non-baseline value of the claim's swept constant (absent: the baseline). */
  constant?: number;
  /** Where the job's training runs save their state and resume from (src/train/checkpoints.ts); absent: none. */
  checkpointDir?: string;
}

export function seedKeyOf(rootSeed: string | number, claimId: string, x: number, trial: number): string {
  return streamKey([rootSeed, claimId, x, trial]);
}

/**
 * Checks a job's output: every declared observable is either a finite number or listed in
 * `notMeasured` with a non-empty reason. Returns the output as it is recorded: observables
 * not measured are removed from `values` (so `values` holds finite numbers only) and keep
 * their reason in `notMeasured`.
 */
export function validateOutput(def: ClaimDefinition, out: JobOutput, where: string): JobOutput {
  if (!out || typeof out !== 'object' || typeof out.values !== 'object' || out.values === null) {
    throw new Error(`${where}: run() must return { values: {...} }`);
  }
  const declared = Object.keys(def.observables);
  const notMeasured: Record<string, string> = {};
  if (out.notMeasured !== undefined) {
    if (typeof out.notMeasured !== 'object' || out.notMeasured === null) {
      throw new Error(`${where}: notMeasured must map observable names to reasons, got ${String(out.notMeasured)}`);
    }
    for (const [name, reason] of Object.entries(out.notMeasured)) {
      if (!(name in def.observables)) {
        throw new Error(`${where}: notMeasured names '${name}', not an observable of the claim (${declared.join(', ')})`);
      }
      if (typeof reason !== 'string' || reason.trim() === '') {
        throw new Error(`${where}: observable '${name}' is listed as not measured without a reason (give one, e.g. 'training diverged at step 37')`);
      }
      const v = out.values[name];
      if (typeof v === 'number' && Number.isFinite(v)) {
        throw new Error(`${where}: observable '${name}' has a value (${v}) and is listed as not measured (${reason}); give one or the other`);
      }
      notMeasured[name] = reason.trim();
    }
  }
  for (const name of declared) {
    if (name in notMeasured) continue;
    const v = out.values[name];
    if (v === undefined) {
      throw new Error(`${where}: observable '${name}' missing from run()'s values (got ${Object.keys(out.values).join(', ') || 'none'}); ` +
        `an observable that could not be measured goes in notMeasured with the reason`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${where}: observable '${name}' is ${v}, not a finite number (if it could not be measured, list it in notMeasured with the reason)`);
    }
  }
  const values = Object.keys(notMeasured).length === 0
    ? out.values
    : Object.fromEntries(Object.entries(out.values).filter(([k]) => !(k in notMeasured)));
  // Typed arrays do not survive JSON; convert spectra/series to plain arrays.
  const spectra = out.spectra ? Object.fromEntries(Object.entries(out.spectra).map(([k, a]) => [k, Array.from(a)])) : undefined;
  const { notMeasured: _given, ...rest } = out;
  return { ...rest, values, ...(Object.keys(notMeasured).length > 0 ? { notMeasured } : {}), ...(spectra ? { spectra } : {}) };
}

export async function runJob(def: ClaimDefinition, spec: JobSpec): Promise<JobRecord> {
  const k = spec.constant !== undefined ? def.constant : undefined;
  if (spec.constant !== undefined && !k) throw new Error(`claim ${spec.claimId}: a job at constant ${spec.constant}, but the claim sweeps no constant`);
  const where = `claim ${spec.claimId}, ${def.sweep.variable}=${spec.x}, trial ${spec.trial}${k ? `, ${k.symbol}=${spec.constant}` : ''}`;
  // The baseline's stream at every constant (common random numbers; src/runner/constants.ts).
  const seedKey = seedKeyOf(spec.rootSeed, spec.claimId, spec.x, spec.trial);
  const at = k ? { constant: spec.constant! } : {};
  // The job's wall and CPU time (all threads of this process); CPU time does not grow when other
  // work shares the machine, so `plan` calibrates on it when it is there. A job resumed from
  // training checkpoints starts on what its earlier attempts had spent at their last save, and
  // its saves carry the same clock forward.
  const clock = jobClock(spec.checkpointDir ? earlierAttemptsCost(spec.checkpointDir) : undefined);
  const spent = () => { const c = clock(); return { ms: c.wallMs, cpuMs: c.cpuMs }; };
  try {
    const setting = resolvedSetting(def, spec.tier);
    const runIt = () => def.run({
      claimId: spec.claimId,
      tier: spec.tier,
      x: spec.x,
      trial: spec.trial,
      setting: k ? { ...setting, [k.key]: spec.constant } : setting,
      rng: rngFor(spec.rootSeed, spec.claimId, spec.x, spec.trial),
      keepDetail: spec.keepDetail,
    });
    const out = await (spec.checkpointDir ? withTrainingCheckpoints(spec.checkpointDir, runIt, undefined, clock) : runIt());
    const valid = validateOutput(def, out, where);
    const output = k ? renameOutput(valid, constantSuffix(k.symbol, spec.constant!)) : valid;
    return { x: spec.x, trial: spec.trial, ...at, key: spec.key, seedKey, status: 'ok', cached: false, ...spent(), output };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    return {
      x: spec.x, trial: spec.trial, ...at, key: spec.key, seedKey, status: 'failed', cached: false, ...spent(),
      error: msg.includes(spec.claimId) ? msg : `${where}: ${msg}`,
    };
  }
}
