import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eigvalsh,
  frobenius,
  fromRows,
  gram,
  matmul,
  opNorm,
  singularValues,
  twoInfNorm,
  zeros,
  type Mat,
} from '../../src/linalg';
import {
  alignment,
  matrixNorms,
  mse,
  orthonormalBasis,
  principalAngles,
  r2,
  topSingularVectors,
  weightGramSpectrum,
  weightOuterSpectrum,
} from '../../src/spectra';
import { lcgMat } from '../helpers/lcg';


/** n×n Givens rotation by θ in the (i, j) plane. */
function givens(n: number, i: number, j: number, theta: number): Mat {
  const G = zeros(n, n);
  for (let k = 0; k < n; k++) G.data[k + k * n] = 1;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  G.data[i + i * n] = c;
  G.data[j + j * n] = c;
  G.data[j + i * n] = s;
  G.data[i + j * n] = -s;
  return G;
}

describe('principal angles', () => {
  it('identical subspaces → 0 (also for different bases of the same span)', () => {
    const A = lcgMat(20, 4, 1);
    const mix = lcgMat(4, 4, 2); // generic, invertible
    const B = matmul(A, mix);
    const r = principalAngles(A, B);
    expect(r.angles.length).toBe(4);
    // 1e-13: the sine branch keeps small angles accurate to ~ε·κ(mix).
    for (const t of r.angles) expect(t).toBeLessThan(1e-13);
  });

  it('orthogonal subspaces → π/2', () => {
    const A = zeros(6, 2);
    A.data[0] = 1; // e₁
    A.data[6 + 1] = 1; // e₂
    const B = zeros(6, 3);
    B.data[2] = 2; // e₃ scaled
    B.data[6 + 3] = 1; // e₄
    B.data[12 + 4] = 1; // e₅
    const r = principalAngles(A, B);
    expect(r.angles.length).toBe(2);
    for (const t of r.angles) expect(t).toBeCloseTo(Math.PI / 2, 14);
  });

  it('a known rotation by θ (large and tiny θ) is recovered', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: Math.PI / 2, noNaN: true }), fc.integer(), (theta, seed) => {
        // span{e₁, e₂} vs span{cos θ e₁ + sin θ e₃, e₂}: angles {0, θ}.
        const n = 8;
        const A = zeros(n, 2);
        A.data[0] = 1;
        A.data[n + 1] = 1;
        const B = matmul(givens(n, 0, 2, theta), A);
        // Hide the structure: random orthogonal-ish mixing of both bases and a random rotation of ℝⁿ.
        const Qr = orthonormalBasis(lcgMat(n, n, seed));
        const r = principalAngles(matmul(Qr, A), matmul(matmul(Qr, B), lcgMat(2, 2, seed + 1)));
        // Absolute 1e-14 + relative 1e-9: the sine branch resolves θ ≈ 1e-12 (acos could not),
        // limited by rounding in forming the bases (ε·‖·‖ ≈ 1e-15 times the conditioning of the mix).
        expect(r.angles[0]!).toBeLessThan(1e-13);
        expect(Math.abs(r.angles[1]! - theta)).toBeLessThan(1e-13 + 1e-9 * theta);
      }),
      { seed: 99, numRuns: 100 },
    );
  });

  it('rank-deficient inputs use the true dimension', () => {
    const A = fromRows([
      [1, 2],
      [0, 0],
      [0, 0],
    ]); // rank 1: span{e₁}
    const B = fromRows([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    const r = principalAngles(A, B);
    expect(r.rankA).toBe(1);
    expect(r.angles.length).toBe(1);
    expect(r.angles[0]!).toBeLessThan(1e-15);
  });

  it('errors name the function', () => {
    expect(() => principalAngles(zeros(3, 1), zeros(4, 1))).toThrow(/principalAngles: .*rows differ/);
    expect(() => principalAngles(zeros(0, 0), zeros(4, 1))).toThrow(/principalAngles: 'A' is empty/);
    expect(() => principalAngles(zeros(3, 1), zeros(3, 1))).toThrow(/principalAngles: A has rank 0/);
  });
});

describe('singular vectors and alignment', () => {
  it('topSingularVectors: M vᵢ = σᵢ uᵢ, descending σ', () => {
    const M = lcgMat(30, 12, 5);
    const { values, U, V } = topSingularVectors(M, 3);
    const all = singularValues(M);
    for (let i = 0; i < 3; i++) {
      expect(values[i]!).toBeCloseTo(all[i]!, 13);
      const Mv = matmul(M, { ...V, cols: 1, offset: i * V.ld });
      for (let r = 0; r < 30; r++) expect(Mv.data[r]!).toBeCloseTo(values[i]! * U.data[r + i * 30]!, 12);
    }
    expect(() => topSingularVectors(M, 13)).toThrow(/topSingularVectors: 'k' must be an integer in \[1, 12\]/);
  });

  it('alignment = |uᵀv|/(‖u‖‖v‖)', () => {
    expect(alignment([1, 0], [0, 3])).toBe(0);
    expect(alignment([1, 1], [-2, -2])).toBeCloseTo(1, 15);
    expect(alignment([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 15);
    expect(() => alignment([0, 0], [1, 1])).toThrow(/alignment: 'u' is the zero vector/);
    expect(() => alignment([1], [1, 2])).toThrow(/alignment/);
    expect(() => alignment([], [])).toThrow(/alignment: 'u' is empty/);
  });
});

describe('metrics', () => {
  it('mse and r2', () => {
    const t = [1, 2, 3, 4];
    expect(r2(t, t)).toBe(1);
    expect(mse(t, t)).toBe(0);
    expect(mse([0, 0, 0, 0], t)).toBe(7.5);
    // Predicting the mean gives R² = 0.
    expect(r2([2.5, 2.5, 2.5, 2.5], t)).toBe(0);
    // Mats are read entry by entry.
    expect(r2(fromRows([[1, 2, 3, 4]]), t)).toBe(1);
    expect(() => r2([1, 1], [2, 2])).toThrow(/r2: 'target' is constant/);
    expect(() => mse([], [])).toThrow(/mse: 'pred' is empty/);
    expect(() => r2([1, NaN], [1, 2])).toThrow(/r2: 'pred' has a non-finite entry NaN/);
    expect(() => mse([1], [1, 2])).toThrow(/mse: 'pred' has 1 entries but 'target' has 2/);
  });
});

describe('norms and paper spectra', () => {
  it('matrixNorms bundles Frobenius, operator and (2,∞) norms', () => {
    const M = lcgMat(15, 7, 3);
    const r = matrixNorms(M);
    expect(r.fro).toBe(frobenius(M));
    expect(r.op).toBe(opNorm(M));
    expect(r.twoInf).toBe(twoInfNorm(M));
    expect(r.op).toBeLessThanOrEqual(r.fro);
    expect(() => matrixNorms(zeros(0, 3))).toThrow(/matrixNorms: 'M' is empty/);
  });

  it('weightGramSpectrum = eig((1/h)WᵀW); weightOuterSpectrum = eig(WWᵀ/d) via the smaller Gram', () => {
    for (const [h, d] of [
      [40, 15],
      [15, 40],
      [20, 20],
    ] as const) {
      const W = lcgMat(h, d, h * 100 + d);
      const g = weightGramSpectrum(W);
      const refG = eigvalsh(gram(W, { trans: true, alpha: 1 / h }));
      expect(g.length).toBe(d);
      for (let i = 0; i < d; i++) expect(g[i]!).toBeCloseTo(refG[i]!, 13);
      const o = weightOuterSpectrum(W);
      const refO = eigvalsh(gram(W, { trans: false, alpha: 1 / d }));
      expect(o.length).toBe(h);
      // Same nonzero spectrum; the h − d padded zeros match rounding-level eigenvalues (1e-13).
      for (let i = 0; i < h; i++) expect(o[i]!).toBeCloseTo(refO[i]!, 13);
      for (let i = 1; i < h; i++) expect(o[i]!).toBeGreaterThanOrEqual(o[i - 1]!);
    }
    expect(() => weightGramSpectrum(fromRows([[NaN]]))).toThrow(/weightGramSpectrum/);
  });
});
