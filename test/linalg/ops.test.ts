import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NonFiniteError,
  ShapeError,
  add,
  clone,
  colNorms,
  eigh,
  eigvalsh,
  eighRange,
  frobenius,
  fromColumnMajor,
  fromRows,
  gram,
  hadamard,
  matmul,
  matvec,
  opNorm,
  rowNorms,
  singularValues,
  solve,
  solveSpd,
  sub,
  svd,
  topEigenpairs,
  topEigenvalues,
  trace,
  transpose,
  twoInfNorm,
  view,
  zeros,
  type Mat,
} from '../../src/linalg';
import { cholesky, choleskySolve, map, symmetricOpNorm } from '../../src/linalg/ops';
import { lcgMat } from '../helpers/lcg';


function symmetric(n: number, seed: number): Mat {
  const A = lcgMat(n, n, seed);
  return add(A, transpose(A));
}

function naiveMul(A: Mat, B: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < A.rows; i++) {
    out.push([]);
    for (let j = 0; j < B.cols; j++) {
      let s = 0;
      for (let k = 0; k < A.cols; k++) s += A.data[A.offset + i + k * A.ld]! * B.data[B.offset + k + j * B.ld]!;
      out[i]!.push(s);
    }
  }
  return out;
}

function relFro(A: Mat, B: Mat): number {
  return frobenius(sub(A, B)) / Math.max(frobenius(B), 1e-300);
}

describe('Mat construction and views', () => {
  it('fromRows stores column-major and view shares memory', () => {
    const m = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(m.data)).toEqual([1, 4, 2, 5, 3, 6]);
    const v = view(m, 0, 1, 2, 2);
    expect(v.offset).toBe(2);
    v.data[v.offset] = 99;
    expect(m.data[2]).toBe(99);
  });

  it('rejects bad shapes with messages naming the operation and shapes', () => {
    expect(() => fromColumnMajor(2, 3, [1, 2, 3])).toThrow(/fromColumnMajor: 2×3 needs 6 values, got 3/);
    expect(() => matmul(zeros(2, 3), zeros(2, 3))).toThrow(ShapeError);
    expect(() => matmul(zeros(2, 3), zeros(2, 3))).toThrow(/matmul: inner dimensions differ.*2×3/);
    expect(() => view(zeros(3, 3), 2, 2, 2, 2)).toThrow(/view: block/);
    expect(() => trace(zeros(2, 3))).toThrow(/trace: needs a square matrix, got 2×3/);
    expect(() => fromRows([[1, 2], [3]])).toThrow(/row 1 has 1 entries/);
  });

  it('rejects non-finite input to decompositions, naming the entry', () => {
    const A = fromRows([
      [1, 0],
      [0, Number.NaN],
    ]);
    expect(() => eigvalsh(A)).toThrow(NonFiniteError);
    expect(() => eigvalsh(A)).toThrow(/eigvalsh: 'A' \(2×2\) has a non-finite entry NaN at \(1, 1\)/);
    expect(() => svd(A)).toThrow(NonFiniteError);
    expect(() => solve(A, zeros(2, 1))).toThrow(NonFiniteError);
  });
});

describe('products', () => {
  it('matmul agrees with a naive triple loop for all transposes (rel. 1e-13: error ≤ k·eps)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 17 }),
        fc.boolean(), fc.boolean(), fc.integer(), (m, n, k, ta, tb, seed) => {
          const A = lcgMat(ta ? k : m, ta ? m : k, seed);
          const B = lcgMat(tb ? n : k, tb ? k : n, seed + 1);
          const C = matmul(A, B, { transA: ta, transB: tb });
          const ref = fromRows(naiveMul(ta ? transpose(A) : A, tb ? transpose(B) : B));
          expect(relFro(C, ref)).toBeLessThan(1e-13);
        }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('matmul on sub-views and with alpha/beta accumulation', () => {
    const big = lcgMat(10, 10, 3);
    const A = view(big, 1, 2, 4, 3);
    const B = view(big, 3, 0, 3, 5);
    const C0 = lcgMat(4, 5, 9);
    const C = clone(C0);
    matmul(A, B, { alpha: 2, beta: -0.5, out: C });
    const ref = naiveMul(A, B);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 5; j++)
        expect(C.data[i + j * 4]).toBeCloseTo(2 * ref[i]![j]! - 0.5 * C0.data[i + j * 4]!, 13);
  });

  it('gram equals A·Aᵀ and Aᵀ·A (syrk fills both triangles)', () => {
    const A = lcgMat(7, 4, 11);
    expect(relFro(gram(A), matmul(A, A, { transB: true }))).toBeLessThan(1e-14);
    expect(relFro(gram(A, { trans: true }), matmul(A, A, { transA: true }))).toBeLessThan(1e-14);
  });

  it('matvec both ways', () => {
    const A = lcgMat(5, 3, 2);
    const x = Float64Array.from([1, -2, 0.5]);
    const y = matvec(A, x);
    const ref = naiveMul(A, fromColumnMajor(3, 1, x));
    for (let i = 0; i < 5; i++) expect(y[i]).toBeCloseTo(ref[i]![0]!, 14);
    const z = matvec(A, Float64Array.from([1, 0, 0, 0, 0]), { trans: true });
    for (let j = 0; j < 3; j++) expect(z[j]).toBe(A.data[j * 5]);
  });

  it('elementwise: hadamard, map, transpose', () => {
    const A = lcgMat(3, 4, 5);
    const H = hadamard(A, A);
    expect(H.data[7]).toBe(A.data[7]! * A.data[7]!);
    expect(map(A, (x) => 2 * x).data[3]).toBe(2 * A.data[3]!);
    const T = transpose(A);
    expect(T.rows).toBe(4);
    expect(T.data[1 + 2 * 4]).toBe(A.data[2 + 1 * 3]);
  });
});

describe('norms', () => {
  it('Frobenius, row/col norms, (2,∞), trace on a known matrix', () => {
    const A = fromRows([
      [3, 4],
      [0, 0],
      [1, 0],
    ]);
    expect(frobenius(A)).toBeCloseTo(Math.sqrt(26), 15);
    expect(Array.from(rowNorms(A))).toEqual([5, 0, 1]);
    expect(colNorms(A)[1]).toBe(4);
    expect(twoInfNorm(A)).toBe(5);
    expect(trace(fromRows([[1, 2], [3, 4]]))).toBe(5);
  });

  it('Frobenius does not overflow where a naive sum of squares would', () => {
    const A = fromRows([[1e200, 1e200]]);
    expect(frobenius(A) / (Math.SQRT2 * 1e200)).toBeCloseTo(1, 14);
  });

  it('operator norm equals the top singular value (rel. 1e-12: σ_max from λ_max(AᵀA) is well conditioned)', () => {
    for (const [m, n] of [[9, 4], [4, 9], [6, 6]] as const) {
      const A = lcgMat(m, n, m * 31 + n);
      expect(opNorm(A) / singularValues(A)[0]!).toBeCloseTo(1, 12);
    }
    const S = symmetric(8, 4);
    const ev = eigvalsh(S);
    expect(symmetricOpNorm(S)).toBe(Math.max(-ev[0]!, ev[7]!));
  });
});

describe('eigen and singular value decompositions', () => {
  it('eigh: residual ‖AV − VΛ‖ ≤ 1e-13·‖A‖ (backward stable), V orthonormal, trace and Frobenius identities', () => {
    const n = 40;
    const A = symmetric(n, 21);
    const { values, vectors: V } = eigh(A);
    const AV = matmul(A, V);
    const VL = clone(V);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) VL.data[i + j * n] *= values[j]!;
    expect(frobenius(sub(AV, VL)) / frobenius(A)).toBeLessThan(1e-13);
    const VtV = matmul(V, V, { transA: true });
    for (let i = 0; i < n; i++) VtV.data[i + i * n] -= 1;
    expect(frobenius(VtV)).toBeLessThan(1e-12);
    const sum = values.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(trace(A), 11);
    const sumSq = values.reduce((a, b) => a + b * b, 0);
    expect(Math.sqrt(sumSq) / frobenius(A)).toBeCloseTo(1, 13);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it('eighRange / topEigenvalues agree with the full decomposition (abs. 1e-12·‖A‖)', () => {
    const n = 50;
    const A = symmetric(n, 5);
    const full = eigvalsh(A);
    const top = topEigenvalues(A, 5);
    for (let i = 0; i < 5; i++) expect(Math.abs(top[i]! - full[n - 1 - i]!)).toBeLessThan(1e-12 * full[n - 1]!);
    const mid = eighRange(A, 10, 12, false).values;
    for (let i = 0; i < 3; i++) expect(Math.abs(mid[i]! - full[9 + i]!)).toBeLessThan(1e-12 * full[n - 1]!);
    const pairs = topEigenpairs(A, 3);
    const Av = matvec(A, pairs.vectors.data.subarray(0, n));
    for (let i = 0; i < n; i++) expect(Math.abs(Av[i]! - pairs.values[0]! * pairs.vectors.data[i]!)).toBeLessThan(1e-11);
  });

  it("Weyl's inequality |λ_k(A+E) − λ_k(A)| ≤ ‖E‖_op (property; slack 1e-12 for rounding)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 25 }), fc.integer(), fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (n, seed, eps) => {
          const A = symmetric(n, seed);
          const E0 = symmetric(n, seed ^ 0x5bd1e995);
          const E = map(E0, (x) => eps * x);
          const la = eigvalsh(A);
          const lb = eigvalsh(add(A, E));
          const normE = symmetricOpNorm(E);
          for (let k = 0; k < n; k++) expect(Math.abs(lb[k]! - la[k]!)).toBeLessThanOrEqual(normE * (1 + 1e-12) + 1e-12);
        }),
      { seed: 11, numRuns: 40 },
    );
  });

  it('Hoffman–Wielandt: Σ(λ_k(A+E) − λ_k(A))² ≤ ‖E‖_F² (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 25 }), fc.integer(), fc.double({ min: 1e-6, max: 10, noNaN: true }),
        (n, seed, eps) => {
          const A = symmetric(n, seed);
          const E = map(symmetric(n, seed + 17), (x) => eps * x);
          const la = eigvalsh(A);
          const lb = eigvalsh(add(A, E));
          let s = 0;
          for (let k = 0; k < n; k++) s += (lb[k]! - la[k]!) ** 2;
          const f = frobenius(E);
          expect(s).toBeLessThanOrEqual(f * f * (1 + 1e-12) + 1e-20);
        }),
      { seed: 12, numRuns: 40 },
    );
  });

  it('svd reconstructs A (rel. 1e-13) with orthonormal U, V and descending values', () => {
    for (const [m, n] of [[12, 5], [5, 12], [7, 7]] as const) {
      const A = lcgMat(m, n, m + 100 * n);
      const { s, U, Vt } = svd(A);
      const US = clone(U);
      for (let j = 0; j < s.length; j++) for (let i = 0; i < m; i++) US.data[i + j * m] *= s[j]!;
      expect(relFro(matmul(US, Vt), A)).toBeLessThan(1e-13);
      for (let i = 1; i < s.length; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
      const sv = singularValues(A);
      for (let i = 0; i < s.length; i++) expect(sv[i]! / s[0]!).toBeCloseTo(s[i]! / s[0]!, 13);
    }
  });
});

describe('solves', () => {
  it('solveSpd, cholesky and solve have small residuals (rel. 1e-12 for κ ≈ 10²)', () => {
    const n = 30;
    const B0 = lcgMat(n, n, 8);
    const A = gram(B0, { trans: true });
    for (let i = 0; i < n; i++) A.data[i + i * n] += 1;
    const rhs = lcgMat(n, 3, 9);
    const X = solveSpd(A, rhs);
    expect(relFro(matmul(A, X), rhs)).toBeLessThan(1e-12);
    const L = cholesky(A);
    expect(relFro(matmul(L, L, { transB: true }), A)).toBeLessThan(1e-13);
    expect(relFro(choleskySolve(L, rhs), X)).toBeLessThan(1e-12);
    const G = lcgMat(n, n, 10);
    const Y = solve(G, rhs);
    expect(relFro(matmul(G, Y), rhs)).toBeLessThan(1e-11);
  });

  it('clear errors for a non-SPD or singular matrix', () => {
    const A = fromRows([
      [1, 2],
      [2, 1],
    ]);
    expect(() => solveSpd(A, zeros(2, 1))).toThrow(/solveSpd: the 2×2 matrix is not positive definite/);
    expect(() => cholesky(A)).toThrow(/cholesky: the 2×2 matrix is not positive definite/);
    expect(() => solve(fromRows([[1, 2], [2, 4]]), zeros(2, 1))).toThrow(/solve: the 2×2 matrix is singular/);
  });
});
