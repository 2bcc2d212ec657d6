/**
 * Spikes and alignments: what tells a network whose weights kept their random bulk (lazy)
 * from one whose weights grew an outlier aligned with the teacher — Wang et al. (W), Section 4
 * / Figs. 2, 3, 17–19 (W10, W13).
 *
 *   - spikeMeasures: λ_max of W Wᵀ/d and of CK, their second eigenvalues (the bulk edge
 *     left behind when the top one is an outlier), the alignment |βᵀu₁| of the top right
 *     singular vector of W with the teacher direction, and |yᵀv₁|/‖y‖ of the top
 *     eigenvector of CK and of the NTK with the labels;
 *   - subspaceAngles: principal angles between span{β_i} and the top eigenspace of WᵀW.
 *
 * Shapes follow W: X is d×n (columns are samples), W is h×d, Z = W X/√d is h×n.
 */
import { networkKernels } from '../../kernels/empirical';
import type { Mat } from '../../linalg/mat';
import { eigvalsh, gram, topEigenpairs } from '../../linalg/ops';
import type { TwoLayerNet } from '../../model/network';
import { mpEdges, principalAngles } from '../../spectra';

export interface SpikeMeasures {
  /** λ₁ ≥ λ₂ of W Wᵀ/d (the nonzero eigenvalues are those of WᵀW/d, d×d). */
  wTop: number;
  wSecond: number;
  /** |βᵀu₁| with u₁ the top right singular vector of W (top eigenvector of WᵀW), ‖β‖ = 1. */
  alignBeta: number;
  /** λ₁ ≥ λ₂ of CK = σ(Z)ᵀσ(Z)/h (n×n). */
  ckTop: number;
  ckSecond: number;
  /** |yᵀv₁|/‖y‖, v₁ the top eigenvector of CK. */
  alignYck: number;
  /** λ₁ of the NTK of both layers K = K1 + CK, and |yᵀv₁|/‖y‖ for its top eigenvector. */
  ntkTop: number;
  alignYntk: number;
  /** Eigenvalues of WᵀW/d (ascending, length d) and of CK (ascending, n), when asked for. */
  wSpectrum?: Float64Array;
  ckSpectrum?: Float64Array;
}

function absCosine(u: Float64Array, uOff: number, v: ArrayLike<number>, len: number): number {
  let s = 0, nu = 0, nv = 0;
  for (let i = 0; i < len; i++) {
    const a = u[uOff + i]!, b = v[i]!;
    s += a * b;
    nu += a * a;
    nv += b * b;
  }
  return Math.min(1, Math.abs(s) / Math.sqrt(nu * nv));
}

/**
 * The measurements of Fig. 2 of W on one network: spectra tops of W Wᵀ/d, CK and NTK on the
 * training inputs X (d×n) and the alignments of their top eigenvectors with the teacher
 * direction β (length d) and the labels y (length n). `spectra` also returns the full
 * spectra of WᵀW/d and CK (for histograms).
 */
export function spikeMeasures(
  net: TwoLayerNet, X: Mat, y: ArrayLike<number>, beta: ArrayLike<number>, opts: { spectra?: boolean } = {},
): SpikeMeasures {
  const d = net.W.cols;
  const n = X.cols;
  const G = gram(net.W, { trans: true, alpha: 1 / d }); // WᵀW/d, d×d
  const wt = topEigenpairs(G, 2);
  const K = networkKernels(net, X, ['ck', 'ntk']);
  const ck = topEigenpairs(K.ck!, 2);
  const ntk = topEigenpairs(K.ntk!, 1);
  const out: SpikeMeasures = {
    wTop: wt.values[0]!,
    wSecond: wt.values[1] ?? NaN,
    alignBeta: absCosine(wt.vectors.data, 0, beta, d),
    ckTop: ck.values[0]!,
    ckSecond: ck.values[1] ?? NaN,
    alignYck: absCosine(ck.vectors.data, 0, y, n),
    ntkTop: ntk.values[0]!,
    alignYntk: absCosine(ntk.vectors.data, 0, y, n),
  };
  if (opts.spectra) {
    out.wSpectrum = eigvalsh(G);
    out.ckSpectrum = eigvalsh(K.ck!);
  }
  return out;
}

/**
 * Upper edge of the Marchenko–Pastur law of W₀W₀ᵀ/d for W₀ h×d with N(0, 1) entries: its
 * nonzero eigenvalues are (h/d)·spec((1/h)W₀ᵀW₀), MP with ratio d/h, so the edge is
 * (h/d)(1 + √(d/h))² = (1 + √(h/d))².
 */
export function weightOuterMpEdge(h: number, d: number): number {
  return (h / d) * mpEdges(d / h).upper;
}

// ---------------------------------------------------------------------------------------------
// Subspaces.

export interface SubspaceAngles {
  /** Principal angles (radians, ascending) between span{β_i} and the top-m eigenspace of WᵀW. */
  angles: Float64Array;
  /** Mean of cos² over the k angles: ‖Q_mᵀB‖_F²/k for orthonormal B. */
  meanCos2: number;
  /** m (the dimension of the top eigenspace used). */
  m: number;
  /** E mean cos² for a uniformly random m-dimensional subspace of R^d: m/d. */
  randomMeanCos2: number;
}

/**
 * Principal angles between the teacher subspace span{β_1..β_k} (B d×k, orthonormal) and the
 * span of the top m eigenvectors of WᵀW (W h×d). A random m-dimensional subspace has
 * E cos²θ = m/d for each direction of span B.
 */
export function subspaceAngles(W: Mat, B: Mat, m: number): SubspaceAngles {
  const d = W.cols;
  const top = topEigenpairs(gram(W, { trans: true }), m).vectors; // d×m
  const pa = principalAngles(B, top);
  let s = 0;
  for (const c of pa.cosines) s += c * c;
  return { angles: pa.angles, meanCos2: s / pa.cosines.length, m, randomMeanCos2: m / d };
}

