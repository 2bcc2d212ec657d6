/**
 * Gradient descent on the deep linear model (./deep-linear-model.ts) in function space without
 * forming an n×n kernel: Θlin applied to a vector costs O(nd),
 *
 *   Θlin r = (h_c/d)·Xᵀ(X r) + Nᵀ M′ (N r) + λ ⊙ r,
 *
 * N = [1; δa; δa²] (3×n), M′ = [[h_0 + ½h_cc·Tr(Σ²)/d², h_a, ½h_aa], [h_a, h_ab, 0], [½h_aa, 0, 0]]
 * and λ_i = Θlin(i, i) − (off-diagonal formula at (i, i)) the diagonal correction (zero with
 * `diagonal: 'off-diagonal'`). Test points see only the off-diagonal part (they are distinct
 * from the training points). With the rate convention of the network's GD,
 *
 *   u(t+1) = u(t) − (η/n)·Θlin (u(t) − y),   u′(t+1) = u′(t) − (η/n)·Θlin(X′, X)(u(t) − y),
 *
 * from u(0) = 0: the same iteration as `linearModelGdKernel(deepLinearKernel(X, k), …)` with
 * `crossKernel: deepLinearCrossKernel(X, X′, k)` (tested), with 4nd instead of 2n² flops a step
 * (n = 10⁴, d = 784: 6× fewer) and no n×n kernel in memory (800 MB at n = 10⁴).
 */
import { matvec } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, shapeOf } from '../linalg/mat';
import {
  type DeepLinearCoefficients,
  type DeepLinearKernelOptions,
  constantTerm,
  normDeviations,
} from './deep-linear-model';
import {
  type KernelGdResult,
  type LinearGdRecord,
  type RecordAt,
  checkRate,
  gdInFunctionSpace,
} from './linear-model';

export interface DeepLinearGdOptions extends DeepLinearKernelOptions {
  /** Test inputs X′ (d×n′): test predictions are recorded too. */
  Xtest?: Mat;
  recordAt?: RecordAt;
  onRecord?: (rec: LinearGdRecord) => void;
  keepRecords?: boolean;
  context?: string;
}

/** r ↦ out += alpha·Θlin r on the training set, and (optionally) out′ += alpha·Θlin(X′, X) r. */
function linearOperator(X: Mat, k: DeepLinearCoefficients, opts: DeepLinearKernelOptions, Xt?: Mat) {
  const d = X.rows, n = X.cols;
  const da = normDeviations(X);
  const dat = Xt ? normDeviations(Xt) : undefined;
  const c0 = constantTerm(k, d, opts);
  const M = [c0, k.ha, 0.5 * k.haa, k.ha, k.hab, 0, 0.5 * k.haa, 0, 0];
  const lambda = new Float64Array(n);
  if ((opts.diagonal ?? 'taylor') === 'taylor') {
    for (let i = 0; i < n; i++) {
      const di = da[i]!;
      const offAt = (k.hc * (1 + di)) + c0 + 2 * k.ha * di + k.haa * di * di + k.hab * di * di;
      lambda[i] = k.g0 + k.g1 * di + 0.5 * k.g2 * di * di - offAt;
    }
  }
  const s = new Float64Array(d);
  const normPart = (dev: Float64Array, m: number[], alpha: number, out: Float64Array): void => {
    for (let j = 0; j < dev.length; j++) {
      const dj = dev[j]!;
      out[j] += alpha * (m[0]! + m[1]! * dj + m[2]! * dj * dj);
    }
  };
  return (r: Float64Array, alpha: number, out: Float64Array, outTest?: Float64Array): void => {
    // N r, then M′(N r): three numbers.
    let p0 = 0, p1 = 0, p2 = 0;
    for (let i = 0; i < n; i++) {
      const di = da[i]!, ri = r[i]!;
      p0 += ri;
      p1 += di * ri;
      p2 += di * di * ri;
    }
    const m = [M[0]! * p0 + M[1]! * p1 + M[2]! * p2, M[3]! * p0 + M[4]! * p1 + M[5]! * p2, M[6]! * p0 + M[7]! * p1 + M[8]! * p2];
    matvec(X, r, { out: s, beta: 0 });
    if (outTest && Xt && dat) {
      matvec(Xt, s, { trans: true, alpha: (alpha * k.hc) / d, out: outTest, beta: 1 });
      normPart(dat, m, alpha, outTest);
    }
    matvec(X, s, { trans: true, alpha: (alpha * k.hc) / d, out, beta: 1 });
    normPart(da, m, alpha, out);
    for (let i = 0; i < n; i++) out[i] += alpha * lambda[i]! * r[i]!;
  };
}

/**
 * Full-batch GD of the deep linear model on X (d×n), y: predictions u(t) on the training set
 * (and on `Xtest`) at the steps `recordAt` selects (default the first and the last), from
 * u(0) = 0. Throws if the predictions become non-finite (rate above the stability limit).
 */
export function deepLinearModelGd(
  X: Mat, y: ArrayLike<number>, k: DeepLinearCoefficients, lr: number, steps: number, opts: DeepLinearGdOptions = {},
): KernelGdResult {
  const op = `deepLinearModelGd${opts.context ? ` [${opts.context}]` : ''}`;
  checkRate(op, lr, steps);
  const n = X.cols;
  if (X.rows < 1 || n < 1) throw new ShapeError(`${op}: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  if (y.length !== n) throw new ShapeError(`${op}: X is ${shapeOf(X)} (d×n), y has length ${y.length}`);
  assertFinite(op, 'X', X);
  assertFiniteArray(op, 'y', y);
  const Xt = opts.Xtest;
  if (Xt) {
    if (Xt.rows !== X.rows) throw new ShapeError(`${op}: X is ${shapeOf(X)}, Xtest is ${shapeOf(Xt)} (both d×n)`);
    assertFinite(op, 'Xtest', Xt);
  }
  const apply = linearOperator(X, k, opts, Xt);
  const u = new Float64Array(n);
  const ut = Xt ? new Float64Array(Xt.cols) : undefined;
  return gdInFunctionSpace(op, y, lr, steps, u, ut, opts, (r, alpha) => apply(r, alpha, u, ut));
}
