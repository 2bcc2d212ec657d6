/**
 * Analysis of a user's own network and data (e.g. exported from NumPy or PyTorch):
 * outputs, loss, kernel norms and spectra edges, and the changes after a few training
 * steps. X is d×n (columns are samples), W is h×d, v has length h, y length n.
 */
import type { Activation } from '../../activations';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, shapeOf } from '../../linalg/mat';
import { eigvalsh, frobenius, opNorm } from '../../linalg/ops';
import { networkKernels } from '../../kernels/empirical';
import { forward, mseLoss, type TwoLayerNet } from '../../model/network';
import type { OptimizerName, Layers } from '../../train/train';
import { kernelChanges, weightChange } from '../measurements/changes';
import { trainCopy } from './train-copy';
import { rngFor } from '../../random';

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
  opts: {
    y?: Float64Array;
    train?: { optimizer: OptimizerName; lr: number; steps: number; layers: Layers };
    /** Called after each training step (weights only: no extra forward pass, numbers unchanged). */
    progress?: (step: number, steps: number) => void;
  } = {},
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
    const { net0, net: trained, result } = trainCopy(net, X, opts.y, {
      optimizer: t.optimizer, lr: t.lr, layers: t.layers, maxSteps: t.steps, batchSize: X.cols,
      rng: rngFor('inspect', 'shuffle'), context: 'inspect',
      ...(opts.progress ? { observers: [{ fn: (s: { step: number }) => opts.progress!(s.step, t.steps), needsLoss: false }] } : {}),
    });
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
