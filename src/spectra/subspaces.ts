/**
 * Singular vectors, vector alignment and principal angles between subspaces. In the W
 * paper the top singular vectors of the trained W align with the target's feature
 * direction; in the H paper early-time dynamics stay in the span of a linear model's
 * features — both are measured as alignments / principal angles.
 */
import { type Mat, ShapeError, matmul, shapeOf, singularValues, svd, vectorNorm, zeros } from '../linalg';
import { SpectraInputError, checkMat, checkValues, checkScalar } from './validate';

export interface TopSingular {
  /** The k largest singular values, descending. */
  values: Float64Array;
  /** m×k left singular vectors (columns). */
  U: Mat;
  /** n×k right singular vectors (columns). */
  V: Mat;
}

/** The k leading singular triplets of M (m×n) from a full thin SVD (LAPACK dgesdd). */
export function topSingularVectors(M: Mat, k: number): TopSingular {
  const fn = 'topSingularVectors';
  checkMat(fn, 'M', M);
  const r = Math.min(M.rows, M.cols);
  checkScalar(fn, 'k', k, (v) => Number.isInteger(v) && v >= 1 && v <= r, `an integer in [1, ${r}]`);
  const { s, U, Vt } = svd(M);
  const m = M.rows;
  const n = M.cols;
  const Uk = zeros(m, k);
  Uk.data.set(U.data.subarray(0, m * k));
  const Vk = zeros(n, k);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) Vk.data[i + j * n] = Vt.data[j + i * Vt.ld]!;
  return { values: s.slice(0, k), U: Uk, V: Vk };
}

/** |uᵀv| / (‖u‖‖v‖) ∈ [0, 1]: the cosine of the angle between the lines through u and v. */
export function alignment(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const fn = 'alignment';
  checkValues(fn, 'u', u);
  checkValues(fn, 'v', v);
  if (u.length !== v.length) throw new ShapeError(`${fn}: 'u' has length ${u.length} but 'v' has length ${v.length}`);
  const nu = vectorNorm(u);
  const nv = vectorNorm(v);
  if (nu === 0 || nv === 0) throw new SpectraInputError(`${fn}: ${nu === 0 ? "'u'" : "'v'"} is the zero vector`);
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i]! / nu) * (v[i]! / nv);
  return Math.min(1, Math.abs(s));
}

/**
 * Orthonormal basis of the column space of A (the left singular vectors with
 * σ > max(m, n)·ε·σ_max), so rank-deficient inputs give the right dimension.
 */
export function orthonormalBasis(A: Mat): Mat {
  checkMat('orthonormalBasis', 'A', A);
  const { s, U } = svd(A);
  const tol = Math.max(A.rows, A.cols) * Number.EPSILON * (s[0] ?? 0);
  let r = 0;
  while (r < s.length && s[r]! > tol) r++;
  const Q = zeros(A.rows, r);
  Q.data.set(U.data.subarray(0, A.rows * r));
  return Q;
}

export interface PrincipalAngles {
  /** Principal angles in radians, ascending, q = min(rank A, rank B) of them. */
  angles: Float64Array;
  /** Their cosines (descending) — the canonical correlations. */
  cosines: Float64Array;
  /** Ranks of A and B found when orthonormalising. */
  rankA: number;
  rankB: number;
}

/**
 * Principal angles between span(A) and span(B) (A, B with the same number of rows).
 * Both column sets are orthonormalised (SVD, rank-revealing), then the cosines are the
 * singular values of Q_Aᵀ Q_B (clamped to [0, 1]). Because acos loses accuracy near 0
 * (θ ≈ 1e−8 is indistinguishable from 0 in cos), angles with cos² ≥ 1/2 are instead taken
 * as asin of the singular values of Q_B − Q_A(Q_Aᵀ Q_B) (the sines; Björck & Golub 1973,
 * Knyazev & Argentati 2002), with Q_B the lower-dimensional basis.
 */
export function principalAngles(A: Mat, B: Mat): PrincipalAngles {
  const fn = 'principalAngles';
  checkMat(fn, 'A', A);
  checkMat(fn, 'B', B);
  if (A.rows !== B.rows) throw new ShapeError(`${fn}: A is ${shapeOf(A)} but B is ${shapeOf(B)} (rows differ)`);
  let QA = orthonormalBasis(A);
  let QB = orthonormalBasis(B);
  const rankA = QA.cols;
  const rankB = QB.cols;
  if (rankA === 0 || rankB === 0) throw new SpectraInputError(`${fn}: ${rankA === 0 ? 'A' : 'B'} has rank 0`);
  if (QB.cols > QA.cols) [QA, QB] = [QB, QA];
  const q = QB.cols;
  const C = matmul(QA, QB, { transA: true }); // rA×q
  const cos = singularValues(C); // descending, length q
  const R = matmul(QA, C); // projection of QB onto span(QA)
  const P = zeros(QB.rows, q);
  for (let i = 0; i < P.data.length; i++) P.data[i] = QB.data[i]! - R.data[i]!;
  const sinAsc = singularValues(P).reverse(); // ascending: pairs with cos descending
  const angles = new Float64Array(q);
  const cosines = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    const c = Math.min(1, Math.max(0, cos[i]!));
    cosines[i] = c;
    angles[i] = c * c >= 0.5 ? Math.asin(Math.min(1, Math.max(0, sinAsc[i]!))) : Math.acos(c);
  }
  // Ascending angles (they are already, up to rounding at the switch-over).
  angles.sort();
  return { angles, cosines, rankA, rankB };
}
