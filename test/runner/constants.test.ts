/**
 * Swept constants (src/runner/constants.ts) end to end on the toy claim T4, and the
 * combination rule on its own: the baseline's jobs are the claim's jobs without the sweep,
 * the other constants' observables carry '@c=<value>', each prediction is judged at every
 * constant and REFUTED only where every constant refutes it; a CONFIRMED that needed the
 * larger constant names it; results.json, fixtures, diff and the report carry all of it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { combineOverConstants } from '../../src/runner/constants';
import { defineClaim, type ClaimDefinition } from '../../src/runner/define';
import { compareWithFixture, fixtureFromResult } from '../../src/runner/fixtures';
import { loadRegistry, type RegisteredClaim } from '../../src/runner/registry';
import { parseResults, type ClaimResult, type RunResults } from '../../src/runner/results';
import { planJobs, runClaims } from '../../src/runner/runner';
import { writeReport } from '../../src/report';
import { diffRuns, sideFromResults } from '../../src/report/diff';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-constants-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let t4: RegisteredClaim;
let run: RunResults;
let c: ClaimResult;

beforeAll(async () => {
  [t4] = (await loadRegistry([path.join(__dirname, 'toy-constant')])) as [RegisteredClaim];
  run = await runClaims([t4], { tier: 'smoke', cache: new JobCache(path.join(tmp, 'nocache'), false), runId: 'constants' });
  c = run.claims[0]!;
});

describe('combineOverConstants', () => {
  it('baseline CONFIRMED wins; a larger constant that confirms is named; REFUTED only when all refute', () => {
    expect(combineOverConstants('c', [{ value: 1, verdict: 'CONFIRMED' }, { value: 4, verdict: 'INCONCLUSIVE' }])).toMatchObject({ verdict: 'CONFIRMED' });
    const needed = combineOverConstants('c', [{ value: 1, verdict: 'REFUTED' }, { value: 4, verdict: 'CONFIRMED' }, { value: 16, verdict: 'CONFIRMED' }]);
    expect(needed).toMatchObject({ verdict: 'CONFIRMED', needed: 4 });
    expect(needed.summary).toContain('c = 4');
    expect(combineOverConstants('c', [{ value: 1, verdict: 'REFUTED' }, { value: 4, verdict: 'REFUTED' }]).verdict).toBe('REFUTED');
    expect(combineOverConstants('c', [{ value: 1, verdict: 'REFUTED' }, { value: 4, verdict: 'INCONCLUSIVE' }]).verdict).toBe('INCONCLUSIVE');
    expect(combineOverConstants('c', [{ value: 1, verdict: 'INCONCLUSIVE' }, { value: 4, verdict: 'REFUTED' }]).verdict).toBe('INCONCLUSIVE');
    // A larger constant that refutes what the baseline confirmed is flagged, not hidden.
    expect(combineOverConstants('c', [{ value: 1, verdict: 'CONFIRMED' }, { value: 4, verdict: 'REFUTED' }]).summary).toContain('REFUTED at c = 4');
  });

  it('defineClaim rejects a baseline that is not the setting, and values on the wrong side', () => {
    const base = t4.def;
    const bad = (constant: ClaimDefinition['constant']) => () => defineClaim({ ...base, constant });
    expect(bad({ ...base.constant!, values: { smoke: [2, 4] } })).toThrow(/first value \(2\) must be the one setting\.c holds \(1\)/);
    expect(bad({ ...base.constant!, values: { smoke: [1, 0.5] } })).toThrow(/0\.5 at tier smoke is not larger than the baseline 1/);
    expect(bad({ ...base.constant!, favours: 'smaller', values: { smoke: [1, 4] } })).toThrow(/not smaller/);
  });
});

describe('jobs and observables', () => {
  it('plans the baseline jobs as without a sweep, then the same (x, trial) at each other constant', () => {
    const plan = planJobs([t4], 'smoke', 7);
    expect(plan.length).toBe(2 * 5 * 5);
    const base = plan.filter((p) => p.spec.constant === undefined);
    const at4 = plan.filter((p) => p.spec.constant === 4);
    expect(base.length).toBe(25);
    expect(at4.length).toBe(25);
    // Distinct cache keys (the setting differs), and only baseline jobs keep plot detail.
    expect(new Set(plan.map((p) => p.spec.key)).size).toBe(50);
    expect(at4.every((p) => !p.spec.keepDetail)).toBe(true);
    expect(planJobs([t4], 'paper', 7).length).toBe(3 * 25);
  });

  it('jobs at c = 4 carry the constant and suffixed names; the common random numbers make the flat noise equal', () => {
    const j0 = c.jobs.find((j) => j.x === 1000 && j.trial === 2 && j.constant === undefined)!;
    const j4 = c.jobs.find((j) => j.x === 1000 && j.trial === 2 && j.constant === 4)!;
    expect(Object.keys(j0.output!.values).sort()).toEqual(['corr', 'flat', 'gap']);
    expect(Object.keys(j4.output!.values).sort()).toEqual(['corr@c=4', 'flat@c=4', 'gap@c=4']);
    expect(j4.output!.values['flat@c=4']).toBe(j0.output!.values.flat);
    expect(j4.output!.checks![0]!.check).toBe('positive@c=4');
    expect(j0.output!.values.gap).toBeCloseTo(0.1, 1);
    expect(j4.output!.values['gap@c=4']).toBeCloseTo(1000 ** -0.5, 3);
    expect(c.observables.map((o) => o.name)).toEqual(['gap', 'flat', 'corr', 'gap@c=4', 'flat@c=4', 'corr@c=4']);
    expect(c.observables.find((o) => o.name === 'gap@c=4')!.fit!.slope).toBeCloseTo(-0.5, 1);
    expect(c.observables.find((o) => o.name === 'gap')!.fit!.slope).toBeCloseTo(0, 1);
  });
});

describe('verdicts over constants', () => {
  it('gap: REFUTED at c = 1, CONFIRMED at c = 4 → CONFIRMED, naming the constant it needed', () => {
    const p = c.predictions[0]!;
    expect(p.verdict).toBe('CONFIRMED');
    expect(p.constantNeeded).toEqual({ symbol: 'c', value: 4 });
    expect(p.byConstant!.map((b) => [b.value, b.verdict])).toEqual([[1, 'REFUTED'], [4, 'CONFIRMED']]);
    expect(p.reason).toMatch(/^CONFIRMED only with the larger constant c = 4/);
    // The prediction's own fit is the baseline's.
    expect(p.fit!.slope).toBeCloseTo(0, 1);
  });

  it('flat: REFUTED at every constant; corr: REFUTED and size-limited, reaching −1.15 beyond n = 4000', () => {
    const flat = c.predictions[1]!;
    expect(flat.verdict).toBe('REFUTED');
    expect(flat.reason).toMatch(/^REFUTED at every constant tried/);
    expect(flat.sizeLimited).toBeUndefined();
    const corr = c.predictions[2]!;
    expect(corr.verdict).toBe('REFUTED');
    expect(corr.sizeLimited).toBeDefined();
    expect(corr.sizeLimited!.reachAt!).toBeGreaterThan(4000);
    expect(c.predictions[3]!.verdict).toBe('CONFIRMED');
    expect(c.matchesExpected).toBe(true);
  });

  it('results.json, a fixture round trip, diff and the report carry the constants', async () => {
    const text = JSON.stringify(run);
    const back = parseResults(text);
    expect(back.claims[0]!.constant).toEqual({ key: 'c', symbol: 'c', label: 'n ≳ c·d', favours: 'larger', values: [1, 4] });
    const fx = fixtureFromResult(c, 'smoke', 7, 'x');
    expect(fx.jobs.filter((j) => j.constant === 4).length).toBe(25);
    expect(compareWithFixture(c, fx).ok).toBe(true);
    // A changed value at c = 4 is a difference (not masked by the baseline job of the same x, trial).
    const tampered = structuredClone(c);
    const j = tampered.jobs.find((q) => q.constant === 4 && q.x === 500 && q.trial === 1)!;
    j.output!.values['gap@c=4']! *= 1.01;
    const cmp = compareWithFixture(tampered, fx);
    expect(cmp.ok).toBe(false);
    expect(cmp.differences.map((d) => d.what)).toContain('gap@c=4 at x=500 trial 1');
    const diff = diffRuns(sideFromResults(run, 'a'), sideFromResults({ ...run, claims: [tampered] }, 'b'));
    expect(diff.claims[0]!.values.map((v) => v.observable)).toEqual(['gap@c=4']);

    const out = path.join(tmp, 'report');
    await writeReport(run, out);
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toContain('## Verdicts that needed a larger constant');
    expect(md).toContain('needs c = 4)');
    expect(md).toContain('gap = O(n^{-1/2}): CONFIRMED with c = 4 (c = 1: REFUTED');
    // The copies at c = 4 are predicted through their observable: not listed as unpredicted.
    expect(md).not.toContain('(gap@c=4): slope');
    expect(md).toContain('## Refutations that may be finite-size effects');
    expect(md).toMatch(/\*\*T4\*\* · corr .*: REFUTED, slope [−-]1\.\d+.*size-limited: local slopes drift by 0\.\d\d per e-fold of n/);
    const page = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(page).toContain('Refutations that may be finite-size effects');
    // One overlay plot per predicted observable, baseline and c = 4 together.
    expect(c.plots!.map((p) => p.id)).toEqual(['constant-gap', 'constant-flat', 'constant-corr']);
    expect(c.plots![0]!.observables).toEqual(['gap', 'gap@c=4']);
  });
});
