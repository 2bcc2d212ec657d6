/**
 * Applying an activation over Mat buffers (views included): contiguous matrices go through
 * one bulk call over the whole buffer, views column by column.
 */
import { assertSameShape, isContiguous, type Mat } from '../linalg/mat';
import type { Activation, DerivativeKind } from './activation';

function colSpan(m: Mat, j: number): Float64Array {
  const s = m.offset + j * m.ld;
  return m.data.subarray(s, s + m.rows);
}

/** out = σ^{(kind)}(A) elementwise; out may be A itself. Returns out. */
export function applyToMat(act: Activation, kind: DerivativeKind, A: Mat, out: Mat): Mat {
  assertSameShape(`applyToMat(${act.name})`, A, out);
  if (isContiguous(A) && isContiguous(out)) {
    act.apply(kind, A.data, out.data, A.rows * A.cols);
    return out;
  }
  for (let j = 0; j < A.cols; j++) act.apply(kind, colSpan(A, j), colSpan(out, j), A.rows);
  return out;
}

/** outF = σ(A), outD1 = σ'(A) in one pass; either output may be A itself. */
export function applyWithDerivativeToMat(act: Activation, A: Mat, outF: Mat, outD1: Mat): void {
  assertSameShape(`applyWithDerivativeToMat(${act.name})`, A, outF);
  assertSameShape(`applyWithDerivativeToMat(${act.name})`, A, outD1);
  if (isContiguous(A) && isContiguous(outF) && isContiguous(outD1)) {
    act.applyWithDerivative(A.data, outF.data, outD1.data, A.rows * A.cols);
    return;
  }
  for (let j = 0; j < A.cols; j++) act.applyWithDerivative(colSpan(A, j), colSpan(outF, j), colSpan(outD1, j), A.rows);
}

/** A bulk function (src, out, n) for the given derivative, e.g. for expectation2dBatch. */
export function vectorFn(act: Activation, kind: DerivativeKind = 'f'): (src: Float64Array, out: Float64Array, n: number) => void {
  return (src, out, n) => {
    act.apply(kind, src, out, n);
  };
}
