/**
 * Measurements of how far training moved a network: weights, outputs and kernels,
 * between a snapshot at initialisation and the trained network.
 */
import { frobenius, sub } from '../linalg/ops';
import type { Mat } from '../linalg/mat';
import { type KernelName, kernelDifference, networkKernels, type NetworkKernels } from '../kernels/empirical';
import { cloneNet, predict, type TwoLayerNet } from '../model/network';
import { matrixNorms, symmetricSpectralNorm, type MatrixNorms } from '../spectra';
import { type TrainConfig, type TrainResult, train } from '../train/train';

/** Trains a copy of `net0` (left untouched) and returns both. */
export function trainCopy(net0: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig & { onDivergence?: 'throw' }): { net0: TwoLayerNet; net: TwoLayerNet; result: TrainResult } {
  const net = cloneNet(net0);
  const result = train(net, X, y, cfg);
  return { net0, net, result };
}

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
