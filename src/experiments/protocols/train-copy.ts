/**
 * The protocol of the early-phase measurements (W2–W4, the digits check, `inspect`): train a
 * copy of the network at initialisation and keep both, so that a change can be measured
 * between them. X is d×n (columns are samples).
 */
import type { Mat } from '../../linalg/mat';
import { cloneNet, type TwoLayerNet } from '../../model/network';
import { type TrainConfig, type TrainResult, train } from '../../train/train';

/** Trains a copy of `net0` (left untouched) and returns both. */
export function trainCopy(net0: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig & { onDivergence?: 'throw' }): { net0: TwoLayerNet; net: TwoLayerNet; result: TrainResult } {
  const net = cloneNet(net0);
  const result = train(net, X, y, cfg);
  return { net0, net, result };
}
