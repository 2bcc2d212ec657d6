/**
 * `ntk-verify combine` (src/cli/combine.ts): complete runs of different claims joined into one
 * results.json — each claim re-analysed as it was, its source run and engine recorded — and
 * the inputs it refuses (a shard, a claim given twice, another tier, a claim whose file now
 * plans other jobs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { loadRegistry, type RegisteredClaim } from '../../src/runner/registry';
import { parseResults, type RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { combineRuns } from '../../src/cli/combine';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-combine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let reg: RegisteredClaim[];
let a: RunResults;
let b: RunResults;

beforeAll(async () => {
  reg = [
    ...(await loadRegistry([path.join(__dirname, '..', 'runner', 'toy-claims')])).filter((c) => c.def.id === 'T1'),
    ...(await loadRegistry([path.join(__dirname, '..', 'runner', 'toy-constant')])),
  ];
  const cache = new JobCache(path.join(tmp, 'c'), false);
  a = await runClaims([reg[0]!], { tier: 'smoke', cache, runId: 'run-a' });
  b = await runClaims([reg[1]!], { tier: 'smoke', cache, runId: 'run-b' });
});

describe('combineRuns', () => {
  it('joins the claims, equal to each run\'s own analysis, and records where each came from', () => {
    const c = combineRuns([b, a], reg);
    expect(c.claims.map((x) => x.id)).toEqual(['T1', 'T4']);
    expect(c.claims[0]!.predictions.map((p) => p.verdict)).toEqual(a.claims[0]!.predictions.map((p) => p.verdict));
    expect(c.claims[1]!.predictions.map((p) => p.reason)).toEqual(b.claims[0]!.predictions.map((p) => p.reason));
    expect(c.sources!.map((s) => [s.runId, s.claims])).toEqual([['run-b', ['T4']], ['run-a', ['T1']]]);
    expect(c.runId).toBe('combined-smoke');
    // It is a valid results.json.
    expect(parseResults(JSON.stringify(c)).sources!.length).toBe(2);
  });

  it('a combined run combined again keeps the runs it came from (its sources), not itself as one run', () => {
    const first = combineRuns([a], reg);
    const again = combineRuns([first, b], reg);
    expect(again.sources!.map((s) => [s.runId, s.claims])).toEqual([['run-a', ['T1']], ['run-b', ['T4']]]);
  });

  it('refuses a shard, a claim given twice, another tier, and a claim whose file plans other jobs', () => {
    expect(() => combineRuns([{ ...a, shard: { index: 1, count: 2 } }, b], reg)).toThrow(/shard 1\/2: merge its shards first/);
    expect(() => combineRuns([a, { ...a, runId: 'again' }], reg)).toThrow(/claim T1 is in both run-a and again/);
    expect(() => combineRuns([a, { ...b, tier: 'standard' }], reg)).toThrow(/tiers differ/);
    const fewer = { ...a, claims: [{ ...a.claims[0]!, jobs: a.claims[0]!.jobs.slice(1) }] };
    expect(() => combineRuns([fewer], reg)).toThrow(/has 11 jobs in run-a, but its claim file plans 12/);
  });
});
