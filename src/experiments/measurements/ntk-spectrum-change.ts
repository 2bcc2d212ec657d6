/**
 * The NTK spectrum of a deep network before and after training, and its accuracy as a
 * classifier — Wang et al. (W) §6, Figs. 4 and 6 (W15): on real two-class data the NTK
 * spectrum stays put under GD, grows a heavier tail under SGD and more so under Adam.
 *
 *   - deepNtkSpectrum (convNetNtkSpectrum for the CNN): eigenvalues (ascending) of the deep
 *     network's empirical NTK on X;
 *   - spectrumChange: how a final spectrum differs from the initial one — the W2 distance
 *     between the two eigenvalue distributions (absolute and over the initial standard
 *     deviation, as W8 judges "invariant"), the power-law tail fits of both (α before and
 *     after, WeightWatcher's heavy-tail reading: a smaller α is a heavier tail), and the
 *     outliers: final eigenvalues above (1 + edgeMargin)·λ_max(initial), the rule of
 *     SPECTRAL_CLASS_RULES;
 *   - signAccuracy: the fraction of samples whose output has the sign of the ±1 label (a
 *     zero output counts as wrong).
 *
 * Shapes follow W: X is d×n (columns are samples).
 */
import { convNetKernels } from '../../kernels/conv-net';
import { deepNetworkKernels } from '../../kernels/deep';
import type { Mat } from '../../linalg/mat';
import { eigvalsh } from '../../linalg/ops';
import type { ConvNet } from '../../model/conv-net';
import type { DeepNet } from '../../model/deep';
import { fitPowerLaw, outliersAbove, wasserstein2, type PowerLawFit } from '../../spectra';
import { SPECTRAL_CLASS_RULES } from './spectral-classes';

/** Eigenvalues (ascending) of the deep network's empirical NTK Θ(X, X) on X (d×n), length n. */
export function deepNtkSpectrum(net: DeepNet, X: Mat): Float64Array {
  return eigvalsh(deepNetworkKernels(net, X, ['ntk']).ntk!);
}

/** Eigenvalues (ascending) of the deep circular CNN's empirical NTK Θ(X, X) on X ((C_0·H·W)×n), length n. */
export function convNetNtkSpectrum(net: ConvNet, X: Mat): Float64Array {
  return eigvalsh(convNetKernels(net, X, ['ntk']).ntk!);
}

export interface SpectrumChange {
  /** W2 distance between the initial and final eigenvalue distributions. */
  w2: number;
  /** w2 over the standard deviation of the initial spectrum (W8's "small": below 0.05). */
  relW2: number;
  /** Power-law fits of the initial and the final spectrum's tails (fitPowerLaw: x_min by KS). */
  fit0: PowerLawFit;
  fit: PowerLawFit;
  /** Final eigenvalues above (1 + edgeMargin)·λ_max(initial). */
  outliers: number;
  /** λ_max(final)/λ_max(initial). */
  edgeRatio: number;
}

function sortedCopy(a: ArrayLike<number>, name: string): Float64Array {
  const s = Float64Array.from(a).sort();
  if (s.length < 2) throw new RangeError(`spectrumChange: the ${name} spectrum needs at least 2 eigenvalues, got ${s.length}`);
  if (!s.every(Number.isFinite)) throw new RangeError(`spectrumChange: the ${name} spectrum has a non-finite eigenvalue`);
  return s;
}

/**
 * How the final spectrum differs from the initial one (both any order, the same length).
 * `edgeMargin` (default SPECTRAL_CLASS_RULES.edgeMargin = 0.05) sets the outlier threshold.
 */
export function spectrumChange(
  initial: ArrayLike<number>, final: ArrayLike<number>, opts: { edgeMargin?: number } = {},
): SpectrumChange {
  const a = sortedCopy(initial, 'initial');
  const b = sortedCopy(final, 'final');
  if (a.length !== b.length) throw new RangeError(`spectrumChange: the spectra have ${a.length} and ${b.length} eigenvalues`);
  const n = a.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i]! - mean) ** 2;
  const sd = Math.sqrt(v / n);
  const w2 = wasserstein2(a, b);
  const lmax0 = a[n - 1]!;
  const margin = opts.edgeMargin ?? SPECTRAL_CLASS_RULES.edgeMargin;
  return {
    w2,
    relW2: w2 / sd,
    fit0: fitPowerLaw(a),
    fit: fitPowerLaw(b),
    outliers: outliersAbove(b, (1 + margin) * lmax0).count,
    edgeRatio: b[n - 1]! / lmax0,
  };
}

/** Fraction of i with sign(f_i) = y_i for labels y_i ∈ {±1}; f_i = 0 counts as wrong. */
export function signAccuracy(f: ArrayLike<number>, y: ArrayLike<number>): number {
  if (f.length !== y.length) throw new RangeError(`signAccuracy: ${f.length} outputs and ${y.length} labels`);
  if (f.length === 0) throw new RangeError('signAccuracy: no samples');
  let right = 0;
  for (let i = 0; i < f.length; i++) {
    const yi = y[i]!;
    if (yi !== 1 && yi !== -1) throw new RangeError(`signAccuracy: label ${i} is ${yi}, not ±1`);
    const fi = f[i]!;
    if (Number.isNaN(fi)) throw new RangeError(`signAccuracy: output ${i} is NaN`);
    if (fi * yi > 0) right++;
  }
  return right / f.length;
}
