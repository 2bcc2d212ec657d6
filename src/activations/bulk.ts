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

// ------------------------------------------------------------ native fast path
import { backend } from '../linalg/backend';
import {
  erfActivation,
  identityActivation,
  leakyReluActivation,
  reluActivation,
  sigmoidActivation,
  softplusActivation,
  tanhActivation,
} from './activation';

interface NativeSpec { id: number; param: number; shift: number; scale: number }

/** Built-in activations the native addon evaluates (ids of native/ntkv_native.cc actApply). */
const NATIVE_IDS = new Map<Activation, { id: number; param: number }>([
  [identityActivation, { id: 0, param: 0 }],
  [reluActivation, { id: 1, param: 0 }],
  [leakyReluActivation, { id: 2, param: 0.01 }],
  [tanhActivation, { id: 3, param: 0 }],
  [sigmoidActivation, { id: 4, param: 0 }],
  [softplusActivation, { id: 5, param: 0 }],
  [erfActivation, { id: 6, param: 0 }],
]);

function nativeSpec(act: Activation): NativeSpec | undefined {
  const direct = NATIVE_IDS.get(act);
  if (direct) return { ...direct, shift: 0, scale: 1 };
  const n = act as Activation & { base?: Activation; shift?: number; scale?: number };
  if (n.base && n.shift !== undefined && n.scale !== undefined) {
    const b = NATIVE_IDS.get(n.base);
    if (b) return { ...b, shift: n.shift, scale: n.scale };
  }
  return undefined;
}

/** Below this many entries the JavaScript loops are as fast as a call into the addon. */
const NATIVE_MIN = 4096;

/**
 * outF = σ(src) and (when outD1 is given) outD1 = σ'(src) over the first n entries — the
 * hot elementwise pass of every training step. Built-in activations run in the native
 * addon over the BLAS thread count (libm's tanh/erf/exp, within an ulp of the TypeScript
 * loops); anything else, or the JS backend, runs the activation's own loops.
 */
export function applyActivationBulk(
  act: Activation, src: Float64Array, outF: Float64Array, outD1: Float64Array | undefined, n: number,
): void {
  const b = backend();
  if (n >= NATIVE_MIN && b.activation) {
    const spec = nativeSpec(act);
    if (spec) {
      b.activation(spec.id, src, outF, outD1 ?? null, n, spec.param, spec.shift, spec.scale);
      return;
    }
  }
  if (outD1) act.applyWithDerivative(src, outF, outD1, n);
  else act.apply('f', src, outF, n);
}

/**
 * Whether `applyActivationBulk` with an outD1 of this length gets σ' at no transcendental
 * cost: the native pass evaluates σ and σ' from one call (e.g. one expm1 for tanh), and its
 * σ'·(1/scale) is the very number `derivativeOuterProduct` would form from Z. Then storing
 * σ'(Z) in the forward pass is bit-identical to forming it later, and saves a second
 * transcendental pass for smooth σ. The TypeScript loops compute σ and σ' by other formulas
 * (within an ulp), so there the answer is false and training keeps forming σ' from Z.
 */
export function derivativeComesFree(act: Activation, len: number): boolean {
  const b = backend();
  return act.smooth && len >= NATIVE_MIN && !!b.activation && !!b.activationGradOuter && nativeSpec(act) !== undefined;
}

/**
 * G[i + j·h] = v_i·r_j·σ'(Z_ij) over an h×n buffer: the factor (v rᵀ) ⊙ σ'(Z) of the
 * first-layer gradient, computed from Z without storing σ'(Z) (one pass instead of two over
 * h×n memory). Native for built-in activations, bit-identical to σ' followed by the product.
 */
export function derivativeOuterProduct(
  act: Activation, Z: Float64Array, v: Float64Array, r: Float64Array, G: Float64Array, h: number, n: number,
): void {
  const b = backend();
  const spec = h * n >= NATIVE_MIN && b.activationGradOuter ? nativeSpec(act) : undefined;
  if (spec) {
    b.activationGradOuter!(spec.id, Z, v, r, G, h, n, spec.param, spec.scale);
    return;
  }
  act.apply('d1', Z, G, h * n);
  for (let j = 0; j < n; j++) {
    const rj = r[j]!;
    const base = j * h;
    for (let i = 0; i < h; i++) G[base + i] = v[i]! * rj * G[base + i]!;
  }
}

/**
 * outF = σ(Z) and outM[i + j·h] = v_i·σ'(Z_ij) over an h×n buffer in one native pass, when the
 * backend and the activation allow it (returns false otherwise, and writes nothing). The
 * numbers are those of `applyActivationBulk` with σ' followed by the row scaling diag(v)·σ'
 * (bit-identical); outM may be Z itself.
 */
export function activationWeightedBulk(
  act: Activation, Z: Float64Array, outF: Float64Array, outM: Float64Array, v: Float64Array, h: number, n: number,
): boolean {
  const b = backend();
  if (h * n < NATIVE_MIN || !b.activationWeighted) return false;
  const spec = nativeSpec(act);
  if (!spec) return false;
  b.activationWeighted(spec.id, Z, outF, outM, h, n, v, spec.param, spec.shift, spec.scale);
  return true;
}
