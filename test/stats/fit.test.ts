import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { linearRegression } from 'simple-statistics';
import { FitInputError, fitLogLog, localSlopes, type Point } from '../../src/stats';
import { SIZES, powerLawData } from './helpers';

describe('fitLogLog', () => {
  it('recovers the exponent and constant of an exact power law (slope to 1e-12, r2 = 1)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -12, max: 12, noNaN: true }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 8 }),
        (b, logC, base, ks) => {
          // Sizes base·2^k: neighbouring log sizes differ by ≥ ln 2, so the few-ulp rounding of
          // log y (|log y| ≤ ~60, ulp ~1e-14) moves the slope by ≪ 1e-12.
          const sizes = ks.map((k) => base * 2 ** k);
          const C = Math.exp(logC);
          const pts: Point[] = sizes.flatMap((x) => [0, 1].map((trial) => ({ x, y: C * x ** b, trial })));
          const f = fitLogLog(pts);
          expect(Math.abs(f.slope - b)).toBeLessThan(1e-12);
          expect(Math.abs(f.intercept - logC)).toBeLessThan(1e-10);
          // r2 compares rounding noise with rounding noise when the law is flat: skip |b| < 0.01.
          if (Math.abs(b) >= 0.01) expect(f.r2).toBeCloseTo(1, 12);
          expect(f.points).toBe(pts.length);
          expect(f.sizes).toBe(sizes.length);
        },
      ),
      { seed: 20240601, numRuns: 200 },
    );
  });

  it('slope to 1e-12 for the standard sweep', () => {
    const f = fitLogLog(powerLawData({ seed: 1, exponent: -0.5, sizes: SIZES, trials: 3, sigma: 0, C: 7.3 }));
    expect(Math.abs(f.slope + 0.5)).toBeLessThan(1e-12);
    expect(Math.abs(f.intercept - Math.log(7.3))).toBeLessThan(1e-11);
    expect(f.r2).toBe(1);
    expect(f.residualStd).toBeLessThan(1e-14);
  });

  it('agrees with simple-statistics linearRegression on the logs (to 1e-10)', () => {
    const pts = powerLawData({ seed: 'oracle', exponent: 0.7, sizes: SIZES, trials: 4, sigma: 0.3 });
    const f = fitLogLog(pts);
    const ref = linearRegression(pts.map((p) => [Math.log(p.x), Math.log(p.y)]));
    expect(f.slope).toBeCloseTo(ref.m, 10);
    expect(f.intercept).toBeCloseTo(ref.b, 10);
    // r2 and residual std from their definitions
    const v = pts.map((p) => Math.log(p.y));
    const mv = v.reduce((a, c) => a + c, 0) / v.length;
    const res = pts.map((p) => Math.log(p.y) - ref.b - ref.m * Math.log(p.x));
    const ssr = res.reduce((a, r) => a + r * r, 0);
    const sst = v.reduce((a, c) => a + (c - mv) ** 2, 0);
    expect(f.r2).toBeCloseTo(1 - ssr / sst, 10);
    expect(f.residualStd).toBeCloseTo(Math.sqrt(ssr / (pts.length - 2)), 10);
  });

  it('rejects y ≤ 0, x ≤ 0 and non-finite values, naming the point', () => {
    const good = powerLawData({ seed: 2, exponent: -1, sizes: SIZES, trials: 3, sigma: 0 });
    const withY = (y: number): Point[] => [...good, { x: 400, y, trial: 7 }];
    expect(() => fitLogLog(withY(0))).toThrow(FitInputError);
    expect(() => fitLogLog(withY(0))).toThrow('y must be > 0 for a log-log fit, got point (x=400, trial 7, y=0)');
    expect(() => fitLogLog(withY(-0.5))).toThrow('(x=400, trial 7, y=-0.5)');
    expect(() => fitLogLog(withY(Number.NaN))).toThrow('non-finite y at point (x=400, trial 7, y=NaN)');
    expect(() => fitLogLog(withY(Infinity))).toThrow('non-finite y');
    expect(() => fitLogLog([...good, { x: 0, y: 1, trial: 0 }])).toThrow('x must be > 0');
    expect(() => fitLogLog([...good, { x: -3, y: 1, trial: 0 }])).toThrow('(x=-3, trial 0, y=1)');
  });

  it('needs at least 2 distinct sizes', () => {
    const one = [0, 1, 2].map((trial) => ({ x: 100, y: 1 + trial, trial }));
    expect(() => fitLogLog(one)).toThrow('need at least 2 distinct x values to fit a slope, got 1');
    expect(() => fitLogLog([])).toThrow('got 0');
  });
});

describe('localSlopes', () => {
  it('all equal the exponent for an exact power law (to 1e-12)', () => {
    const pts = powerLawData({ seed: 3, exponent: -0.75, sizes: SIZES, trials: 3, sigma: 0 });
    const local = localSlopes(pts);
    expect(local.map((l) => [l.x0, l.x1])).toEqual([
      [100, 200],
      [200, 400],
      [400, 800],
      [800, 1600],
    ]);
    for (const l of local) expect(Math.abs(l.slope + 0.75)).toBeLessThan(1e-12);
  });

  it('use the mean of log y at each size and show finite-size drift', () => {
    // y = n^{-1}(1 + 50/n): the local slope tends to −1 from below as n grows.
    const pts: Point[] = SIZES.flatMap((n) => [0, 1, 2].map((trial) => ({ x: n, y: (1 + 50 / n) / n, trial })));
    const local = localSlopes(pts);
    for (let k = 1; k < local.length; k++) expect(local[k]!.slope).toBeGreaterThan(local[k - 1]!.slope);
    expect(local[local.length - 1]!.slope).toBeCloseTo(-1 + Math.log((1 + 50 / 1600) / (1 + 50 / 800)) / Math.LN2, 12);
    // geometric mean: trials y = e^{±0.2}·n^{-1/2} average out exactly in log space
    const sym: Point[] = [10, 20, 40].flatMap((n) => [-0.2, 0, 0.2].map((e, trial) => ({ x: n, y: Math.exp(e) / Math.sqrt(n), trial })));
    for (const l of localSlopes(sym)) expect(l.slope).toBeCloseTo(-0.5, 12);
  });

  it('is empty below 2 sizes and validates points', () => {
    expect(localSlopes([{ x: 5, y: 1, trial: 0 }])).toEqual([]);
    expect(() => localSlopes([{ x: 5, y: 0, trial: 0 }])).toThrow('y must be > 0');
  });
});
