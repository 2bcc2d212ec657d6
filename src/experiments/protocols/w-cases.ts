/**
 * How a Table 1 case of Wang et al. (W) is run and scored (claims W9, W11, W12): training a
 * case (both layers, to a loss threshold or a cap, a divergence kept as a result), its test
 * scores and spectral classes, a measurement along training at chosen epochs, and the lazy
 * benchmark (kernel regression with the initial NTK, eq. (6)) it is compared with. The cases
 * themselves are data in settings/w-table1.ts.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch (CLAIMS.md).
 * Shapes follow W: X is d×n (columns are samples), W is h×d.
 */
import { keptIn } from '../../train/checkpoints';
import { lazyRegression } from '../../kernels/lazy';
import type { Mat } from '../../linalg/mat';
import { type TwoLayerNet, cloneNet } from '../../model/network';
import type { Rng } from '../../random';
import { mse } from '../../spectra';
import { type Observer, type TrainOutcome, type TrainState, train } from '../../train/train';
import {
  SPECTRAL_CLASS, SPECTRAL_CLASS_NAMES, type InitialSpectra, type SpectralClassification, classifySpectrum, kernelSpectrum, weightSpectrum,
} from '../measurements/spectral-classes';
import { type TestScores, networkTestScores, testScores } from '../measurements/test-error';
import type { WProblem } from '../settings/w';
import { type CaseId, type RateReading, type Schedule, STEP_DECAY, TABLE1_CASES, caseRate, stepsPerEpoch, variantKey, variantLabel } from '../settings/w-table1';

export interface CaseRunOptions {
  caseId: CaseId;
  reading: RateReading;
  schedule: Schedule;
  /** Stop when the full-batch training loss falls below this (Table 1: 1e-5). */
  lossBelow: number;
  /** Epoch cap (for GD, a step cap). */
  maxEpochs: number;
  /** Shuffling stream (split per variant by the caller or here). */
  rng: Rng;
  observers?: Observer[];
  context?: string;
}

export interface CaseRun {
  key: string;
  label: string;
  lr: number;
  /**
   * The network training produced. When the run diverged, its best iterate before the
   * blow-up: the snapshot with the lowest full-batch training loss among those taken
   * (at the start and at every epoch end; GD every DIVERGED_SNAPSHOT_EVERY steps) — what a
   * practitioner keeps from a run that blew up. It is not a trained network (often it is
   * the initial one): claims report the observables of a trained network as not measured
   * (reason in `divergence`) and may show the best iterate's scores, labelled, in meta.
   */
  net: TwoLayerNet;
  /** train()'s result (stoppedBy 'diverged', with its `divergence`, when the run diverged). */
  result: TrainOutcome;
  /** True when the loss blew up (NaN/Inf or > 10⁶× the initial loss). */
  diverged: boolean;
  /**
   * When diverged: the reason for JobOutput.notMeasured, 'training diverged at step 32 (loss
   * 1.2e+14, initial 0.912)' (train()'s divergence.reason). A diverged run has no trained network: claims
   * report what needs one as not measured with this reason, not at the best iterate.
   */
  divergence?: string;
  /** Epoch of `net` when diverged (its best iterate); the last epoch otherwise. */
  netEpoch: number;
  steps: number;
  epochs: number;
  /** Full-batch training loss at the end (at the blow-up when diverged). */
  finalLoss: number;
  converged: boolean;
  hitCap: boolean;
  ms: number;
}

/** GD steps between best-iterate snapshots (an observed GD step costs one extra forward pass). */
export const DIVERGED_SNAPSHOT_EVERY = 10;

/** Trains a copy of `net0` as one Table 1 case (both layers). */
export function runCase(net0: TwoLayerNet, X: Mat, y: Float64Array, o: CaseRunOptions): CaseRun {
  const c = TABLE1_CASES[o.caseId];
  const rate = caseRate(c, o.reading);
  const key = variantKey(o.caseId, o.reading, o.schedule);
  const net = cloneNet(net0);
  const t0 = performance.now();
  const lrSchedule = o.schedule === 'stepDecay'
    ? (epoch: number) => STEP_DECAY.factor ** Math.floor(epoch / STEP_DECAY.everyEpochs)
    : undefined;
  // In case the run diverges, train() returns its best iterate (snapshots every epoch; GD
  // every DIVERGED_SNAPSHOT_EVERY steps).
  const every = c.batch === undefined ? DIVERGED_SNAPSHOT_EVERY : Math.ceil(X.cols / Math.min(c.batch, X.cols));
  const result = train(net, X, y, {
    optimizer: c.optimizer,
    lr: rate,
    layers: 'both',
    ...(c.batch !== undefined ? { batchSize: c.batch } : {}),
    maxEpochs: o.maxEpochs,
    lossBelow: o.lossBelow,
    rng: o.rng.split(`shuffle:${key}`),
    ...(lrSchedule ? { lrSchedule } : {}),
    ...(o.observers ? { observers: o.observers } : {}),
    context: `${o.context ?? ''} ${key}`.trim(),
    onDivergence: 'return',
    snapshot: 'best',
    snapshotEvery: every,
  });
  const d = result.divergence;
  return {
    key, label: variantLabel(o.caseId, o.reading, o.schedule), lr: rate, net: result.net, result, diverged: d !== undefined,
    ...(d ? { divergence: d.reason } : {}), netEpoch: d ? d.snapshotEpoch : result.epochs,
    steps: result.steps, epochs: result.epochs, finalLoss: d ? d.loss : result.finalLoss, converged: result.converged,
    hitCap: d ? false : !result.converged, ms: performance.now() - t0,
  };
}

/** The lazy benchmark of eq. (6): interpolation with the initial NTK of both layers. */
export function lazyBenchmark(p: WProblem, context?: string): TestScores & { trainError: number } {
  const { X, y, Xtest, ytest } = p.data;
  if (!Xtest || !ytest) throw new Error('lazyBenchmark: the problem has no test set (set nTest > 0)');
  const lz = lazyRegression(p.net, X, y, Xtest, { kernel: 'ntk', ...(context ? { context } : {}) });
  return { ...testScores(lz.test, ytest), trainError: mse(lz.train, y) };
}

/** An observer that fires at the given epochs (at the step that completes each). */
export function atEpochs(caseId: CaseId, n: number, epochs: readonly number[], fn: (s: TrainState) => void): Observer {
  const spe = stepsPerEpoch(caseId, n);
  const steps = new Set(epochs.map((e) => e * spe));
  return { at: (step) => steps.has(step), fn };
}

export interface VariantOutcome {
  run: CaseRun;
  /** Test error and R² of the network training produced (for a diverged run, its best iterate). */
  scores: TestScores;
  /** Class of (1/h)WᵀW against initialisation (code SPECTRAL_CLASS.diverged when diverged). */
  weight: SpectralClassification;
  /** Class of the CK on the training set against initialisation (same rules). */
  ck: SpectralClassification;
  /** Final spectrum of (1/h)WᵀW, ascending. */
  weightSpectrum: Float64Array;
}

/** Runs one variant on problem `p` and measures test scores and spectral classes. */
export function evaluateVariant(
  p: WProblem, v: { caseId: CaseId; reading: RateReading; schedule: Schedule }, init: InitialSpectra,
  o: { lossBelow: number; maxEpochs: number; rng: Rng; context?: string; observers?: Observer[] },
): VariantOutcome {
  const { X, y, Xtest, ytest } = p.data;
  if (!Xtest || !ytest) throw new Error('evaluateVariant: the problem has no test set (set nTest > 0)');
  const run = runCase(p.net, X, y, { ...v, ...o });
  const ws = weightSpectrum(run.net);
  const weight = classifySpectrum(init.weight, ws);
  const ck = classifySpectrum(init.ck, kernelSpectrum(run.net, X, 'ck'));
  if (run.diverged) {
    const name = SPECTRAL_CLASS_NAMES[SPECTRAL_CLASS.diverged];
    weight.code = ck.code = SPECTRAL_CLASS.diverged;
    weight.name = ck.name = name;
  }
  return { run, scores: networkTestScores(run.net, Xtest, ytest), weight, ck, weightSpectrum: ws };
}

/**
 * Epochs at which to record a quantity along training: every `dense` epochs up to
 * `denseUntil`, then every `sparse` epochs up to `maxEpochs` (0 included).
 */
export function epochGrid(maxEpochs: number, o: { dense?: number; denseUntil?: number; sparse?: number } = {}): number[] {
  const dense = o.dense ?? 5, until = Math.min(o.denseUntil ?? 50, maxEpochs), sparse = o.sparse ?? 25;
  const out: number[] = [];
  for (let e = 0; e <= until; e += dense) out.push(e);
  for (let e = out[out.length - 1]! + sparse; e <= maxEpochs; e += sparse) out.push(e);
  return out;
}

export interface Trajectory<T> {
  run: CaseRun;
  /** The measurement at each recorded epoch (the grid's epochs reached, then the final state). */
  points: { epoch: number; value: T }[];
  /**
   * The measurement of the network training produced (the last point); when the run
   * diverged, of its best iterate before the blow-up (see CaseRun.net) — not of a trained
   * network: check run.diverged and report run.divergence instead.
   */
  final: T;
}

/**
 * Trains one case from `p.net` and measures `measure(net)` at the epochs of `grid` reached
 * and at the end (the final point is not repeated when the run stopped on a grid epoch).
 */
export function runWithTrajectory<T>(
  p: WProblem, v: { caseId: CaseId; reading: RateReading; schedule: Schedule }, grid: readonly number[],
  o: { lossBelow: number; maxEpochs: number; rng: Rng; context?: string }, measure: (net: TwoLayerNet) => T,
): Trajectory<T> {
  const points: { epoch: number; value: T }[] = [];
  const observer = {
    ...atEpochs(v.caseId, p.dims.n, grid.filter((e) => e <= o.maxEpochs), (s) => {
      points.push({ epoch: s.epoch, value: measure(s.net) });
    }),
    state: keptIn(points),
  };
  const run = runCase(p.net, p.data.X, p.data.y, { ...v, ...o, observers: [observer] });
  if (run.diverged) {
    // Keep the points before the blow-up; the final value is the best iterate's.
    while (points.length > 0 && points[points.length - 1]!.epoch > run.netEpoch) points.pop();
    if (points[points.length - 1]?.epoch !== run.netEpoch) points.push({ epoch: run.netEpoch, value: measure(run.net) });
  } else {
    const last = points[points.length - 1];
    if (last === undefined || last.epoch !== run.epochs) points.push({ epoch: run.epochs, value: measure(run.net) });
  }
  return { run, points, final: points[points.length - 1]!.value };
}
