import { describe, expect, it } from 'vitest';
import { NonFiniteError, eigh, gram, map, matmul, zeros, type Mat } from '../../src/linalg';
import { rngFor } from '../../src/random';
import { SpectraInputError, topEigenpairsBlock } from '../../src/spectra';

/** Symmetric n×n with N(0, 1) entries on and above the diagonal (GOE-like, semicircle of radius ≈ 2√n). */
function randomSymmetric(n: number, seed: number): Mat {
  const G = rngFor(seed, 'block-krylov-test', 'sym', n).randn(n, n);
  const A = zeros(n, n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      const v = G.data[i + j * n]!;
      A.data[i + j * n] = v;
      A.data[j + i * n] = v;
    }
  }
  return A;
}

/** ReLU conjugate kernel (1/h)·σ(WX)ᵀσ(WX) with X d×n, W h×d Gaussian: a rank-one outlier over an MP-like bulk edge. */
function reluCk(n: number, d: number, h: number, seed: number): Mat {
  const rng = rngFor(seed, 'block-krylov-test', 'ck', n);
  const X = rng.split('X').randn(d, n, 1 / Math.sqrt(d));
  const W = rng.split('W').randn(h, d);
  const Z = map(matmul(W, X), (z) => (z > 0 ? z : 0));
  return gram(Z, { trans: true, alpha: 1 / h });
}

/** The dense reference: the k largest eigenpairs from dsyevd, descending. */
function denseTop(A: Mat, k: number): { values: Float64Array; vectors: Mat; next: number } {
  const n = A.rows;
  const { values, vectors } = eigh(A);
  const vals = new Float64Array(k);
  const V = zeros(n, k);
  for (let t = 0; t < k; t++) {
    vals[t] = values[n - 1 - t]!;
    V.data.set(vectors.data.subarray((n - 1 - t) * n, (n - t) * n), t * n);
  }
  return { values: vals, vectors: V, next: k < n ? values[n - 1 - k]! : Number.NaN };
}

/** ‖y − (±u)‖ minimised over the sign: ≈ the angle between two unit vectors, accurate for tiny angles. */
function vectorAngle(Y: Mat, U: Mat, t: number): number {
  const n = Y.rows;
  let dot = 0;
  for (let i = 0; i < n; i++) dot += Y.data[i + t * n]! * U.data[i + t * n]!;
  const s = dot >= 0 ? 1 : -1;
  let e = 0;
  for (let i = 0; i < n; i++) e += (Y.data[i + t * n]! - s * U.data[i + t * n]!) ** 2;
  return Math.sqrt(e);
}

/** ‖(I − U Uᵀ) Y‖_F ≥ sin of the largest principal angle between span(Y) and span(U) (U orthonormal). */
function subspaceSin(Y: Mat, U: Mat): number {
  const P = matmul(U, matmul(U, Y, { transA: true }));
  let e = 0;
  for (let i = 0; i < Y.data.length; i++) e += (Y.data[i]! - P.data[i]!) ** 2;
  return Math.sqrt(e);
}

function maxOrthError(Y: Mat): number {
  const G = matmul(Y, Y, { transA: true });
  let e = 0;
  for (let j = 0; j < G.cols; j++) for (let i = 0; i < G.rows; i++) {
    e = Math.max(e, Math.abs(G.data[i + j * G.rows]! - (i === j ? 1 : 0)));
  }
  return e;
}

describe('topEigenpairsBlock', () => {
  it('matches dsyevd on the top 10 of a 700×700 random symmetric matrix (values 1e-10 rel, vectors 1e-8)', () => {
    const n = 700;
    const A = randomSymmetric(n, 1);
    const r = topEigenpairsBlock(A, n, 10);
    const ref = denseTop(A, 10);
    expect(r.method).toBe('block-krylov');
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeGreaterThan(2);
    expect(r.matvecs).toBeGreaterThanOrEqual(r.iterations * r.blockSize);
    // Values: |θ − λ| ≤ ‖r‖ ≤ 1e-10·‖A‖ (Weyl), and ≈ ‖r‖²/gap in practice; 1e-10 relative is the contract.
    for (let t = 0; t < 10; t++) expect(Math.abs(r.values[t]! - ref.values[t]!) / Math.abs(ref.values[t]!)).toBeLessThan(1e-10);
    for (let t = 1; t < 10; t++) expect(r.values[t]!).toBeLessThanOrEqual(r.values[t - 1]!);
    // Explicit residuals are reported and meet the tolerance.
    for (const res of r.residualNorms) expect(res).toBeLessThanOrEqual(1e-10 * r.normEstimate);
    // Vectors: orthonormal, and each within 1e-8 of its dsyevd eigenvector up to sign (angle ≤ ‖r‖/gap;
    // the edge gaps of this matrix are ≳ 0.1 against ‖A‖ ≈ 53, so the bound is ≈ 5e-8 at worst,
    // in practice far smaller because the residuals end well below the tolerance).
    expect(maxOrthError(r.vectors)).toBeLessThan(1e-13);
    for (let t = 0; t < 10; t++) expect(vectorAngle(r.vectors, ref.vectors, t)).toBeLessThan(1e-8);
    expect(subspaceSin(r.vectors, ref.vectors)).toBeLessThan(1e-8);
  });

  it('matches dsyevd on a ReLU conjugate kernel with clustered top eigenvalues (outlier + bulk edge)', () => {
    const n = 800;
    const A = reluCk(n, 300, 900, 2);
    const k = 10;
    const r = topEigenpairsBlock(A, n, k, { skipSymmetryCheck: true });
    const ref = denseTop(A, k);
    expect(r.method).toBe('block-krylov');
    expect(r.converged).toBe(true);
    // The top of the bulk is clustered: relative gaps among eigenvalues 2..11 are small.
    let minGap = Infinity;
    for (let t = 1; t < k; t++) minGap = Math.min(minGap, (ref.values[t]! - (t + 1 < k ? ref.values[t + 1]! : ref.next)) / ref.values[0]!);
    expect(minGap).toBeLessThan(2e-3);
    for (let t = 0; t < k; t++) expect(Math.abs(r.values[t]! - ref.values[t]!) / Math.abs(ref.values[t]!)).toBeLessThan(1e-10);
    for (const res of r.residualNorms) expect(res).toBeLessThanOrEqual(1e-10 * r.normEstimate);
    // Subspace of the top k (gap λ_k − λ_{k+1}) and the well-separated outlier vector to 1e-8.
    expect(subspaceSin(r.vectors, ref.vectors)).toBeLessThan(1e-8);
    expect(vectorAngle(r.vectors, ref.vectors, 0)).toBeLessThan(1e-8);
    // Each vector to 1e-8 where its neighbours are at least 1e-3·λ₁ away (angle ≤ ‖r‖/gap).
    for (let t = 1; t < k; t++) {
      const gap = Math.min(ref.values[t - 1]! - ref.values[t]!, ref.values[t]! - (t + 1 < k ? ref.values[t + 1]! : ref.next));
      if (gap > 1e-3 * ref.values[0]!) expect(vectorAngle(r.vectors, ref.vectors, t)).toBeLessThan(1e-8);
    }
  });

  it('the lower-triangle panel product gives the same answer as one plain gemm', () => {
    const n = 900;
    const A = randomSymmetric(n, 12);
    const plain = topEigenpairsBlock(A, n, 4, { panelWidth: 0 });
    for (const w of [100, 256, 899]) {
      const r = topEigenpairsBlock(A, n, 4, { panelWidth: w });
      expect(r.converged).toBe(true);
      for (let t = 0; t < 4; t++) expect(Math.abs(r.values[t]! - plain.values[t]!) / Math.abs(plain.values[t]!)).toBeLessThan(1e-12);
      expect(subspaceSin(r.vectors, plain.vectors)).toBeLessThan(1e-9);
    }
  });

  it('accepts a block operator: (1/N)XᵀX applied as Xᵀ(X·V)/N, same answer as the matrix', () => {
    const N = 500;
    const p = 400;
    const X = rngFor(3, 'block-krylov-test', 'wishart').randn(N, p);
    const G = gram(X, { trans: true, alpha: 1 / N });
    const op = (V: Mat, out: Mat) => {
      const T = matmul(X, V);
      matmul(X, T, { transA: true, alpha: 1 / N, out });
    };
    const r = topEigenpairsBlock(op, p, 5, { blockSize: 4, maxBasis: 80 });
    const m = topEigenpairsBlock(G, p, 5, { blockSize: 4, maxBasis: 80 });
    const ref = denseTop(G, 5);
    expect(r.method).toBe('block-krylov');
    expect(r.converged).toBe(true);
    for (let t = 0; t < 5; t++) {
      expect(Math.abs(r.values[t]! - ref.values[t]!) / ref.values[t]!).toBeLessThan(1e-10);
      expect(Math.abs(m.values[t]! - ref.values[t]!) / ref.values[t]!).toBeLessThan(1e-10);
    }
    expect(subspaceSin(r.vectors, ref.vectors)).toBeLessThan(1e-8);
  });

  it('finds every copy of a repeated top eigenvalue (multiplicity 3) and the invariant subspace', () => {
    const n = 400;
    const rng = rngFor(4, 'block-krylov-test', 'repeated');
    // A = Q diag(λ) Qᵀ with λ = (5, 5, 5, 4, 3.9, …) and the rest spread over [0, 3].
    const Q0 = rng.split('Q').randn(n, n);
    const Q = eigh(gram(Q0)).vectors; // a random orthogonal matrix
    const lam = new Float64Array(n);
    lam[0] = 5; lam[1] = 5; lam[2] = 5; lam[3] = 4; lam[4] = 3.9;
    for (let i = 5; i < n; i++) lam[i] = (3 * (n - i)) / n;
    const QL = zeros(n, n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) QL.data[i + j * n] = Q.data[i + j * n]! * lam[j]!;
    const A = matmul(QL, Q, { transB: true });
    for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) { // exact symmetry
      const v = 0.5 * (A.data[i + j * n]! + A.data[j + i * n]!);
      A.data[i + j * n] = v; A.data[j + i * n] = v;
    }
    const r = topEigenpairsBlock(A, n, 5, { blockSize: 4, maxBasis: 60 });
    expect(r.converged).toBe(true);
    const want = [5, 5, 5, 4, 3.9];
    for (let t = 0; t < 5; t++) expect(Math.abs(r.values[t]! - want[t]!) / want[t]!).toBeLessThan(1e-10);
    // The three Ritz vectors for λ = 5 span the eigenspace Q[:, 0:3].
    const Y3 = zeros(n, 3);
    Y3.data.set(r.vectors.data.subarray(0, 3 * n));
    const U3 = zeros(n, 3);
    U3.data.set(Q.data.subarray(0, 3 * n));
    expect(subspaceSin(Y3, U3)).toBeLessThan(1e-8);
  });

  it('survives invariant subspaces: a rank-3 matrix and the identity (columns replaced by fresh vectors)', () => {
    const n = 300;
    const G = rngFor(5, 'block-krylov-test', 'lowrank').randn(n, 3);
    const A = gram(G); // n×n of rank 3
    const ref = denseTop(A, 3);
    const r = topEigenpairsBlock(A, n, 3, { blockSize: 6, maxBasis: 60 });
    expect(r.converged).toBe(true);
    for (let t = 0; t < 3; t++) expect(Math.abs(r.values[t]! - ref.values[t]!) / ref.values[t]!).toBeLessThan(1e-10);
    expect(subspaceSin(r.vectors, ref.vectors)).toBeLessThan(1e-8);
    expect(maxOrthError(r.vectors)).toBeLessThan(1e-13);
    // k beyond the rank: the extra values are zero (to ‖A‖·1e-10).
    const r5 = topEigenpairsBlock(A, n, 5, { blockSize: 6, maxBasis: 60 });
    expect(r5.converged).toBe(true);
    expect(Math.abs(r5.values[3]!)).toBeLessThan(1e-10 * ref.values[0]!);
    expect(Math.abs(r5.values[4]!)).toBeLessThan(1e-10 * ref.values[0]!);
    const I = zeros(200, 200);
    for (let i = 0; i < 200; i++) I.data[i + i * 200] = 1;
    const ri = topEigenpairsBlock(I, 200, 4, { blockSize: 4, maxBasis: 40 });
    expect(ri.converged).toBe(true);
    for (const v of ri.values) expect(Math.abs(v - 1)).toBeLessThan(1e-14);
  });

  it('restarts (small basis) and still converges to the dense answer', () => {
    const n = 500;
    const A = randomSymmetric(n, 6);
    const r = topEigenpairsBlock(A, n, 6, { blockSize: 4, maxBasis: 32 });
    const ref = denseTop(A, 6);
    expect(r.converged).toBe(true);
    expect(r.restarts).toBeGreaterThan(0);
    for (let t = 0; t < 6; t++) expect(Math.abs(r.values[t]! - ref.values[t]!) / Math.abs(ref.values[t]!)).toBeLessThan(1e-10);
    expect(subspaceSin(r.vectors, ref.vectors)).toBeLessThan(1e-8);
  });

  it('k > n/2 and k = n: the dense path, for a matrix and for an operator', () => {
    const n = 60;
    const A = randomSymmetric(n, 7);
    for (const k of [40, n]) {
      const ref = denseTop(A, k);
      const r = topEigenpairsBlock(A, n, k);
      const op = topEigenpairsBlock((V, out) => { matmul(A, V, { out }); }, n, k);
      for (const x of [r, op]) {
        expect(x.method).toBe('dense');
        expect(x.converged).toBe(true);
        expect(x.values.length).toBe(k);
        expect(x.vectors.cols).toBe(k);
        for (let t = 0; t < k; t++) expect(Math.abs(x.values[t]! - ref.values[t]!)).toBeLessThan(1e-12 * Math.abs(ref.values[0]!));
        for (const res of x.residualNorms) expect(res).toBeLessThan(1e-12 * x.normEstimate);
      }
      expect(subspaceSin(r.vectors, ref.vectors)).toBeLessThan(1e-10);
    }
    // k = n exercised on the Krylov side too: a basis large enough to need the dense switch is refused,
    // so the smallest Krylov problem (maxBasis + 2b ≤ n) still gives the exact answer.
    const r = topEigenpairsBlock(A, n, 20, { blockSize: 4, maxBasis: 52 });
    expect(r.method).toBe('block-krylov');
    expect(r.converged).toBe(true);
    const ref = denseTop(A, 20);
    for (let t = 0; t < 20; t++) expect(Math.abs(r.values[t]! - ref.values[t]!)).toBeLessThan(1e-10 * Math.abs(ref.values[0]!));
  });

  it('is deterministic (seeded start block) and seed-independent in its answer', () => {
    const n = 400;
    const A = randomSymmetric(n, 8);
    const a = topEigenpairsBlock(A, n, 4, { seed: 11 });
    const b = topEigenpairsBlock(A, n, 4, { seed: 11 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.vectors.data)).toEqual(Array.from(b.vectors.data));
    expect(a.iterations).toBe(b.iterations);
    const c = topEigenpairsBlock(A, n, 4, { seed: 12 });
    for (let t = 0; t < 4; t++) expect(Math.abs(c.values[t]! - a.values[t]!) / Math.abs(a.values[t]!)).toBeLessThan(1e-10);
  });

  it('reports non-convergence honestly, and falls back to dsyevr when asked', () => {
    const n = 400;
    const A = randomSymmetric(n, 9);
    const r = topEigenpairsBlock(A, n, 5, { maxIterations: 3, blockSize: 4, maxBasis: 40 });
    expect(r.converged).toBe(false);
    expect(r.method).toBe('block-krylov');
    expect(r.iterations).toBe(3);
    expect(r.values.length).toBe(5);
    expect(Math.max(...r.residualNorms)).toBeGreaterThan(1e-10 * r.normEstimate);
    const f = topEigenpairsBlock(A, n, 5, { maxIterations: 3, blockSize: 4, maxBasis: 40, denseFallback: true });
    expect(f.method).toBe('dense');
    expect(f.converged).toBe(true);
    expect(f.iterations).toBe(3);
    const ref = denseTop(A, 5);
    for (let t = 0; t < 5; t++) expect(f.values[t]).toBeCloseTo(ref.values[t]!, 10);
  });

  it('rejects bad input with errors naming the function', () => {
    const nan = zeros(600, 600);
    for (let i = 0; i < 600; i++) nan.data[i + i * 600] = 1;
    nan.data[5 + 7 * 600] = NaN;
    expect(() => topEigenpairsBlock(nan, 600, 2)).toThrow(NonFiniteError);
    expect(() => topEigenpairsBlock(nan, 600, 2)).toThrow(/topEigenpairsBlock: 'A' .* non-finite entry NaN at \(5, 7\)/);
    expect(() => topEigenpairsBlock(zeros(4, 3), 4, 1)).toThrow(/topEigenpairsBlock: A is 4×3, not square/);
    expect(() => topEigenpairsBlock(zeros(4, 3), 4, 1)).toThrow(SpectraInputError);
    expect(() => topEigenpairsBlock(zeros(3, 3), 2, 1)).toThrow(/topEigenpairsBlock: A is 3×3 but n = 2/);
    const ns = randomSymmetric(50, 10);
    ns.data[1] = ns.data[1]! + 1;
    expect(() => topEigenpairsBlock(ns, 50, 2)).toThrow(/topEigenpairsBlock: .*not symmetric/);
    expect(() => topEigenpairsBlock(zeros(5, 5), 5, 0)).toThrow(/topEigenpairsBlock: k must be an integer in \[1, n=5\]/);
    expect(() => topEigenpairsBlock(zeros(5, 5), 5, 6)).toThrow(SpectraInputError);
    expect(() => topEigenpairsBlock(zeros(5, 5), 5, 1, { tol: 0 })).toThrow(/tol must be positive/);
    expect(() => topEigenpairsBlock(zeros(5, 5), 5, 1, { blockSize: 0 })).toThrow(/blockSize must be a positive integer/);
    expect(() => topEigenpairsBlock(zeros(5, 5), 5, 1, { panelWidth: 2.5 })).toThrow(/panelWidth must be a non-negative integer/);
    expect(() => topEigenpairsBlock((_V, out) => out.data.fill(NaN), 600, 2)).toThrow(/topEigenpairsBlock: .*non-finite/);
    // Dense assembly of a non-symmetric operator is refused.
    const B = randomSymmetric(20, 11);
    B.data[1] = B.data[1]! + 1;
    expect(() => topEigenpairsBlock((V, out) => { matmul(B, V, { out }); }, 20, 3)).toThrow(/not symmetric/);
  });

  it('the zero matrix converges at once to zeros', () => {
    const r = topEigenpairsBlock(zeros(300, 300), 300, 3, { blockSize: 4, maxBasis: 40 });
    expect(r.converged).toBe(true);
    for (const v of r.values) expect(v).toBe(0);
  });
});
