/**
 * Analysis of a user's own network and data (e.g. exported from NumPy or PyTorch):
 * outputs, loss, kernel norms and spectra edges, and the changes after a few training
 * steps. X is d×n (columns are samples), W is h×d, v has length h, y length n.
 */
import type { Activation } from '../../activations';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, shapeOf } from '../../linalg/mat';
import { eigvalsh, frobenius, opNorm } from '../../linalg/ops';
import { kernelDifference, networkKernels } from '../../kernels/empirical';
import { deepNetworkKernels } from '../../kernels/deep';
import { type DeepNet, cloneDeepNet, deepForward } from '../../model/deep';
import { symmetricSpectralNorm } from '../../spectra';
import { train } from '../../train/train';
import { forward, mseLoss, type TwoLayerNet } from '../../model/network';
import type { OptimizerName, Layers } from '../../train/train';
import { kernelChanges, weightChange } from '../measurements/changes';
import { trainCopy } from './train-copy';
import { rngFor } from '../../random';

/** What inspect trains: the optimizer, its rate, the number of full-batch steps and the layers. */
export interface InspectTraining { optimizer: OptimizerName; lr: number; steps: number; layers: Layers }

export interface InspectTrainOptions {
  y?: Float64Array;
  train?: InspectTraining;
  /** Called after each training step (weights only: no extra forward pass, numbers unchanged). */
  progress?: (step: number, steps: number) => void;
}

/** Full-batch training of a copy as inspect runs it (shuffling seeded, so a run repeats). */
function inspectTrainConfig(t: InspectTraining, n: number, progress?: InspectTrainOptions['progress']) {
  return {
    optimizer: t.optimizer, lr: t.lr, layers: t.layers, maxSteps: t.steps, batchSize: n,
    rng: rngFor('inspect', 'shuffle'), context: 'inspect',
    ...(progress ? { observers: [{ fn: (s: { step: number }) => progress(s.step, t.steps), needsLoss: false }] } : {}),
  };
}

export interface KernelStats { fro: number; op: number; eigMin: number; eigMax: number }

export interface InspectReport {
  n: number;
  d: number;
  h: number;
  output: number[];
  activationOpNorm: number;
  loss?: number;
  kernels: { ck: KernelStats; ntk1: KernelStats; ntk: KernelStats };
  after?: {
    steps: number;
    loss: number;
    change: { W: { fro: number; op: number; twoInf: number }; ck: { fro: number; op: number }; ntk1: { fro: number; op: number } };
  };
}

function stats(K: Mat): KernelStats {
  const ev = eigvalsh(K);
  return { fro: frobenius(K), op: Math.max(Math.abs(ev[0]), Math.abs(ev[ev.length - 1])), eigMin: ev[0], eigMax: ev[ev.length - 1] };
}

export function inspectNetwork(
  X: Mat, W: Mat, v: Float64Array, act: Activation,
  opts: InspectTrainOptions = {},
): InspectReport {
  if (W.cols !== X.rows) {
    throw new ShapeError(`inspect: W is ${shapeOf(W)} (h×d) but X is ${shapeOf(X)}; X must be d×n with d = ${W.cols} (transpose it if you exported n×d)`);
  }
  if (v.length !== W.rows) throw new ShapeError(`inspect: v has length ${v.length}, W has ${W.rows} rows`);
  if (opts.y && opts.y.length !== X.cols) throw new ShapeError(`inspect: y has length ${opts.y.length}, X has ${X.cols} columns`);
  assertFinite('inspect', 'X', X);
  assertFinite('inspect', 'W', W);
  assertFiniteArray('inspect', 'v', v);
  if (opts.y) assertFiniteArray('inspect', 'y', opts.y);
  const net: TwoLayerNet = { W, v, act };
  const c = forward(net, X);
  const K = networkKernels(net, X);
  const rep: InspectReport = {
    n: X.cols, d: X.rows, h: W.rows,
    output: Array.from(c.f),
    activationOpNorm: opNorm(c.A),
    kernels: { ck: stats(K.ck!), ntk1: stats(K.ntk1!), ntk: stats(K.ntk!) },
  };
  if (opts.y) rep.loss = mseLoss(c.f, opts.y);
  if (opts.train) {
    if (!opts.y) throw new Error('inspect: training needs targets (--y)');
    const t = opts.train;
    const { net0, net: trained, result } = trainCopy(net, X, opts.y, inspectTrainConfig(t, X.cols, opts.progress));
    const dW = weightChange(net0.W, trained.W);
    const kc = kernelChanges(net0, trained, X, ['ck', 'ntk1']).changes;
    rep.after = {
      steps: result.steps,
      loss: result.finalLoss,
      change: { W: dW, ck: { fro: kc.ck!.fro, op: kc.ck!.op }, ntk1: { fro: kc.ntk1!.fro, op: kc.ntk1!.op } },
    };
  }
  return rep;
}

export interface DeepInspectReport {
  n: number;
  d: number;
  /** [d, w_1, …, w_L]. */
  widths: number[];
  depth: number;
  output: number[];
  /** ‖H_L‖_op, H_L = σ(Z_L) the last hidden layer's activations (w_L×n). */
  activationOpNorm: number;
  loss?: number;
  /** CK of the last hidden layer (H_LᵀH_L/w_L) and the NTK of all parameters. */
  kernels: { ck: KernelStats; ntk: KernelStats };
  /** The NTK term of each W_l (layers[k] for W_{k+1}). */
  layers: KernelStats[];
  /** After training a copy (--train): its loss and how far weights and kernels moved. */
  after?: {
    steps: number;
    loss: number;
    stoppedBy: string;
    change: {
      /** ‖W_l(t) − W_l(0)‖ per hidden layer (W[k] for W_{k+1}). */
      W: { fro: number; op: number; twoInf: number }[];
      /** ‖v_t − v_0‖. */
      v: number;
      /** ‖K_t − K_0‖ of the last hidden layer's CK and of the NTK, with ‖K_0‖_F for scale. */
      ck: { fro: number; op: number; initialFro: number };
      ntk: { fro: number; op: number; initialFro: number };
    };
  };
}

/**
 * The same analysis for a deep fully connected network (src/model/deep.ts): W = [W_1, …, W_L]
 * with W_1 w_1×d and W_l w_l×w_{l−1}, v of length w_L. Outputs, loss, the CK of the last hidden
 * layer, the NTK and its per-layer terms; with `train`, the same full-batch training as the
 * two-layer inspect (train() on a copy; 'first' trains W_1 … W_L, 'second' v) and the changes.
 */
export function inspectDeepNetwork(
  X: Mat, W: readonly Mat[], v: Float64Array, act: Activation, opts: InspectTrainOptions = {},
): DeepInspectReport {
  if (W.length < 1) throw new ShapeError('inspect: at least one weight matrix (--W) is needed');
  if (W[0]!.cols !== X.rows) {
    throw new ShapeError(`inspect: W1 is ${shapeOf(W[0]!)} (w_1×d) but X is ${shapeOf(X)}; X must be d×n with d = ${W[0]!.cols} (transpose it if you exported n×d)`);
  }
  for (let k = 1; k < W.length; k++) {
    if (W[k]!.cols !== W[k - 1]!.rows) {
      throw new ShapeError(`inspect: W${k + 1} is ${shapeOf(W[k]!)} but W${k} is ${shapeOf(W[k - 1]!)}: W${k + 1} must have ${W[k - 1]!.rows} columns (W_l is w_l×w_{l−1})`);
    }
  }
  const last = W[W.length - 1]!;
  if (v.length !== last.rows) throw new ShapeError(`inspect: v has length ${v.length}, the last layer W${W.length} has ${last.rows} rows`);
  if (opts.y && opts.y.length !== X.cols) throw new ShapeError(`inspect: y has length ${opts.y.length}, X has ${X.cols} columns`);
  assertFinite('inspect', 'X', X);
  W.forEach((Wk, k) => assertFinite('inspect', `W${k + 1}`, Wk));
  assertFiniteArray('inspect', 'v', v);
  if (opts.y) assertFiniteArray('inspect', 'y', opts.y);
  const net: DeepNet = { W: [...W], v, act };
  const c = deepForward(net, X);
  const K = deepNetworkKernels(net, X, ['ntk', 'ck', 'layers']);
  const rep: DeepInspectReport = {
    n: X.cols, d: X.rows, widths: [X.rows, ...W.map((Wk) => Wk.rows)], depth: W.length,
    output: Array.from(c.f),
    activationOpNorm: opNorm(c.H[W.length - 1]!),
    kernels: { ck: stats(K.ck!), ntk: stats(K.ntk!) },
    layers: K.layers!.map(stats),
  };
  if (opts.y) rep.loss = mseLoss(c.f, opts.y);
  if (opts.train) {
    if (!opts.y) throw new Error('inspect: training needs targets (--y)');
    const trained = cloneDeepNet(net);
    const result = train(trained, X, opts.y, inspectTrainConfig(opts.train, X.cols, opts.progress));
    const Kt = deepNetworkKernels(trained, X, ['ntk', 'ck']);
    const change = (K0: Mat, K1: Mat) => {
      const D = kernelDifference(K0, K1);
      return { fro: frobenius(D), op: symmetricSpectralNorm(D), initialFro: frobenius(K0) };
    };
    let dv = 0;
    for (let i = 0; i < v.length; i++) dv += (trained.v[i]! - v[i]!) ** 2;
    rep.after = {
      steps: result.steps,
      loss: result.finalLoss,
      stoppedBy: result.stoppedBy,
      change: {
        W: net.W.map((W0, k) => weightChange(W0, trained.W[k]!)),
        v: Math.sqrt(dv),
        ck: change(K.ck!, Kt.ck!),
        ntk: change(K.ntk!, Kt.ntk!),
      },
    };
  }
  return rep;
}
