/**
 * Measurements of how far training moved a network: weights, outputs and kernels, between a
 * snapshot at initialisation and the trained network — a few steps in (W2–W4) or after
 * convergence together with the spectra's distances (Corollary 5.3 of Wang et al.: W7, W7b, W8).
 * X is d×n (columns are samples), W is h×d.
 */
import { frobenius, sub } from '../../linalg/ops';
import { type Mat, eigvalsh } from '../../linalg';
import { type KernelName, kernelDifference, networkKernels, type NetworkKernels } from '../../kernels/empirical';
import { predict, type TwoLayerNet } from '../../model/network';
import { matrixNorms, symmetricSpectralNorm, type MatrixNorms, wasserstein2, weightGramSpectrum } from '../../spectra';
import type { InitialKernels } from '../protocols/convergence';

/** ‖W_t − W_0‖ in Frobenius, operator and (2,∞) norms. */
export function weightChange(W0: Mat, Wt: Mat): MatrixNorms {
  return matrixNorms(sub(Wt, W0));
}

/** max_i |f_t(x_i) − f_0(x_i)| over the columns of X. */
export function maxOutputChange(net0: TwoLayerNet, net: TwoLayerNet, X: Mat): number {
  const a = predict(net0, X), b = predict(net, X);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(b[i] - a[i]));
  return m;
}

export interface KernelChange {
  fro: number;
  op: number;
  /** ‖K_0‖_F, to put the change in scale. */
  initialFro: number;
}

/**
 * ‖K_t − K_0‖ (Frobenius and operator) for the named kernels. Computed as a plain
 * difference: the test "kernel changes" shows it keeps ≥ 8 digits of the direct
 * activation-difference formula in float64 (DESIGN.md principle 1).
 */
export function kernelChanges(
  net0: TwoLayerNet, net: TwoLayerNet, X: Mat, which: readonly KernelName[],
): { changes: Partial<Record<KernelName, KernelChange>>; K0: NetworkKernels; Kt: NetworkKernels } {
  const K0 = networkKernels(net0, X, which);
  const Kt = networkKernels(net, X, which);
  const changes: Partial<Record<KernelName, KernelChange>> = {};
  for (const k of which) {
    const D = kernelDifference(K0[k]!, Kt[k]!);
    changes[k] = { fro: frobenius(D), op: symmetricSpectralNorm(D), initialFro: frobenius(K0[k]!) };
  }
  return { changes, K0, Kt };
}

// ---------------------------------------------------------------------------------------------
// Corollary 5.3: changes and spectral distances after convergence.

export type SpectrumName = 'W' | KernelName;

export interface AfterConvergence {
  /** (1/√d)‖W_s − W_0‖ in Frobenius, operator and (2,∞) norms. */
  wFroScaled: number;
  wOpScaled: number;
  wTwoInfScaled: number;
  /** ‖v_s − v_0‖ (0 when the second layer is not trained). */
  vChange: number;
  /** ‖K_s − K_0‖_F for CK, K1 and NTK = K1 + CK. */
  kernelFro: Record<KernelName, number>;
  /** W2 distance between the eigenvalue distributions of M_s and M_0. */
  w2: Record<SpectrumName, number>;
  /** Standard deviation of the initial eigenvalue distribution (the spectrum's scale). */
  sd0: Record<SpectrumName, number>;
  /** Ascending spectra before and after (M = (1/h)WᵀW, CK, K1, NTK). */
  spectra0: Record<SpectrumName, Float64Array>;
  spectraT: Record<SpectrumName, Float64Array>;
}

function sdOf(a: Float64Array): number {
  let m = 0;
  for (const x of a) m += x;
  m /= a.length;
  let s = 0;
  for (const x of a) s += (x - m) * (x - m);
  return Math.sqrt(s / a.length);
}

function diffFro(A: Mat, B: Mat): number {
  let s = 0;
  const a = A.data, b = B.data;
  for (let i = 0; i < a.length; i++) {
    const t = b[i]! - a[i]!;
    s += t * t;
  }
  return Math.sqrt(s);
}

/**
 * Weight and kernel changes between net0 and net and the W2 distances between the
 * spectra of (1/h)WᵀW, CK, K1 and NTK before and after. `init` reuses the initial kernels
 * and their spectra. Kernel changes are plain differences (kernelChanges says why).
 */
export function afterConvergence(net0: TwoLayerNet, net: TwoLayerNet, X: Mat, init: InitialKernels): AfterConvergence {
  const d = net0.W.cols;
  const norms = weightChange(net0.W, net.W);
  let dv = 0;
  for (let i = 0; i < net.v.length; i++) dv += (net.v[i]! - net0.v[i]!) ** 2;
  const Kt = networkKernels(net, X, ['ck', 'ntk1', 'ntk']);
  const kernelFro = {} as Record<KernelName, number>;
  const spectra0 = {} as Record<SpectrumName, Float64Array>;
  const spectraT = {} as Record<SpectrumName, Float64Array>;
  for (const k of ['ck', 'ntk1', 'ntk'] as const) {
    kernelFro[k] = diffFro(init.kernels[k]!, Kt[k]!);
    spectra0[k] = init.eigs[k]!;
    spectraT[k] = eigvalsh(Kt[k]!);
  }
  spectra0.W = weightGramSpectrum(net0.W);
  spectraT.W = weightGramSpectrum(net.W);
  const w2 = {} as Record<SpectrumName, number>;
  const sd0 = {} as Record<SpectrumName, number>;
  for (const k of ['W', 'ck', 'ntk1', 'ntk'] as const) {
    w2[k] = wasserstein2(spectra0[k], spectraT[k]);
    sd0[k] = sdOf(spectra0[k]);
  }
  const s = Math.sqrt(d);
  return {
    wFroScaled: norms.fro / s, wOpScaled: norms.op / s, wTwoInfScaled: norms.twoInf / s,
    vChange: Math.sqrt(dv), kernelFro, w2, sd0, spectra0, spectraT,
  };
}

