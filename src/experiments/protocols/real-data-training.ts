/**
 * Training a copy of a deep network (the FC network, or the deep circular CNN with
 * trainRealDataConv) on two-class real data with one of §6's optimizers of Wang et al. (W15), recording train and test accuracy along the way — through the engine's
 * train() (GD full batch; SGD with heavy-ball momentum and Adam on shuffled minibatches), for
 * a fixed number of epochs. X is d×n (columns are samples).
 */
import { keptIn } from '../../train/checkpoints';
import type { TwoClassDataset } from '../../data/two-class';
import type { Mat } from '../../linalg/mat';
import { type ConvNet, cloneConvNet, convNetPredictor } from '../../model/conv-net';
import { cloneDeepNet, deepPredict, type DeepNet } from '../../model/deep';
import type { Rng } from '../../random';
import { type TrainOutcome, type TrainableNet, train } from '../../train/train';
import { signAccuracy } from '../measurements/ntk-spectrum-change';
import {
  type RealDataOptimizer, type RealDataReading, type WRealDataProblem, W_REAL_DATA_OPTIMIZERS, realDataRates,
} from '../settings/w-real-data';

export interface RealDataRun<N = DeepNet> {
  /** The trained copy (the snapshot train() returns when the run diverged). */
  net: N;
  outcome: TrainOutcome<N>;
  diverged: boolean;
  /** [epoch, accuracy] at epoch 0 and every `recordEvery` epochs, and at the last epoch. */
  trainAccuracy: [number, number][];
  testAccuracy: [number, number][];
  /** Accuracy of the returned network on the training and test sets. */
  finalTrainAccuracy: number;
  finalTestAccuracy: number;
  rates: { W: number[]; v: number };
  ms: number;
}

export interface RealDataTrainOptions {
  epochs: number;
  /** Record accuracies every this many epochs (default: about 20 points along the run). */
  recordEvery?: number;
  /** Minibatch shuffling stream (SGD, Adam). */
  rng: Rng;
  context: string;
}

/** Trains a copy of p.net (left untouched) with the optimizer's paper rate under `reading`. */
export function trainRealData(
  p: WRealDataProblem, optimizer: RealDataOptimizer, reading: RealDataReading, opts: RealDataTrainOptions,
): RealDataRun {
  const rates = realDataRates(optimizer, reading, p.widths);
  return trainWith(p.net, { clone: cloneDeepNet, predict: deepPredict }, p.data, optimizer, rates, opts);
}

/**
 * The fan-ins a reading's rates follow for a CNN: F_l = k²·C_{l−1} for filter bank l, and
 * C_L·H·W for the readout — in the [fan-in of W_1, …, of W_L, of v] form realDataRates takes.
 */
export function convNetFanIns(net: ConvNet): number[] {
  return [...net.filters.map((F) => F.cols), net.v.length];
}

/**
 * trainRealData for the deep circular CNN (src/model/conv-net.ts) on the same data: rates under
 * `reading` from its fan-ins (convNetFanIns; PyTorch's SP Conv2d has fan-in C_in·k²).
 */
export function trainRealDataConv(
  p: { data: TwoClassDataset; net: ConvNet }, optimizer: RealDataOptimizer, reading: RealDataReading, opts: RealDataTrainOptions,
): RealDataRun<ConvNet> {
  const rates = realDataRates(optimizer, reading, convNetFanIns(p.net));
  return trainWith(p.net, { clone: cloneConvNet, predict: convNetPredictor() }, p.data, optimizer, rates, opts);
}

function trainWith<N extends TrainableNet>(
  net0: N, ops: { clone(net: N): N; predict(net: N, X: Mat): Float64Array }, data: TwoClassDataset,
  optimizer: RealDataOptimizer, rates: { W: number[]; v: number }, opts: RealDataTrainOptions,
): RealDataRun<N> {
  const { X, y, Xtest, ytest } = data;
  const spec = W_REAL_DATA_OPTIMIZERS[optimizer];
  const n = X.cols;
  const stepsPerEpoch = spec.batch === undefined ? 1 : Math.ceil(n / spec.batch);
  const every = opts.recordEvery ?? Math.max(1, Math.round(opts.epochs / 20));
  const trainAccuracy: [number, number][] = [];
  const testAccuracy: [number, number][] = [];
  const t0 = performance.now();
  const outcome = train(ops.clone(net0), X, y, {
    optimizer,
    lr: rates,
    layers: 'both',
    ...(spec.batch !== undefined ? { batchSize: spec.batch } : {}),
    ...(spec.momentum !== undefined ? { momentum: spec.momentum } : {}),
    maxEpochs: opts.epochs,
    rng: opts.rng,
    onDivergence: 'return',
    context: opts.context,
    observers: [{
      at: (step) => step % stepsPerEpoch === 0 && ((step / stepsPerEpoch) % every === 0 || step / stepsPerEpoch === opts.epochs),
      needsLoss: false,
      fn: (s) => {
        // A blown-up iterate (NaN outputs) is not recorded: the curve stops where it was finite.
        const f = ops.predict(s.net, X);
        if (!f.every(Number.isFinite)) return;
        const epoch = s.step / stepsPerEpoch;
        trainAccuracy.push([epoch, signAccuracy(f, y)]);
        testAccuracy.push([epoch, signAccuracy(ops.predict(s.net, Xtest), ytest)]);
      },
      state: keptIn(trainAccuracy, testAccuracy),
    }],
  });
  const ms = performance.now() - t0;
  const net = outcome.net;
  return {
    net, outcome, diverged: outcome.stoppedBy === 'diverged', trainAccuracy, testAccuracy,
    finalTrainAccuracy: signAccuracy(ops.predict(net, X), y),
    finalTestAccuracy: signAccuracy(ops.predict(net, Xtest), ytest),
    rates, ms,
  };
}
