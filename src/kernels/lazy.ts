/**
 * Lazy training (Wang et al. 2023, eq. (6)): kernel regression with the NTK at
 * initialisation,
 *     f̂(x) = f_0(x) + K(x, X) K⁻¹ (y − f_0(X)),
 * where K is the initial NTK on the training set (n×n) and K(X, x) the cross kernel
 * (from src/kernels/empirical). It is the t → ∞ limit of GD on the network linearised at
 * initialisation (u(t) − y = (I − (η/n)K)^t (u(0) − y), see linear-model.ts).
 *
 * Inputs X (d×n) and X' (d×n') have columns as samples. Solved by Cholesky; with a ridge
 * λ ≥ 0 the system is (K + λI)α = y − f_0(X) (λ = 0 by default: pure interpolation).
 */
import { type KernelName, crossKernels, networkKernels } from './empirical';
import { cholesky, choleskySolve, eighRange, matvec } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, clone, colVector, shapeOf } from '../linalg/mat';
import { type TwoLayerNet, predict } from '../model/network';

export interface KernelRegressionOptions {
  /** Ridge λ ≥ 0 added to the diagonal (default 0). */
  ridge?: number;
  /** Label for errors (claim, size, trial). */
  context?: string;
}

export interface KernelRegressionResult {
  /** α = (K + λI)⁻¹ r. */
  alpha: Float64Array;
  /** K α at the training points (length n). */
  train: Float64Array;
  /** K(X, X')ᵀ α at the test points (length n'), when a cross kernel was given. */
  test?: Float64Array;
}

/**
 * Kernel regression of residuals r (length n) with K (n×n, symmetric) and an optional
 * cross kernel Kc = K(X, X') (n×n'). Throws a clear error naming n and the smallest
 * eigenvalue of K + λI when it is not positive definite.
 */
export function kernelRegression(
  K: Mat, r: ArrayLike<number>, Kc?: Mat, opts: KernelRegressionOptions = {},
): KernelRegressionResult {
  const ctx = opts.context ? ` [${opts.context}]` : '';
  const op = `kernelRegression${ctx}`;
  const n = K.rows;
  if (K.cols !== n) throw new ShapeError(`${op}: K must be square, got ${shapeOf(K)}`);
  if (r.length !== n) throw new ShapeError(`${op}: K is ${shapeOf(K)}, the targets have length ${r.length}`);
  if (Kc && Kc.rows !== n) throw new ShapeError(`${op}: the cross kernel is ${shapeOf(Kc)}, needs ${n} rows (n×n')`);
  assertFinite(op, 'K', K);
  assertFiniteArray(op, 'targets', r);
  const ridge = opts.ridge ?? 0;
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw new RangeError(`${op}: ridge must be finite and ≥ 0, got ${ridge}`);
  const A = clone(K);
  if (ridge > 0) for (let i = 0; i < n; i++) A.data[i + i * n] += ridge;
  let L: Mat;
  try {
    L = cholesky(A);
  } catch (e) {
    const lmin = eighRange(A, 1, 1, false).values[0]!;
    throw new Error(
      `${op}: the ${n}×${n} kernel${ridge > 0 ? ` plus ridge ${ridge}` : ''} is not positive definite ` +
        `(n = ${n}, smallest eigenvalue ${lmin.toExponential(3)}); pass a ridge > ${Math.max(-lmin, 0).toExponential(2)}`,
      { cause: e },
    );
  }
  const alpha = choleskySolve(L, colVector(r)).data;
  const train = matvec(K, alpha);
  const out: KernelRegressionResult = { alpha, train };
  if (Kc) out.test = matvec(Kc, alpha, { trans: true });
  return out;
}

export interface LazyOptions extends KernelRegressionOptions {
  /** Which initial kernel: 'ntk' (both layers, default), 'ntk1' (first layer only) or 'ck' (second layer only). */
  kernel?: KernelName;
}

export interface LazyResult {
  /** f̂(X): train predictions (= y up to rounding when ridge = 0). */
  train: Float64Array;
  /** f̂(X'): test predictions. */
  test: Float64Array;
  /** f_0(X), f_0(X'). */
  f0Train: Float64Array;
  f0Test: Float64Array;
  /** α = (K + λI)⁻¹(y − f_0(X)). */
  alpha: Float64Array;
  /** The initial kernel K on the training set (n×n). */
  K: Mat;
}

/**
 * Lazy-training predictions for the network `net` at initialisation: kernel regression with
 * its initial NTK (or first-layer NTK / CK, `kernel`) on training data X (d×n), y, evaluated
 * on the training points and on test inputs Xt (d×n').
 */
export function lazyRegression(
  net: TwoLayerNet, X: Mat, y: ArrayLike<number>, Xt: Mat, opts: LazyOptions = {},
): LazyResult {
  const ctx = opts.context ? ` [${opts.context}]` : '';
  const op = `lazyRegression${ctx}`;
  const d = net.W.cols;
  if (X.rows !== d || Xt.rows !== d) {
    throw new ShapeError(`${op}: W is ${shapeOf(net.W)}, so X (${shapeOf(X)}) and X' (${shapeOf(Xt)}) need ${d} rows (d×n)`);
  }
  if (y.length !== X.cols) throw new ShapeError(`${op}: X has ${X.cols} samples, y has ${y.length}`);
  const which = opts.kernel ?? 'ntk';
  const K = networkKernels(net, X, [which])[which]!;
  const Kc = crossKernels(net, X, Xt, [which])[which]!;
  const f0Train = predict(net, X);
  const f0Test = predict(net, Xt);
  const r = new Float64Array(X.cols);
  for (let i = 0; i < r.length; i++) r[i] = y[i]! - f0Train[i]!;
  const reg = kernelRegression(K, r, Kc, { ...opts, context: opts.context ?? 'lazyRegression' });
  const train = new Float64Array(X.cols);
  for (let i = 0; i < train.length; i++) train[i] = f0Train[i]! + reg.train[i]!;
  const test = new Float64Array(Xt.cols);
  for (let i = 0; i < test.length; i++) test[i] = f0Test[i]! + reg.test![i]!;
  return { train, test, f0Train, f0Test, alpha: reg.alpha, K };
}
