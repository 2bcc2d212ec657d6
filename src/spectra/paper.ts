/**
 * Spectra of the weight matrices in the W paper (Wang et al. 2023), W h×d (h neurons,
 * d input dimensions), each returned ascending like eigvalsh.
 */
import { type Mat, eigvalsh, gram } from '../linalg';
import { checkMat } from './validate';

/**
 * Eigenvalues (ascending, length d) of (1/h)·WᵀW for W h×d, through syrk + dsyevd. For W₀
 * with iid N(0, 1) entries this spectrum follows Marchenko–Pastur with γ = d/h (mp.ts).
 */
export function weightGramSpectrum(W: Mat): Float64Array {
  checkMat('weightGramSpectrum', 'W', W);
  return eigvalsh(gram(W, { trans: true, alpha: 1 / W.rows }));
}

/**
 * Eigenvalues (ascending, length h) of (1/d)·WWᵀ (h×h) for W h×d. WWᵀ and WᵀW share their
 * nonzero eigenvalues (from the SVD W = UΣVᵀ both are σ_i²), so when h > d the d
 * eigenvalues of (1/d)WᵀW are computed (a d×d problem instead of h×h) and h − d exact
 * zeros are added — the null space of WWᵀ, of dimension ≥ h − d. When h ≤ d the h×h Gram is
 * used directly. The result is sorted, so tiny rounding negatives of the Gram come first.
 */
export function weightOuterSpectrum(W: Mat): Float64Array {
  checkMat('weightOuterSpectrum', 'W', W);
  const h = W.rows;
  const d = W.cols;
  if (h <= d) return eigvalsh(gram(W, { trans: false, alpha: 1 / d }));
  const small = eigvalsh(gram(W, { trans: true, alpha: 1 / d }));
  const out = new Float64Array(h); // zeros
  out.set(small, h - d);
  return out.sort();
}
