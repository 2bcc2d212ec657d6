/**
 * `runClaim`: one claim run from code (a script, a vitest test) instead of the command
 * line. It plans and runs the claim's jobs at a tier with the same runner, seeds and
 * analysis as `ntk-verify run`, and returns the claim's typed result — verdicts, fits and
 * CIs, every job — without writing a report unless `report` names a folder.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ClaimDefinition, type Tier, TIERS, claimSchema, ClaimDefinitionError } from './define';
import { JobCache } from './cache';
import { hashText } from './engine-version';
import { loadClaimFile, type RegisteredClaim } from './registry';
import { withNoteBeside } from './notes';
import { DEFAULT_ROOT_SEED, runClaims } from './runner';
import type { ClaimResult, RunResults } from './results';

export interface RunClaimOptions {
  /** smoke | standard | paper. */
  tier: Tier;
  /**
   * Worker processes (default 1: in-process). More than one needs the claim's file (workers
   * load it themselves): pass the file's path as `claim`, or `file`.
   */
  jobs?: number;
  /** Root seed of every random stream (default: the CLI's, 20231123). */
  seed?: string | number;
  /**
   * The file the claim object was defined in (when `claim` is an object): enables workers,
   * keys the job cache by that file's text and reads the note beside it (`<name>.md`), as
   * `ntk-verify run` does.
   */
  file?: string;
  /**
   * Job cache: true = the default folder (.ntkv-cache, or NTKV_CACHE_DIR), a string = that
   * folder, false = recompute everything. Default: on when the claim's file is known (a
   * path, or `file`), off for a bare claim object (its source cannot be hashed reliably).
   */
  cache?: boolean | string;
  /** Write the report (results.json, summary.md, plots, index.html) to this folder. */
  report?: string;
}

/** What runClaim returns: the claim's result plus the run it belongs to (environment, run id). */
export interface RunClaimResult extends ClaimResult {
  run: Omit<RunResults, 'claims'>;
}

function registered(claim: ClaimDefinition | string, file: string | undefined): Promise<RegisteredClaim> | RegisteredClaim {
  if (typeof claim === 'string') return loadClaimFile(path.resolve(claim));
  const r = claimSchema.safeParse(claim);
  if (!r.success) {
    const id = typeof (claim as { id?: unknown })?.id === 'string' ? claim.id : '(no id)';
    const i = r.error.issues[0]!;
    throw new ClaimDefinitionError(`runClaim: claim ${id} is not a claim definition (${i.path.join('.') || '(root)'}: ${i.message}); pass defineClaim({...}) or a claim file's path`);
  }
  if (file !== undefined) {
    const abs = path.resolve(file);
    if (!existsSync(abs)) throw new Error(`runClaim: file ${abs} not found`);
    return { def: withNoteBeside(claim, abs), file: abs, sourceHash: hashText(readFileSync(abs, 'utf8')) };
  }
  // No file: the definition's data and its run function's text stand in for the source.
  const text = JSON.stringify({ ...claim, run: undefined }) + String(claim.run);
  return { def: claim, file: `(claim object ${claim.id})`, sourceHash: hashText(text) };
}

/**
 * Runs one claim at a tier and returns its result (verdict per prediction, fits, CIs, jobs).
 * `claim` is a defineClaim(...) object or the path of a claim file. Throws on a bad tier or
 * jobs value; failed jobs are reported in the result (`jobs[i].status === 'failed'`), as in a
 * CLI run.
 */
export async function runClaim(claim: ClaimDefinition | string, opts: RunClaimOptions): Promise<RunClaimResult> {
  if (!opts || !TIERS.includes(opts.tier)) {
    throw new RangeError(`runClaim: tier must be one of ${TIERS.join(', ')}, got '${opts?.tier}'`);
  }
  const jobs = opts.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`runClaim: jobs must be a positive integer, got ${jobs}`);
  const fileKnown = typeof claim === 'string' || opts.file !== undefined;
  if (jobs > 1 && !fileKnown) {
    throw new RangeError(`runClaim: jobs = ${jobs} needs the claim's file (workers load it): pass its path instead of the object, or { file }`);
  }
  const reg = await registered(claim, opts.file);
  const cacheOpt = opts.cache ?? fileKnown;
  const cache = typeof cacheOpt === 'string' ? new JobCache(path.resolve(cacheOpt)) : new JobCache(undefined, cacheOpt);
  const results = await runClaims([reg], {
    tier: opts.tier,
    workers: jobs,
    cache,
    rootSeed: opts.seed ?? DEFAULT_ROOT_SEED,
  });
  // A claim object has no file: leave `file` out rather than record a made-up path.
  if (!fileKnown) for (const c of results.claims) delete c.file;
  if (opts.report !== undefined) {
    const out = path.resolve(opts.report);
    mkdirSync(out, { recursive: true });
    const { writeReport } = await import('../report');
    await writeReport(results, out);
  }
  const { claims, ...run } = results;
  const result = claims[0];
  if (!result) throw new Error(`runClaim: claim ${reg.def.id} planned no jobs at tier ${opts.tier}`);
  return { ...result, run };
}
