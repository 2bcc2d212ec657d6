/**
 * Average pooling and per-image standardisation against direct computations written
 * differently from the code (closed forms, a scatter instead of a gather, simple-statistics).
 */
import { mean, standardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { averagePool, pooledSide, standardizeColumns } from '../../src/data/preprocess';
import { fromColumnMajor, zeros } from '../../src/linalg/mat';
import { lcgMat } from '../helpers/lcg';

describe('averagePool', () => {
  it('on p(r, c) = r + c every k×k block averages to kR + kC + (k − 1): closed form, for every k dividing 28', () => {
    const img = Uint8Array.from({ length: 784 }, (_, i) => Math.floor(i / 28) + (i % 28));
    for (const k of [1, 2, 4, 7, 14, 28]) {
      const s = 28 / k;
      const out = averagePool(img, 28, 28, k, new Float64Array(s * s));
      for (let R = 0; R < s; R++) {
        for (let C = 0; C < s; C++) {
          // The block sum is an integer and 1/(255k²) one rounding: relative error ≤ 2⁻⁵².
          expect(out[R * s + C]).toBeCloseTo((k * R + k * C + (k - 1)) / 255, 14);
        }
      }
    }
  });

  it('on random bytes it equals the block sums scattered pixel by pixel (k = 4, 7; rectangular 28×14 too)', () => {
    const noise = lcgMat(1, 784, 5).data;
    const img = Uint8Array.from(noise, (u) => Math.floor((u + 0.5) * 256));
    for (const [h, w, k] of [[28, 28, 4], [28, 28, 7], [28, 14, 2]] as const) {
      const sh = h / k, sw = w / k;
      const expected = new Float64Array(sh * sw);
      for (let i = 0; i < h * w; i++) {
        const r = Math.floor(i / w), c = i % w;
        expected[Math.floor(r / k) * sw + Math.floor(c / k)] += img[i]! / (255 * k * k);
      }
      const out = averagePool(img.subarray(0, h * w), h, w, k, new Float64Array(sh * sw));
      for (let t = 0; t < out.length; t++) expect(Math.abs(out[t]! - expected[t]!)).toBeLessThan(1e-15);
    }
  });

  it('rejects k that does not divide the side, naming the valid ones', () => {
    expect(() => pooledSide(28, 28, 3)).toThrow('pooling: k = 3 does not divide the 28×28 image (k must be one of 1, 2, 4, 7, 14, 28)');
    expect(() => pooledSide(28, 28, 0)).toThrow(/k = 0 is not a positive integer/);
    expect(() => pooledSide(28, 28, 2.5)).toThrow(/k = 2.5 is not a positive integer/);
  });
});

describe('standardizeColumns', () => {
  it('every column gets mean 0 and population variance 1 to 1e-12, even far from zero; ‖x‖² = d', () => {
    const d = 784, n = 50;
    const X = lcgMat(d, n, 11);
    // Offsets up to 1e4 and scales down to 1e-3: the two-pass formula keeps full accuracy.
    for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) X.data[i + j * d] = 1e4 * (j / n) + X.data[i + j * d]! * 10 ** (-3 + (j % 4));
    const Z = standardizeColumns(X);
    for (let j = 0; j < n; j++) {
      const col = Array.from(Z.data.subarray(j * d, (j + 1) * d));
      expect(Math.abs(mean(col))).toBeLessThan(1e-12);
      expect(Math.abs(standardDeviation(col) ** 2 - 1)).toBeLessThan(1e-12);
      expect(Math.abs(col.reduce((s, v) => s + v * v, 0) / d - 1)).toBeLessThan(1e-12);
      // Against simple-statistics' population mean and standard deviation of the input column.
      const x = Array.from(X.data.subarray(j * d, (j + 1) * d));
      const m = mean(x), sd = standardDeviation(x);
      // The reference's plain sums carry about √d·eps·|m| of rounding: relative to sd that
      // is √d·eps·|m|/sd (up to 1e-8 here, where |m|/sd reaches 3e7); 4× that is the bound.
      const tol = 4 * Math.sqrt(d) * Number.EPSILON * (1 + Math.abs(m) / sd);
      for (const i of [0, 100, 783]) expect(Math.abs(col[i]! - (x[i]! - m) / sd)).toBeLessThan(tol);
    }
  });

  it('writes into out, or in place; a constant column is an error naming it', () => {
    const X = fromColumnMajor(3, 2, [1, 2, 3, 5, 5, 5]);
    expect(() => standardizeColumns(X, zeros(3, 2), (j) => `image ${j + 100}`)).toThrow('standardizeColumns: image 101 is constant (every entry 5)');
    const Y = fromColumnMajor(2, 1, [1, 3]);
    expect(standardizeColumns(Y, Y)).toBe(Y);
    expect(Array.from(Y.data)).toEqual([-1, 1]);
    expect(() => standardizeColumns(fromColumnMajor(1, 2, [1, 2]))).toThrow(/at least 2 entries/);
  });
});
