import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bootstrapSlopeCI,
  fitLogLog,
  incompleteBeta,
  logGamma,
  quantileSorted,
  studentTCdf,
  studentTQuantile,
  welchDiffCI,
  normalQuantile,
  type Point,
} from '../../src/stats';
import { SIZES, powerLawData } from './helpers';

const noisy = (seed: string | number, trials = 5, sigma = 0.1, exponent = -0.5): Point[] =>
  powerLawData({ seed, exponent, sizes: SIZES, trials, sigma });

describe('bootstrapSlopeCI', () => {
  it('is deterministic: same seed → identical CI', () => {
    const pts = noisy('det');
    const a = bootstrapSlopeCI(pts, { seed: 42 });
    const b = bootstrapSlopeCI(pts, { seed: 42 });
    expect(b).toEqual(a);
    expect(a.level).toBe(0.95);
    expect(a.resamples).toBe(2000);
    expect(a.lo).toBeLessThan(a.estimate);
    expect(a.hi).toBeGreaterThan(a.estimate);
    expect(a.estimate).toBeCloseTo(fitLogLog(pts).slope, 12);
  });

  it('different seed → different but close CI', () => {
    const pts = noisy('det');
    const a = bootstrapSlopeCI(pts, { seed: 42 });
    const b = bootstrapSlopeCI(pts, { seed: 'another' });
    expect(b.lo).not.toBe(a.lo);
    expect(b.hi).not.toBe(a.hi);
    // Monte-Carlo error of a 2.5% quantile from 2000 resamples is a few % of the width.
    const width = a.hi - a.lo;
    expect(Math.abs(b.lo - a.lo)).toBeLessThan(0.1 * width);
    expect(Math.abs(b.hi - a.hi)).toBeLessThan(0.1 * width);
  });

  it('does not depend on the order of the points', () => {
    const pts = noisy('order', 4);
    const ref = bootstrapSlopeCI(pts, { seed: 7, resamples: 300 });
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: pts.length, maxLength: pts.length }), (keys) => {
        const shuffled = pts.map((p, i) => ({ p, k: keys[i]! })).sort((a, b) => a.k - b.k).map((e) => e.p);
        expect(bootstrapSlopeCI(shuffled, { seed: 7, resamples: 300 })).toEqual(ref);
      }),
      { seed: 99, numRuns: 20 },
    );
  });

  it('resamples whole trials: duplicating every point of a trial changes nothing', () => {
    const pts = noisy('units', 4);
    const doubled = pts.flatMap((p) => [p, { ...p }]);
    const a = bootstrapSlopeCI(pts, { seed: 3, resamples: 500 });
    const b = bootstrapSlopeCI(doubled, { seed: 3, resamples: 500 });
    expect(b.lo).toBeCloseTo(a.lo, 12);
    expect(b.hi).toBeCloseTo(a.hi, 12);
    expect(b.df).toBeCloseTo(a.df, 9);
  });

  it('has zero width on an exact power law', () => {
    const ci = bootstrapSlopeCI(noisy('exact', 3, 0, 1.5), { seed: 1 });
    expect(Math.abs(ci.lo - 1.5)).toBeLessThan(1e-12);
    expect(Math.abs(ci.hi - 1.5)).toBeLessThan(1e-12);
  });

  it('covers the true slope in ~95% of 200 simulated datasets (5 sizes × 5 trials)', () => {
    // With the small-sample correction the coverage is ≈ 94–95% (1000-dataset runs while
    // writing this). 200 datasets give a binomial SD of √(0.95·0.05/200) ≈ 1.5 points, so
    // [88%, 99%] is about −4.5σ … +2.6σ around 95%: it fails only on a real defect. The seeds
    // are fixed, so the count is the same on every run.
    let covered = 0;
    let coveredPlain = 0;
    for (let s = 0; s < 200; s++) {
      const pts = noisy(`coverage-${s}`);
      const ci = bootstrapSlopeCI(pts, { seed: s, resamples: 1000 });
      if (ci.lo <= -0.5 && -0.5 <= ci.hi) covered++;
      const plain = bootstrapSlopeCI(pts, { seed: s, resamples: 1000, smallSample: false });
      if (plain.lo <= -0.5 && -0.5 <= plain.hi) coveredPlain++;
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.88);
    expect(covered / 200).toBeLessThanOrEqual(0.99);
    // The plain percentile bootstrap is too narrow with 5 trials (≈ 88% in long runs).
    expect(coveredPlain).toBeLessThan(covered);
  });

  it('corrected CI widens the plain one by the t factor of the effective df', () => {
    const pts = noisy('wide', 3);
    const plain = bootstrapSlopeCI(pts, { seed: 5, smallSample: false });
    const corr = bootstrapSlopeCI(pts, { seed: 5 });
    expect(plain.widening).toBe(1);
    expect(corr.widening).toBeGreaterThan(1);
    // effective df is at most Σ (K − 1) = 5·2 and here well below it (end sizes dominate)
    expect(corr.df).toBeGreaterThan(1);
    expect(corr.df).toBeLessThan(10);
    expect(corr.widening).toBeCloseTo(studentTQuantile(0.975, corr.df) / normalQuantile(0.975), 12);
    expect(corr.hi - corr.lo).toBeGreaterThan(plain.hi - plain.lo);
  });

  it('validates its options and points', () => {
    const pts = noisy('v', 3);
    expect(() => bootstrapSlopeCI(pts, { seed: 1, resamples: 0 })).toThrow('resamples must be a positive integer');
    expect(() => bootstrapSlopeCI(pts, { seed: 1, level: 1 })).toThrow('level must be in (0, 1)');
    expect(() => bootstrapSlopeCI([...pts, { x: 100, y: 0, trial: 9 }], { seed: 1 })).toThrow('(x=100, trial 9, y=0)');
    expect(() => bootstrapSlopeCI(pts.filter((p) => p.x === 100), { seed: 1 })).toThrow('at least 2 distinct x');
  });
});

describe('quantiles and t intervals', () => {
  it('quantileSorted interpolates linearly between order statistics', () => {
    const a = [1, 2, 3, 4, 5];
    expect(quantileSorted(a, 0)).toBe(1);
    expect(quantileSorted(a, 1)).toBe(5);
    expect(quantileSorted(a, 0.5)).toBe(3);
    expect(quantileSorted(a, 0.125)).toBeCloseTo(1.5, 15);
    expect(() => quantileSorted([], 0.5)).toThrow('empty');
  });

  it('logGamma matches factorials and Γ(1/2) = √π (to 1e-13)', () => {
    let f = 1;
    for (let n = 1; n <= 30; n++) {
      expect(logGamma(n + 1)).toBeCloseTo(Math.log((f *= n)), 12);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(1)).toBeCloseTo(0, 14);
  });

  it('incompleteBeta matches its closed forms', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 30, noNaN: true }),
        (x, a) => {
          // I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b; continued-fraction error ≪ 1e-12.
          expect(incompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
          expect(incompleteBeta(x, 1, a)).toBeCloseTo(-Math.expm1(a * Math.log1p(-x)), 12);
          // symmetry I_x(a, b) = 1 − I_{1−x}(b, a); for tiny x, 1 − x rounds to 1 and the
          // right side loses what the left keeps (I_x ~ x^a), so check it away from the ends.
          if (x > 1e-3 && x < 1 - 1e-3) expect(incompleteBeta(x, a, 2.5)).toBeCloseTo(1 - incompleteBeta(1 - x, 2.5, a), 12);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('Student-t quantiles match tables (to 1e-9)', () => {
    // Reference values: the standard t table (R: qt(p, df)).
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174698, 9);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652729749464, 9);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281388519862735, 9);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0422724563012373, 9);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032142983557536, 9);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.2281388519862735, 9);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(studentTCdf(0, 3.7)).toBe(0.5);
    // Cauchy (df = 1): F(t) = 1/2 + atan(t)/π
    for (const t of [-5, -1, 0.3, 2, 40]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
  });

  it('welchDiffCI: Welch interval, one-sample interval, single values', () => {
    const a = [1.0, 1.2, 0.9, 1.1];
    const b = [0.5, 0.7, 0.6];
    const ci = welchDiffCI(a, b);
    const va = 0.016666666666666666 / 4; // sample variance of a is 1/60
    const vb = 0.01 / 3;
    const df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2);
    expect(ci.estimate).toBeCloseTo(1.05 - 0.6, 14);
    expect(ci.df).toBeCloseTo(df, 10);
    expect(ci.hi - ci.estimate).toBeCloseTo(studentTQuantile(0.975, df) * Math.sqrt(va + vb), 10);
    const one = welchDiffCI(a, 1);
    expect(one.df).toBeCloseTo(3, 12);
    expect(one.hi - one.estimate).toBeCloseTo(studentTQuantile(0.975, 3) * Math.sqrt(va), 10);
    expect(Number.isNaN(welchDiffCI([1], b).lo)).toBe(true);
    const exact = welchDiffCI([2, 2], [1, 1]);
    expect([exact.lo, exact.hi]).toEqual([1, 1]);
  });
});
