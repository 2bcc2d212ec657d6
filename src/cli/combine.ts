/**
 * `ntk-verify combine <runs…> --out dir`: one results.json from complete runs of different
 * claims — the committed results/<tier>/ are assembled this way from runs made at different
 * times, on engines that differ only where no number of these claims depends on it.
 *
 * Unlike `merge` (all the shards of ONE run), each claim must come whole from exactly one
 * input, and every input is a complete run (or a merge). Each claim is re-analysed with the
 * current claim file, which must plan the same number of jobs as the input holds; which run
 * and which engine version each claim came from is kept in `sources`.
 */
import path from 'node:path';
import type { RegisteredClaim } from '../runner/registry';
import type { RunResults } from '../runner/results';
import { writeReport } from '../report';
import { prepareFolder } from './folders';
import { loadRun, printSummary, reanalyzeClaim, registry, UsageError } from './run';

export function combineRuns(runs: RunResults[], reg: RegisteredClaim[]): RunResults {
  if (runs.length === 0) throw new UsageError('combine: give at least one results.json');
  const tier = runs[0]!.tier;
  const seed = runs[0]!.environment.rootSeed;
  const owner = new Map<string, RunResults>();
  for (const r of runs) {
    if (r.shard) throw new UsageError(`combine: ${r.runId} is shard ${r.shard.index}/${r.shard.count}: merge its shards first (ntk-verify merge)`);
    if (r.tier !== tier) throw new UsageError(`combine: tiers differ (${tier} in ${runs[0]!.runId}, ${r.tier} in ${r.runId})`);
    if (r.environment.rootSeed !== seed) throw new UsageError(`combine: root seeds differ (${seed} vs ${r.environment.rootSeed} in ${r.runId})`);
    for (const c of r.claims) {
      const prev = owner.get(c.id);
      if (prev) throw new UsageError(`combine: claim ${c.id} is in both ${prev.runId} and ${r.runId}; give each claim once`);
      owner.set(c.id, r);
    }
  }
  const order = new Map(reg.map((c, i) => [c.def.id, i]));
  const ids = [...owner.keys()].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9));
  const claims = ids.map((id) => {
    const c = reg.find((x) => x.def.id === id);
    if (!c) throw new UsageError(`combine: claim '${id}' is not in the registry`);
    const from = owner.get(id)!;
    return reanalyzeClaim(c, tier, seed, from.claims.find((x) => x.id === id)!.jobs,
      (have, planned) => `combine: claim ${id} has ${have} jobs in ${from.runId}, but its claim file plans ${planned} at tier ${tier}: rerun it`);
  });
  const newest = [...runs].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)).at(-1)!;
  return {
    ...newest,
    runId: `combined-${tier}`,
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    finishedAt: newest.finishedAt,
    wallMs: runs.reduce((s, r) => s + r.wallMs, 0),
    // A combined input (a committed results.json) brings its own sources: keep them, so the
    // history of runs survives being combined again.
    sources: runs.flatMap((r) => {
      const mine = (ids: string[]) => ids.filter((id) => owner.get(id) === r);
      const from = r.sources ?? [{ runId: r.runId, engineVersion: r.environment.engineVersion, finishedAt: r.finishedAt, claims: r.claims.map((c) => c.id) }];
      return from.map((src) => ({ ...src, claims: mine(src.claims) })).filter((src) => src.claims.length > 0);
    }),
    claims,
  };
}

export async function combineCommand(files: string[], opts: { out?: string; claims?: string; json?: boolean }): Promise<number> {
  if (!opts.out) throw new UsageError('combine: give --out <dir> (e.g. results/standard)');
  const runs = files.map(loadRun);
  const combined = combineRuns(runs, await registry(opts.claims));
  const out = prepareFolder(opts.out, 'report folder (--out)');
  await writeReport(combined, out);
  if (opts.json) console.log(JSON.stringify(combined, null, 2));
  else {
    printSummary(combined);
    console.log(`\ncombined ${runs.length} file(s) (${combined.sources?.length ?? runs.length} runs), ${combined.claims.length} claims: ${path.relative(process.cwd(), out)}/results.json`);
  }
  return combined.claims.every((c) => c.matchesExpected) ? 0 : 1;
}
