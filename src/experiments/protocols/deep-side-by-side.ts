/**
 * Hu et al. §4.2, App. A, Figs. 3–4: a deep fully connected network (or the deep circular CNN,
 * convSideBySide) and "the corresponding linear model" trained SIDE BY SIDE by minibatch SGD with the same rate, the same batch size and
 * the same batches, compared on test points at chosen steps (H14).
 *
 *  - The network trains f_t − f_0 (App. A subtracts the initial output): train() on the targets
 *    y + f_0(X), which is the same loss (1/(2n))‖f − f_0 − y‖²; its test outputs are recorded as
 *    f_t(X′) − f_0(X′) (deepPredict with offset). No loop of its own: the engine's train().
 *  - The linear model is the deep network's Taylor-expanded kernel Θlin
 *    (src/kernels/deep-linear-model.ts) as a linear model in function space, from f^lin_0 = 0,
 *    trained by deepLinearModelSgd on the batches train() draws from the same rng.
 *
 * Rates: a fraction of the linear model's full-batch GD stability limit 2n/λ_max(Θlin)
 * (deepLinearRateLimit; λ_max by power iteration with the O(nd) operator, no n×n kernel).
 * Shapes: X is d×n, X′ d×n′ (columns are samples). Loss (1/(2n))‖f − y‖², minibatch (1/(2b))Σ_B.
 */
import { keptIn } from '../../train/checkpoints';
import {
  type DeepLinearCoefficients,
  type DeepLinearKernelOptions,
  constantTerm,
  normDeviations,
} from '../../kernels/deep-linear-model';
import { type Mat, ShapeError, shapeOf } from '../../linalg/mat';
import { matvec } from '../../linalg/ops';
import { type ConvNet, cloneConvNet, convNetPredictor } from '../../model/conv-net';
import { type DeepNet, cloneDeepNet, deepPredict } from '../../model/deep';
import type { Rng } from '../../random';
import { type TrainableNet, train } from '../../train/train';
import { deepLinearModelSgd } from './deep-linear-sgd';

/**
 * λ_max of the deep linear model's kernel Θlin on X (d×n) — the off-diagonal formula
 * everywhere unless `diagonal: 'taylor'` — by power iteration on r ↦ Θlin r (O(nd) a step),
 * to relative change `tol` (default 1e-10) or `maxIter` (default 500) iterations, from a
 * deterministic start (all ones, which overlaps the top eigenvector of an image Gram matrix).
 */
export function deepLinearTopEigenvalue(
  X: Mat, k: DeepLinearCoefficients, opts: DeepLinearKernelOptions & { tol?: number; maxIter?: number } = {},
): number {
  const d = X.rows, n = X.cols;
  if (d < 1 || n < 1) throw new ShapeError(`deepLinearTopEigenvalue: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  const da = normDeviations(X);
  const c0 = constantTerm(k, d, opts);
  const taylor = (opts.diagonal ?? 'off-diagonal') === 'taylor';
  const s = new Float64Array(d);
  const apply = (r: Float64Array, out: Float64Array): void => {
    let p0 = 0, p1 = 0, p2 = 0;
    for (let i = 0; i < n; i++) {
      p0 += r[i]!;
      p1 += da[i]! * r[i]!;
      p2 += da[i]! * da[i]! * r[i]!;
    }
    const m0 = c0 * p0 + k.ha * p1 + 0.5 * k.haa * p2, m1 = k.ha * p0 + k.hab * p1, m2 = 0.5 * k.haa * p0;
    matvec(X, r, { out: s, beta: 0 });
    matvec(X, s, { trans: true, alpha: k.hc / d, out, beta: 0 });
    for (let i = 0; i < n; i++) {
      const di = da[i]!;
      out[i] += m0 + m1 * di + m2 * di * di;
      if (taylor) {
        const offAt = k.hc * (1 + di) + c0 + 2 * k.ha * di + k.haa * di * di + k.hab * di * di;
        out[i] += (k.g0 + k.g1 * di + 0.5 * k.g2 * di * di - offAt) * r[i]!;
      }
    }
  };
  const tol = opts.tol ?? 1e-10, maxIter = opts.maxIter ?? 500;
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let w = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < maxIter; it++) {
    apply(v, w);
    let dotvw = 0, norm = 0;
    for (let i = 0; i < n; i++) {
      dotvw += v[i]! * w[i]!;
      norm += w[i]! * w[i]!;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) return 0;
    const prev = lambda;
    lambda = dotvw;
    for (let i = 0; i < n; i++) w[i] = w[i]! / norm;
    [v, w] = [w, v];
    if (it > 2 && Math.abs(lambda - prev) <= tol * Math.abs(lambda)) break;
  }
  return lambda;
}

/** The linear model's GD stability limit 2n/λ_max(Θlin) on X (d×n). */
export function deepLinearRateLimit(X: Mat, k: DeepLinearCoefficients, opts: DeepLinearKernelOptions = {}): number {
  return (2 * X.cols) / deepLinearTopEigenvalue(X, k, opts);
}

export interface DeepSideBySideOptions {
  /** SGD rate η, for every layer of the network and for the linear model. */
  eta: number;
  batchSize: number;
  steps: number;
  /** Steps at which both models' test outputs are recorded (0 = before training). */
  recordAt: readonly number[];
  /** The shuffling stream: both models see the same batches. */
  rng: Rng;
  Xtest: Mat;
  /** The linear model's coefficients (deepLinearCoefficients(act, depth)). */
  coefficients: DeepLinearCoefficients;
  /** Default { diagonal: 'off-diagonal' }: a model linear in its features, as Hu's Θlin. */
  linear?: DeepLinearKernelOptions;
  context?: string;
}

export interface DeepSideBySideRecord {
  step: number;
  /** f_t(X′) − f_0(X′). */
  netTest: Float64Array;
  /** f^lin_t(X′). */
  linTest: Float64Array;
}

export interface DeepSideBySideResult {
  /** One per recorded step the network reached (all of recordAt unless it diverged). */
  records: DeepSideBySideRecord[];
  stoppedBy: string;
  /** Set when the network's training diverged (its records stop there). */
  divergence?: { step: number; reason: string };
}

/** The network (a copy of `net`; `net` is left as it is) and its linear model side by side (module comment). */
export function deepSideBySide(net: DeepNet, X: Mat, y: ArrayLike<number>, opts: DeepSideBySideOptions): DeepSideBySideResult {
  return sideBySide(net, { clone: cloneDeepNet, predict: (m, Z, offset) => deepPredict(m, Z, offset ? { offset } : {}) }, X, y, opts);
}

/**
 * The deep circular CNN (src/model/conv-net.ts; X is (C_0·H·W)×n) and the linear model of
 * `opts.coefficients` side by side, exactly as deepSideBySide does for the FC network. Which
 * linear model "corresponds" to the CNN is the caller's choice (H14 derives it in its note).
 */
export function convSideBySide(net: ConvNet, X: Mat, y: ArrayLike<number>, opts: DeepSideBySideOptions): DeepSideBySideResult {
  return sideBySide(net, { clone: cloneConvNet, predict: convNetPredictor() }, X, y, opts);
}

interface NetworkOps<N> {
  clone(net: N): N;
  predict(net: N, X: Mat, offset?: ArrayLike<number>): Float64Array;
}

function sideBySide<N extends TrainableNet>(net: N, ops: NetworkOps<N>, X: Mat, y: ArrayLike<number>, opts: DeepSideBySideOptions): DeepSideBySideResult {
  const n = X.cols;
  if (y.length !== n) throw new ShapeError(`deepSideBySide: X is ${shapeOf(X)} (d×n), y has length ${y.length}`);
  const f0 = ops.predict(net, X);
  const f0t = ops.predict(net, opts.Xtest);
  const target = Float64Array.from({ length: n }, (_, i) => (y[i] as number) + f0[i]!);
  const netTest = new Map<number, Float64Array>();
  const at = [...new Set(opts.recordAt)].filter((t) => t >= 0 && t <= opts.steps).sort((a, b) => a - b);
  const res = train(ops.clone(net), X, target, {
    optimizer: 'sgd', lr: opts.eta, layers: 'both', batchSize: opts.batchSize, maxSteps: opts.steps, rng: opts.rng,
    onDivergence: 'return', context: opts.context,
    observers: [{ at, fn: (s) => netTest.set(s.step, ops.predict(s.net, opts.Xtest, f0t)), state: keptIn(netTest) }],
  });
  const lin = deepLinearModelSgd(X, y, opts.coefficients, opts.eta, opts.steps, {
    diagonal: 'off-diagonal', ...opts.linear, batchSize: opts.batchSize, rng: opts.rng, Xtest: opts.Xtest, recordAt: at,
    context: opts.context,
  });
  const records: DeepSideBySideRecord[] = [];
  for (const r of lin.records) {
    const f = netTest.get(r.step);
    if (f) records.push({ step: r.step, netTest: f, linTest: r.test! });
  }
  const out: DeepSideBySideResult = { records, stoppedBy: res.stoppedBy };
  if (res.divergence) out.divergence = { step: res.divergence.step, reason: res.divergence.reason };
  return out;
}

/** E‖f − g‖²/E‖f‖² over the points: the relative MSE of g against f (Hu Fig. 3(b): f the network, g f^lin). */
export function relativeMse(f: ArrayLike<number>, g: ArrayLike<number>): number {
  if (f.length !== g.length) throw new ShapeError(`relativeMse: lengths ${f.length} and ${g.length} differ`);
  let num = 0, den = 0;
  for (let i = 0; i < f.length; i++) {
    num += (f[i]! - g[i]!) ** 2;
    den += f[i]! * f[i]!;
  }
  return num / den;
}
