import { describe, expect, it } from 'vitest';
import { fromRows, gram, matvec, topEigenvalues, topEigenpairs, zeros, type Mat } from '../../src/linalg';
import { lanczosTopEigen, SpectraInputError } from '../../src/spectra';

/** Symmetric n×n with iid uniform(−½, ½) entries on and above the diagonal (seeded LCG). */
function randomSymmetric(n: number, seed: number): Mat {
  const A = zeros(n, n);
  let s = seed >>> 0 || 1;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const v = s / 2 ** 32 - 0.5;
      A.data[i + j * n] = v;
      A.data[j + i * n] = v;
    }
  }
  return A;
}

describe('lanczosTopEigen', () => {
  it('matches dsyevr on the top 10 of a 1000×1000 random symmetric matrix to ~1e-10 relative', () => {
    const n = 1000;
    const A = randomSymmetric(n, 7);
    const r = lanczosTopEigen(A, n, 10);
    const ref = topEigenvalues(A, 10);
    expect(r.converged).toBe(true);
    expect(r.values.length).toBe(10);
    // Tolerance: the iteration stops at residual ≤ 1e-10·‖A‖; the eigenvalue error is bounded by
    // the residual (Weyl) and in practice ≈ residual²/gap, i.e. near machine precision.
    for (let i = 0; i < 10; i++) expect(Math.abs(r.values[i]! - ref[i]!) / Math.abs(ref[i]!)).toBeLessThan(1e-10);
    // Explicit residuals ‖Ay − θy‖ are reported and small relative to ‖A‖ ≈ 18 (semicircle radius √(n/3)).
    for (const res of r.residualNorms) expect(res).toBeLessThan(1e-8);
    expect(r.iterations).toBeGreaterThan(10);
    // Ritz vectors: orthonormal and aligned with the dsyevr eigenvectors (|cos| ≈ 1; 1e-8 allows
    // for the eigenvector error ≈ residual/gap with gaps ≳ 0.05 at this edge).
    const ref2 = topEigenpairs(A, 10);
    for (let t = 0; t < 10; t++) {
      let dot = 0;
      let nn = 0;
      for (let i = 0; i < n; i++) {
        dot += r.vectors.data[i + t * n]! * ref2.vectors.data[i + t * n]!;
        nn += r.vectors.data[i + t * n]! ** 2;
      }
      expect(Math.abs(nn - 1)).toBeLessThan(1e-12);
      expect(1 - Math.abs(dot)).toBeLessThan(1e-8);
    }
  });

  it('accepts a matrix-free operator: (1/N)XᵀX applied as Xᵀ(Xv)/N, with outliers above the bulk', () => {
    // Spiked Wishart: columns 0 and 1 of X scaled so the top two eigenvalues separate.
    const N = 600;
    const p = 300;
    const X = zeros(N, p);
    let s = 99;
    for (let i = 0; i < X.data.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      X.data[i] = (s / 2 ** 32 - 0.5) * Math.sqrt(12);
    }
    for (let i = 0; i < N; i++) {
      X.data[i] = X.data[i]! * 3;
      X.data[i + N] = X.data[i + N]! * 2;
    }
    const tmp = new Float64Array(N);
    const op = (x: Float64Array, out: Float64Array) => {
      matvec(X, x, { out: tmp });
      matvec(X, tmp, { trans: true, out, alpha: 1 / N });
    };
    const r = lanczosTopEigen(op, p, 3);
    const ref = topEigenvalues(gram(X, { trans: true, alpha: 1 / N }), 3);
    expect(r.converged).toBe(true);
    // Same reasoning as above: relative 1e-10.
    for (let i = 0; i < 3; i++) expect(Math.abs(r.values[i]! - ref[i]!) / ref[i]!).toBeLessThan(1e-10);
    expect(r.values[0]!).toBeGreaterThan(r.values[1]!);
  });

  it('handles n ≤ maxBasis (full Krylov space, exact) and invariant subspaces (identity)', () => {
    const A = fromRows([
      [2, 1, 0, 0],
      [1, 2, 1, 0],
      [0, 1, 2, 1],
      [0, 0, 1, 2],
    ]);
    const r = lanczosTopEigen(A, 4, 4);
    const ref = topEigenvalues(A, 4);
    // Tolerance 1e-13: exact Rayleigh–Ritz on the whole space, only rounding remains.
    for (let i = 0; i < 4; i++) expect(r.values[i]!).toBeCloseTo(ref[i]!, 13);
    // Identity: every Krylov space breaks down after one step; fresh vectors keep it going.
    const n = 30;
    const I = zeros(n, n);
    for (let i = 0; i < n; i++) I.data[i + i * n] = 1;
    const ri = lanczosTopEigen(I, n, 5);
    expect(ri.converged).toBe(true);
    for (const v of ri.values) expect(v).toBeCloseTo(1, 12);
  });

  it('is deterministic for a fixed seed', () => {
    const A = randomSymmetric(200, 3);
    const a = lanczosTopEigen(A, 200, 4, { seed: 11 });
    const b = lanczosTopEigen(A, 200, 4, { seed: 11 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(a.iterations).toBe(b.iterations);
  });

  it('reports non-convergence instead of throwing when maxIterations is too small', () => {
    const A = randomSymmetric(300, 5);
    const r = lanczosTopEigen(A, 300, 5, { maxIterations: 20, maxBasis: 20, tol: 1e-14 });
    expect(r.converged).toBe(false);
    expect(r.values.length).toBe(5);
  });

  it('rejects bad input with errors naming the function', () => {
    expect(() => lanczosTopEigen(fromRows([[1, 2], [3, 4]]), 2, 1)).toThrow(/lanczosTopEigen: .*not symmetric/);
    expect(() => lanczosTopEigen(fromRows([[1, NaN], [NaN, 4]]), 2, 1)).toThrow(/lanczosTopEigen/);
    expect(() => lanczosTopEigen(fromRows([[1]]), 1, 2)).toThrow(SpectraInputError);
    expect(() => lanczosTopEigen(zeros(3, 3), 2, 1)).toThrow(/lanczosTopEigen: A is 3×3 but n = 2/);
    expect(() => lanczosTopEigen((_x, out) => out.fill(NaN), 5, 1)).toThrow(/lanczosTopEigen: .*non-finite/);
  });
});
