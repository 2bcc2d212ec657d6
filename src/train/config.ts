/**
 * What a training run is asked to do (TrainConfig), what it reports (TrainOutcome), and the
 * checked, resolved form the loop runs on (ResolvedTraining). Every bad setting is caught
 * here, before a buffer is allocated, with the run's context in the message.
 *
 * Rates: one name through the engine. A config gives `lr` (one rate, or `{ first, second }`
 * per layer: η1 for W, η2 for v in the papers; for a deep network `first` is every hidden
 * layer's, or `{ W: [η for W1, …, WL], v }`); the loop and the update see one `lr` per
 * parameter block (times the schedule's factor).
 *
 * Types are generic in the network N (the two-layer network by default, a DeepNet or a ConvNet): what
 * observers see and what a run returns is the network it trained.
 */
import { ShapeError } from '../linalg/mat';
import type { ConvNet } from '../model/conv-net';
import type { DeepNet } from '../model/deep';
import type { TwoLayerNet } from '../model/network';
import type { Rng } from '../random';
import type { TrainCheckpoint } from './checkpoints';

export type Layers = 'first' | 'second' | 'both';
export type OptimizerName = 'gd' | 'sgd' | 'adam' | 'adagrad';
export const OPTIMIZERS: readonly OptimizerName[] = ['gd', 'sgd', 'adam', 'adagrad'];

/** Per-layer learning rates: `first` for the first layer W (η1; a deep net's hidden layers), `second` for the readout v (η2). */
export interface LayerRates {
  first: number;
  second: number;
}

/** A deep network's rates, one per hidden layer (W1 … WL) and the readout's. */
export interface DeepLayerRates {
  W: readonly number[];
  v: number;
}

/** The networks train() trains: the two-layer network, the deep FC network, the deep circular CNN. */
export type TrainableNet = TwoLayerNet | DeepNet | ConvNet;

export interface TrainState<N = TwoLayerNet> {
  /** Optimizer steps taken so far (0 before the first). */
  step: number;
  /** Full passes over the data completed (for GD, equal to step). */
  epoch: number;
  net: N;
  /** Full-batch training loss (1/(2n))‖f(X) − y‖² at this step, when known. */
  loss: number;
}

export interface Observer<N = TwoLayerNet> {
  /** Steps at which to call (0 = before training). Default: every step. */
  at?: number[] | ((step: number) => boolean);
  fn: (state: TrainState<N>) => void;
  /**
   * GD only: whether fn reads state.loss at the new iterate (default true). It costs one extra
   * forward pass at each observed step; observers that only look at the weights set false
   * (state.loss is then the loss of the previous iterate).
   */
  needsLoss?: boolean;
  /**
   * What the observer has gathered so far, for resumable training (checkpoints.ts): `save`
   * returns it (plain data and typed arrays, structured-clone-able), `restore` puts it back
   * into a fresh observer of the same rerun. A run whose observers all have it can be
   * checkpointed; a run with one that has not is never checkpointed (it reruns from step 0).
   */
  state?: ObserverState;
}

export interface ObserverState {
  save(): unknown;
  restore(saved: unknown): void;
}

export interface TrainConfig<N = TwoLayerNet> {
  optimizer: OptimizerName;
  /** One rate for every layer, or separate rates (η1 first layer(s), η2 readout), or one per deep layer. */
  lr: number | LayerRates | DeepLayerRates;
  /** 'first': W (a deep net: W1 … WL) only; 'second': the readout v only; 'both'. */
  layers: Layers;
  /** Minibatch size for sgd/adam/adagrad (default: full batch). */
  batchSize?: number;
  /** Step cap (optimizer steps). */
  maxSteps?: number;
  /** Epoch cap (passes over the data). */
  maxEpochs?: number;
  /** Stop when the full-batch loss falls below this value. */
  lossBelow?: number;
  /** Stop when loss/initial loss falls below this value. */
  relLossBelow?: number;
  /** How often (steps) the full-batch loss is evaluated for stochastic optimizers; default once an epoch. */
  lossEvery?: number;
  adam?: { beta1?: number; beta2?: number; eps?: number };
  adagrad?: { eps?: number };
  /**
   * Heavy-ball momentum μ for gd/sgd (default 0: plain steps, the arithmetic of a run without
   * it): u ← μu + g, p ← p − η·u (no dampening, no Nesterov; PyTorch's SGD convention, which
   * Wang et al. §6 use with μ = 0.2).
   */
  momentum?: number;
  /** Diverged when the loss exceeds this factor times the initial loss (default 1e6). */
  divergenceFactor?: number;
  /** Shuffling stream for minibatches (required for stochastic batches). */
  rng?: Rng;
  observers?: Observer<N>[];
  /** Label for errors: which claim, size, trial this run belongs to. */
  context?: string;
  /** A rate schedule: multiplies lr at a given epoch (e.g. ×0.1 every 100 epochs). */
  lrSchedule?: (epoch: number) => number;
  /**
   * What a divergence (loss NaN/Inf or above divergenceFactor × the initial loss) does:
   * 'throw' (default) throws a DivergenceError; 'return' ends the run and returns it as a
   * result with stoppedBy 'diverged' and `divergence` set, the network chosen by `snapshot`.
   * Bad input (shapes, rates, caps) throws either way.
   */
  onDivergence?: 'throw' | 'return';
  /**
   * With onDivergence 'return': which network a diverged run returns (result.net).
   * Snapshots are taken every `snapshotEvery` steps, from step 0 on, with the full-batch loss
   * of that iterate (like an observer: for GD one extra forward pass at each snapshot step).
   *   - 'last-finite' (default): the last snapshot whose loss was finite (for GD the divergence
   *     check of an iterate comes after its snapshot, so this can be the blown-up iterate itself
   *     when its loss is finite but past the divergence level);
   *   - 'best': the snapshot with the lowest finite loss (the initial network if none was lower).
   */
  snapshot?: SnapshotRule;
  /** Steps between snapshots (default: one epoch; for GD, every step). */
  snapshotEvery?: number;
  /**
   * Where a long run saves its state and resumes from (checkpoints.ts). Default: the job's
   * checkpoint folder when the runner gave it one (a cached job), else none; false: never.
   */
  checkpoint?: TrainCheckpoint | false;
}

export type StopReason = 'loss' | 'relLoss' | 'maxSteps' | 'maxEpochs';
export type SnapshotRule = 'last-finite' | 'best';

/** What every run reports (a DivergenceError carries it as `partial`). */
export interface TrainRun<N = TwoLayerNet> {
  net: N;
  steps: number;
  epochs: number;
  initialLoss: number;
  finalLoss: number;
  /** Full-batch loss history: [step, loss] at each evaluation (every step for GD). */
  lossHistory: { step: number; loss: number }[];
}

/** A run that ended without diverging. */
export interface TrainResult<N = TwoLayerNet> extends TrainRun<N> {
  stoppedBy: StopReason;
  /** True when a loss threshold was reached (not a cap). */
  converged: boolean;
  /** The step or epoch cap ended the run (not a loss threshold). */
  hitCap: boolean;
  divergence?: undefined;
}

/** How a run diverged (train with onDivergence: 'return'). */
export interface Divergence {
  /** Optimizer steps taken when the loss blew up, and that loss (NaN/±Infinity or > factor × initial). */
  step: number;
  loss: number;
  /** The DivergenceError message train() throws by default (names the context, optimizer and rates). */
  message: string;
  /** One line for JobOutput.notMeasured: 'training diverged at step 37 (loss 3.1e+9, initial 0.52)'. */
  reason: string;
  /** The rule that chose result.net, and that snapshot's step and epoch (its loss is result.finalLoss). */
  snapshot: SnapshotRule;
  snapshotStep: number;
  snapshotEpoch: number;
}

/**
 * A run that diverged (only with onDivergence: 'return'). `net` is the snapshot the rule chose
 * (a separate network: the one passed to train() holds the weights at the blow-up), and
 * `finalLoss` its full-batch loss; steps, epochs and lossHistory go up to the blow-up.
 */
export interface DivergedTrainResult<N = TwoLayerNet> extends TrainRun<N> {
  stoppedBy: 'diverged';
  converged: false;
  hitCap: false;
  divergence: Divergence;
}

/** What train() returns: a finished run, or (with onDivergence: 'return') a diverged one. */
export type TrainOutcome<N = TwoLayerNet> = TrainResult<N> | DivergedTrainResult<N>;

export class DivergenceError<N = TwoLayerNet> extends Error {
  override name = 'DivergenceError';
  constructor(
    message: string,
    readonly step: number,
    readonly loss: number,
    readonly partial: TrainRun<N>,
  ) {
    super(message);
  }
}

/** The optimizers' constants, defaults filled in. */
export interface OptimizerHyper {
  beta1: number;
  beta2: number;
  epsAdam: number;
  epsAdagrad: number;
  momentum: number;
}

/** A checked config, with everything the loop needs derived once. */
export interface ResolvedTraining {
  /** ' [context]' for messages, or ''. */
  ctx: string;
  optimizer: OptimizerName;
  /** The first layer's (a deep net's W1) and the readout's rate, for messages. */
  lr: LayerRates;
  /** A deep net's rate per hidden layer, when given per layer (else every W takes lr.first). */
  lrPerLayer?: number[];
  trains: { first: boolean; second: boolean };
  batch: number;
  stochastic: boolean;
  stepsPerEpoch: number;
  /** min(maxSteps, maxEpochs · stepsPerEpoch). */
  maxSteps: number;
  lossEvery: number;
  divergenceFactor: number;
  hyper: OptimizerHyper;
}

/** Validates cfg for n training points and derives the loop's constants. */
export function resolveTraining<N>(cfg: TrainConfig<N>, n: number): ResolvedTraining {
  const ctx = cfg.context ? ` [${cfg.context}]` : '';
  const given = cfg.lr;
  const deepRates = typeof given === 'object' && 'W' in given ? given : undefined;
  if (deepRates && (!Array.isArray(deepRates.W) || deepRates.W.length === 0)) throw new RangeError(`train${ctx}: lr.W must list one rate per hidden layer`);
  const perLayer = deepRates ? [...deepRates.W] : undefined;
  const lr: LayerRates = typeof given === 'number' ? { first: given, second: given }
    : 'W' in given ? { first: perLayer![0]!, second: given.v } : { first: given.first, second: given.second };
  const all = [...(perLayer ?? [lr.first]), lr.second];
  if (all.some((r) => typeof r !== 'number' || !Number.isFinite(r) || r < 0)) {
    throw new RangeError(`train${ctx}: learning rates must be finite and non-negative, got ${perLayer ? `W: [${perLayer.join(', ')}], v: ${lr.second}` : `${lr.first}, ${lr.second}`}`);
  }
  if (cfg.onDivergence !== undefined && cfg.onDivergence !== 'throw' && cfg.onDivergence !== 'return') {
    throw new RangeError(`train${ctx}: onDivergence must be 'throw' or 'return', got '${String(cfg.onDivergence)}'`);
  }
  if (cfg.snapshot !== undefined && cfg.snapshot !== 'last-finite' && cfg.snapshot !== 'best') {
    throw new RangeError(`train${ctx}: snapshot must be 'last-finite' or 'best', got '${String(cfg.snapshot)}'`);
  }
  if ((cfg.snapshot !== undefined || cfg.snapshotEvery !== undefined) && cfg.onDivergence !== 'return') {
    throw new RangeError(`train${ctx}: snapshot and snapshotEvery choose the network of a diverged run: they need onDivergence 'return'`);
  }
  if (cfg.snapshotEvery !== undefined && !(Number.isInteger(cfg.snapshotEvery) && cfg.snapshotEvery >= 1)) {
    throw new RangeError(`train${ctx}: snapshotEvery must be an integer ≥ 1, got ${cfg.snapshotEvery}`);
  }
  if (!OPTIMIZERS.includes(cfg.optimizer)) {
    throw new RangeError(`train${ctx}: unknown optimizer '${cfg.optimizer}' (known: ${OPTIMIZERS.join(', ')})`);
  }
  const momentum = cfg.momentum ?? 0;
  if (!(Number.isFinite(momentum) && momentum >= 0 && momentum < 1)) {
    throw new RangeError(`train${ctx}: momentum must be in [0, 1), got ${momentum}`);
  }
  if (momentum !== 0 && cfg.optimizer !== 'gd' && cfg.optimizer !== 'sgd') {
    throw new RangeError(`train${ctx}: momentum applies to gd and sgd, not ${cfg.optimizer} (Adam has beta1)`);
  }
  if (cfg.maxSteps === undefined && cfg.maxEpochs === undefined) {
    throw new RangeError(`train${ctx}: give maxSteps or maxEpochs (a step cap), so a run cannot go on forever`);
  }
  const batch = cfg.optimizer === 'gd' ? n : Math.min(cfg.batchSize ?? n, n);
  if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`train${ctx}: batch size must be ≥ 1, got ${batch}`);
  const stochastic = batch < n;
  if (stochastic && !cfg.rng) throw new Error(`train${ctx}: minibatch training needs an rng for shuffling`);
  const stepsPerEpoch = Math.ceil(n / batch);
  return {
    ctx,
    optimizer: cfg.optimizer,
    lr,
    ...(perLayer ? { lrPerLayer: perLayer } : {}),
    trains: { first: cfg.layers !== 'second', second: cfg.layers !== 'first' },
    batch,
    stochastic,
    stepsPerEpoch,
    maxSteps: Math.min(cfg.maxSteps ?? Infinity, (cfg.maxEpochs ?? Infinity) * stepsPerEpoch),
    lossEvery: cfg.lossEvery ?? stepsPerEpoch,
    divergenceFactor: cfg.divergenceFactor ?? 1e6,
    hyper: {
      beta1: cfg.adam?.beta1 ?? 0.9,
      beta2: cfg.adam?.beta2 ?? 0.999,
      epsAdam: cfg.adam?.eps ?? 1e-8,
      epsAdagrad: cfg.adagrad?.eps ?? 1e-10,
      momentum,
    },
  };
}
