/**
 * The smoke tier of the registry as tests: every claim runs fresh (no cache), must give
 * its expected verdicts, and must match its fixture (fixtures/<ID>/smoke.json) within
 * the per-observable tolerances. npm test never writes fixtures; on a mismatch it leaves
 * fixtures/<ID>/smoke.obtained.json beside the fixture and prints the differences.
 * Regenerate deliberately with: npx ntk-verify fixtures update <ID>
 */
import { expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { engineVersion } from '../../src/runner/engine-version';
import { compareWithFixture, fixtureFromResult, formatComparison, readFixture, writeFixture } from '../../src/runner/fixtures';
import { loadRegistry } from '../../src/runner/registry';
import { DEFAULT_ROOT_SEED, runClaims } from '../../src/runner/runner';
import { staleFigures } from '../../src/report/note-figures';
import { committedResults } from '../../src/runner/committed';

/**
 * A smoke claim takes 1–50 s on an idle 2-core machine; the limit is there to catch a hang,
 * not to time the engine (npm run bench does that), so a loaded machine must not fail it.
 */
const SMOKE_CLAIM_TIMEOUT_MS = 300_000;

export async function smokeTests(paper: string): Promise<void> {
  // Parsed once per file (≈ 0.2 s for the two committed tiers), not once per claim.
  let committed: ReturnType<typeof committedResults> | undefined;
  const reg = (await loadRegistry()).filter((c) => c.def.paper === paper);
  for (const c of reg) {
    it(`${c.def.id} (${c.def.source}): expected verdicts and fixture at the smoke tier`, async () => {
      const r = await runClaims([c], { tier: 'smoke', cache: new JobCache(undefined, false), rootSeed: DEFAULT_ROOT_SEED });
      const res = r.claims[0]!;
      const failedJobs = res.jobs.filter((j) => j.status === 'failed').map((j) => j.error);
      expect(failedJobs, 'no job may fail').toEqual([]);
      const mismatched = res.predictions.filter((p) => !p.matchesExpected).map((p) => `${p.label}: ${p.verdict} (expected ${p.expected}) — ${p.reason}`);
      expect(mismatched, 'every prediction has its expected verdict').toEqual([]);
      const tols = Object.fromEntries(Object.entries(c.def.observables).map(([k, o]) => [k, o.fixtureRelTol]));
      const cmp = compareWithFixture(res, readFixture(c.def.id, 'smoke'), tols);
      if (!cmp.ok && !cmp.missing) writeFixture(fixtureFromResult(res, 'smoke', DEFAULT_ROOT_SEED, engineVersion()), undefined, '.obtained');
      expect(cmp.ok, formatComparison(cmp)).toBe(true);
      // What the note says of the smoke tier is held to this run (the rest to the committed
      // results, in test/report/note-figures.test.ts).
      const stale = staleFigures(c.def.note ?? '', c.def.id, { ...(committed ??= committedResults()), smoke: r }).filter((s) => s.figure.smoke);
      expect(stale.map((s) => `line ${s.figure.line}: ${s.why}`), 'the note quotes a smoke figure this run does not give').toEqual([]);
    }, SMOKE_CLAIM_TIMEOUT_MS);
  }
}
