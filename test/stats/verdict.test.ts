import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assessCompare,
  assessHolds,
  assessSlope,
  assessTransition,
  makeHoldsCase,
  type HoldsCase,
  type Point,
  type TransitionPoint,
} from '../../src/stats';
import { SIZES, powerLawData } from './helpers';

// σ = 0.1 lognormal noise with 5 sizes × 5 trials gives a slope CI of about ±0.05: well inside
// a ±0.15 window around the truth and far from an exponent off by 0.5.
const data = (exponent: number, opts: { seed?: string; trials?: number; sizes?: readonly number[]; sigma?: number } = {}): Point[] =>
  powerLawData({
    seed: opts.seed ?? `verdict-${exponent}`,
    exponent,
    sizes: opts.sizes ?? SIZES,
    trials: opts.trials ?? 5,
    sigma: opts.sigma ?? 0.1,
  });

describe('assessSlope: slope ≈ b ± δ', () => {
  it('CONFIRMED for the true exponent, with a specific reason', () => {
    const a = assessSlope(data(-0.5), { kind: 'slope≈', exponent: -0.5 }, { seed: 1 });
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.interval).toEqual([-0.65, -0.35]);
    expect(a.dataCheck).toEqual({ ok: true, sizes: 5, span: 16, minTrials: 5 });
    expect(a.ci!.lo).toBeGreaterThanOrEqual(-0.65);
    expect(a.ci!.hi).toBeLessThanOrEqual(-0.35);
    expect(a.reason).toMatch(/^slope −0\.\d\d, 95% CI \[−0\.\d\d, −0\.\d\d\] lies inside \[−0\.65, −0\.35\] \(predicted slope −0\.50 ± 0\.15\)$/);
    expect(a.local).toHaveLength(4);
    expect(a.loose).toBeUndefined();
  });

  it('REFUTED for an exponent off by 0.5 either way', () => {
    const pts = data(-0.5);
    const above = assessSlope(pts, { kind: 'slope≈', exponent: 0 }, { seed: 1 });
    expect(above.verdict).toBe('REFUTED');
    expect(above.reason).toContain('lies entirely below [−0.15, 0.15]');
    const below = assessSlope(pts, { kind: 'slope≈', exponent: -1 }, { seed: 1 });
    expect(below.verdict).toBe('REFUTED');
    expect(below.reason).toContain('lies entirely above [−1.15, −0.85]: lower end');
  });

  it('INCONCLUSIVE when the CI straddles an end of the window', () => {
    const a = assessSlope(data(-0.5), { kind: 'slope≈', exponent: -0.55, tol: 0.05 }, { seed: 1 });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.reason).toMatch(/overlaps \[−0\.60, −0\.50\] but sticks out above by/);
  });

  it('is deterministic given the seed', () => {
    const pts = data(-0.5);
    const a = assessSlope(pts, { kind: 'slope≈', exponent: -0.5 }, { seed: 'x' });
    expect(assessSlope(pts, { kind: 'slope≈', exponent: -0.5 }, { seed: 'x' })).toEqual(a);
  });

  it('confirms an exact power law (zero-width CI)', () => {
    const a = assessSlope(data(1, { sigma: 0, trials: 3 }), { kind: 'slope≈', exponent: 1, tol: 0.01 }, { seed: 1 });
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.fit!.r2).toBe(1);
  });
});

describe('assessSlope: data requirements', () => {
  const pred = { kind: 'slope≈', exponent: -0.5 } as const;

  it('too few sizes', () => {
    const a = assessSlope(data(-0.5, { sizes: [100, 400, 1600] }), pred, { seed: 1 });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.dataCheck.ok).toBe(false);
    expect(a.reason).toMatch(/^only 3 sizes \(need 4\); fitted slope .* not judged/);
    expect(a.fit).toBeDefined(); // still reported
  });

  it('too few trials, naming the sizes', () => {
    const pts = data(-0.5).filter((p) => p.trial < 2 || p.x > 200);
    const a = assessSlope(pts, pred, { seed: 1 });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.dataCheck.minTrials).toBe(2);
    expect(a.reason).toContain('only 2 trials at n=100, n=200 (need 3)');
  });

  it('too small a span', () => {
    const a = assessSlope(data(-0.5, { sizes: [100, 150, 200, 300] }), pred, { seed: 1, xName: 'd' });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.dataCheck.span).toBe(3);
    expect(a.reason).toContain('sizes span a factor 3 (d=100…300; need ≥ 4)');
  });

  it('several problems at once, and lowered minimums (smoke tier) give a verdict', () => {
    // With 2 trials the effective df is ~1 and the CI is widened ~6× (t₁ vs z): keep σ small.
    const pts = data(-0.5, { sizes: [100, 200, 300], trials: 2, sigma: 0.005 });
    const a = assessSlope(pts, pred, { seed: 1 });
    expect(a.reason).toMatch(/^only 3 sizes \(need 4\); sizes span a factor 3 .*; only 2 trials at n=100, n=200, n=300 \(need 3\)/);
    const b = assessSlope(pts, pred, { seed: 1, minSizes: 3, minSpan: 3, minTrials: 2 });
    expect(b.dataCheck.ok).toBe(true);
    expect(b.verdict).toBe('CONFIRMED');
  });

  it('one trial per size (minTrials lowered to 1) says the noise is not estimated', () => {
    const a = assessSlope(data(-0.5, { trials: 1 }), pred, { seed: 1, minTrials: 1 });
    expect(a.ci!.lo).toBe(a.ci!.hi);
    expect(a.reason).toContain('no within-size spread to resample');
  });

  it('y ≤ 0 or no data: INCONCLUSIVE naming the problem, no throw', () => {
    const pts = [...data(-0.5), { x: 400, y: 0, trial: 9 }];
    const a = assessSlope(pts, pred, { seed: 1 });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.reason).toContain('y must be > 0 for a log-log fit, got point (x=400, trial 9, y=0)');
    expect(a.fit).toBeUndefined();
    expect(assessSlope([], pred, { seed: 1 }).reason).toMatch(/^no data points/);
  });

  it('rejects a malformed prediction', () => {
    expect(() => assessSlope(data(-0.5), { kind: 'slope≈', exponent: -0.5, tol: -1 }, { seed: 1 })).toThrow('tol');
  });
});

describe('assessSlope: bounds', () => {
  it('slope ≤ b: a faster decay confirms the bound (loose when far below) and refutes the rate', () => {
    const fast = data(-1);
    const bound = assessSlope(fast, { kind: 'slope≤', exponent: -0.5 }, { seed: 1 });
    expect(bound.verdict).toBe('CONFIRMED');
    expect(bound.interval).toEqual([-Infinity, -0.35]);
    expect(bound.loose).toBe(true); // CI upper end ≈ −0.95 < −0.5 − 0.25
    expect(bound.reason).toContain('loose: upper end');
    expect(assessSlope(fast, { kind: 'slope≈', exponent: -0.5 }, { seed: 1 }).verdict).toBe('REFUTED');
  });

  it('slope ≤ b: a decay at the predicted rate confirms without the loose flag', () => {
    const a = assessSlope(data(-0.6), { kind: 'slope≤', exponent: -0.5 }, { seed: 1 });
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.loose).toBe(false);
    expect(a.reason).toMatch(/upper end −0\.\d+ ≤ −0\.35 \(bound: slope ≤ −0\.50 \+ 0\.15\)$/);
  });

  it('slope ≤ b: a slower decay refutes; a borderline one is inconclusive', () => {
    const slow = assessSlope(data(0), { kind: 'slope≤', exponent: -0.5 }, { seed: 1 });
    expect(slow.verdict).toBe('REFUTED');
    expect(slow.reason).toMatch(/lower end −?0\.\d+ > −0\.35/);
    const edge = assessSlope(data(-0.35, { sigma: 0.3, trials: 3 }), { kind: 'slope≤', exponent: -0.5 }, { seed: 1 });
    expect(edge.verdict).toBe('INCONCLUSIVE');
    expect(edge.reason).toContain('straddles the bound −0.35');
  });

  it('slope ≥ b mirrors it', () => {
    expect(assessSlope(data(0.5), { kind: 'slope≥', exponent: 0.5 }, { seed: 1 }).verdict).toBe('CONFIRMED');
    const up = assessSlope(data(1.5), { kind: 'slope≥', exponent: 0.5 }, { seed: 1 });
    expect(up.loose).toBe(true);
    const down = assessSlope(data(0), { kind: 'slope≥', exponent: 0.5 }, { seed: 1 });
    expect(down.verdict).toBe('REFUTED');
    expect(down.interval).toEqual([0.35, Infinity]);
  });

  it('bounded is |slope| ≤ δ', () => {
    const flat = assessSlope(data(0.02), { kind: 'bounded' }, { seed: 1 });
    expect(flat.verdict).toBe('CONFIRMED');
    expect(flat.interval).toEqual([-0.15, 0.15]);
    expect(flat.reason).toContain('(predicted bounded: |slope| ≤ 0.15)');
    expect(assessSlope(data(0.5), { kind: 'bounded' }, { seed: 1 }).verdict).toBe('REFUTED');
  });
});

describe('assessHolds', () => {
  const leq = (x: number, trial: number, lhs: number, rhs: number, step?: number): HoldsCase =>
    makeHoldsCase({ x, trial, step, lhs, rhs });

  it('CONFIRMED when no case fails, reporting the tightest margin', () => {
    const cases = [leq(100, 0, 0.5, 1), leq(200, 1, 0.9, 1), leq(400, 0, 0.1, 1)];
    const a = assessHolds(cases);
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.checked).toBe(3);
    expect(a.failures).toBe(0);
    expect(a.worstMargin).toBeCloseTo(0.1, 12);
    expect(a.reason).toBe('all 3 cases hold (tightest relative margin 10% at n=200, trial 1: 0.9 ≤ 1)');
  });

  it('REFUTED with the first counterexample in (x, trial, step) order', () => {
    const cases = [
      leq(800, 0, 2, 1),
      leq(400, 3, 1.5, 1, 2),
      leq(400, 2, 0.93, 0.91, 17),
      leq(400, 2, 0.5, 0.91, 3),
      leq(100, 0, 0.1, 1),
      { ...leq(400, 2, 0.95, 0.91, 16), label: 'late' },
    ];
    cases[2]!.label = '‖ΔK‖ ≤ bound';
    const a = assessHolds(cases);
    expect(a.verdict).toBe('REFUTED');
    expect(a.failures).toBe(4);
    expect(a.firstCounterexample).toMatchObject({ x: 400, trial: 2, step: 16 });
    expect(a.reason).toMatch(/^first counterexample at n=400, trial 2, step 16: 0\.95 > 0\.91 \(late\); 4 of 6 cases fail/);
    const b = assessHolds(cases.filter((c) => c.label !== 'late'));
    expect(b.reason).toMatch(/^first counterexample at n=400, trial 2, step 17: 0\.93 > 0\.91 \(‖ΔK‖ ≤ bound\)/);
    expect(b.worstCase).toMatchObject({ x: 800 }); // 2 vs 1: 50% violation
    expect(b.worstMargin).toBeCloseTo(-0.5, 12);
  });

  it('prints enough digits to tell close sides apart, and other relations', () => {
    const a = assessHolds([makeHoldsCase({ x: 10, trial: 0, lhs: 0.93012, rhs: 0.9301 })]);
    expect(a.reason).toContain('0.93012 > 0.9301');
    const ge = assessHolds([makeHoldsCase({ x: 10, trial: 1, lhs: 1, rhs: 2, relation: '>=' })], 0, { xName: 'm' });
    expect(ge.reason).toContain('first counterexample at m=10, trial 1: 1 < 2');
  });

  it('relTol tolerates round-off at equality only', () => {
    const cases = [leq(10, 0, 1 + 1e-14, 1), leq(20, 0, 0.5, 1)];
    expect(assessHolds(cases).verdict).toBe('REFUTED');
    const tol = assessHolds(cases, 1e-12);
    expect(tol.verdict).toBe('CONFIRMED');
    expect(tol.tolerated).toBe(1);
    expect(assessHolds([leq(10, 0, 1.1, 1)], 1e-12).verdict).toBe('REFUTED');
  });

  it('NaN never holds; no cases is INCONCLUSIVE', () => {
    const a = assessHolds([leq(10, 0, Number.NaN, 1)]);
    expect(a.verdict).toBe('REFUTED');
    expect(a.worstMargin).toBe(-Infinity);
    const none = assessHolds([]);
    expect(none.verdict).toBe('INCONCLUSIVE');
    expect(none.reason).toBe('no cases were checked');
  });

  it('the first counterexample is the least failing case in (x, trial, step) order (property)', () => {
    const caseArb = fc.record({
      x: fc.constantFrom(100, 200, 400),
      trial: fc.integer({ min: 0, max: 3 }),
      step: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
      lhs: fc.double({ min: 0, max: 2, noNaN: true }),
      rhs: fc.double({ min: 0, max: 2, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(caseArb, { maxLength: 30 }), (raw) => {
        const cases = raw.map((c) => makeHoldsCase(c));
        const a = assessHolds(cases);
        const failing = cases.filter((c) => !c.ok);
        expect(a.failures).toBe(failing.length);
        if (cases.length === 0) {
          expect(a.verdict).toBe('INCONCLUSIVE');
          return;
        }
        expect(a.verdict).toBe(failing.length === 0 ? 'CONFIRMED' : 'REFUTED');
        if (failing.length === 0) return;
        const key = (c: HoldsCase): number[] => [c.x, c.trial, c.step ?? -Infinity];
        const less = (p: number[], q: number[]): boolean => p[0]! < q[0]! || (p[0] === q[0] && (p[1]! < q[1]! || (p[1] === q[1] && p[2]! < q[2]!)));
        for (const c of failing) expect(less(key(c), key(a.firstCounterexample!))).toBe(false);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('assessCompare', () => {
  const label = 'testError(Case 3) < testError(lazy)';

  it('CONFIRMED when the relation holds for the whole CI of the difference', () => {
    const a = assessCompare({ left: [0.21, 0.22, 0.2], right: [0.3, 0.31, 0.29], relation: '<', label });
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.leftMean).toBeCloseTo(0.21, 14);
    expect(a.rightMean).toBeCloseTo(0.3, 14);
    expect(a.difference).toBeCloseTo(-0.09, 14);
    expect(a.method).toBe('welch');
    expect(a.ci[1]).toBeLessThan(0);
    expect(a.reason).toMatch(/^testError\(Case 3\) < testError\(lazy\) holds: mean 0\.21 \(3 values\) vs 0\.3 \(3 values\); difference −0\.09 < 0; 95% CI \[−0\.\d+, −0\.\d+\] \(Welch t\)$/);
  });

  it('REFUTED when it fails and the CI of the difference is entirely on the failing side', () => {
    const a = assessCompare({ left: [0.31, 0.32, 0.3], right: [0.2, 0.21, 0.22], relation: '<', label });
    expect(a.verdict).toBe('REFUTED');
    expect(a.ci[0]).toBeGreaterThan(0);
    expect(a.reason).toContain('fails:');
  });

  it('INCONCLUSIVE when it fails at the means but the CI reaches the holding side', () => {
    const a = assessCompare({ left: [0.31, 0.22, 0.3], right: [0.2, 0.31, 0.22], relation: '<', label });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.reason).toContain('reaches the holding side of 0');
  });

  it('INCONCLUSIVE when it holds at the means but the CI reaches the failing side (as a slope: the CI decides)', () => {
    const a = assessCompare({ left: [0.29, 0.2, 0.31], right: [0.3, 0.22, 0.31], relation: '<', label });
    expect(a.difference).toBeLessThan(0);
    expect(a.ci[0]).toBeLessThan(0);
    expect(a.ci[1]).toBeGreaterThan(0);
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.reason).toMatch(/^testError\(Case 3\) < testError\(lazy\) holds at the means \(mean 0\.267 \(3 values\) vs 0\.277 \(3 values\); difference −0\.01 < 0\) but the 95% CI \[−0\.\d+, 0\.\d+\] \(Welch t\) reaches the failing side of 0$/);
    // A fixed threshold: the one-sample t interval of the mean decides the same way.
    expect(assessCompare({ left: [1.0, 1.02, 0.99, 1.18], right: 1.1, relation: '<', label: 'λ₂ ratio < 1.1' }).verdict).toBe('INCONCLUSIVE');
    expect(assessCompare({ left: [1.0, 1.02, 0.99, 1.01], right: 1.1, relation: '<', label: 'λ₂ ratio < 1.1' }).verdict).toBe('CONFIRMED');
  });

  it('margin, fixed thresholds and pairing', () => {
    // Lower by 0.09: not by a margin of 0.15 (the Welch CI [−0.113, −0.067] excludes −0.15 →
    // REFUTED); not by 0.1 either, but the CI reaches −0.1 → INCONCLUSIVE.
    const base = { left: [0.21, 0.22, 0.2], right: [0.3, 0.31, 0.29], relation: '<' as const, label };
    const m = assessCompare({ ...base, margin: 0.15 });
    expect(m.verdict).toBe('REFUTED');
    expect(m.reason).toContain('difference −0.09 ≥ −0.15 (margin 0.15)');
    expect(assessCompare({ ...base, margin: 0.1 }).verdict).toBe('INCONCLUSIVE');
    expect(assessCompare({ ...base, margin: 0.05 }).verdict).toBe('CONFIRMED');
    const thr = assessCompare({ left: [0.8, 0.82, 0.79, 0.81], right: 0.75, relation: '>', label: 'accuracy > 0.75' });
    expect(thr.verdict).toBe('CONFIRMED');
    expect(thr.method).toBe('one-sample');
    expect(thr.reason).toContain('vs threshold 0.75');
    // Paired: a consistent per-trial gap that Welch cannot see through the trial-to-trial spread.
    const left = [1.0, 2.0, 3.0, 4.0];
    const right = [1.1, 2.1, 3.1, 4.1];
    expect(assessCompare({ left, right, relation: '>', label: 'l > r' }).verdict).toBe('INCONCLUSIVE');
    expect(assessCompare({ left, right, relation: '>', label: 'l > r', paired: true }).verdict).toBe('REFUTED');
    expect(assessCompare({ left: right, right: left, relation: '>', label: 'r > l', paired: true }).verdict).toBe('CONFIRMED');
  });

  it('single values and bad data', () => {
    const one = assessCompare({ left: [0.4], right: [0.3], relation: '<', label });
    expect(one.verdict).toBe('INCONCLUSIVE');
    expect(one.reason).toContain('fails at the means but a group has a single value');
    // Holding at the means is not enough either when the uncertainty is unknown.
    const oneHolds = assessCompare({ left: [0.2], right: [0.3], relation: '<', label });
    expect(oneHolds.verdict).toBe('INCONCLUSIVE');
    expect(oneHolds.reason).toContain('holds at the means but a group has a single value');
    const nan = assessCompare({ left: [0.4, Number.NaN], right: [0.3], relation: '<', label });
    expect(nan.verdict).toBe('INCONCLUSIVE');
    expect(nan.reason).toBe(`${label}: left value 1 is NaN`);
    expect(assessCompare({ left: [1, 2], right: [1], relation: '<', label, paired: true }).reason).toContain('equal lengths');
  });
});

describe('assessTransition', () => {
  const sweep = (f: (x: number) => number, xs = [1, 2, 4, 8, 16, 32]): TransitionPoint[] =>
    xs.flatMap((x) => [0, 1, 2].map((trial) => ({ x, y: f(x) + 0.01 * (trial - 1), trial })));

  it('CONFIRMED for a single upward crossing, located by log-x interpolation', () => {
    const a = assessTransition(sweep((x) => (x >= 8 ? 0.9 : 0.1)), { threshold: 0.5, xName: 'α' });
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.crossing).toBeCloseTo(4 * Math.SQRT2, 12); // midway between 4 and 8 in log x
    expect(a.levels.map((l) => l.side)).toEqual(['below', 'below', 'below', 'above', 'above', 'above']);
    expect(a.reason).toBe('mean rises above 0.5 between 0.1 at α=4 and 0.9 at α=8, crossing at α≈5.66 (interpolated in log α)');
    const lin = assessTransition(sweep((x) => (x >= 8 ? 0.9 : 0.1)), { threshold: 0.3, logX: false });
    expect(lin.crossing).toBeCloseTo(5, 12); // 0.3 is a quarter of the way from 0.1 to 0.9
  });

  it('falls, and expectedAt', () => {
    const pts = sweep((x) => 1 / x);
    const a = assessTransition(pts, { threshold: 0.2, direction: 'falls', expectedAt: [3, 8], label: 'train error' });
    expect(a.verdict).toBe('CONFIRMED');
    expect(a.crossing).toBeGreaterThan(4);
    expect(a.crossing).toBeLessThan(8);
    const out = assessTransition(pts, { threshold: 0.2, direction: 'falls', expectedAt: [10, 20] });
    expect(out.verdict).toBe('REFUTED');
    expect(out.reason).toContain('outside the expected [10, 20]');
  });

  it('REFUTED when it goes the wrong way', () => {
    const a = assessTransition(sweep((x) => 1 / x), { threshold: 0.2 });
    expect(a.verdict).toBe('REFUTED');
    expect(a.reason).toContain('goes the wrong way');
  });

  it('the CI of the mean at each end decides, not the mean alone: an end whose trials straddle the threshold is INCONCLUSIVE', () => {
    // Crosses at the means (0.55 > 0.5 at n = 32), but the three trials there are 0.3, 0.9, 0.45.
    const pts = sweep((x) => (x >= 8 ? 0.9 : 0.1)).filter((p) => p.x !== 32);
    const straddle = [...pts, ...[0.3, 0.9, 0.45].map((y, trial) => ({ x: 32, y, trial }))];
    const a = assessTransition(straddle, { threshold: 0.5 });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.reason).toMatch(/^mean rises above 0\.5 between .* at the means, but the 95% CI of the mean at n=32, \[−?0\.\d+, \d\.\d+\], reaches 0\.5$/);
    // The wrong way at the means, with the same unclear end reversed: not REFUTED either.
    const back = straddle.map((p) => ({ ...p, y: 1 - p.y }));
    const b = assessTransition(back, { threshold: 0.5 });
    expect(b.verdict).toBe('INCONCLUSIVE');
    expect(b.reason).toContain('goes the wrong way');
    // One value per size (a deterministic sweep): no interval, the means decide.
    const single = assessTransition([1, 2, 4, 8].map((x) => ({ x, y: x >= 4 ? 0.51 : 0.49 })), { threshold: 0.5 });
    expect(single.verdict).toBe('CONFIRMED');
  });

  it('no crossing: INCONCLUSIVE unless the sweep covers the expected location', () => {
    const flat = sweep(() => 0.1);
    const a = assessTransition(flat, { threshold: 0.5 });
    expect(a.verdict).toBe('INCONCLUSIVE');
    expect(a.reason).toContain('stays below 0.5 over the sweep n=1…32');
    expect(assessTransition(flat, { threshold: 0.5, expectedAt: [2, 8] }).verdict).toBe('REFUTED');
    expect(assessTransition(flat, { threshold: 0.5, expectedAt: [20, 80] }).verdict).toBe('INCONCLUSIVE');
    const high = assessTransition(sweep(() => 0.9), { threshold: 0.5 });
    expect(high.reason).toContain('is already above 0.5 at the smallest size');
  });

  it('several crossings and too few sizes are INCONCLUSIVE', () => {
    const wiggle = assessTransition(sweep((x) => (x === 4 || x >= 16 ? 0.9 : 0.1)), { threshold: 0.5 });
    expect(wiggle.verdict).toBe('INCONCLUSIVE');
    expect(wiggle.crossings).toHaveLength(3);
    expect(wiggle.reason).toContain('crosses 0.5 3 times');
    const two = assessTransition(sweep((x) => x, [1, 2]), { threshold: 1.5 });
    expect(two.verdict).toBe('INCONCLUSIVE');
    expect(two.reason).toBe('only 2 sizes (need 3)');
    expect(assessTransition([{ x: 1, y: Number.NaN, trial: 4 }], { threshold: 0 }).reason).toBe('non-finite value at n=1, trial 4: y=NaN');
  });
});
