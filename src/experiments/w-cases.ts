/**
 * The four training cases of Wang et al. (W), Table 1 / Fig. 1, and the lazy benchmark
 * (kernel regression with the initial NTK, eq. (6)), shared by claims W9, W11 and W12.
 *
 *   Case 1  GD,   η = 5,     full batch
 *   Case 2  SGD,  η = 0.1,   batch 32
 *   Case 3  SGD,  η = 22,    batch 32
 *   Case 4  Adam, η = 0.092, batch 32
 * Both layers are trained, until the full-batch training loss < 1e-5 or a cap.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch (CLAIMS.md).
 * The paper's rates behave as if its code used a mean squared error without the ½; under
 * our convention that code's η is our 2η. `rateReading` picks 'asWritten' (η) or
 * 'doubled' (2η). Adam is invariant to a constant factor on the loss (up to its ε), so
 * for Case 4 both readings are the same run and only 'asWritten' is used.
 *
 * The paper calls the rates *initial* and gives no schedule: `schedule` is 'constant' or
 * 'stepDecay' (×0.1 every 100 epochs; for GD an epoch is one step).
 *
 * Shapes follow W: X is d×n (columns are samples), W is h×d.
 */
import { type KernelName, networkKernels } from '../kernels/empirical';
import { lazyRegression } from '../kernels/lazy';
import { type TwoLayerNet, cloneNet, predict } from '../model/network';
import { fitPowerLaw, mse, r2, wasserstein2, weightGramSpectrum, type PowerLawFit } from '../spectra';
import { type Observer, type TrainOutcome, type TrainState, train } from '../train/train';
import type { Rng } from '../random';
import { eigvalsh } from '../linalg/ops';
import type { Mat } from '../linalg/mat';
import type { WProblem } from './w-setting';

export type CaseId = 1 | 2 | 3 | 4;
export type RateReading = 'asWritten' | 'doubled';
export type Schedule = 'constant' | 'stepDecay';

export interface CaseSpec {
  id: CaseId;
  optimizer: 'gd' | 'sgd' | 'adam';
  /** The rate as printed in Table 1. */
  eta: number;
  /** Minibatch size (undefined: full batch). */
  batch?: number;
  /** Whether the rate's reading (η or 2η) changes the run (false for Adam). */
  readingMatters: boolean;
}

/** Table 1 of W. */
export const TABLE1_CASES: Record<CaseId, CaseSpec> = {
  1: { id: 1, optimizer: 'gd', eta: 5, readingMatters: true },
  2: { id: 2, optimizer: 'sgd', eta: 0.1, batch: 32, readingMatters: true },
  3: { id: 3, optimizer: 'sgd', eta: 22, batch: 32, readingMatters: true },
  4: { id: 4, optimizer: 'adam', eta: 0.092, batch: 32, readingMatters: false },
};

/** The step decay of the schedule variant: ×0.1 every 100 epochs. */
export const STEP_DECAY = { factor: 0.1, everyEpochs: 100 } as const;

/** The rate actually used under our loss convention. */
export function caseRate(c: CaseSpec, reading: RateReading): number {
  return reading === 'doubled' && c.readingMatters ? 2 * c.eta : c.eta;
}

/** A short key for a variant, used in observable names: 'c3_2x_decay', 'c4_const'. */
export function variantKey(caseId: CaseId, reading: RateReading, schedule: Schedule): string {
  const c = TABLE1_CASES[caseId];
  const r = c.readingMatters ? (reading === 'doubled' ? '_2x' : '_1x') : '';
  return `c${caseId}${r}_${schedule === 'constant' ? 'const' : 'decay'}`;
}

/** Readable name of a variant: 'Case 3 SGD η=44 (2η), step decay'. */
export function variantLabel(caseId: CaseId, reading: RateReading, schedule: Schedule): string {
  const c = TABLE1_CASES[caseId];
  const rate = caseRate(c, reading);
  const opt = c.optimizer.toUpperCase();
  const rd = c.readingMatters ? (reading === 'doubled' ? ' (2η)' : ' (η)') : '';
  return `Case ${caseId} ${opt} η=${rate}${rd}, ${schedule === 'constant' ? 'constant' : 'step decay'}`;
}

/**
 * The (case, reading) pairs by the rate they run at under our loss convention: the seven
 * rates 5, 10 (GD), 0.1, 0.2, 22, 44 (SGD) and 0.092 (Adam) are distinct, so a rate names
 * its case and reading. Lets a claim sweep over the rate, one job per (case, reading).
 */
export function caseAtRate(eta: number): { caseId: CaseId; reading: RateReading } {
  const hits: { caseId: CaseId; reading: RateReading }[] = [];
  for (const caseId of [1, 2, 3, 4] as CaseId[]) {
    const c = TABLE1_CASES[caseId];
    for (const reading of (c.readingMatters ? ['asWritten', 'doubled'] : ['asWritten']) as RateReading[]) {
      if (Math.abs(caseRate(c, reading) - eta) <= 1e-12 * Math.abs(eta)) hits.push({ caseId, reading });
    }
  }
  if (hits.length !== 1) {
    throw new RangeError(`caseAtRate: η = ${eta} is ${hits.length ? 'ambiguous' : 'not a rate of Table 1 (5, 10, 0.1, 0.2, 22, 44, 0.092)'}`);
  }
  return hits[0]!;
}

/** The seven rates of caseAtRate, ascending. */
export const TABLE1_RATES: readonly number[] = [0.092, 0.1, 0.2, 5, 10, 22, 44];

// -------------------------------------------------------------------------------------------
// Spectral classes of a trained weight (or kernel) matrix.

/**
 * The thresholds that turn a trained spectrum into one of the paper's classes, in one place.
 *  - an outlier is an eigenvalue above (1 + edgeMargin)·λ_max of the initial matrix;
 *  - the bulk is invariant when W2(initial bulk, final bulk)/mean(initial) ≤ bulkW2Rel, the
 *    top `outliers` eigenvalues removed from both (so a spike does not count as bulk motion).
 *    At initialisation GD moves (1/h)WᵀW by O(n^{-1/2}) in W2 (W7), a trained heavy tail
 *    moves the whole bulk by O(1): 0.1 of the mean eigenvalue separates the two;
 *  - heavy tail: more than maxSpikes outliers, or a power-law tail exponent α ≤ heavyAlpha
 *    (WeightWatcher's reading: α ≤ 4 is a heavy tail) of a tail that leaves the initial
 *    bulk (at least one outlier). The α condition alone is not used: the KS-chosen x_min
 *    of fitPowerLaw puts the "tail" inside an MP bulk, whose fitted α at initialisation was
 *    measured between 3.3 and 14.6 over 21 draws at d = 250 and near 3 at d = 64–100 — an
 *    untrained matrix would often be "heavy-tailed".
 */
export const SPECTRAL_CLASS_RULES = {
  edgeMargin: 0.05,
  maxSpikes: 3,
  heavyAlpha: 4,
  bulkW2Rel: 0.1,
} as const;

/** Class codes (numbers, so compare/holds can check them). */
export const SPECTRAL_CLASS = { invariant: 0, spike: 1, heavyTail: 2, changedBulk: 3, diverged: 4 } as const;
export const SPECTRAL_CLASS_NAMES = [
  'invariant bulk', 'bulk + spike', 'heavy tail', 'changed bulk (none of the paper\'s classes)', 'training diverged',
] as const;

export interface SpectralClassification {
  /** SPECTRAL_CLASS code. */
  code: number;
  name: string;
  /** Eigenvalues above (1 + edgeMargin)·λ_max(initial). */
  outliers: number;
  /** λ_max(final)/λ_max(initial). */
  edgeRatio: number;
  /** W2 between the initial and final spectra with the top `outliers` removed from both, over mean(initial). */
  bulkW2Rel: number;
  /** W2 between the whole spectra, over mean(initial). */
  w2Rel: number;
  /** Power-law fit of the final spectrum's tail. */
  fit: PowerLawFit;
}

/** Classifies a final spectrum against the initial one (both any order, same length). */
export function classifySpectrum(initial: ArrayLike<number>, final: ArrayLike<number>, rules = SPECTRAL_CLASS_RULES): SpectralClassification {
  const a = Float64Array.from(initial).sort();
  const b = Float64Array.from(final).sort();
  const n = a.length;
  const lmax0 = a[n - 1]!;
  let outliers = 0;
  for (let i = 0; i < n; i++) if (b[i]! > (1 + rules.edgeMargin) * lmax0) outliers++;
  let mean0 = 0;
  for (let i = 0; i < n; i++) mean0 += a[i]!;
  mean0 /= n;
  const keep = Math.max(1, n - outliers);
  const bulkW2Rel = wasserstein2(a.subarray(0, keep), b.subarray(0, keep)) / mean0;
  const w2Rel = wasserstein2(a, b) / mean0;
  const fit = fitPowerLaw(b);
  let code: number;
  if (outliers > rules.maxSpikes || (outliers >= 1 && fit.alpha <= rules.heavyAlpha)) code = SPECTRAL_CLASS.heavyTail;
  else if (bulkW2Rel > rules.bulkW2Rel) code = SPECTRAL_CLASS.changedBulk;
  else code = outliers === 0 ? SPECTRAL_CLASS.invariant : SPECTRAL_CLASS.spike;
  return { code, name: SPECTRAL_CLASS_NAMES[code]!, outliers, edgeRatio: b[n - 1]! / lmax0, bulkW2Rel, w2Rel, fit };
}

// -------------------------------------------------------------------------------------------
// Runs.

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
  rate: number;
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
    key, label: variantLabel(o.caseId, o.reading, o.schedule), rate, net: result.net, result, diverged: d !== undefined,
    ...(d ? { divergence: d.reason } : {}), netEpoch: d ? d.snapshotEpoch : result.epochs,
    steps: result.steps, epochs: result.epochs, finalLoss: d ? d.loss : result.finalLoss, converged: result.converged,
    hitCap: d ? false : !result.converged, ms: performance.now() - t0,
  };
}

export interface TestScores {
  /** MSE on fresh noiseless test points. */
  testError: number;
  /** R² on the same points. */
  r2: number;
}

export function testScores(pred: ArrayLike<number>, target: ArrayLike<number>): TestScores {
  return { testError: mse(pred, target), r2: r2(pred, target) };
}

/** The network's test scores on test inputs Xt (d×n') with noiseless targets yt. */
export function networkTestScores(net: TwoLayerNet, Xt: Mat, yt: Float64Array): TestScores {
  const f = predict(net, Xt);
  if (!f.every(Number.isFinite)) throw new RangeError('networkTestScores: the network predicts non-finite values');
  return testScores(f, yt);
}

/** The lazy benchmark of eq. (6): interpolation with the initial NTK of both layers. */
export function lazyBenchmark(p: WProblem, context?: string): TestScores & { trainError: number } {
  const { X, y, Xtest, ytest } = p.data;
  if (!Xtest || !ytest) throw new Error('lazyBenchmark: the problem has no test set (set nTest > 0)');
  const lz = lazyRegression(p.net, X, y, Xtest, { kernel: 'ntk', ...(context ? { context } : {}) });
  return { ...testScores(lz.test, ytest), trainError: mse(lz.train, y) };
}

/** Spectra used for classes: (1/h)WᵀW (d×d) and optionally the CK on the training set. */
export function weightSpectrum(net: TwoLayerNet): Float64Array {
  return weightGramSpectrum(net.W);
}

/** Eigenvalues (ascending) of a kernel of the network on the training inputs X (d×n). */
export function kernelSpectrum(net: TwoLayerNet, X: Mat, which: KernelName = 'ck'): Float64Array {
  return eigvalsh(networkKernels(net, X, [which])[which]!);
}

/** Epochs → optimizer steps for a case at sample size n. */
export function stepsPerEpoch(caseId: CaseId, n: number): number {
  const b = TABLE1_CASES[caseId].batch;
  return b === undefined ? 1 : Math.ceil(n / Math.min(b, n));
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

export interface InitialSpectra {
  weight: Float64Array;
  ck: Float64Array;
}

export function initialSpectra(p: WProblem): InitialSpectra {
  return { weight: weightSpectrum(p.net), ck: kernelSpectrum(p.net, p.data.X, 'ck') };
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
  const observer = atEpochs(v.caseId, p.dims.n, grid.filter((e) => e <= o.maxEpochs), (s) => {
    points.push({ epoch: s.epoch, value: measure(s.net) });
  });
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
