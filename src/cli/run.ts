/**
 * `ntk-verify run`, `list`, `report`, `merge`: the claim registry from the command line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { SingleBar } from 'cli-progress';
import { TIERS, type Tier } from '../runner/define';
import { JobCache, defaultCacheDir } from '../runner/cache';
import { PROJECT_ROOT, workspaceRoot } from '../runner/engine-version';
import { defaultClaimsDirs, loadRegistry, selectClaims, type RegisteredClaim } from '../runner/registry';
import { DEFAULT_ROOT_SEED, newRunId, parseShard, planJobs, runClaims } from '../runner/runner';
import { jobBlasThreads, parseThreads } from '../runner/threads';
import { createRunFolder, prepareFolder } from './folders';
import { type RunResults, parseResults } from '../runner/results';
import { analyzeClaim } from '../runner/analyze';
import { writeReport } from '../report';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseTier(t: string | undefined, fallback: Tier = 'standard'): Tier {
  const v = (t ?? fallback) as Tier;
  if (!TIERS.includes(v)) throw new UsageError(`unknown tier '${t}' (choose ${TIERS.join(', ')})`);
  return v;
}

export function reportsDir(): string {
  return process.env.NTKV_REPORTS_DIR ? path.resolve(process.env.NTKV_REPORTS_DIR) : path.join(workspaceRoot(), 'reports');
}

export async function registry(claimsDir?: string): Promise<RegisteredClaim[]> {
  return loadRegistry(claimsDir ? [path.resolve(claimsDir)] : defaultClaimsDirs());
}

export async function listCommand(opts: { paper?: string; json?: boolean; claims?: string }): Promise<void> {
  const reg = await registry(opts.claims);
  const sel = selectClaims(reg, [], opts.paper);
  if (opts.json) {
    console.log(JSON.stringify(sel.map((c) => ({
      id: c.def.id, paper: c.def.paper, source: c.def.source, title: c.def.title, file: path.relative(PROJECT_ROOT, c.file),
      sweep: c.def.sweep, predictions: c.def.predictions.length,
    })), null, 2));
    return;
  }
  const w = Math.max(4, ...sel.map((c) => c.def.id.length));
  for (const c of sel) {
    console.log(`${c.def.id.padEnd(w)}  ${c.def.source.padEnd(28)}  ${c.def.title}`);
  }
  console.log(`\n${sel.length} claim(s). Run: ntk-verify run <ids> --tier smoke|standard|paper`);
}

export interface RunCommandOptions {
  tier?: string;
  jobs?: number | string;
  shard?: string;
  cache?: boolean;
  json?: boolean;
  paper?: string;
  seed?: string | number;
  out?: string;
  claims?: string;
  progress?: boolean;
  /** BLAS threads per job (sets NTKV_BLAS_THREADS; default: NTKV_BLAS_THREADS, else 1). */
  threads?: number | string;
}

function verdictMark(v: string): string {
  return v === 'CONFIRMED' ? '✅' : v === 'REFUTED' ? '❌' : '❔';
}

export function printSummary(r: RunResults): void {
  for (const c of r.claims) {
    const t = (c.timing.computeMs / 1000).toFixed(1);
    console.log(`${verdictMark(c.verdict)} ${c.id.padEnd(5)} ${c.verdict.padEnd(12)} ${c.matchesExpected ? '' : '(≠ expected) '}${c.title}  [${t}s${c.timing.cachedJobs ? `, ${c.timing.cachedJobs}/${c.timing.jobs} cached` : ''}]`);
    for (const p of c.predictions) {
      const mark = p.matchesExpected ? ' ' : '!';
      console.log(`   ${mark} ${verdictMark(p.verdict)} ${p.label} — ${p.reason}`);
    }
    for (const j of c.jobs.filter((j) => j.status === 'failed')) console.log(`   ⚠ job failed: ${j.error}`);
  }
}

export async function runCommand(ids: string[], opts: RunCommandOptions): Promise<number> {
  const tier = parseTier(opts.tier);
  const jobs = opts.jobs === undefined ? 1 : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, got '${opts.jobs}'`);
  if (jobs > os.availableParallelism()) console.error(`note: --jobs ${jobs} exceeds the ${os.availableParallelism()} cores here`);
  let shard;
  try {
    shard = opts.shard ? parseShard(opts.shard) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  try {
    if (opts.threads !== undefined) process.env.NTKV_BLAS_THREADS = String(parseThreads(opts.threads, '--threads'));
    jobBlasThreads(); // a bad NTKV_BLAS_THREADS is a usage error before anything runs
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const reg = await registry(opts.claims);
  let sel: RegisteredClaim[];
  try {
    sel = selectClaims(reg, ids, opts.paper);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const useCache = opts.cache !== false;
  // --no-cache: neither read nor write .ntkv-cache, for jobs and for plots.
  if (!useCache) process.env.NTKV_SVG_CACHE = '0';
  // Folders first: a run that cannot keep its results must not start computing.
  if (useCache) prepareFolder(defaultCacheDir(), process.env.NTKV_CACHE_DIR ? 'job cache folder (NTKV_CACHE_DIR)' : 'job cache folder');
  let outDir: string;
  let runId: string | undefined;
  if (opts.out !== undefined) {
    outDir = prepareFolder(opts.out, 'report folder (--out)');
  } else {
    const made = createRunFolder(reportsDir(), () => newRunId(tier, shard));
    outDir = made.dir;
    runId = made.id;
  }
  const showBar = opts.progress !== false && !opts.json && process.stderr.isTTY;
  const bar = showBar ? new SingleBar({ format: ' {bar} {value}/{total} jobs | ETA {eta_formatted} | {claim}', hideCursor: true, etaBuffer: 20 }) : undefined;
  let lastClaim = '';
  const results = await runClaims(sel, {
    tier, workers: jobs, ...(shard ? { shard } : {}), ...(runId ? { runId } : {}), cache: new JobCache(undefined, useCache),
    rootSeed: opts.seed ?? DEFAULT_ROOT_SEED,
    onStart: (total, cached) => {
      if (bar) bar.start(total, 0, { claim: '' });
      else if (!opts.json) console.error(`running ${total} job(s) of ${sel.length} claim(s) at tier ${tier}${cached ? ` (${cached} cached)` : ''}${shard ? `, shard ${shard.index}/${shard.count}` : ''}`);
    },
    onJob: (done, _total, rec, claimId) => {
      if (bar) bar.update(done, { claim: `${claimId} x=${rec.x} trial ${rec.trial}` });
      else if (!opts.json && claimId !== lastClaim) { lastClaim = claimId; console.error(`  ${claimId} …`); }
    },
  });
  bar?.stop();
  await writeReport(results, outDir);
  const failedJobs = results.claims.flatMap((c) => c.jobs.filter((j) => j.status === 'failed'));
  if (opts.json) {
    console.log(JSON.stringify(results, null, 2));
  } else if (shard) {
    // A shard holds part of every claim's data: its verdicts mean nothing on their own.
    const total = results.claims.reduce((s, c) => s + c.jobs.length, 0);
    for (const j of failedJobs) console.log(`⚠ job failed: ${j.error}`);
    console.log(`shard ${shard.index}/${shard.count}: ${total - failedJobs.length} of ${total} job(s) ran` +
      `${failedJobs.length ? `, ${failedJobs.length} failed` : ''}. Verdicts come with \`ntk-verify merge\` of all ${shard.count} shards.`);
    console.log(`\nshard results: ${path.relative(process.cwd(), outDir) || '.'}/results.json`);
  } else {
    printSummary(results);
    console.log(`\nreport: ${path.relative(process.cwd(), outDir) || '.'}/index.html (summary.md, results.json)`);
  }
  // A shard succeeds when all its jobs ran; the verdicts are judged by merge.
  if (shard) return failedJobs.length === 0 ? 0 : 1;
  return results.claims.every((c) => c.matchesExpected) ? 0 : 1;
}

function resolveRun(run: string): string {
  const candidates = [run, path.join(run, 'results.json'), path.join(reportsDir(), run, 'results.json')];
  for (const c of candidates) if (existsSync(c) && c.endsWith('.json')) return c;
  throw new UsageError(`no results found for '${run}' (looked for ${candidates.join(', ')})`);
}

export function loadRun(run: string): RunResults {
  const f = resolveRun(run);
  return parseResults(readFileSync(f, 'utf8'), f);
}

/** Rebuilds a report from a results.json (or run id) without recomputing. */
export async function reportCommand(run: string, opts: { out?: string }): Promise<void> {
  const f = resolveRun(run);
  const r = parseResults(readFileSync(f, 'utf8'), f);
  const out = prepareFolder(opts.out ?? path.dirname(f), opts.out ? 'report folder (--out)' : 'report folder');
  await writeReport(r, out);
  console.log(`report rebuilt: ${path.relative(process.cwd(), out) || '.'}/index.html`);
}

/**
 * Joins shard results: the union of their jobs per claim, re-analysed with the current
 * claim definitions (the analysis is deterministic, so this equals an unsharded run).
 */
export async function mergeRuns(runs: RunResults[], reg: RegisteredClaim[]): Promise<RunResults> {
  if (runs.length === 0) throw new UsageError('merge: give at least one results.json');
  checkShardSet(runs);
  const tier = runs[0]!.tier;
  const seed = runs[0]!.environment.rootSeed;
  const ids = [...new Set(runs.flatMap((r) => r.claims.map((c) => c.id)))];
  const claims = ids.map((id) => {
    const c = reg.find((x) => x.def.id === id);
    if (!c) throw new UsageError(`merge: claim '${id}' is not in the registry`);
    const jobs = new Map<string, RunResults['claims'][number]['jobs'][number]>();
    for (const r of runs) for (const j of r.claims.find((x) => x.id === id)?.jobs ?? []) jobs.set(j.key, j);
    // Every job the claim plans at this tier must be in some shard (shards of one run hold
    // them all; a missing shard or another claim selection leaves holes).
    return reanalyzeClaim(c, tier, seed, [...jobs.values()],
      (have, planned) => `merge: claim ${id} has ${have} of the ${planned} jobs its claim file plans at tier ${tier}; were all shards run with the same claims and the same claim file?`);
  });
  const order = new Map(reg.map((c, i) => [c.def.id, i]));
  claims.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const started = runs.map((r) => r.startedAt).sort()[0]!;
  const finished = runs.map((r) => r.finishedAt).sort().at(-1)!;
  const { shard: _drop, ...first } = runs[0]!;
  return {
    ...first,
    runId: `${first.runId.replace(/-shard.*$/, '')}-merged`,
    startedAt: started,
    finishedAt: finished,
    wallMs: runs.reduce((s, r) => s + r.wallMs, 0),
    claims,
  };
}

export async function mergeCommand(files: string[], opts: { out?: string; claims?: string; json?: boolean }): Promise<number> {
  const runs = files.map(loadRun);
  const merged = await mergeRuns(runs, await registry(opts.claims));
  let out: string;
  if (opts.out !== undefined) {
    out = prepareFolder(opts.out, 'report folder (--out)');
  } else {
    let first = true;
    const made = createRunFolder(reportsDir(), () => {
      const id = first ? merged.runId : `${merged.runId}-${randomBytes(4).toString('hex')}`;
      first = false;
      return id;
    });
    out = made.dir;
    merged.runId = made.id;
  }
  await writeReport(merged, out);
  if (opts.json) {
    console.log(JSON.stringify(merged, null, 2));
  } else {
    printSummary(merged);
    console.log(`\nmerged ${runs.length} run(s): ${path.relative(process.cwd(), out)}/index.html`);
  }
  return merged.claims.every((c) => c.matchesExpected) ? 0 : 1;
}

/**
 * A claim's recorded jobs analysed again with its current claim file (merge, combine): the file
 * must plan exactly as many jobs at this tier as are given, else `mismatch` says what differs.
 */
export function reanalyzeClaim(
  c: RegisteredClaim, tier: Tier, seed: string | number, jobs: RunResults['claims'][number]['jobs'],
  mismatch: (have: number, planned: number) => string,
): RunResults['claims'][number] {
  const planned = planJobs([c], tier, seed).length;
  if (jobs.length !== planned) throw new UsageError(mismatch(jobs.length, planned));
  return analyzeClaim(c, tier, jobs, { rootSeed: seed });
}

/**
 * The inputs of `merge` must be all the shards of one run: each a shard, with the same
 * configuration (tier, engine version, root seed, BLAS threads per job, shard count), every
 * index 1..N present exactly once.
 */
export function checkShardSet(runs: RunResults[]): void {
  const first = runs[0]!;
  const notShards = runs.filter((r) => !r.shard);
  if (notShards.length > 0) {
    throw new UsageError(`merge: ${notShards.map((r) => r.runId).join(', ')} ${notShards.length === 1 ? 'is not a shard' : 'are not shards'} ` +
      `(merge joins the results of \`run --shard k/N\` for k = 1..N)`);
  }
  const config = (r: RunResults) => ({
    tier: r.tier, 'engine version': r.environment.engineVersion, 'root seed': r.environment.rootSeed,
    'BLAS threads per job': r.environment.blasThreads, 'shard count': r.shard!.count,
  });
  const ref = config(first);
  for (const r of runs.slice(1)) {
    const c = config(r);
    for (const k of Object.keys(ref) as (keyof typeof ref)[]) {
      if (c[k] !== ref[k]) {
        throw new UsageError(`merge: the shards come from different runs: ${k} ${String(ref[k])} in ${first.runId} but ${String(c[k])} in ${r.runId}`);
      }
    }
  }
  const count = first.shard!.count;
  const byIndex = new Map<number, string[]>();
  for (const r of runs) byIndex.set(r.shard!.index, [...(byIndex.get(r.shard!.index) ?? []), r.runId]);
  const repeated = [...byIndex].filter(([, ids]) => ids.length > 1);
  if (repeated.length > 0) {
    throw new UsageError(`merge: ${repeated.map(([k, ids]) => `shard ${k}/${count} given ${ids.length} times (${ids.join(', ')})`).join('; ')}`);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    throw new UsageError(`merge: missing ${missing.map((k) => `shard ${k}/${count}`).join(', ')} (given: ${[...byIndex.keys()].sort((a, b) => a - b).map((k) => `${k}/${count}`).join(', ')})`);
  }
}
