/**
 * Resumable training. A paper-tier job can train for hours (H8 at d = 512 and c_n = 4: about
 * 2000 GD steps of a 9742 × 512 network on 9742 points), longer than a machine is held. train()
 * saves its loop's whole state now and then, and a rerun of the same job picks it up where the
 * last save left it, bit-identical to a run never stopped.
 *
 * The state is everything the next step reads: every parameter array, the optimizer's moments,
 * step and epoch (Adam's bias corrections, the rate schedule and the epoch's shuffle, which is
 * keyed by the epoch), the current loss, the initial loss and the history, the divergence
 * snapshot, and what each observer gathered (Observer.state). A run whose observers cannot
 * save what they gathered is never checkpointed: it reruns from step 0, as before.
 *
 * A job calls train() in the same order on every rerun, so its runs are told apart by their
 * ordinal; a fingerprint of each run's data, starting weights and settings guards the match (a
 * save that does not match is ignored). A run that finished in a job that did not (a later run
 * was cut off) is saved as done and comes back from the file without training.
 *
 * Files: <dir>/train-<ordinal>.ckpt, node:v8's structured-clone serialization (typed arrays kept
 * whole), written to a temp file and renamed, so a kill leaves the previous save intact. The
 * runner gives each uncached job the folder <cache>/<claim>/<key>.train/ and removes it once the
 * job's result is cached. Runs shorter than the save interval never touch the disk.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ObserverState, StopReason } from './config';

export const CHECKPOINT_FORMAT = 'ntk-verify.train/1';

/** The loop's state at the end of a step (or at the end of the run, when done). */
export interface SavedTraining {
  format: typeof CHECKPOINT_FORMAT;
  /** Of the run's data, starting weights and settings (trainingFingerprint). */
  fingerprint: string;
  /** The run had ended: stoppedBy or blowUp says how; the rest is its final state. */
  done: boolean;
  step: number;
  /** The run's step cap and context (for progress reports: `plan`). */
  maxSteps: number;
  context: string;
  epoch: number;
  loss: number;
  initialLoss: number;
  history: { step: number; loss: number }[];
  stoppedBy?: StopReason;
  blowUp?: { step: number; loss: number };
  /** Every parameter array of the network, in NetCopier.arrays order. */
  params: Float64Array[];
  /** The optimizer state of each trained block. */
  optimizer: { m?: Float64Array; v?: Float64Array; velocity?: Float64Array }[];
  snapshot?: { params: Float64Array[]; step: number; epoch: number; loss: number };
  /** Observer.state.save() of each of the caller's observers, in order. */
  observers: unknown[];
}

export interface TrainCheckpoint {
  /** The last save, if there is a readable one. */
  load(): SavedTraining | undefined;
  save(state: SavedTraining): void;
  /** Wall time between saves of a running loop (0: every step). */
  readonly everyMs: number;
  /** Told when a run picks up its save (a file checkpoint says so on stderr: a log shows what resumed). */
  resumed?(state: SavedTraining, context: string): void;
}

/** NTKV_CHECKPOINT_MINUTES (default 10): minutes of training between saves. */
export function checkpointIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.NTKV_CHECKPOINT_MINUTES;
  if (raw === undefined || raw === '') return 10 * 60_000;
  const m = Number(raw);
  if (!Number.isFinite(m) || m < 0) throw new RangeError(`NTKV_CHECKPOINT_MINUTES must be a number of minutes ≥ 0, got '${raw}'`);
  return m * 60_000;
}

/** A checkpoint kept in one file (atomic writes; an unreadable file is reported and ignored). */
export function fileCheckpoint(file: string, everyMs = checkpointIntervalMs(), warn: (line: string) => void = (l) => console.error(l)): TrainCheckpoint {
  return {
    everyMs,
    load() {
      if (!existsSync(file)) return undefined;
      try {
        const s = deserialize(readFileSync(file)) as SavedTraining;
        if (s?.format !== CHECKPOINT_FORMAT) throw new Error(`format ${JSON.stringify(s?.format)}, expected '${CHECKPOINT_FORMAT}'`);
        return s;
      } catch (e) {
        warn(`warning: training checkpoint ${file} is unreadable (${(e as Error).message}); training from the start`);
        return undefined;
      }
    },
    resumed(state, context) {
      const what = state.done ? `its finished run (${state.step} steps)` : `step ${state.step}`;
      warn(`training${context ? ` [${context}]` : ''} resumes from ${what}: ${file}`);
    },
    save(state) {
      writeFileAtomic(file, serialize(state));
      // A few bytes beside it say how far the run is, without reading the state (`plan`).
      const p: CheckpointProgress = { step: state.step, maxSteps: state.maxSteps, done: state.done, context: state.context, savedAt: new Date().toISOString() };
      writeFileAtomic(`${file}.json`, JSON.stringify(p));
    },
  };
}

/** What the sidecar of a checkpoint file says. */
export interface CheckpointProgress {
  step: number;
  maxSteps: number;
  done: boolean;
  context: string;
  savedAt: string;
}

/** The progress of each run of a job's checkpoint folder, in run order (unreadable sidecars are left out). */
export function checkpointProgress(dir: string): (CheckpointProgress & { run: number })[] {
  if (!existsSync(dir)) return [];
  const out: (CheckpointProgress & { run: number })[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^train-(\d+)\.ckpt\.json$/.exec(f);
    if (!m) continue;
    try {
      out.push({ run: Number(m[1]), ...(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CheckpointProgress) });
    } catch {
      // A sidecar being replaced or damaged: its run is still resumable from the state file.
    }
  }
  return out.sort((a, b) => a.run - b.run);
}

/** CPU and wall time (ms) a job's earlier attempts had spent at their last save. */
export interface AttemptCost {
  cpuMs: number;
  wallMs: number;
}

/** Beside the saves: what the job's attempts had cost at the last save (a resumed job adds it to its own time). */
const COST_FILE = 'cost.json';

/**
 * What the earlier attempts of the job whose folder this is had spent at their last save
 * (zeros when none saved, or the file is unreadable). A job resumed after a kill then records
 * its whole cost, not only its last attempt's: the work after the last save, lost with the
 * kill, is not counted, and the work the rerun repeats before resuming is, once.
 */
export function earlierAttemptsCost(dir: string): AttemptCost {
  try {
    const c = JSON.parse(readFileSync(path.join(dir, COST_FILE), 'utf8')) as Partial<AttemptCost>;
    if (Number.isFinite(c.cpuMs) && Number.isFinite(c.wallMs)) return { cpuMs: c.cpuMs!, wallMs: c.wallMs! };
  } catch {
    // No save yet, or a file being replaced: count nothing.
  }
  return { cpuMs: 0, wallMs: 0 };
}

/**
 * A job's cost so far: what its earlier attempts had spent (`before`) plus this attempt's CPU
 * (all threads of this process) and wall time since the clock was made.
 */
export function jobClock(before: AttemptCost = { cpuMs: 0, wallMs: 0 }): () => AttemptCost {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return () => {
    const u = process.cpuUsage(cpu0);
    return { cpuMs: before.cpuMs + (u.user + u.system) / 1000, wallMs: before.wallMs + performance.now() - wall0 };
  };
}

interface Scope {
  dir: string;
  next: number;
  everyMs: number;
  /** The job's cost so far, written beside each save. */
  cost: () => AttemptCost;
}

const scope = new AsyncLocalStorage<Scope>();

/**
 * Runs fn with the job's checkpoint folder: each train() call inside it (synchronous or
 * awaited) takes the next file, train-0.ckpt, train-1.ckpt, … `cost` is the job's clock (the
 * runner's, started on the earlier attempts' cost; by default one started here on it).
 */
export function withTrainingCheckpoints<T>(
  dir: string, fn: () => T, everyMs = checkpointIntervalMs(), cost: () => AttemptCost = jobClock(earlierAttemptsCost(dir)),
): T {
  return scope.run({ dir, next: 0, everyMs, cost }, fn);
}

/** The next run's checkpoint in the current job's folder (advances the ordinal), or none outside one. */
export function nextTrainingCheckpoint(): TrainCheckpoint | undefined {
  const s = scope.getStore();
  if (!s) return undefined;
  const file = fileCheckpoint(path.join(s.dir, `train-${s.next++}.ckpt`), s.everyMs);
  return {
    ...file,
    save(state) {
      file.save(state);
      writeFileAtomic(path.join(s.dir, COST_FILE), JSON.stringify(s.cost()));
    },
  };
}

export function removeTrainingCheckpoints(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Bytes of a typed array (its own view, not the whole buffer). */
function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * sha256 of what determines a run: its settings (plain data), the training data and the
 * starting parameters, byte for byte.
 */
export function trainingFingerprint(settings: unknown, arrays: readonly ArrayBufferView[]): string {
  const h = createHash('sha256').update(JSON.stringify(settings));
  for (const a of arrays) {
    h.update(`|${a.byteLength}|`);
    h.update(bytes(a));
  }
  return h.digest('hex');
}

type Store = unknown[] | Map<unknown, unknown> | Float64Array;

/**
 * Observer.state for an observer that gathers into arrays, Maps or typed arrays of its own:
 * they are saved as they are and restored in place (so the observer's closures keep them).
 */
export function keptIn(...stores: Store[]): ObserverState {
  return {
    save: () => stores,
    restore: (saved) => {
      const from = saved as Store[];
      if (!Array.isArray(from) || from.length !== stores.length) throw new Error(`checkpoint: an observer saved ${Array.isArray(from) ? from.length : 'no'} stores, this one keeps ${stores.length}`);
      stores.forEach((dst, i) => {
        const src = from[i]!;
        if (dst instanceof Map) {
          dst.clear();
          for (const [k, v] of src as Map<unknown, unknown>) dst.set(k, v);
        } else if (dst instanceof Float64Array) dst.set(src as Float64Array);
        else {
          dst.length = 0;
          for (const v of src as unknown[]) dst.push(v);
        }
      });
    },
  };
}

let resumed = 0;

/** How many training runs of this process came back from a save (finished or resumed): for logs and tests. */
export function resumedTrainingRuns(): number {
  return resumed;
}

/** Counts one run restored from a save (train() calls it). */
export function noteResumedRun(): void {
  resumed++;
}
