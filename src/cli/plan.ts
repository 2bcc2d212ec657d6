/**
 * `ntk-verify plan [ids|globs] --tier T [--shards N] [--from run…] [--json]`: the jobs of a
 * tier, their estimated CPU time and peak memory, and the wall time per shard, before
 * running anything. Timings come from earlier runs' results.json (src/runner/plan.ts):
 * the committed results/ of this repo and the reports/ of runs made here, or --from.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../runner/engine-version';
import { planRun, type Calibration, type Plan } from '../runner/plan';
import { parseResults, type RunResults } from '../runner/results';
import { selectClaims } from '../runner/registry';
import { loadRun, parseTier, registry, reportsDir, UsageError } from './run';
import { fmtDuration } from '../report/format';
import { JobCache } from '../runner/cache';

export interface PlanOptions {
  tier?: string;
  shards?: number | string;
  from?: string | string[];
  json?: boolean;
  paper?: string;
  claims?: string;
  seed?: string | number;
  /** What if each claim ran this many trials per size (a departure's cost, e.g. the 25 a paper asks). */
  trials?: number | string;
  /** false (--no-cache): leave the cache out (no progress columns). */
  cache?: boolean;
}

/**
 * Every results.json under results/ (committed) and reports/ (runs made here), and the shards
 * of a tier run still being gathered (results/<tier>/shards/<claim>/*.json): a claim whose
 * paper tier is part-way has its own paper-size timings there, nearer its remaining jobs than
 * the standard tier's.
 */
export function defaultTimingSources(roots: readonly string[] = [path.join(PROJECT_ROOT, 'results'), reportsDir()]): string[] {
  const out: string[] = [];
  const dirs = (d: string) => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []);
  for (const root of roots) {
    for (const e of dirs(root)) {
      const f = path.join(root, e, 'results.json');
      if (existsSync(f)) out.push(f);
      const shards = path.join(root, e, 'shards');
      for (const claim of dirs(shards)) {
        for (const s of readdirSync(path.join(shards, claim)).sort()) if (s.endsWith('.json')) out.push(path.join(shards, claim, s));
      }
    }
  }
  return out;
}

function loadSources(from: string[] | undefined): RunResults[] {
  if (from && from.length > 0) return from.map(loadRun);
  const runs: RunResults[] = [];
  for (const f of defaultTimingSources()) {
    try {
      runs.push(parseResults(readFileSync(f, 'utf8'), f));
    } catch {
      // An old or foreign results.json is not a timing source; skip it.
    }
  }
  return runs;
}


function fmtBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  return `${Math.max(1, Math.round(b / 2 ** 20))} MiB`;
}

/** Jobs timed by the wall clock (no CPU time recorded) make the estimate an upper bound. */
function wallNote(k: Calibration): string {
  const wall = k.jobs - (k.cpuTimedJobs ?? k.jobs);
  if (wall === 0) return '';
  return wall === k.jobs ? ' (wall times)' : ` (${wall} wall time${wall === 1 ? '' : 's'})`;
}

export function formatPlan(p: Plan): string {
  const lines: string[] = [];
  // Progress columns only once a run has left something in the cache.
  const started = p.claims.some((c) => c.progress && (c.progress.cached > 0 || c.progress.resuming > 0));
  const progressCells = (c: (typeof p.claims)[number]) => {
    const g = c.progress;
    if (!g) return ['—', '—'];
    return [`${g.cached}/${c.jobs}${g.resuming > 0 ? ` (+${g.resuming} resuming)` : ''}`, g.leftCpuMs !== undefined ? fmtDuration(g.leftCpuMs) : '—'];
  };
  const rows = p.claims.map((c) => [
    c.id, String(c.jobs), c.cpuMs !== undefined ? fmtDuration(c.cpuMs) : '—', ...(started ? progressCells(c) : []), c.peakBytes !== undefined ? fmtBytes(c.peakBytes) : '—',
    (c.calibration ? `${c.calibration.tier}, ${c.calibration.jobs} jobs${wallNote(c.calibration)}` : 'no recorded timings') + (c.convergenceBound ? '; trains to convergence: rough' : ''),
  ]);
  const header = ['claim', 'jobs', 'CPU (est.)', ...(started ? ['cached', 'CPU left (est.)'] : []), 'peak memory', 'calibrated on'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  lines.push(header.map((h, i) => h.padEnd(w[i]!)).join('  '));
  for (const r of rows) lines.push(r.map((v, i) => v.padEnd(w[i]!)).join('  '));
  const total = p.claims.reduce((s, c) => s + (c.cpuMs ?? 0), 0);
  lines.push('', `tier ${p.tier}: ${p.claims.reduce((s, c) => s + c.jobs, 0)} jobs, ${fmtDuration(total)} of CPU estimated` +
    (p.uncalibrated.length > 0 ? ` (without ${p.uncalibrated.join(', ')}: no recorded timings — run a lower tier first, e.g. the smoke tier)` : ''));
  if (started) {
    const cached = p.claims.reduce((s, c) => s + (c.progress?.cached ?? 0), 0);
    const resuming = p.claims.reduce((s, c) => s + (c.progress?.resuming ?? 0), 0);
    const left = p.claims.reduce((s, c) => s + (c.progress?.leftCpuMs ?? 0), 0);
    lines.push(`in the cache: ${cached} jobs done${resuming > 0 ? `, ${resuming} with training checkpoints (a rerun resumes them part-way; counted in full below)` : ''}; ` +
      `${fmtDuration(left)} of CPU left`);
    for (const c of p.claims) {
      for (const j of c.progress?.resumingJobs ?? []) {
        lines.push(`  ${c.id} ${c.variable}=${j.x} trial ${j.trial}${j.constant !== undefined ? `, ${c.constantSymbol ?? 'constant'} = ${j.constant}` : ''}: ` +
          `training run ${j.run + 1} saved at step ${j.step} of ${j.maxSteps} (${j.savedAt.replace('T', ' ').slice(0, 16)} UTC)`);
      }
    }
  }
  if (p.shards.length > 1) {
    const max = Math.max(...p.shards), min = Math.min(...p.shards);
    lines.push(`${p.shards.length} shards (--shard k/${p.shards.length}, one worker each): wall ${fmtDuration(min)} to ${fmtDuration(max)} per shard`);
    lines.push(p.shards.map((ms, i) => `  ${i + 1}/${p.shards.length}: ${fmtDuration(ms)}`).join('\n'));
  }
  lines.push('', 'Estimates: time per unit of work calibrated per claim on recorded timings (results/, reports/ or --from); one job at a time per worker.');
  if (p.claims.some((c) => c.calibration && wallNote(c.calibration))) {
    lines.push('"wall times": jobs recorded before runs kept their CPU time; other work on the machine inflated them, so those estimates are upper bounds.');
  }
  if (p.claims.some((c) => c.convergenceBound)) {
    lines.push('"rough": the claim trains until the loss falls below a threshold or hits an epoch cap; how many epochs that takes changes with');
    lines.push('the size and is not in the work model, so its estimate can be off by more than 2× (run one trial at the target size to see).');
  }
  return lines.join('\n');
}

export async function planCommand(ids: string[], opts: PlanOptions): Promise<number> {
  const tier = parseTier(opts.tier);
  const shards = opts.shards === undefined ? 1 : Number(opts.shards);
  if (!Number.isInteger(shards) || shards < 1) throw new UsageError(`--shards must be a positive integer, got '${opts.shards}'`);
  const reg = await registry(opts.claims);
  let sel;
  try {
    sel = selectClaims(reg, ids, opts.paper);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const trials = opts.trials === undefined ? undefined : Number(opts.trials);
  if (trials !== undefined) {
    if (!Number.isInteger(trials) || trials < 1) throw new UsageError(`--trials must be a positive integer, got '${opts.trials}'`);
    // The same claims (same files, so the same cache keys for the trials they share) with that many trials at this tier.
    sel = sel.map((c) => ({ ...c, def: { ...c.def, sweep: { ...c.def.sweep, trials: { ...c.def.sweep.trials, [tier]: trials } } } }));
  }
  const from = opts.from === undefined ? undefined : Array.isArray(opts.from) ? opts.from : [opts.from];
  const rootSeed = opts.seed; // as `run` takes it
  // The cache a run would use (NTKV_CACHE_DIR, NTKV_BLAS_THREADS and --seed as for `run`): how far the tier has come.
  const cache = opts.cache === false ? undefined : new JobCache();
  const p = planRun(sel, tier, loadSources(from), shards, cache ? { cache, ...(rootSeed !== undefined ? { rootSeed } : {}) } : undefined);
  if (opts.json) console.log(JSON.stringify(trials !== undefined ? { ...p, trialsWhatIf: trials } : p, null, 2));
  else console.log((trials !== undefined ? `what if: ${trials} trials per size at tier ${tier} (the claims' own counts replaced)\n\n` : '') + formatPlan(p));
  return 0;
}
