/**
 * Prediction metrics used when comparing a trained network (or its kernel/linear proxy,
 * as in the H paper's early-time agreement) with targets. Inputs are arrays or Mats
 * (read entry by entry, column-major); shapes must match in total length.
 */
import type { Mat } from '../linalg';
import { ShapeError } from '../linalg';
import { SpectraInputError, checkValues, flatValues } from './validate';

function pair(fn: string, pred: ArrayLike<number> | Mat, target: ArrayLike<number> | Mat): [Float64Array, Float64Array] {
  const p = flatValues(pred);
  const t = flatValues(target);
  checkValues(fn, 'pred', p);
  checkValues(fn, 'target', t);
  if (p.length !== t.length) throw new ShapeError(`${fn}: 'pred' has ${p.length} entries but 'target' has ${t.length}`);
  return [p, t];
}

/** Mean squared error (1/n)·Σ(pred_i − target_i)². */
export function mse(pred: ArrayLike<number> | Mat, target: ArrayLike<number> | Mat): number {
  const [p, t] = pair('mse', pred, target);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i]! - t[i]!;
    s += d * d;
  }
  return s / p.length;
}

/**
 * Coefficient of determination R² = 1 − SSE/SST with SSE = Σ(pred − target)² and
 * SST = Σ(target − mean(target))². 1 for a perfect prediction, 0 for predicting the mean,
 * negative when worse than the mean. Throws when SST = 0 (constant target: undefined).
 */
export function r2(pred: ArrayLike<number> | Mat, target: ArrayLike<number> | Mat): number {
  const fn = 'r2';
  const [p, t] = pair(fn, pred, target);
  let mean = 0;
  for (let i = 0; i < t.length; i++) mean += t[i]!;
  mean /= t.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < t.length; i++) {
    const d = p[i]! - t[i]!;
    const c = t[i]! - mean;
    sse += d * d;
    sst += c * c;
  }
  if (sst === 0) throw new SpectraInputError(`${fn}: 'target' is constant (SST = 0), R² is undefined`);
  return 1 - sse / sst;
}
