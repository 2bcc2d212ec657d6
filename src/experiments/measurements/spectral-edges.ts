/**
 * Spectral edges and shifts for the claims of Wang et al. (W) about initialisation and the
 * early phase (W1, W4, W5, W14): extreme singular values of data and feature matrices, the smallest
 * eigenvalue of the first-layer NTK against its Hermite lower bound (eq. (11)),
 * eigenvalue-wise shifts between two spectra (Corollary B.3), and the fit of a weight
 * Gram spectrum to Marchenko–Pastur (Appendix A.2).
 *
 * Shapes follow W: X is d×n (columns are samples), W is h×d, Z = W X/√d is h×n.
 */
import { type Activation, gaussianConstants } from '../../activations';
import { type Mat, ShapeError, shapeOf } from '../../linalg/mat';
import { eighRange, matvec, opNorm } from '../../linalg/ops';
import { kolmogorovToMp, lanczosTopEigen, mpEdges, wasserstein1ToMp } from '../../spectra';

/**
 * Largest singular value ‖A‖_op of a rectangular A (r×c), matrix-free: thick-restart
 * Lanczos on x ↦ Aᵀ(Ax) (or A(Aᵀx) when r < c), two gemv per step instead of forming the
 * Gram and reducing it to tridiagonal form (O(r·c·min) + O(min³)). The Ritz residual
 * tolerance `tol` (default 1e-9 relative to ‖AᵀA‖) bounds the eigenvalue error by Weyl,
 * and the error is ≈ residual²/gap once the top value is resolved. Falls back to the dense
 * `opNorm` when Lanczos does not converge.
 */
export function largestSingularValue(A: Mat, opts: { tol?: number } = {}): number {
  const r = A.rows, c = A.cols;
  if (r === 0 || c === 0) return 0;
  const small = Math.min(r, c);
  if (small <= 64) return opNorm(A);
  const onCols = c <= r; // operate on the c-dimensional side: AᵀA
  const tmp = new Float64Array(onCols ? r : c);
  const op = (x: Float64Array, out: Float64Array): void => {
    if (onCols) {
      matvec(A, x, { out: tmp });
      matvec(A, tmp, { trans: true, out });
    } else {
      matvec(A, x, { trans: true, out: tmp });
      matvec(A, tmp, { out });
    }
  };
  const res = lanczosTopEigen(op, small, 1, { tol: opts.tol ?? 1e-9 });
  if (!res.converged) return opNorm(A);
  return Math.sqrt(Math.max(0, res.values[0]!));
}

/** Smallest eigenvalue of a symmetric matrix (LAPACK dsyevr for the index range [1, 1]). */
export function smallestEigenvalue(K: Mat): number {
  if (K.rows !== K.cols) throw new ShapeError(`smallestEigenvalue: ${shapeOf(K)} is not square`);
  return eighRange(K, 1, 1, false).values[0]!;
}

/**
 * max_k |a_(k) − b_(k)|: the largest shift between the k-th eigenvalues of two spectra of
 * the same length, both sorted ascending (as eigvalsh returns them). By Weyl's inequality
 * it is at most ‖A − B‖_op.
 */
export function maxEigenvalueShift(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ShapeError(`maxEigenvalueShift: spectra of lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let k = 0; k < a.length; k++) {
    if (k > 0 && (a[k]! < a[k - 1]! || b[k]! < b[k - 1]!)) {
      throw new RangeError('maxEigenvalueShift: spectra must be sorted ascending');
    }
    m = Math.max(m, Math.abs(a[k]! - b[k]!));
  }
  return m;
}

/**
 * The lower bound of eq. (11) of W on λ_min of the first-layer NTK at initialisation:
 * a_σ − η₀² − η₁² − η₂², with a_σ = E σ'(g)² and η_k = E[σ'(g) He_k(g)]/√(k!), g ~ N(0,1).
 * This is Σ_{k≥3} η_k² (Parseval for σ' in the normalized Hermite basis): the part of the
 * expected kernel Σ_k η_k² (XᵀX/d)^{⊙(k+1)} that acts like a multiple of the identity once
 * the k ≥ 3 off-diagonal powers (x_iᵀx_j/d)^k = O(d^{-3/2}) vanish.
 */
export function ntk1LowerBound(act: Activation): { aSigma: number; eta: [number, number, number]; bound: number } {
  const c = gaussianConstants(act);
  const [e0, e1, e2] = c.eta;
  return { aSigma: c.a_sigma, eta: c.eta, bound: c.a_sigma - e0 * e0 - e1 * e1 - e2 * e2 };
}

export interface MpComparison {
  /** γ = d/h of the law compared with. */
  gamma: number;
  /** sup_x |F_n(x) − F_MP(x)|. */
  kolmogorov: number;
  /** W₁ distance to MP. */
  wasserstein1: number;
  lambdaMin: number;
  lambdaMax: number;
  /** (1 − √γ)², (1 + √γ)². */
  lowerEdge: number;
  upperEdge: number;
  /** λ_min/(1 − √γ)² − 1 and λ_max/(1 + √γ)² − 1 (signed). */
  lowerRelErr: number;
  upperRelErr: number;
}

/**
 * Compares the ascending eigenvalues of (1/h)WᵀW (d of them, W h×d with N(0,1) entries)
 * with Marchenko–Pastur of ratio γ = d/h (entry variance 1). For γ < 1 there is no atom.
 */
export function compareWithMp(eigs: ArrayLike<number>, gamma: number): MpComparison {
  const n = eigs.length;
  if (n === 0) throw new RangeError('compareWithMp: empty spectrum');
  let lmin = Infinity, lmax = -Infinity;
  for (let i = 0; i < n; i++) {
    lmin = Math.min(lmin, eigs[i]!);
    lmax = Math.max(lmax, eigs[i]!);
  }
  const e = mpEdges(gamma);
  return {
    gamma,
    kolmogorov: kolmogorovToMp(eigs, gamma),
    wasserstein1: wasserstein1ToMp(eigs, gamma),
    lambdaMin: lmin,
    lambdaMax: lmax,
    lowerEdge: e.lower,
    upperEdge: e.upper,
    lowerRelErr: lmin / e.lower - 1,
    upperRelErr: lmax / e.upper - 1,
  };
}
