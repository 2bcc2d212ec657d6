import { describe, expect, it } from 'vitest';
import {
  alphaTimesLambdaMax,
  alphaTimesLogLambdaMax,
  fitPowerLaw,
  logAlphaNorm,
  stableRank,
  weightedAlpha,
} from '../../src/spectra';

/** n Pareto(α, x_min) samples by inverse CDF x = x_min·(1 − U)^{−1/(α−1)}, U from a seeded LCG. */
function pareto(n: number, alpha: number, xmin: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = (s + 0.5) / 2 ** 32; // in (0, 1)
    out[i] = xmin * Math.pow(1 - u, -1 / (alpha - 1));
  }
  return out;
}

describe('fitPowerLaw (Clauset–Shalizi–Newman)', () => {
  for (const alpha of [2.5, 3.5]) {
    it(`recovers α = ${alpha} from 5000 Pareto samples within 5%`, () => {
      const x = pareto(5000, alpha, 1, alpha === 2.5 ? 2023 : 2020);
      const fit = fitPowerLaw(x);
      // 5%: the MLE's sd is (α−1)/√n_tail ≈ 0.02–0.04 for the full tail; the KS-chosen x_min
      // trims the tail and widens it, 5% (0.125–0.175) still leaves > 3 sd.
      expect(Math.abs(fit.alpha - alpha) / alpha).toBeLessThan(0.05);
      expect(fit.xmin).toBeGreaterThanOrEqual(1);
      expect(fit.tailSize).toBeGreaterThanOrEqual(10);
      expect(fit.sigma).toBeCloseTo((fit.alpha - 1) / Math.sqrt(fit.tailSize), 15);
      // KS distance of a correct model ~ 1/√n_tail.
      expect(fit.ks).toBeLessThan(0.05);
      expect(fit.xmax).toBe(Math.max(...x));
      // Fixing x_min at the truth uses the whole sample: MLE within 3 sd = 3(α−1)/√n.
      const fixed = fitPowerLaw(x, { xmin: 1 });
      expect(fixed.tailSize).toBe(5000);
      expect(Math.abs(fixed.alpha - alpha)).toBeLessThan((3 * (alpha - 1)) / Math.sqrt(5000));
    });
  }

  it('MLE formula on a hand-checked tail', () => {
    // x_min = 1, tail {1, e, e²}: Σ ln x = 3 → α̂ = 1 + 3/3 = 2.
    const fit = fitPowerLaw([1, Math.E, Math.E ** 2], { xmin: 1, minTail: 2 });
    expect(fit.alpha).toBeCloseTo(2, 14);
    expect(fit.tailSize).toBe(3);
  });

  it('ignores non-positive eigenvalues and respects minTail / maxCandidates', () => {
    const x = Array.from(pareto(500, 3, 2, 5));
    const withZeros = [0, -1e-15, ...x];
    const a = fitPowerLaw(x, { minTail: 50 });
    const b = fitPowerLaw(withZeros, { minTail: 50 });
    expect(b.alpha).toBe(a.alpha);
    expect(b.n).toBe(500);
    expect(a.tailSize).toBeGreaterThanOrEqual(50);
    const c = fitPowerLaw(x, { maxCandidates: 20 });
    expect(c.candidates).toBe(20);
  });

  it('throws with the function name on bad input', () => {
    expect(() => fitPowerLaw([])).toThrow(/fitPowerLaw: 'eigs' is empty/);
    expect(() => fitPowerLaw([1, NaN])).toThrow(/fitPowerLaw: 'eigs' has a non-finite entry/);
    expect(() => fitPowerLaw([1, 2, 3])).toThrow(/fitPowerLaw: 3 positive values, fewer than minTail = 10/);
  });
});

describe('WeightWatcher-style metrics', () => {
  it('weighted alpha: α·log₁₀λ_max (WeightWatcher) vs α·λ_max (issue text)', () => {
    expect(alphaTimesLogLambdaMax(3, 100)).toBeCloseTo(6, 14);
    expect(weightedAlpha(3, 100)).toBe(alphaTimesLogLambdaMax(3, 100));
    expect(alphaTimesLambdaMax(3, 100)).toBe(300);
    expect(() => alphaTimesLogLambdaMax(3, 0)).toThrow(/alphaTimesLogLambdaMax: 'lambdaMax' must be positive/);
  });

  it('logAlphaNorm = log₁₀ Σ λ^α, stable for large α', () => {
    expect(logAlphaNorm([1, 2, 3], 2)).toBeCloseTo(Math.log10(1 + 4 + 9), 14);
    // Non-positive values contribute nothing.
    expect(logAlphaNorm([0, -1e-16, 10], 3)).toBeCloseTo(3, 14);
    // 1e300^5 overflows a naive sum; log-sum-exp gives 1500 + log10(2).
    expect(logAlphaNorm([1e300, 1e300], 5)).toBeCloseTo(1500 + Math.log10(2), 10);
    expect(() => logAlphaNorm([1], -1)).toThrow(/logAlphaNorm/);
  });

  it('stableRank = Σλ/λ_max', () => {
    expect(stableRank([1, 1, 1, 1])).toBe(4);
    expect(stableRank([4, 0, 0])).toBe(1);
    expect(stableRank([1, 3])).toBeCloseTo(4 / 3, 15);
    expect(() => stableRank([0, 0])).toThrow(/stableRank/);
    expect(() => stableRank([])).toThrow(/stableRank: 'eigs' is empty/);
  });
});
