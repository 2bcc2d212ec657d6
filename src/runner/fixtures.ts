/**
 * Golden fixtures: fixtures/<ID>/<tier>.json holds a claim's verdicts, fitted slopes and
 * every job's observables at a tier. `compareWithFixture` is what `npm test` and
 * `ntk-verify fixtures check` use; only `ntk-verify fixtures update` writes fixtures
 * (npm test never does: on a mismatch it leaves <tier>.obtained.json to inspect).
 *
 * Tolerances: per observable, relative (default 1e-6). Float64 results repeat to
 * ~1e-13 on one machine; across CPUs OpenBLAS picks other kernels whose rounding,
 * amplified through a few training steps, stays many orders below 1e-6. A claim whose
 * observables are chaotic (long training) sets a looser `fixtureRelTol` and says why.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { VERDICTS } from './define';
import { PROJECT_ROOT } from './engine-version';
import { splitConstantName } from './constants';
import type { ClaimResult } from './results';

export const FIXTURE_SCHEMA_VERSION = 'ntk-verify.fixture/1';
export const DEFAULT_FIXTURE_REL_TOL = 1e-6;

const fixtureSchema = z.object({
  schema: z.literal(FIXTURE_SCHEMA_VERSION),
  claim: z.string(),
  tier: z.string(),
  rootSeed: z.union([z.string(), z.number()]),
  engineVersion: z.string(),
  verdict: z.enum(VERDICTS),
  predictions: z.array(z.object({ label: z.string(), verdict: z.enum(VERDICTS), slope: z.number().optional() })),
  slopes: z.record(z.string(), z.number()),
  jobs: z.array(z.object({
    x: z.number(), trial: z.number(),
    /** A non-baseline value of the claim's swept constant (src/runner/constants.ts). */
    constant: z.number().optional(),
    values: z.record(z.string(), z.number()),
    /** Observables the job did not measure → reason (JobOutput.notMeasured); absent when all were measured. */
    notMeasured: z.record(z.string(), z.string()).optional(),
  })),
});
export type Fixture = z.infer<typeof fixtureSchema>;

export function fixturesDir(): string {
  return process.env.NTKV_FIXTURES_DIR ? path.resolve(process.env.NTKV_FIXTURES_DIR) : path.join(PROJECT_ROOT, 'fixtures');
}

export function fixturePath(claimId: string, tier: string, dir = fixturesDir()): string {
  return path.join(dir, claimId, `${tier}.json`);
}

export function fixtureFromResult(c: ClaimResult, tier: string, rootSeed: string | number, engineVersion: string): Fixture {
  const slopes: Record<string, number> = {};
  for (const o of c.observables) if (o.fit) slopes[o.name] = o.fit.slope;
  return {
    schema: FIXTURE_SCHEMA_VERSION,
    claim: c.id,
    tier,
    rootSeed,
    engineVersion,
    verdict: c.verdict,
    predictions: c.predictions.map((p) => ({ label: p.label, verdict: p.verdict, ...(p.fit ? { slope: p.fit.slope } : {}) })),
    slopes,
    jobs: c.jobs.filter((j) => j.status === 'ok').map((j) => ({
      x: j.x, trial: j.trial, ...(j.constant !== undefined ? { constant: j.constant } : {}), values: j.output!.values, ...(j.output!.notMeasured ? { notMeasured: j.output!.notMeasured } : {}),
    })),
  };
}

export function readFixture(claimId: string, tier: string, dir = fixturesDir()): Fixture | undefined {
  const f = fixturePath(claimId, tier, dir);
  if (!existsSync(f)) return undefined;
  const r = fixtureSchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
  if (!r.success) throw new Error(`${f}: not a valid fixture (${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message})`);
  return r.data;
}

export function writeFixture(fx: Fixture, dir = fixturesDir(), suffix = ''): string {
  const f = fixturePath(fx.claim, `${fx.tier}${suffix}`, dir);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, JSON.stringify(fx, null, 1) + '\n');
  return f;
}

export interface FixtureDifference {
  what: string;
  expected: string;
  obtained: string;
  relDiff?: number;
}

export interface FixtureComparison {
  claim: string;
  ok: boolean;
  missing: boolean;
  differences: FixtureDifference[];
}

function relDiff(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/**
 * Compares a claim's result with its fixture; tolerances per observable. An observable not
 * measured in the fixture equals one not measured in the run (whatever the reason's words:
 * they carry numbers such as the loss at the blow-up); measured on one side and not
 * measured on the other is a difference.
 */
export function compareWithFixture(
  c: ClaimResult, fx: Fixture | undefined, tols: Record<string, number | undefined> = {},
): FixtureComparison {
  if (!fx) return { claim: c.id, ok: false, missing: true, differences: [{ what: 'fixture', expected: 'a fixture file', obtained: 'none' }] };
  const diffs: FixtureDifference[] = [];
  if (fx.verdict !== c.verdict) diffs.push({ what: 'claim verdict', expected: fx.verdict, obtained: c.verdict });
  fx.predictions.forEach((p, i) => {
    const q = c.predictions[i];
    if (!q) diffs.push({ what: `prediction ${i + 1} (${p.label})`, expected: p.verdict, obtained: 'missing' });
    else if (q.verdict !== p.verdict) diffs.push({ what: `prediction ${i + 1} (${p.label})`, expected: p.verdict, obtained: q.verdict });
  });
  const keyOf = (j: { x: number; trial: number; constant?: number }) => `${j.x}/${j.trial}${j.constant !== undefined ? `@${j.constant}` : ''}`;
  const byKey = new Map(c.jobs.filter((j) => j.status === 'ok').map((j) => [keyOf(j), j.output!]));
  // An observable's copy at a swept constant ('name@c=4') has the observable's tolerance.
  const tolOf = (name: string) => tols[name] ?? tols[splitConstantName(name).base];
  for (const j of fx.jobs) {
    const out = byKey.get(keyOf(j));
    if (!out) {
      diffs.push({ what: `job x=${j.x} trial ${j.trial}${j.constant !== undefined ? ` constant ${j.constant}` : ''}`, expected: 'present', obtained: 'missing or failed' });
      continue;
    }
    const got = out.values;
    for (const [name, why] of Object.entries(j.notMeasured ?? {})) {
      const o = got[name];
      if (out.notMeasured?.[name] !== undefined) continue; // not measured on both sides: equal
      diffs.push({ what: `${name} at x=${j.x} trial ${j.trial}`, expected: `not measured (${why})`, obtained: o === undefined ? 'missing' : o.toPrecision(10) });
    }
    for (const [name, v] of Object.entries(j.values)) {
      const o = got[name];
      const tol = tolOf(name) ?? DEFAULT_FIXTURE_REL_TOL;
      const why = out.notMeasured?.[name];
      if (why !== undefined) diffs.push({ what: `${name} at x=${j.x} trial ${j.trial}`, expected: v.toPrecision(10), obtained: `not measured (${why})` });
      else if (o === undefined) diffs.push({ what: `${name} at x=${j.x} trial ${j.trial}`, expected: String(v), obtained: 'missing' });
      else {
        const r = relDiff(v, o);
        if (r > tol) diffs.push({ what: `${name} at x=${j.x} trial ${j.trial}`, expected: v.toPrecision(10), obtained: o.toPrecision(10), relDiff: r });
      }
    }
  }
  for (const [name, s] of Object.entries(fx.slopes)) {
    const o = c.observables.find((x) => x.name === name)?.fit?.slope;
    const tol = Math.max(tolOf(name) ?? DEFAULT_FIXTURE_REL_TOL, DEFAULT_FIXTURE_REL_TOL);
    if (o === undefined) diffs.push({ what: `slope of ${name}`, expected: String(s), obtained: 'no fit' });
    else if (Math.abs(o - s) > tol * Math.max(1, Math.abs(s))) diffs.push({ what: `slope of ${name}`, expected: s.toPrecision(8), obtained: o.toPrecision(8), relDiff: relDiff(s, o) });
  }
  return { claim: c.id, ok: diffs.length === 0, missing: false, differences: diffs };
}

/** A readable table of differences (first `limit` rows). */
export function formatComparison(cmp: FixtureComparison, limit = 20): string {
  if (cmp.ok) return `${cmp.claim}: matches its fixture`;
  if (cmp.missing) return `${cmp.claim}: no fixture (create it with: ntk-verify fixtures update ${cmp.claim})`;
  const rows = cmp.differences.slice(0, limit).map((d) =>
    `  ${d.what.padEnd(40)} expected ${d.expected.padEnd(18)} obtained ${d.obtained.padEnd(18)}${d.relDiff !== undefined ? ` rel.diff ${d.relDiff.toExponential(2)}` : ''}`);
  const more = cmp.differences.length > limit ? `\n  … and ${cmp.differences.length - limit} more` : '';
  return `${cmp.claim}: ${cmp.differences.length} difference(s) from its fixture\n${rows.join('\n')}${more}`;
}
