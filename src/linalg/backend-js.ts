/**
 * The pure-TypeScript fallback backend, used when the native OpenBLAS/LAPACKE addon is
 * unavailable (or NTKV_BACKEND=js). It follows the same contract as the native addon
 * (backend-types.ts): column-major Float64Array buffers addressed by (offset, leading
 * dimension), BLAS alpha/beta semantics, LAPACK overwrite semantics, and the same argument
 * validation (a RangeError naming the operation and the argument, never a silent read or
 * write outside a buffer).
 *
 * BLAS level 2/3 (gemm, syrk, gemv) and the Cholesky routines (potrf, potrs, posv) are
 * written directly on the buffers. The symmetric eigensolver, the SVD and the LU
 * factorization come from ml-matrix and are converted from/to column-major buffers.
 *
 * Like LAPACKE (which the native addon calls), the LAPACK-style routines reject NaN input
 * with a negative `lapackInfo` equal to LAPACKE's argument position; numerical failures
 * (not positive definite, exactly singular) carry LAPACK's positive `info`.
 */
import {
  EigenvalueDecomposition,
  LuDecomposition,
  Matrix,
  SingularValueDecomposition,
} from 'ml-matrix';
import type { LinalgBackend } from './backend-types';

// ---------------------------------------------------------------------------------------
// Argument validation (messages mirror native/ntkv_native.cc)
// ---------------------------------------------------------------------------------------

function checkBuf(op: string, name: string, b: unknown): asserts b is Float64Array {
  if (!(b instanceof Float64Array)) {
    throw new RangeError(`${op}: argument '${name}' must be a Float64Array`);
  }
}

function checkInt(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new RangeError(`${op}: argument '${name}' must be a number`);
  if (!Number.isInteger(v) || v < 0 || v > 2147483647) {
    throw new RangeError(`${op}: argument '${name}' must be a non-negative 32-bit integer, got ${v}`);
  }
}

function checkNum(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new RangeError(`${op}: argument '${name}' must be a number`);
}

/** A rows×cols column-major block starting at off with leading dimension ld must fit in b. */
function checkFits(
  op: string, name: string, b: Float64Array, off: number, ld: number, rows: number, cols: number,
): void {
  if (rows === 0 || cols === 0) return;
  if (ld < Math.max(1, rows)) {
    throw new RangeError(`${op}: leading dimension of '${name}' (${ld}) is smaller than its row count (${rows})`);
  }
  const need = off + ld * (cols - 1) + rows;
  if (need > b.length) {
    throw new RangeError(
      `${op}: '${name}' of ${rows}x${cols} (offset ${off}, ld ${ld}) needs ${need} elements, buffer has ${b.length}`,
    );
  }
}

/** An Error carrying LAPACK's info code, like the native addon's. */
function lapackError(op: string, info: number, why: string): Error {
  const e = new Error(`${op} failed: ${why} (LAPACK info = ${info})`) as Error & { lapackInfo: number };
  e.lapackInfo = info;
  return e;
}

/**
 * LAPACKE checks its matrix inputs for NaN before calling LAPACK and returns −(argument
 * position). We do the same for the part of the matrix LAPACK reads (the lower triangle for
 * symmetric input). With `rejectInfinite`, ±Infinity is refused too: the ml-matrix iterative
 * solvers have no iteration cap and are not safe on non-finite input.
 */
function checkNaN(
  op: string, name: string, info: number, b: Float64Array, off: number, ld: number,
  rows: number, cols: number, lowerOnly: boolean, rejectInfinite = false,
): void {
  for (let j = 0; j < cols; j++) {
    const c = off + j * ld;
    for (let i = lowerOnly ? j : 0; i < rows; i++) {
      const v = b[c + i]!;
      if (v !== v) throw lapackError(op, info, `argument '${name}' contains NaN at (${i}, ${j})`);
      if (rejectInfinite && (v === Infinity || v === -Infinity)) {
        throw lapackError(
          op, info,
          `argument '${name}' contains ${v} at (${i}, ${j}); the pure-TypeScript solver needs finite input`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Level 3: gemm (cache-blocked, packed op(A) panels, contiguous axpy inner loop)
// ---------------------------------------------------------------------------------------

/** Rows of op(A) per packed block: one C column segment (MC doubles) stays in L1. */
const MC = 128;
/** Depth per packed block: the MC×KC packed panel (256 KiB) stays in L2. */
const KC = 256;
/** Packing scratch, allocated once per process (calls are synchronous, never re-entered). */
const packBuf = new Float64Array(MC * KC);

/** C[m×n] ← beta·C; beta = 0 overwrites (NaN in C does not survive), as BLAS does. */
function scaleBlock(m: number, n: number, beta: number, C: Float64Array, offC: number, ldc: number): void {
  if (beta === 1) return;
  for (let j = 0; j < n; j++) {
    const c = offC + j * ldc;
    if (beta === 0) C.fill(0, c, c + m);
    else for (let i = c; i < c + m; i++) C[i]! *= beta;
  }
}

/** Unchecked gemm kernel (arguments already validated). */
function gemmKernel(
  ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number,
  A: Float64Array, offA: number, lda: number,
  B: Float64Array, offB: number, ldb: number, beta: number,
  C: Float64Array, offC: number, ldc: number,
): void {
  if (m === 0 || n === 0) return;
  scaleBlock(m, n, beta, C, offC, ldc);
  // Reference BLAS: with alpha = 0 (or k = 0) A and B are not referenced, so NaN/Inf in
  // them does not reach C.
  if (k === 0 || alpha === 0) return;
  const P = packBuf;
  // op(B)[p, j] = B[offB + p + j·ldb] (no trans) or B[offB + j + p·ldb] (trans).
  const bsp = tb ? ldb : 1; // stride along p
  const bsj = tb ? 1 : ldb; // stride along j
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      // Pack op(A)[i0:i0+mc, p0:p0+kc] column-major with leading dimension mc.
      if (!ta) {
        for (let p = 0; p < kc; p++) {
          const src = offA + i0 + (p0 + p) * lda;
          const dst = p * mc;
          for (let i = 0; i < mc; i++) P[dst + i] = A[src + i]!;
        }
      } else {
        // op(A)[i, p] = A[p, i]: column i of A is contiguous in p.
        for (let i = 0; i < mc; i++) {
          const src = offA + p0 + (i0 + i) * lda;
          for (let p = 0; p < kc; p++) P[p * mc + i] = A[src + p]!;
        }
      }
      for (let j = 0; j < n; j++) {
        const c0 = offC + i0 + j * ldc;
        const c1 = c0 + mc;
        let bIdx = offB + p0 * bsp + j * bsj;
        let p = 0;
        // Four rank-1 updates per sweep over the C segment: a quarter of the C traffic.
        for (; p + 3 < kc; p += 4) {
          const b0 = alpha * B[bIdx]!;
          const b1 = alpha * B[bIdx + bsp]!;
          const b2 = alpha * B[bIdx + 2 * bsp]!;
          const b3 = alpha * B[bIdx + 3 * bsp]!;
          bIdx += 4 * bsp;
          // Packed columns p..p+3 start at p·mc, (p+1)·mc, … : offsets mc, 2mc, 3mc from a0.
          let a0 = p * mc;
          const d1 = mc, d2 = 2 * mc, d3 = 3 * mc;
          for (let ci = c0; ci < c1; ci++, a0++) {
            C[ci] = C[ci]! + b0 * P[a0]! + b1 * P[a0 + d1]! + b2 * P[a0 + d2]! + b3 * P[a0 + d3]!;
          }
        }
        for (; p < kc; p++) {
          const b0 = alpha * B[bIdx]!;
          bIdx += bsp;
          let a0 = p * mc;
          for (let ci = c0; ci < c1; ci++, a0++) C[ci] = C[ci]! + b0 * P[a0]!;
        }
      }
    }
  }
}

/** Column block width for syrk: diagonal blocks compute a little of the upper triangle. */
const SYRK_NB = 64;

/** Copy the lower triangle of an n×n block into its upper triangle. */
function symmetrizeFromLower(n: number, C: Float64Array, offC: number, ldc: number): void {
  for (let j = 0; j < n; j++) {
    for (let i = j + 1; i < n; i++) C[offC + j + i * ldc] = C[offC + i + j * ldc]!;
  }
}

// ---------------------------------------------------------------------------------------
// Cholesky (lower) and triangular solves, in place on column-major buffers
// ---------------------------------------------------------------------------------------

/**
 * Left-looking lower Cholesky of the n×n block at A (lda), reading only the lower triangle.
 * Returns LAPACK's info: 0 on success, otherwise the order j of the first leading minor that
 * is not positive definite (a diagonal pivot ≤ 0 or NaN, as dpotrf2 tests it).
 */
function choleskyLower(n: number, A: Float64Array, offA: number, lda: number): number {
  for (let j = 0; j < n; j++) {
    const cj = offA + j * lda;
    // Column j (rows j..n−1) −= Σ_{p<j} L[j,p]·L[j:n, p]   (contiguous axpys)
    for (let p = 0; p < j; p++) {
      const cp = offA + p * lda;
      const t = A[cp + j]!;
      if (t === 0) continue;
      for (let i = j; i < n; i++) A[cj + i] = A[cj + i]! - t * A[cp + i]!;
    }
    const d = A[cj + j]!;
    if (!(d > 0)) return j + 1;
    const ljj = Math.sqrt(d);
    A[cj + j] = ljj;
    const r = 1 / ljj;
    for (let i = j + 1; i < n; i++) A[cj + i]! *= r;
  }
  return 0;
}

/** Solve L·Lᵀ·X = B in place (B n×nrhs) with the lower factor L. */
function choleskySolve(
  n: number, nrhs: number, L: Float64Array, offL: number, ldl: number,
  B: Float64Array, offB: number, ldb: number,
): void {
  for (let c = 0; c < nrhs; c++) {
    const b = offB + c * ldb;
    // Forward: L·y = b, column-oriented (contiguous axpy down column j of L).
    for (let j = 0; j < n; j++) {
      const lj = offL + j * ldl;
      const yj = B[b + j]! / L[lj + j]!;
      B[b + j] = yj;
      if (yj !== 0) for (let i = j + 1; i < n; i++) B[b + i] = B[b + i]! - yj * L[lj + i]!;
    }
    // Backward: Lᵀ·x = y, row j of Lᵀ is column j of L (contiguous dot).
    for (let j = n - 1; j >= 0; j--) {
      const lj = offL + j * ldl;
      let s = B[b + j]!;
      for (let i = j + 1; i < n; i++) s -= L[lj + i]! * B[b + i]!;
      B[b + j] = s / L[lj + j]!;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Conversions to/from ml-matrix
// ---------------------------------------------------------------------------------------

/** The symmetric n×n matrix whose lower triangle is read from A (lda). */
function symmetricFromLower(n: number, A: Float64Array, lda: number): Matrix {
  const M = new Matrix(n, n);
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const v = A[i + j * lda]!;
      M.set(i, j, v);
      M.set(j, i, v);
    }
  }
  return M;
}

function fromColMajor(rows: number, cols: number, A: Float64Array, off: number, ld: number): Matrix {
  const M = new Matrix(rows, cols);
  for (let j = 0; j < cols; j++) {
    const c = off + j * ld;
    for (let i = 0; i < rows; i++) M.set(i, j, A[c + i]!);
  }
  return M;
}

/** Eigen-decomposition of the symmetric matrix read from A's lower triangle, ascending. */
function symmetricEigen(n: number, A: Float64Array, lda: number, wantVectors: boolean): {
  values: Float64Array;
  vectors: Matrix | null;
  order: number[];
} {
  const evd = new EigenvalueDecomposition(symmetricFromLower(n, A, lda), { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  // tql2 already returns ascending values; sort anyway (stable) and permute vectors with them.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => raw[a]! - raw[b]!);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = raw[order[i]!]!;
  return { values, vectors: wantVectors ? evd.eigenvectorMatrix : null, order };
}

// ---------------------------------------------------------------------------------------
// The backend
// ---------------------------------------------------------------------------------------

export const jsBackend: LinalgBackend = {
  name: 'js',

  gemm(transA, transB, m, n, k, alpha, A, offA, lda, B, offB, ldb, beta, C, offC, ldc) {
    const OP = 'gemm';
    const ta = !!transA, tb = !!transB;
    checkInt(OP, 'm', m); checkInt(OP, 'n', n); checkInt(OP, 'k', k); checkNum(OP, 'alpha', alpha);
    checkBuf(OP, 'A', A); checkInt(OP, 'offA', offA); checkInt(OP, 'lda', lda);
    checkBuf(OP, 'B', B); checkInt(OP, 'offB', offB); checkInt(OP, 'ldb', ldb);
    checkNum(OP, 'beta', beta);
    checkBuf(OP, 'C', C); checkInt(OP, 'offC', offC); checkInt(OP, 'ldc', ldc);
    checkFits(OP, 'A', A, offA, lda, ta ? k : m, ta ? m : k);
    checkFits(OP, 'B', B, offB, ldb, tb ? n : k, tb ? k : n);
    checkFits(OP, 'C', C, offC, ldc, m, n);
    gemmKernel(ta, tb, m, n, k, alpha, A, offA, lda, B, offB, ldb, beta, C, offC, ldc);
  },

  syrk(trans, n, k, alpha, A, offA, lda, beta, C, offC, ldc) {
    const OP = 'syrk';
    const tr = !!trans;
    checkInt(OP, 'n', n); checkInt(OP, 'k', k); checkNum(OP, 'alpha', alpha);
    checkBuf(OP, 'A', A); checkInt(OP, 'offA', offA); checkInt(OP, 'lda', lda);
    checkNum(OP, 'beta', beta);
    checkBuf(OP, 'C', C); checkInt(OP, 'offC', offC); checkInt(OP, 'ldc', ldc);
    checkFits(OP, 'A', A, offA, lda, tr ? k : n, tr ? n : k);
    checkFits(OP, 'C', C, offC, ldc, n, n);
    if (n === 0) return;
    // Lower triangle by column blocks: C[j0:n, j0:j1] = alpha·op(A)[j0:n,:]·op(A)[j0:j1,:]ᵀ + beta·C.
    // Row r of op(A) (= A·… for trans = false, Aᵀ for trans = true) starts at offA + r (resp.
    // offA + r·lda).
    for (let j0 = 0; j0 < n; j0 += SYRK_NB) {
      const jb = Math.min(SYRK_NB, n - j0);
      const rowOff = tr ? offA + j0 * lda : offA + j0;
      gemmKernel(tr, !tr, n - j0, jb, k, alpha, A, rowOff, lda, A, rowOff, lda, beta, C, offC + j0 + j0 * ldc, ldc);
    }
    symmetrizeFromLower(n, C, offC, ldc);
  },

  gemv(trans, m, n, alpha, A, offA, lda, x, offx, incx, beta, y, offy, incy) {
    const OP = 'gemv';
    const tr = !!trans;
    checkInt(OP, 'm', m); checkInt(OP, 'n', n); checkNum(OP, 'alpha', alpha);
    checkBuf(OP, 'A', A); checkInt(OP, 'offA', offA); checkInt(OP, 'lda', lda);
    checkBuf(OP, 'x', x); checkInt(OP, 'offx', offx); checkInt(OP, 'incx', incx);
    checkNum(OP, 'beta', beta);
    checkBuf(OP, 'y', y); checkInt(OP, 'offy', offy); checkInt(OP, 'incy', incy);
    checkFits(OP, 'A', A, offA, lda, m, n);
    const lx = tr ? m : n, ly = tr ? n : m;
    if (incx < 1 || incy < 1) throw new RangeError('gemv: increments must be positive');
    if (lx > 0 && offx + (lx - 1) * incx + 1 > x.length) {
      throw new RangeError(`gemv: vector 'x' too short for length ${lx}`);
    }
    if (ly > 0 && offy + (ly - 1) * incy + 1 > y.length) {
      throw new RangeError(`gemv: vector 'y' too short for length ${ly}`);
    }
    // y ← beta·y (beta = 0 overwrites, as BLAS does).
    if (beta !== 1) {
      for (let i = 0, iy = offy; i < ly; i++, iy += incy) y[iy] = beta === 0 ? 0 : beta * y[iy]!;
    }
    if (m === 0 || n === 0 || alpha === 0) return; // A and x not referenced, as in reference BLAS
    if (!tr) {
      // y += alpha·A·x: one contiguous axpy per column of A.
      for (let j = 0, ix = offx; j < n; j++, ix += incx) {
        const t = alpha * x[ix]!;
        const c = offA + j * lda;
        if (incy === 1) {
          for (let i = 0, iy = offy; i < m; i++, iy++) y[iy] = y[iy]! + t * A[c + i]!;
        } else {
          for (let i = 0, iy = offy; i < m; i++, iy += incy) y[iy] = y[iy]! + t * A[c + i]!;
        }
      }
    } else {
      // y += alpha·Aᵀ·x: one contiguous dot per column of A.
      for (let j = 0, iy = offy; j < n; j++, iy += incy) {
        const c = offA + j * lda;
        let s = 0;
        if (incx === 1) {
          for (let i = 0, ix = offx; i < m; i++, ix++) s += A[c + i]! * x[ix]!;
        } else {
          for (let i = 0, ix = offx; i < m; i++, ix += incx) s += A[c + i]! * x[ix]!;
        }
        y[iy] = y[iy]! + alpha * s;
      }
    }
  },

  syevd(n, A, lda, w, wantVectors) {
    const OP = 'syevd';
    checkInt(OP, 'n', n); checkBuf(OP, 'A', A); checkInt(OP, 'lda', lda); checkBuf(OP, 'w', w);
    checkFits(OP, 'A', A, 0, lda, n, n);
    if (w.length < n) throw new RangeError("syevd: eigenvalue buffer 'w' shorter than n");
    if (n === 0) return;
    checkNaN(OP, 'A', -5, A, 0, lda, n, n, true, true);
    const { values, vectors, order } = symmetricEigen(n, A, lda, !!wantVectors);
    w.set(values);
    if (vectors) {
      for (let j = 0; j < n; j++) {
        const src = order[j]!;
        for (let i = 0; i < n; i++) A[i + j * lda] = vectors.get(i, src);
      }
    }
  },

  syevr(n, A, lda, il, iu, w, Z, ldz, wantVectors) {
    const OP = 'syevr';
    checkInt(OP, 'n', n); checkBuf(OP, 'A', A); checkInt(OP, 'lda', lda);
    checkInt(OP, 'il', il); checkInt(OP, 'iu', iu);
    checkBuf(OP, 'w', w); checkBuf(OP, 'Z', Z); checkInt(OP, 'ldz', ldz);
    const vec = !!wantVectors;
    checkFits(OP, 'A', A, 0, lda, n, n);
    if (n === 0) return 0;
    if (il < 1 || iu < il || iu > n) {
      throw new RangeError(`syevr: index range [${il}, ${iu}] outside [1, ${n}]`);
    }
    const cnt = iu - il + 1;
    if (w.length < n) {
      throw new RangeError("syevr: eigenvalue buffer 'w' must hold n values (LAPACK uses it as workspace)");
    }
    if (vec) checkFits(OP, 'Z', Z, 0, ldz, n, cnt);
    checkNaN(OP, 'A', -6, A, 0, lda, n, n, true, true);
    const { values, vectors, order } = symmetricEigen(n, A, lda, vec);
    for (let t = 0; t < cnt; t++) w[t] = values[il - 1 + t]!;
    if (vectors) {
      for (let t = 0; t < cnt; t++) {
        const src = order[il - 1 + t]!;
        for (let i = 0; i < n; i++) Z[i + t * ldz] = vectors.get(i, src);
      }
    }
    return cnt;
  },

  gesdd(m, n, A, lda, s, U, ldu, VT, ldvt, wantVectors) {
    const OP = 'gesdd';
    checkInt(OP, 'm', m); checkInt(OP, 'n', n); checkBuf(OP, 'A', A); checkInt(OP, 'lda', lda);
    checkBuf(OP, 's', s); checkBuf(OP, 'U', U); checkInt(OP, 'ldu', ldu);
    checkBuf(OP, 'VT', VT); checkInt(OP, 'ldvt', ldvt);
    const vec = !!wantVectors;
    const mn = Math.min(m, n);
    checkFits(OP, 'A', A, 0, lda, m, n);
    if (s.length < mn) throw new RangeError("gesdd: singular value buffer 's' shorter than min(m, n)");
    if (mn === 0) return;
    if (vec) {
      checkFits(OP, 'U', U, 0, ldu, m, mn);
      checkFits(OP, 'VT', VT, 0, ldvt, mn, n);
    }
    checkNaN(OP, 'A', -5, A, 0, lda, m, n, false, true);
    const svd = new SingularValueDecomposition(fromColMajor(m, n, A, 0, lda), {
      computeLeftSingularVectors: vec,
      computeRightSingularVectors: vec,
      autoTranspose: true,
    });
    const raw = svd.diagonal;
    const order = Array.from({ length: mn }, (_, i) => i).sort((a, b) => raw[b]! - raw[a]!);
    for (let t = 0; t < mn; t++) s[t] = raw[order[t]!]!;
    if (!vec) return;
    const Ul = svd.leftSingularVectors; // m × ≥mn
    const Vr = svd.rightSingularVectors; // n × ≥mn
    if (Ul.rows !== m || Ul.columns < mn || Vr.rows !== n || Vr.columns < mn) {
      throw new Error(
        `gesdd: unexpected singular-vector shapes from ml-matrix (U ${Ul.rows}x${Ul.columns}, ` +
          `V ${Vr.rows}x${Vr.columns}) for a ${m}x${n} input`,
      );
    }
    for (let t = 0; t < mn; t++) {
      const src = order[t]!;
      for (let i = 0; i < m; i++) U[i + t * ldu] = Ul.get(i, src);
      for (let j = 0; j < n; j++) VT[t + j * ldvt] = Vr.get(j, src);
    }
  },

  posv(n, nrhs, A, lda, B, ldb) {
    const OP = 'posv';
    checkInt(OP, 'n', n); checkInt(OP, 'nrhs', nrhs); checkBuf(OP, 'A', A); checkInt(OP, 'lda', lda);
    checkBuf(OP, 'B', B); checkInt(OP, 'ldb', ldb);
    checkFits(OP, 'A', A, 0, lda, n, n);
    checkFits(OP, 'B', B, 0, ldb, n, nrhs);
    if (n === 0) return;
    // As in LAPACK dposv, A is factored even when nrhs = 0. The strict upper triangle of A
    // is left as it was (dposv does not touch it; only potrf zeroes it).
    checkNaN(OP, 'A', -5, A, 0, lda, n, n, true);
    checkNaN(OP, 'B', -7, B, 0, ldb, n, nrhs, false);
    const info = choleskyLower(n, A, 0, lda);
    if (info > 0) {
      throw lapackError(OP, info, `matrix is not positive definite (leading minor of order ${info})`);
    }
    choleskySolve(n, nrhs, A, 0, lda, B, 0, ldb);
  },

  gesv(n, nrhs, A, lda, B, ldb) {
    const OP = 'gesv';
    checkInt(OP, 'n', n); checkInt(OP, 'nrhs', nrhs); checkBuf(OP, 'A', A); checkInt(OP, 'lda', lda);
    checkBuf(OP, 'B', B); checkInt(OP, 'ldb', ldb);
    checkFits(OP, 'A', A, 0, lda, n, n);
    checkFits(OP, 'B', B, 0, ldb, n, nrhs);
    if (n === 0) return;
    checkNaN(OP, 'A', -4, A, 0, lda, n, n, false);
    checkNaN(OP, 'B', -7, B, 0, ldb, n, nrhs, false);
    const lu = new LuDecomposition(fromColMajor(n, n, A, 0, lda));
    // A is destroyed: like dgetrf, leave the packed unit-lower L and upper U in it.
    const L = lu.lowerTriangularMatrix;
    const U = lu.upperTriangularMatrix;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) A[i + j * lda] = i > j ? L.get(i, j) : U.get(i, j);
    }
    if (lu.isSingular()) {
      // dgetrf's info: the first exactly-zero pivot U(i,i), 1-based.
      let info = 1;
      while (info <= n && U.get(info - 1, info - 1) !== 0) info++;
      throw lapackError(OP, info, `matrix is singular (U(${info},${info}) is exactly zero)`);
    }
    if (nrhs === 0) return;
    const X = lu.solve(fromColMajor(n, nrhs, B, 0, ldb));
    for (let j = 0; j < nrhs; j++) for (let i = 0; i < n; i++) B[i + j * ldb] = X.get(i, j);
  },

  potrf(n, A, lda) {
    const OP = 'potrf';
    checkInt(OP, 'n', n); checkBuf(OP, 'A', A); checkInt(OP, 'lda', lda);
    checkFits(OP, 'A', A, 0, lda, n, n);
    if (n === 0) return;
    checkNaN(OP, 'A', -4, A, 0, lda, n, n, true);
    const info = choleskyLower(n, A, 0, lda);
    if (info > 0) {
      throw lapackError(OP, info, `matrix is not positive definite (leading minor of order ${info})`);
    }
    for (let j = 1; j < n; j++) A.fill(0, j * lda, j * lda + j);
  },

  potrs(n, nrhs, L, lda, B, ldb) {
    const OP = 'potrs';
    checkInt(OP, 'n', n); checkInt(OP, 'nrhs', nrhs); checkBuf(OP, 'L', L); checkInt(OP, 'lda', lda);
    checkBuf(OP, 'B', B); checkInt(OP, 'ldb', ldb);
    checkFits(OP, 'L', L, 0, lda, n, n);
    checkFits(OP, 'B', B, 0, ldb, n, nrhs);
    if (n === 0 || nrhs === 0) return;
    checkNaN(OP, 'L', -5, L, 0, lda, n, n, true);
    checkNaN(OP, 'B', -7, B, 0, ldb, n, nrhs, false);
    choleskySolve(n, nrhs, L, 0, lda, B, 0, ldb);
  },

  setThreads(threads: number) {
    checkInt('setThreads', 'threads', threads);
  },

  getThreads() {
    return 1;
  },

  describe() {
    return { blas: 'pure TypeScript (ml-matrix decompositions)', corename: 'none' };
  },
};
