/**
 * Matrix operations on Mat, dispatched to the current backend (OpenBLAS/LAPACK or the
 * TypeScript fallback). Functions that allocate take an optional `out`; decompositions
 * copy their input, so no user-facing function destroys an argument.
 *
 * Shape convention of the engine: X is d×n (columns are samples), W is h×d.
 */
import { backend } from './backend';
import {
  type Mat,
  ShapeError,
  assertFinite,
  assertSameShape,
  assertSquare,
  clone,
  contiguous,
  shapeOf,
  zeros,
} from './mat';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** Only used with `out`: out = alpha·op(A)op(B) + beta·out. */
  beta?: number;
  out?: Mat;
}

/** op(A)·op(B) (times alpha, plus beta·out). */
export function matmul(A: Mat, B: Mat, opts: GemmOptions = {}): Mat {
  const ta = opts.transA ?? false;
  const tb = opts.transB ?? false;
  const m = ta ? A.cols : A.rows;
  const k = ta ? A.rows : A.cols;
  const kb = tb ? B.cols : B.rows;
  const n = tb ? B.rows : B.cols;
  if (k !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: op(A) is ${m}×${k} (A ${shapeOf(A)}${ta ? 'ᵀ' : ''}), ` +
        `op(B) is ${kb}×${n} (B ${shapeOf(B)}${tb ? 'ᵀ' : ''})`,
    );
  }
  const out = opts.out ?? zeros(m, n);
  if (out.rows !== m || out.cols !== n) {
    throw new ShapeError(`matmul: output is ${shapeOf(out)}, the product is ${m}×${n}`);
  }
  if (out.data === A.data || out.data === B.data) {
    throw new ShapeError('matmul: the output must not share memory with an input');
  }
  const beta = opts.out ? (opts.beta ?? 0) : 0;
  backend().gemm(ta, tb, m, n, k, opts.alpha ?? 1, A.data, A.offset, A.ld, B.data, B.offset, B.ld, beta, out.data,
    out.offset, out.ld);
  return out;
}

export interface GramOptions {
  /** false: A·Aᵀ (rows of A); true: Aᵀ·A (columns of A). */
  trans?: boolean;
  alpha?: number;
  beta?: number;
  out?: Mat;
}

/** alpha·A·Aᵀ (or alpha·Aᵀ·A with trans) through syrk, both triangles filled. */
export function gram(A: Mat, opts: GramOptions = {}): Mat {
  const tr = opts.trans ?? false;
  const n = tr ? A.cols : A.rows;
  const k = tr ? A.rows : A.cols;
  const out = opts.out ?? zeros(n, n);
  if (out.rows !== n || out.cols !== n) throw new ShapeError(`gram: output is ${shapeOf(out)}, expected ${n}×${n}`);
  const beta = opts.out ? (opts.beta ?? 0) : 0;
  backend().syrk(tr, n, k, opts.alpha ?? 1, A.data, A.offset, A.ld, beta, out.data, out.offset, out.ld);
  return out;
}

/** y = alpha·op(A)·x + beta·y. */
export function matvec(
  A: Mat, x: Float64Array, opts: { trans?: boolean; alpha?: number; beta?: number; out?: Float64Array } = {},
): Float64Array {
  const tr = opts.trans ?? false;
  const lx = tr ? A.rows : A.cols;
  const ly = tr ? A.cols : A.rows;
  if (x.length !== lx) throw new ShapeError(`matvec: A is ${shapeOf(A)}${tr ? 'ᵀ' : ''}, x has length ${x.length}`);
  const y = opts.out ?? new Float64Array(ly);
  if (y.length !== ly) throw new ShapeError(`matvec: output has length ${y.length}, expected ${ly}`);
  backend().gemv(tr, A.rows, A.cols, opts.alpha ?? 1, A.data, A.offset, A.ld, x, 0, 1, opts.out ? (opts.beta ?? 0) : 0,
    y, 0, 1);
  return y;
}

export function transpose(A: Mat, out?: Mat): Mat {
  const r = out ?? zeros(A.cols, A.rows);
  if (r.rows !== A.cols || r.cols !== A.rows) {
    throw new ShapeError(`transpose: output is ${shapeOf(r)}, expected ${A.cols}×${A.rows}`);
  }
  // Blocked so that both the reads and the writes stay within cache lines.
  const B = 32;
  for (let j0 = 0; j0 < A.cols; j0 += B) {
    const j1 = Math.min(j0 + B, A.cols);
    for (let i0 = 0; i0 < A.rows; i0 += B) {
      const i1 = Math.min(i0 + B, A.rows);
      for (let j = j0; j < j1; j++) {
        const src = A.offset + j * A.ld;
        for (let i = i0; i < i1; i++) r.data[r.offset + j + i * r.ld] = A.data[src + i]!;
      }
    }
  }
  return r;
}

// ---------- elementwise ----------

/** out[i,j] = f(A[i,j]). For hot paths prefer the bulk activation kernels. */
export function map(A: Mat, f: (x: number) => number, out?: Mat): Mat {
  const r = out ?? zeros(A.rows, A.cols);
  assertSameShape('map', A, r);
  for (let j = 0; j < A.cols; j++) {
    const s = A.offset + j * A.ld;
    const t = r.offset + j * r.ld;
    for (let i = 0; i < A.rows; i++) r.data[t + i] = f(A.data[s + i]!);
  }
  return r;
}

function zip(op: string, A: Mat, B: Mat, out: Mat | undefined, f: (a: number, b: number) => number): Mat {
  assertSameShape(op, A, B);
  const r = out ?? zeros(A.rows, A.cols);
  assertSameShape(op, A, r);
  for (let j = 0; j < A.cols; j++) {
    const sa = A.offset + j * A.ld;
    const sb = B.offset + j * B.ld;
    const t = r.offset + j * r.ld;
    for (let i = 0; i < A.rows; i++) r.data[t + i] = f(A.data[sa + i]!, B.data[sb + i]!);
  }
  return r;
}

export function hadamard(A: Mat, B: Mat, out?: Mat): Mat {
  assertSameShape('hadamard', A, B);
  if (out === undefined && isPlain(A) && isPlain(B)) {
    const r = zeros(A.rows, A.cols);
    const a = A.data, b = B.data, o = r.data;
    for (let i = 0; i < o.length; i++) o[i] = a[i]! * b[i]!;
    return r;
  }
  return zip('hadamard', A, B, out, (a, b) => a * b);
}

export function add(A: Mat, B: Mat, out?: Mat): Mat {
  return zip('add', A, B, out, (a, b) => a + b);
}

export function sub(A: Mat, B: Mat, out?: Mat): Mat {
  assertSameShape('sub', A, B);
  if (out === undefined && isPlain(A) && isPlain(B)) {
    const r = zeros(A.rows, A.cols);
    const a = A.data, b = B.data, o = r.data;
    for (let i = 0; i < o.length; i++) o[i] = a[i]! - b[i]!;
    return r;
  }
  return zip('sub', A, B, out, (a, b) => a - b);
}

export function scale(A: Mat, s: number, out?: Mat): Mat {
  return map(A, (x) => s * x, out);
}

/** Y += a·X, in place on Y. */
export function axpy(a: number, X: Mat, Y: Mat): Mat {
  assertSameShape('axpy', X, Y);
  for (let j = 0; j < X.cols; j++) {
    const sx = X.offset + j * X.ld;
    const sy = Y.offset + j * Y.ld;
    for (let i = 0; i < X.rows; i++) Y.data[sy + i] += a * X.data[sx + i]!;
  }
  return Y;
}

function isPlain(m: Mat): boolean {
  return m.offset === 0 && m.ld === m.rows && m.data.length === m.rows * m.cols;
}

// ---------- norms and reductions ----------

/** Frobenius norm, with scaling against overflow/underflow (as LAPACK's dlange/dnrm2 do). */
export function frobenius(A: Mat): number {
  let scl = 0;
  let ssq = 1;
  for (let j = 0; j < A.cols; j++) {
    const s = A.offset + j * A.ld;
    for (let i = 0; i < A.rows; i++) {
      const v = A.data[s + i]!;
      if (v !== 0) {
        const a = Math.abs(v);
        if (scl < a) {
          ssq = 1 + ssq * (scl / a) * (scl / a);
          scl = a;
        } else {
          ssq += (a / scl) * (a / scl);
        }
      }
    }
  }
  return scl * Math.sqrt(ssq);
}

export function vectorNorm(x: ArrayLike<number>): number {
  let scl = 0;
  let ssq = 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== 0) {
      const a = Math.abs(v);
      if (scl < a) {
        ssq = 1 + ssq * (scl / a) * (scl / a);
        scl = a;
      } else {
        ssq += (a / scl) * (a / scl);
      }
    }
  }
  return scl * Math.sqrt(ssq);
}

export function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new ShapeError(`dot: lengths differ, ${x.length} vs ${y.length}`);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Euclidean norm of each row. */
export function rowNorms(A: Mat): Float64Array {
  const acc = new Float64Array(A.rows);
  for (let j = 0; j < A.cols; j++) {
    const s = A.offset + j * A.ld;
    for (let i = 0; i < A.rows; i++) {
      const v = A.data[s + i]!;
      acc[i] += v * v;
    }
  }
  for (let i = 0; i < A.rows; i++) acc[i] = Math.sqrt(acc[i]!);
  return acc;
}

/** Euclidean norm of each column. */
export function colNorms(A: Mat): Float64Array {
  const out = new Float64Array(A.cols);
  for (let j = 0; j < A.cols; j++) {
    const s = A.offset + j * A.ld;
    out[j] = vectorNorm(A.data.subarray(s, s + A.rows));
  }
  return out;
}

/** (2,∞) norm: the largest Euclidean row norm (for W, the largest neuron-weight norm). */
export function twoInfNorm(A: Mat): number {
  let m = 0;
  for (const r of rowNorms(A)) m = Math.max(m, r);
  return m;
}

export function trace(A: Mat): number {
  assertSquare('trace', A);
  let s = 0;
  for (let i = 0; i < A.rows; i++) s += A.data[A.offset + i + i * A.ld]!;
  return s;
}

export function maxAbs(A: Mat): number {
  let m = 0;
  for (let j = 0; j < A.cols; j++) {
    const s = A.offset + j * A.ld;
    for (let i = 0; i < A.rows; i++) m = Math.max(m, Math.abs(A.data[s + i]!));
  }
  return m;
}

/** Operator (spectral) norm: the largest singular value. */
export function opNorm(A: Mat): number {
  if (A.rows === 0 || A.cols === 0) return 0;
  // The smaller Gram matrix has the same nonzero spectrum; its eigenvalues cost a
  // fraction of an SVD. Relative accuracy of σ_max² is eps·κ-free (it is the top
  // eigenvalue), so σ_max loses nothing that matters here.
  if (A.rows === A.cols && isSymmetric(A)) {
    const ev = eigvalsh(A);
    return Math.max(Math.abs(ev[0]!), Math.abs(ev[ev.length - 1]!));
  }
  const G = gram(A, { trans: A.rows >= A.cols });
  const top = topEigenvalues(G, 1)[0]!;
  return Math.sqrt(Math.max(top, 0));
}

/** Operator norm of a symmetric matrix: max |λ|. */
export function symmetricOpNorm(A: Mat): number {
  const ev = eigvalsh(A);
  return Math.max(Math.abs(ev[0]!), Math.abs(ev[ev.length - 1]!));
}

export function isSymmetric(A: Mat, tol = 0): boolean {
  if (A.rows !== A.cols) return false;
  for (let j = 0; j < A.cols; j++) {
    for (let i = j + 1; i < A.rows; i++) {
      const a = A.data[A.offset + i + j * A.ld]!;
      const b = A.data[A.offset + j + i * A.ld]!;
      if (Math.abs(a - b) > tol * Math.max(1, Math.abs(a), Math.abs(b))) return false;
    }
  }
  return true;
}

// ---------- decompositions ----------

export interface SymmetricEigen {
  /** Ascending. */
  values: Float64Array;
  /** Orthonormal eigenvectors as columns, in the order of `values`. */
  vectors: Mat;
}

/** Eigenvalues and eigenvectors of a symmetric matrix (the lower triangle is read). */
export function eigh(A: Mat): SymmetricEigen {
  assertSquare('eigh', A);
  assertFinite('eigh', 'A', A);
  const V = clone(A);
  const w = new Float64Array(A.rows);
  backend().syevd(A.rows, V.data, V.ld, w, true);
  return { values: w, vectors: V };
}

/** Eigenvalues (ascending) of a symmetric matrix. */
export function eigvalsh(A: Mat): Float64Array {
  assertSquare('eigvalsh', A);
  assertFinite('eigvalsh', 'A', A);
  const V = clone(A);
  const w = new Float64Array(A.rows);
  backend().syevd(A.rows, V.data, V.ld, w, false);
  return w;
}

/**
 * Eigenpairs with ascending 1-based indices il..iu of a symmetric matrix (LAPACK dsyevr:
 * cheaper than a full decomposition when only an edge of the spectrum is wanted).
 */
export function eighRange(A: Mat, il: number, iu: number, wantVectors = true): SymmetricEigen {
  assertSquare('eighRange', A);
  assertFinite('eighRange', 'A', A);
  const n = A.rows;
  if (!Number.isInteger(il) || !Number.isInteger(iu) || il < 1 || iu < il || iu > n) {
    throw new ShapeError(`eighRange: index range [${il}, ${iu}] outside [1, ${n}]`);
  }
  const work = clone(A);
  const w = new Float64Array(n);
  const cnt = iu - il + 1;
  const Z = wantVectors ? zeros(n, cnt) : zeros(0, 0);
  backend().syevr(n, work.data, work.ld, il, iu, w, Z.data, Math.max(1, n), wantVectors);
  return { values: w.slice(0, cnt), vectors: Z };
}

/** The k largest eigenvalues, descending. */
export function topEigenvalues(A: Mat, k: number): Float64Array {
  const n = A.rows;
  const kk = Math.min(k, n);
  const r = eighRange(A, n - kk + 1, n, false).values;
  return r.reverse();
}

/** The k largest eigenpairs, eigenvalues descending with matching vector columns. */
export function topEigenpairs(A: Mat, k: number): SymmetricEigen {
  const n = A.rows;
  const kk = Math.min(k, n);
  const r = eighRange(A, n - kk + 1, n, true);
  const vals = r.values.slice().reverse();
  const V = zeros(n, kk);
  for (let j = 0; j < kk; j++) V.data.set(r.vectors.data.subarray((kk - 1 - j) * n, (kk - j) * n), j * n);
  return { values: vals, vectors: V };
}

export interface Svd {
  /** Singular values, descending. */
  s: Float64Array;
  /** m×r left singular vectors, r = min(m, n). */
  U: Mat;
  /** r×n, rows are right singular vectors. */
  Vt: Mat;
}

export function svd(A: Mat): Svd {
  assertFinite('svd', 'A', A);
  const m = A.rows, n = A.cols, r = Math.min(m, n);
  const work = clone(A);
  const s = new Float64Array(r);
  const U = zeros(m, r);
  const Vt = zeros(r, n);
  backend().gesdd(m, n, work.data, work.ld, s, U.data, Math.max(1, m), Vt.data, Math.max(1, r), true);
  return { s, U, Vt };
}

export function singularValues(A: Mat): Float64Array {
  assertFinite('singularValues', 'A', A);
  const work = clone(A);
  const s = new Float64Array(Math.min(A.rows, A.cols));
  const dummy = new Float64Array(1);
  backend().gesdd(A.rows, A.cols, work.data, work.ld, s, dummy, 1, dummy, 1, false);
  return s;
}

/** Lower Cholesky factor L with A = L·Lᵀ. Throws (naming the operation) if A is not SPD. */
export function cholesky(A: Mat): Mat {
  assertSquare('cholesky', A);
  assertFinite('cholesky', 'A', A);
  const L = clone(A);
  try {
    backend().potrf(A.rows, L.data, L.ld);
  } catch (e) {
    throw notSpd('cholesky', A, e);
  }
  return L;
}

/** Solve L·Lᵀ·X = B given the factor from cholesky(). */
export function choleskySolve(L: Mat, B: Mat): Mat {
  assertSquare('choleskySolve', L);
  if (B.rows !== L.rows) throw new ShapeError(`choleskySolve: factor is ${shapeOf(L)}, right side ${shapeOf(B)}`);
  const X = clone(B);
  const Lc = contiguous(L);
  backend().potrs(L.rows, B.cols, Lc.data, Lc.ld, X.data, X.ld);
  return X;
}

/** Solve A·X = B for symmetric positive definite A (Cholesky). */
export function solveSpd(A: Mat, B: Mat): Mat {
  assertSquare('solveSpd', A);
  if (B.rows !== A.rows) throw new ShapeError(`solveSpd: A is ${shapeOf(A)}, B is ${shapeOf(B)}`);
  assertFinite('solveSpd', 'A', A);
  assertFinite('solveSpd', 'B', B);
  const F = clone(A);
  const X = clone(B);
  try {
    backend().posv(A.rows, B.cols, F.data, F.ld, X.data, X.ld);
  } catch (e) {
    throw notSpd('solveSpd', A, e);
  }
  return X;
}

/** Solve A·X = B for a general square A (LU with partial pivoting). */
export function solve(A: Mat, B: Mat): Mat {
  assertSquare('solve', A);
  if (B.rows !== A.rows) throw new ShapeError(`solve: A is ${shapeOf(A)}, B is ${shapeOf(B)}`);
  assertFinite('solve', 'A', A);
  assertFinite('solve', 'B', B);
  const F = clone(A);
  const X = clone(B);
  try {
    backend().gesv(A.rows, B.cols, F.data, F.ld, X.data, X.ld);
  } catch (e) {
    const info = (e as { lapackInfo?: number }).lapackInfo;
    throw new Error(`solve: the ${shapeOf(A)} matrix is singular (LAPACK info ${info ?? '?'})`, { cause: e });
  }
  return X;
}

function notSpd(op: string, A: Mat, e: unknown): Error {
  const info = (e as { lapackInfo?: number }).lapackInfo;
  if (info !== undefined && info > 0) {
    return new Error(
      `${op}: the ${shapeOf(A)} matrix is not positive definite (leading minor ${info} is not positive)`,
      { cause: e },
    );
  }
  return e instanceof Error ? e : new Error(String(e));
}
