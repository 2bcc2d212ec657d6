import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, eigvalsh, frobenius, transpose, zeros, type Mat } from '../../src/linalg';
import { kolmogorovDistance, wasserstein1, wasserstein2 } from '../../src/spectra';

const finite = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });
const spectrum = fc.array(finite, { minLength: 1, maxLength: 40 });
const FC = { seed: 424242, numRuns: 200 } as const;

/** Symmetric n×n (B + Bᵀ) from a seeded LCG, entries scaled by `scale`. */
function symmetric(n: number, seed: number, scale = 1): Mat {
  const B = zeros(n, n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < B.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    B.data[i] = scale * (s / 2 ** 32 - 0.5);
  }
  return add(B, transpose(B));
}

/** Brute force ∫_0^1 |Q_a − Q_b|^p du by midpoint rule on a grid fine enough to be exact. */
function bruteForce(a: number[], b: number[], p: number): number {
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  // Common refinement: the grid 1/(n·m) aligns with every breakpoint, so the midpoint rule is exact.
  const M = x.length * y.length;
  let s = 0;
  for (let k = 0; k < M; k++) {
    const u = (k + 0.5) / M;
    s += Math.abs(x[Math.floor(u * x.length)]! - y[Math.floor(u * y.length)]!) ** p;
  }
  return s / M;
}

describe('Wasserstein distances between spectra', () => {
  it('are 0 from a spectrum to itself (in any order) and symmetric', () => {
    fc.assert(
      fc.property(spectrum, spectrum, (a, b) => {
        const shuffled = [...a].reverse();
        expect(wasserstein1(a, shuffled)).toBe(0);
        expect(wasserstein2(a, shuffled)).toBe(0);
        expect(kolmogorovDistance(a, shuffled)).toBe(0);
        // Symmetry: the merged breakpoints and the |·| are symmetric, so equality is exact.
        expect(wasserstein1(a, b)).toBe(wasserstein1(b, a));
        expect(wasserstein2(a, b)).toBe(wasserstein2(b, a));
        expect(kolmogorovDistance(a, b)).toBe(kolmogorovDistance(b, a));
      }),
      FC,
    );
  });

  it('satisfy the triangle inequality and W₁ ≤ W₂ (Jensen)', () => {
    fc.assert(
      fc.property(spectrum, spectrum, spectrum, (a, b, c) => {
        // Slack 1e-9·scale: each side is a rounded sum of O(100) terms of size ≤ 200.
        const tol = 1e-9 * 200;
        expect(wasserstein1(a, c)).toBeLessThanOrEqual(wasserstein1(a, b) + wasserstein1(b, c) + tol);
        expect(wasserstein2(a, c)).toBeLessThanOrEqual(wasserstein2(a, b) + wasserstein2(b, c) + tol);
        expect(kolmogorovDistance(a, c)).toBeLessThanOrEqual(kolmogorovDistance(a, b) + kolmogorovDistance(b, c) + 1e-15);
        expect(wasserstein1(a, b)).toBeLessThanOrEqual(wasserstein2(a, b) + tol);
      }),
      FC,
    );
  });

  it('match the quantile integral for unequal lengths (exact merged breakpoints)', () => {
    fc.assert(
      fc.property(
        fc.array(finite, { minLength: 1, maxLength: 12 }),
        fc.array(finite, { minLength: 1, maxLength: 12 }),
        (a, b) => {
          // Relative 1e-12: both are exact sums of the same terms in different groupings.
          const w1 = bruteForce(a, b, 1);
          const w2 = Math.sqrt(bruteForce(a, b, 2));
          expect(Math.abs(wasserstein1(a, b) - w1)).toBeLessThanOrEqual(1e-12 * (1 + w1));
          expect(Math.abs(wasserstein2(a, b) - w2)).toBeLessThanOrEqual(1e-12 * (1 + w2));
        },
      ),
      FC,
    );
  });

  it('hand-checked values', () => {
    // {0, 1} vs {0}: Q_a = 0 on (0, ½], 1 on (½, 1]: W₁ = ½, W₂ = √½, KS = ½.
    expect(wasserstein1([0, 1], [0])).toBe(0.5);
    expect(wasserstein2([0, 1], [0])).toBeCloseTo(Math.SQRT1_2, 15);
    expect(kolmogorovDistance([0, 1], [0])).toBe(0.5);
    // Equal lengths: sort and match — {1, 3} vs {2, 5}: (|1−2| + |3−5|)/2 = 1.5.
    expect(wasserstein1([3, 1], [2, 5])).toBe(1.5);
    // Ties across samples move together in KS.
    expect(kolmogorovDistance([1, 1, 2], [1, 2, 2])).toBeCloseTo(1 / 3, 15);
    // A translation by c moves every quantile by c.
    expect(wasserstein1([1, 2, 3], [11, 12, 13, 11.5])).toBeGreaterThan(9);
  });

  it('Hoffman–Wielandt: W₂(spec A, spec(A+E)) ≤ ‖E‖_F/√n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer(),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (n, seed, eps) => {
          const A = symmetric(n, seed);
          const E = symmetric(n, seed ^ 0x9e3779b9, eps);
          const lhs = wasserstein2(eigvalsh(A), eigvalsh(add(A, E)));
          // Σ(λ_i(A) − λ_i(A+E))² ≤ ‖E‖_F² for sorted matching; W₂² is that sum over n.
          // Slack 1e-12·(‖A‖_F + ‖E‖_F): backward-stable eigensolver error.
          const rhs = frobenius(E) / Math.sqrt(n);
          expect(lhs).toBeLessThanOrEqual(rhs + 1e-12 * (frobenius(A) + frobenius(E)));
        },
      ),
      { seed: 7, numRuns: 100 },
    );
  });

  it('throw on empty or non-finite input, naming the function', () => {
    expect(() => wasserstein1([], [1])).toThrow(/wasserstein1: 'a' is empty/);
    expect(() => wasserstein2([1], [NaN])).toThrow(/wasserstein2: 'b' has a non-finite entry NaN/);
    expect(() => kolmogorovDistance([Infinity], [1])).toThrow(/kolmogorovDistance/);
  });
});
