/**
 * Spectral classes of a trained weight (or kernel) matrix, Wang et al. (W) Table 1 / Fig. 1:
 * invariant bulk, bulk + spike, heavy tail, or none of the paper's classes — the final
 * spectrum judged against the initial one. W9 classifies every Table 1 case this way.
 *
 * Shapes follow W: X is d×n (columns are samples), W is h×d.
 */
import { type KernelName, networkKernels } from '../../kernels/empirical';
import { eigvalsh } from '../../linalg/ops';
import type { Mat } from '../../linalg/mat';
import type { TwoLayerNet } from '../../model/network';
import { fitPowerLaw, wasserstein2, weightGramSpectrum, type PowerLawFit } from '../../spectra';
import type { WProblem } from '../settings/w';

/**
 * The thresholds that turn a trained spectrum into one of the paper's classes, in one place.
 *  - an outlier is an eigenvalue above (1 + edgeMargin)·λ_max of the initial matrix;
 *  - the bulk is invariant when W2(initial bulk, final bulk)/mean(initial) ≤ bulkW2Rel, the
 *    top `outliers` eigenvalues removed from both (so a spike does not count as bulk motion).
 *    At initialisation GD moves (1/h)WᵀW by O(n^{-1/2}) in W2 (W7), a trained heavy tail
 *    moves the whole bulk by O(1): 0.1 of the mean eigenvalue separates the two;
 *  - heavy tail: more than maxSpikes outliers, or a power-law tail exponent α ≤ heavyAlpha
 *    (WeightWatcher's reading: α ≤ 4 is a heavy tail) of a tail that leaves the initial
 *    bulk (at least one outlier). The α condition alone is not used: the KS-chosen x_min
 *    of fitPowerLaw puts the "tail" inside an MP bulk, whose fitted α at initialisation was
 *    measured between 3.3 and 14.6 over 21 draws at d = 250 and near 3 at d = 64–100 — an
 *    untrained matrix would often be "heavy-tailed".
 */
export const SPECTRAL_CLASS_RULES = {
  edgeMargin: 0.05,
  maxSpikes: 3,
  heavyAlpha: 4,
  bulkW2Rel: 0.1,
} as const;

/** Class codes (numbers, so compare/holds can check them). */
export const SPECTRAL_CLASS = { invariant: 0, spike: 1, heavyTail: 2, changedBulk: 3, diverged: 4 } as const;
export const SPECTRAL_CLASS_NAMES = [
  'invariant bulk', 'bulk + spike', 'heavy tail', 'changed bulk (none of the paper\'s classes)', 'training diverged',
] as const;

export interface SpectralClassification {
  /** SPECTRAL_CLASS code. */
  code: number;
  name: string;
  /** Eigenvalues above (1 + edgeMargin)·λ_max(initial). */
  outliers: number;
  /** λ_max(final)/λ_max(initial). */
  edgeRatio: number;
  /** W2 between the initial and final spectra with the top `outliers` removed from both, over mean(initial). */
  bulkW2Rel: number;
  /** W2 between the whole spectra, over mean(initial). */
  w2Rel: number;
  /** Power-law fit of the final spectrum's tail. */
  fit: PowerLawFit;
}

/** Classifies a final spectrum against the initial one (both any order, same length). */
export function classifySpectrum(initial: ArrayLike<number>, final: ArrayLike<number>, rules = SPECTRAL_CLASS_RULES): SpectralClassification {
  const a = Float64Array.from(initial).sort();
  const b = Float64Array.from(final).sort();
  const n = a.length;
  const lmax0 = a[n - 1]!;
  let outliers = 0;
  for (let i = 0; i < n; i++) if (b[i]! > (1 + rules.edgeMargin) * lmax0) outliers++;
  let mean0 = 0;
  for (let i = 0; i < n; i++) mean0 += a[i]!;
  mean0 /= n;
  const keep = Math.max(1, n - outliers);
  const bulkW2Rel = wasserstein2(a.subarray(0, keep), b.subarray(0, keep)) / mean0;
  const w2Rel = wasserstein2(a, b) / mean0;
  const fit = fitPowerLaw(b);
  let code: number;
  if (outliers > rules.maxSpikes || (outliers >= 1 && fit.alpha <= rules.heavyAlpha)) code = SPECTRAL_CLASS.heavyTail;
  else if (bulkW2Rel > rules.bulkW2Rel) code = SPECTRAL_CLASS.changedBulk;
  else code = outliers === 0 ? SPECTRAL_CLASS.invariant : SPECTRAL_CLASS.spike;
  return { code, name: SPECTRAL_CLASS_NAMES[code]!, outliers, edgeRatio: b[n - 1]! / lmax0, bulkW2Rel, w2Rel, fit };
}

/** Spectra used for classes: (1/h)WᵀW (d×d) and optionally the CK on the training set. */
export function weightSpectrum(net: TwoLayerNet): Float64Array {
  return weightGramSpectrum(net.W);
}

/** Eigenvalues (ascending) of a kernel of the network on the training inputs X (d×n). */
export function kernelSpectrum(net: TwoLayerNet, X: Mat, which: KernelName = 'ck'): Float64Array {
  return eigvalsh(networkKernels(net, X, [which])[which]!);
}

/** The spectra a class is judged against: (1/h)W₀ᵀW₀ and the CK at initialisation, ascending. */
export interface InitialSpectra {
  weight: Float64Array;
  ck: Float64Array;
}

export function initialSpectra(p: WProblem): InitialSpectra {
  return { weight: weightSpectrum(p.net), ck: kernelSpectrum(p.net, p.data.X, 'ck') };
}

