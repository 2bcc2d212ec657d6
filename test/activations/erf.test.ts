import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../../src/special/erf';

// Reference values computed with mpmath (40 significant digits) and rounded to double.
// [x, erf(x), erfc(x)]
const TABLE: [number, number, number][] = [
  [-6.5, -1.0, 2.0],
  [-3.1, -0.9999883513426328, 1.9999883513426329],
  [-1.1, -0.8802050695740817, 1.8802050695740817],
  [-0.9, -0.7969082124228322, 1.7969082124228322],
  [-0.3, -0.3286267594591274, 1.3286267594591274],
  [1e-10, 1.1283791670955126e-10, 0.999999999887162],
  [0.1, 0.1124629160182849, 0.887537083981715],
  [0.3, 0.3286267594591274, 0.6713732405408726],
  [0.84, 0.7651427114549945, 0.23485728854500548],
  [0.85, 0.7706680576083526, 0.22933194239164748],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [1.2, 0.9103139782296353, 0.08968602177036464],
  [1.3, 0.9340079449406524, 0.06599205505934755],
  [2.5, 0.999593047982555, 0.0004069520174449589],
  [2.9, 0.9999589021219005, 4.109787809945886e-5],
  [4.0, 0.9999999845827421, 1.541725790028002e-8],
  [5.5, 0.9999999999999927, 7.357847917974398e-15],
  [5.99, 1.0, 2.4300455127321346e-17],
  [6.5, 1.0, 3.8421483271206475e-20],
  [15, 1.0, 7.212994172451207e-100],
  [20, 1.0, 5.395865611607901e-176],
  [26, 1.0, 5.663192408856143e-296],
];

// fdlibm bounds its approximations by < 1 ulp; measured against mpmath on 8 100 points over
// [−7, 27]: erf ≤ 1 ulp (relative ≤ 2.2e-16), erfc ≤ 2 ulp (relative ≤ 3.7e-16, the extra ulp
// from exp() in the tail). A relative tolerance of 1e-15 (≈ 4.5 ulp) therefore has margin.
const REL = 1e-15;
const close = (got: number, want: number) => Math.abs(got - want) <= REL * Math.abs(want);

describe('erf / erfc (fdlibm rational approximations)', () => {
  it('the brief\'s reference values', () => {
    expect(close(erf(0.5), 0.5204998778130465)).toBe(true);
    expect(close(erf(1), 0.8427007929497149)).toBe(true);
    expect(close(erf(2), 0.9953222650189527)).toBe(true);
    expect(close(erfc(5), 1.5374597944280349e-12)).toBe(true);
    expect(close(erfc(10), 2.088487583762545e-45)).toBe(true);
  });

  it.each(TABLE)('x = %d: erf and erfc to 1e-15 relative', (x, e, c) => {
    expect(close(erf(x), e)).toBe(true);
    expect(close(erfc(x), c)).toBe(true);
  });

  it('odd symmetry erf(−x) = −erf(x) and erfc(−x) = 2 − erfc(x), random x (fixed seed)', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erfc(-x) - (2 - erfc(x)))).toBeLessThanOrEqual(4.5e-16);
        // erf + erfc = 1 to rounding where both are O(1).
        expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThanOrEqual(4.5e-16);
      }),
      { seed: 20240611, numRuns: 500 },
    );
  });

  it('interval boundaries are continuous (0.84375, 1.25, 1/0.35, 6)', () => {
    for (const b of [0.84375, 1.25, 1 / 0.35, 6]) {
      const lo = b * (1 - 2e-16);
      // The true change over [lo, b] is erf′(b)·(b − lo); allow that plus a few ulps.
      const drift = (2 / Math.sqrt(Math.PI)) * Math.exp(-b * b) * (b - lo);
      expect(Math.abs(erf(b) - erf(lo))).toBeLessThan(drift + 5e-16);
      expect(Math.abs(erfc(b) - erfc(lo))).toBeLessThan(drift + 8e-16 * erfc(b));
    }
  });

  it('special arguments: ±0, tiny, ±∞, NaN, deep tail', () => {
    expect(Object.is(erf(0), 0)).toBe(true);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(1e-300)).toBeCloseTo(1.1283791670955126e-300, 310);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
    expect(Number.isNaN(erfc(Number.NaN))).toBe(true);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });
});
