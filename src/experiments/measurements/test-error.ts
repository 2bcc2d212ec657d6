/**
 * Test error: the mean squared error (and R²) of a network's predictions on fresh noiseless
 * test points (W9–W13). X is d×n (columns are samples).
 */
import type { Mat } from '../../linalg/mat';
import { predict, type TwoLayerNet } from '../../model/network';
import { mse, r2 } from '../../spectra';

export interface TestScores {
  /** MSE on fresh noiseless test points. */
  testError: number;
  /** R² on the same points. */
  r2: number;
}

export function testScores(pred: ArrayLike<number>, target: ArrayLike<number>): TestScores {
  return { testError: mse(pred, target), r2: r2(pred, target) };
}

/** The network's test scores on test inputs Xt (d×n') with noiseless targets yt. */
export function networkTestScores(net: TwoLayerNet, Xt: Mat, yt: Float64Array): TestScores {
  const f = predict(net, Xt);
  if (!f.every(Number.isFinite)) throw new RangeError('networkTestScores: the network predicts non-finite values');
  return testScores(f, yt);
}

/** Mean squared error of the network on test inputs Xt (d×n') against noiseless targets. */
export function testError(net: TwoLayerNet, Xt: Mat, yt: ArrayLike<number>): number {
  return mse(predict(net, Xt), yt);
}
