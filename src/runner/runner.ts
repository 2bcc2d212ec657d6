/**
 * The runner: expands claims into jobs (sweep value × trial), serves what the cache
 * has, runs the rest (in-process, or in a pool of child processes), and analyses each
 * claim once its jobs are in.
 *
 * Determinism: a job's numbers depend only on (root seed, claim, x, trial), the code and
 * the per-job BLAS thread count (threads.ts: fixed, 1 unless NTKV_BLAS_THREADS says
 * otherwise, part of the cache key), never on the worker count, the order of execution
 * or the shard.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Tinypool } from 'tinypool';
import { backend } from '../linalg/backend';
import { type Tier, resolvedSetting } from './define';
import { JobCache, jobKey } from './cache';
import { engineVersion, packageVersion } from './engine-version';
import { type JobSpec, runJob, seedKeyOf } from './job';
import type { RegisteredClaim } from './registry';
import { type ClaimResult, type JobRecord, RESULTS_SCHEMA_VERSION, type RunResults } from './results';
import { analyzeClaim } from './analyze';
import { constantValues } from './constants';
import { jobBlasThreads } from './threads';

export const DEFAULT_ROOT_SEED = 20231123;

export interface Shard {
  /** 1-based shard index, as Slurm's SLURM_ARRAY_TASK_ID with --array=1-N. */
  index: number;
  count: number;
}

export interface RunOptions {
  tier: Tier;
  /** Worker processes (default: 1 = in-process). */
  workers?: number;
  shard?: Shard;
  cache?: JobCache;
  rootSeed?: string | number;
  runId?: string;
  /** Called after each job (finished or served from cache). */
  onJob?: (done: number, total: number, rec: JobRecord, claimId: string) => void;
  /** Called once the job list is known. */
  onStart?: (total: number, cached: number) => void;
}

export interface PlannedJob {
  claim: RegisteredClaim;
  spec: JobSpec;
}

/** Parses "k/N" (1 ≤ k ≤ N). */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new RangeError(`--shard must look like k/N (e.g. 2/8), got '${s}'`);
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new RangeError(`--shard ${s}: need 1 ≤ k ≤ N`);
  return { index, count };
}

/** The jobs of the selected claims at a tier, in a stable order, filtered to a shard. */
export function planJobs(claims: RegisteredClaim[], tier: Tier, rootSeed: string | number, shard?: Shard): PlannedJob[] {
  const ev = engineVersion();
  const out: PlannedJob[] = [];
  let ordinal = 0;
  for (const c of claims) {
    const d = c.def;
    const setting = resolvedSetting(d, tier);
    const xs = d.sweep.values[tier];
    const trials = d.sweep.trials[tier];
    const largest = Math.max(...xs);
    // The baseline constant (or none), then each other value of the claim's swept constant.
    const constants: (number | undefined)[] = [undefined, ...constantValues(d, tier).slice(1)];
    for (const constant of constants) {
      const at = constant === undefined ? setting : { ...setting, [d.constant!.key]: constant };
      for (const x of xs) {
        for (let trial = 0; trial < trials; trial++) {
          // Round-robin over a stable order balances job counts across shards.
          const mine = !shard || ordinal % shard.count === shard.index - 1;
          ordinal++;
          if (!mine) continue;
          const key = jobKey({ engineVersion: ev, claimId: d.id, claimSourceHash: c.sourceHash, setting: at, x, trial, rootSeed });
          // Series and spectra for the plots come from the baseline only.
          const keepDetail = constant === undefined && trial === 0 && (x === largest || xs.length <= 6);
          out.push({
            claim: c,
            spec: { claimFile: c.file, claimId: d.id, tier, x, trial, rootSeed, key, keepDetail, ...(constant !== undefined ? { constant } : {}) },
          });
        }
      }
    }
  }
  return out;
}

/**
 * A run id: UTC date, time to the millisecond, tier, 8 random hex digits (node:crypto),
 * and the shard, e.g. 20250102-130405-678-smoke-3fa9 or …-3fa9-shard2of8. Two runs started
 * in the same millisecond still differ; the CLI also creates the folder exclusively.
 */
export function newRunId(tier: Tier, shard?: Shard): string {
  const iso = new Date().toISOString(); // 2025-01-02T13:04:05.678Z
  const t = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
  return `${t}-${tier}-${randomBytes(4).toString('hex')}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
}

export async function runClaims(claims: RegisteredClaim[], opts: RunOptions): Promise<RunResults> {
  const started = new Date();
  const rootSeed = opts.rootSeed ?? DEFAULT_ROOT_SEED;
  const cache = opts.cache ?? new JobCache();
  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  const plan = planJobs(claims, opts.tier, rootSeed, opts.shard);

  const records = new Map<string, JobRecord>();
  const pending: PlannedJob[] = [];
  for (const p of plan) {
    const hit = cache.get(p.spec.claimId, p.spec.key);
    if (hit) records.set(p.spec.key, { ...hit, cached: true });
    else {
      const dir = cache.checkpointDir(p.spec.claimId, p.spec.key);
      pending.push(dir ? { ...p, spec: { ...p.spec, checkpointDir: dir } } : p);
    }
  }
  opts.onStart?.(plan.length, plan.length - pending.length);
  let done = 0;
  for (const p of plan) {
    const r = records.get(p.spec.key);
    if (r) opts.onJob?.(++done, plan.length, r, p.spec.claimId);
  }

  const finish = (p: PlannedJob, rec: JobRecord) => {
    records.set(p.spec.key, rec);
    cache.put(p.spec.claimId, rec);
    opts.onJob?.(++done, plan.length, rec, p.spec.claimId);
  };

  // Bigger jobs first: the pool's tail is then made of small ones.
  pending.sort((a, b) => b.spec.x - a.spec.x);
  // The same thread count for every job, whatever the worker count (see threads.ts).
  const blasThreads = jobBlasThreads();
  if (workers === 1) {
    const b = backend();
    const before = b.getThreads();
    if (pending.length > 0) b.setThreads(blasThreads);
    try {
      for (const p of pending) finish(p, await runJob(p.claim.def, p.spec));
    } finally {
      if (pending.length > 0) b.setThreads(before);
    }
  } else {
    const pool = new Tinypool({
      filename: path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs'),
      runtime: 'child_process',
      minThreads: workers,
      maxThreads: workers,
      env: { ...process.env, NTKV_BLAS_THREADS: String(blasThreads) } as Record<string, string>,
    });
    try {
      await Promise.all(pending.map(async (p) => {
        let rec: JobRecord;
        try {
          rec = (await pool.run(p.spec)) as JobRecord;
        } catch (e) {
          rec = { x: p.spec.x, trial: p.spec.trial, ...(p.spec.constant !== undefined ? { constant: p.spec.constant } : {}), key: p.spec.key, seedKey: seedKeyOf(rootSeed, p.spec.claimId, p.spec.x, p.spec.trial), status: 'failed', cached: false, ms: 0, error: `worker crashed: ${(e as Error).message}` };
        }
        finish(p, rec);
      }));
    } finally {
      await pool.destroy();
    }
  }

  const claimResults: ClaimResult[] = [];
  for (const c of claims) {
    const jobs = plan.filter((p) => p.claim === c).map((p) => records.get(p.spec.key)!);
    if (jobs.length === 0) continue; // nothing of this claim in this shard
    claimResults.push(analyzeClaim(c, opts.tier, jobs, { rootSeed }));
  }
  const finished = new Date();
  const b = backend();
  return {
    schema: RESULTS_SCHEMA_VERSION,
    runId: opts.runId ?? newRunId(opts.tier, opts.shard),
    tier: opts.tier,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    wallMs: finished.getTime() - started.getTime(),
    environment: {
      engineVersion: engineVersion(),
      packageVersion: packageVersion(),
      backend: b.name,
      blas: b.describe().blas,
      blasThreads,
      workers,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.availableParallelism(),
      rootSeed,
    },
    ...(opts.shard ? { shard: opts.shard } : {}),
    claims: claimResults,
  };
}
