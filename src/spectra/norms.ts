/** Matrix norms used throughout the paper statements (bounds on W − W₀, feature drift). */
import { type Mat, frobenius, matvec, opNorm, symmetricOpNorm, twoInfNorm } from '../linalg';
import { lanczosTopEigen } from './lanczos';
import { SpectraInputError, checkMat } from './validate';

export interface MatrixNorms {
  /** Frobenius norm ‖M‖_F. */
  fro: number;
  /** Operator (spectral) norm ‖M‖₂ = σ_max. */
  op: number;
  /** (2,∞) norm: the largest Euclidean row norm (for W h×d: the largest neuron weight norm). */
  twoInf: number;
}

/** Frobenius, operator and (2,∞) norms of M in one call. */
export function matrixNorms(M: Mat): MatrixNorms {
  checkMat('matrixNorms', 'M', M);
  return { fro: frobenius(M), op: opNorm(M), twoInf: twoInfNorm(M) };
}

/**
 * ‖M‖_op = max |λ| of a symmetric matrix. Below `denseBelow` (default 1200) by a dense
 * eigenvalue solve; above it by two Lanczos runs (top of M and top of −M), which cost
 * O(n²) per step instead of the O(n³) tridiagonal reduction — at n = 4000 seconds
 * instead of tens of seconds when the edge is separated, as kernel changes are.
 * Relative accuracy `tol` (default 1e-10) on the returned norm.
 */
export function symmetricSpectralNorm(M: Mat, opts: { tol?: number; denseBelow?: number } = {}): number {
  checkMat('symmetricSpectralNorm', 'M', M);
  if (M.rows !== M.cols) throw new SpectraInputError(`symmetricSpectralNorm: M is ${M.rows}×${M.cols}, not square`);
  const n = M.rows;
  if (n < (opts.denseBelow ?? 1200)) return symmetricOpNorm(M);
  const tol = opts.tol ?? 1e-10;
  const top = lanczosTopEigen(M, n, 1, { tol, skipSymmetryCheck: true });
  const bottom = lanczosTopEigen((x, out) => {
    matvec(M, x, { out });
    for (let i = 0; i < n; i++) out[i] = -out[i]!;
  }, n, 1, { tol });
  if (!top.converged || !bottom.converged) return symmetricOpNorm(M); // rare: fall back to the dense solve
  return Math.max(Math.abs(top.values[0]!), Math.abs(bottom.values[0]!));
}
