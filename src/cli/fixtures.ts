/**
 * `ntk-verify fixtures check|update [ids]`. `update` is the only writer of fixtures/.
 */
import { JobCache } from '../runner/cache';
import { engineVersion } from '../runner/engine-version';
import { compareWithFixture, fixtureFromResult, formatComparison, readFixture, writeFixture } from '../runner/fixtures';
import { loadRegistry, selectClaims } from '../runner/registry';
import { DEFAULT_ROOT_SEED, runClaims } from '../runner/runner';
import type { RunResults } from '../runner/results';
import { UsageError, loadRun, parseTier } from './run';

export async function fixturesCommand(action: string, ids: string[], opts: { tier?: string; run?: string }): Promise<number> {
  if (action !== 'check' && action !== 'update') throw new UsageError(`fixtures: unknown action '${action}' (check or update)`);
  const tier = parseTier(opts.tier, 'smoke');
  const reg = await loadRegistry();
  let sel;
  try {
    sel = selectClaims(reg, ids);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let results: RunResults;
  if (opts.run) {
    if (action === 'update') throw new UsageError('fixtures update recomputes; --run is for check');
    results = loadRun(opts.run);
  } else {
    // Fixtures are made from fresh computations, never from the cache.
    results = await runClaims(sel, { tier, cache: new JobCache(undefined, false), rootSeed: DEFAULT_ROOT_SEED });
  }
  let failures = 0;
  for (const c of results.claims) {
    if (!sel.some((s) => s.def.id === c.id)) continue;
    const def = sel.find((s) => s.def.id === c.id)!.def;
    if (action === 'update') {
      const f = writeFixture(fixtureFromResult(c, results.tier, results.environment.rootSeed, engineVersion()));
      console.log(`wrote ${f} (${c.verdict})`);
    } else {
      const tols = Object.fromEntries(Object.entries(def.observables).map(([k, o]) => [k, o.fixtureRelTol]));
      const cmp = compareWithFixture(c, readFixture(c.id, results.tier), tols);
      console.log(formatComparison(cmp));
      if (!cmp.ok) {
        failures++;
        if (!cmp.missing) writeFixture(fixtureFromResult(c, results.tier, results.environment.rootSeed, engineVersion()), undefined, '.obtained');
      }
    }
  }
  return failures === 0 ? 0 : 1;
}
