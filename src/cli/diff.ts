/**
 * `ntk-verify diff <runA> <runB>` and `ntk-verify diff <run> --fixtures`: what changed
 * between two runs (run ids, report folders or results.json files), or between a run and
 * fixtures/<ID>/<tier>.json. Markdown by default, `--json` for the typed record.
 *
 * Exit codes: 1 when a verdict changed on a claim present on both sides, 0 otherwise
 * (slope or value changes alone do not fail: they are reported), 2 for usage errors and
 * unreadable inputs.
 */
import path from 'node:path';
import { fixturesDir, readFixture, type Fixture } from '../runner/fixtures';
import { defaultClaimsDirs, loadRegistry } from '../runner/registry';
import type { RunResults } from '../runner/results';
import { type DiffSide, diffRuns, formatDiffMarkdown, sideFromFixtures, sideFromResults } from '../report/diff';
import { UsageError, loadRun } from './run';

export interface DiffCommandOptions {
  fixtures?: boolean;
  json?: boolean;
  /** Relative tolerance for every observable (overrides the claims' fixtureRelTol). */
  relTol?: string | number;
  /** Claims folder, to read each observable's fixtureRelTol. */
  claims?: string;
  /** Rows of value changes in the Markdown output. */
  limit?: string | number;
}

function readRun(run: string): RunResults {
  try {
    return loadRun(run);
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

function positiveNumber(v: string | number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number ≥ 0, got '${v}'`);
  return n;
}

/**
 * The fixtureRelTol of every observable of the claims in the registry, when it loads.
 * A registry that does not load (another claims folder, a claim file being edited) only
 * means the default tolerance applies; say so.
 */
async function knownTolerances(claimsDir: string | undefined, notes: string[]): Promise<Record<string, Record<string, number | undefined>>> {
  try {
    const reg = await loadRegistry(claimsDir ? [path.resolve(claimsDir)] : defaultClaimsDirs());
    return Object.fromEntries(reg.map((c) => [c.def.id, Object.fromEntries(Object.entries(c.def.observables).map(([k, o]) => [k, o.fixtureRelTol]))]));
  } catch (e) {
    notes.push(`claim files not loaded (${(e as Error).message.split('\n')[0]}): the default tolerance applies to every observable`);
    return {};
  }
}

function fixturesFor(run: RunResults): DiffSide {
  const found: Fixture[] = [];
  for (const c of run.claims) {
    let fx: Fixture | undefined;
    try {
      fx = readFixture(c.id, run.tier);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (fx) found.push(fx);
  }
  const dir = fixturesDir();
  if (found.length === 0) {
    throw new UsageError(`no fixtures for any claim of run ${run.runId} at tier ${run.tier} under ${dir} (record them with: ntk-verify fixtures update)`);
  }
  return sideFromFixtures(found, path.relative(process.cwd(), dir) || dir);
}

export async function diffCommand(a: string, b: string | undefined, opts: DiffCommandOptions): Promise<number> {
  if (b === undefined && !opts.fixtures) throw new UsageError('diff: give two runs (ids, folders or results.json files), or one run and --fixtures');
  if (b !== undefined && opts.fixtures) throw new UsageError('diff: --fixtures compares one run with fixtures/; give a single run');
  const relTol = positiveNumber(opts.relTol, '--rel-tol');
  const limit = positiveNumber(opts.limit, '--limit');

  const runA = readRun(a);
  // Side A is the reference: the fixtures, or the first run named.
  const [sideA, sideB] = b === undefined ? [fixturesFor(runA), sideFromResults(runA, a)] : [sideFromResults(runA, a), sideFromResults(readRun(b), b)];

  const notes: string[] = [];
  const tolerances = relTol === undefined ? await knownTolerances(opts.claims, notes) : {};
  const d = diffRuns(sideA, sideB, { ...(relTol !== undefined ? { relTol } : {}), tolerances });
  d.notes.push(...notes);
  if (opts.json) console.log(JSON.stringify(d, null, 2));
  else console.log(formatDiffMarkdown(d, limit !== undefined ? { limit: Math.floor(limit) } : {}));
  return d.verdictChanged ? 1 : 0;
}
