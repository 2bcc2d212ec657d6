/**
 * Training of the two-layer network, the deep FC network (src/model/deep.ts) and the deep
 * circular CNN (src/model/conv-net.ts): full-batch
 * GD, minibatch SGD (seeded shuffling without replacement each epoch; optional heavy-ball
 * momentum), Adam and AdaGrad, with per-layer learning rates, a choice of trained layers,
 * stop rules, divergence detection and observers.
 *
 * Loss convention (both papers, CLAIMS.md): L = (1/(2n))‖y − f(X)‖², and on a minibatch
 * (1/(2b))Σ_batch. Learning rates mean nothing without it.
 *
 * The run is cut into steps a reader can follow: resolveTraining (config.ts) checks the
 * config; a Trainable (TwoLayerPasses, DeepPasses or ConvPasses, below) owns the network's forward and
 * gradient buffers and names its parameter blocks; MinibatchSource
 * (minibatches.ts) gathers batches; updateParameters (optimizers.ts) moves each layer;
 * SnapshotKeeper (snapshots.ts) keeps the network a diverged run returns. All buffers are
 * made once; a step allocates nothing proportional to h·d or h·n.
 */
import { derivativeComesFree } from '../activations';
import { type Mat, clone } from '../linalg/mat';
import {
  type ConvNet,
  type ConvNetWorkspace,
  allocConvNetWorkspace,
  checkConvNetData,
  cloneConvNet,
  convNetLossAndGradients,
  convNetPredict,
  convNetShape,
  copyConvNet,
  isConvNet,
} from '../model/conv-net';
import {
  type DeepNet,
  type DeepWorkspace,
  allocDeepWorkspace,
  checkDeepData,
  cloneDeepNet,
  deepForward,
  deepLossAndGradients,
  deepWidths,
} from '../model/deep';
import {
  type ForwardCache,
  type Gradients,
  type TwoLayerNet,
  allocForward,
  allocGradients,
  checkData,
  forward,
  readout,
  gradients,
  mseLoss,
  netDims,
} from '../model/network';
import {
  DivergenceError,
  type Layers,
  type Observer,
  type ResolvedTraining,
  type StopReason,
  type TrainConfig,
  type TrainableNet,
  type TrainOutcome,
  type TrainResult,
  type TrainState,
  resolveTraining,
} from './config';
import { type Minibatch, MinibatchSource } from './minibatches';
import { type ParameterState, allocParameterState, updateParameters } from './optimizers';
import { type NetCopier, SnapshotKeeper } from './snapshots';
import { CHECKPOINT_FORMAT, type SavedTraining, type TrainCheckpoint, nextTrainingCheckpoint, noteResumedRun, trainingFingerprint } from './checkpoints';

export {
  DivergenceError,
  type Divergence,
  type DivergedTrainResult,
  type DeepLayerRates,
  type LayerRates,
  type Layers,
  type Observer,
  type OptimizerName,
  type SnapshotRule,
  type StopReason,
  type TrainConfig,
  type TrainableNet,
  type TrainOutcome,
  type TrainResult,
  type TrainRun,
  type TrainState,
} from './config';

/** One trained parameter block (a layer's weights), its rate before the schedule and its optimizer state. */
interface TrainedBlock {
  params: Float64Array;
  lr: number;
  state: ParameterState;
}

/**
 * What the loop needs from a network: the loss at the start, the full-batch loss, the
 * gradients at the current iterate (one per trained block, in the blocks' order), and how to
 * copy it for snapshots.
 */
interface Trainable<N> {
  readonly net: N;
  readonly copier: NetCopier<N>;
  readonly blocks: TrainedBlock[];
  initialLoss(): number;
  fullLoss(): number;
  gradients(batch: Minibatch | undefined): { loss: number; grads: Float64Array[] };
}

/** (1/(2n))‖f − y‖², the loop the two-layer passes use (the same as mseLoss). */
function halfSquaredResidual(f: Float64Array, y: ArrayLike<number>): number {
  const n = f.length;
  let s = 0;
  for (let j = 0; j < n; j++) { const r = f[j]! - (y[j] as number); s += r * r; }
  return s / (2 * n);
}

/**
 * The forward and gradient passes of the two-layer network on the full batch and on
 * minibatches, each with buffers of its own size.
 */
class TwoLayerPasses implements Trainable<TwoLayerNet> {
  readonly copier: NetCopier<TwoLayerNet> = {
    clone: (net) => ({ W: clone(net.W), v: net.v.slice(), act: net.act }),
    copyInto: (src, dst) => { clone(src.W, dst.W); dst.v.set(src.v); },
    arrays: (net) => [net.W.data, net.v],
  };
  readonly blocks: TrainedBlock[] = [];
  /** For GD the initial forward pass (with σ′ when the first layer trains) is also step 0's. */
  private reuseForward = false;
  private readonly full: ForwardCache;
  private readonly gFull: Gradients;
  private readonly yFull: Float64Array;
  private readonly batchBuffers?: { f: ForwardCache; g: Gradients };
  private readonly lastBuffers?: { f: ForwardCache; g: Gradients };
  /**
   * Second layer only, full batch: W X and σ(W X) are fixed, so after the first forward pass
   * each step needs only the readout σ(Z)ᵀv (bit-identical; saves a gemm and an activation pass).
   */
  private readonly frozenFeatures: boolean;
  private featuresReady = false;

  constructor(
    readonly net: TwoLayerNet,
    private readonly X: Mat,
    private readonly y: ArrayLike<number>,
    private readonly r: ResolvedTraining,
    private readonly layers: Layers,
    lastSize: number,
  ) {
    if (r.lrPerLayer && r.lrPerLayer.length !== 1) {
      throw new RangeError(`train${r.ctx}: lr.W lists ${r.lrPerLayer.length} rates; the two-layer network has one hidden layer`);
    }
    const { h, d } = netDims(net);
    if (r.trains.first) this.blocks.push({ params: net.W.data, lr: r.lr.first, state: allocParameterState(r.optimizer, r.hyper, net.W.data.length) });
    if (r.trains.second) this.blocks.push({ params: net.v, lr: r.lr.second, state: allocParameterState(r.optimizer, r.hyper, net.v.length) });
    const n = X.cols;
    this.full = allocForward(h, n);
    this.gFull = allocGradients(h, d, n);
    this.yFull = Float64Array.from(y);
    if (r.stochastic) {
      this.batchBuffers = { f: allocForward(h, r.batch), g: allocGradients(h, d, r.batch) };
      if (lastSize !== r.batch) this.lastBuffers = { f: allocForward(h, lastSize), g: allocGradients(h, d, lastSize) };
    }
    this.frozenFeatures = !r.trains.first && !r.stochastic;
  }

  /**
   * σ'(Z) for the first-layer gradient: for a smooth σ (tanh, erf, sigmoid, softplus) on the
   * native path the forward pass gets it from the same transcendental call as σ(Z) and stores
   * it, so the gradient pass does not evaluate σ again (one extra h×n write instead of a
   * second transcendental pass; bit-identical, see derivativeComesFree). Otherwise (ReLU-type
   * σ, where σ' is a comparison, or the TypeScript loops) (v rᵀ) ⊙ σ'(Z) is formed from Z.
   */
  private keepDerivative(cols: number): boolean {
    return this.r.trains.first && derivativeComesFree(this.net.act, netDims(this.net).h * cols);
  }

  initialLoss(): number {
    if (this.r.stochastic) return this.fullLoss();
    this.fullForward();
    this.reuseForward = true;
    return mseLoss(this.full.f, this.y);
  }

  /** The full-batch forward pass a GD step's gradient uses. */
  private fullForward(): void {
    if (this.frozenFeatures && this.featuresReady) { readout(this.net, this.full); return; }
    forward(this.net, this.X, { derivative: this.keepDerivative(this.X.cols), cache: this.full });
    this.featuresReady = true;
  }

  /**
   * The full-batch loss alone (stop rule, observers, the end of training): f(X) only, no σ'(Z).
   * f is the same number with or without it (σ comes from the same call either way).
   */
  fullLoss(): number {
    const { net, X, y, full } = this;
    if (this.frozenFeatures && this.featuresReady) readout(net, full);
    else { forward(net, X, { derivative: false, cache: full }); this.featuresReady = true; }
    return halfSquaredResidual(full.f, y);
  }

  /**
   * Gradients on a minibatch, or on the full batch (the first GD step reuses the forward pass
   * that measured the initial loss). Returns the batch loss and the trained blocks' gradients.
   */
  gradients(batch: Minibatch | undefined): { loss: number; grads: Float64Array[] } {
    let loss: number, g: Gradients;
    if (!batch) {
      if (this.reuseForward) this.reuseForward = false;
      else this.fullForward();
      g = this.gFull;
      loss = gradients(this.net, this.X, this.yFull, this.full, g, this.layers);
    } else {
      const buf = batch.slot === 'last' ? this.lastBuffers! : this.batchBuffers!;
      forward(this.net, batch.X, { derivative: this.keepDerivative(batch.X.cols), cache: buf.f });
      g = buf.g;
      loss = gradients(this.net, batch.X, batch.y, buf.f, g, this.layers);
    }
    return { loss, grads: [...(this.r.trains.first ? [g.gW.data] : []), ...(this.r.trains.second ? [g.gv] : [])] };
  }
}

/**
 * The deep FC network's passes (deepLossAndGradients), with a workspace per batch size. Its
 * blocks are W1 … WL (when the hidden layers train, each at its own rate or lr.first) and v.
 * At L = 1 its arithmetic is the two-layer network's (test/engine/train-deep.test.ts).
 */
class DeepPasses implements Trainable<DeepNet> {
  readonly copier: NetCopier<DeepNet> = {
    clone: cloneDeepNet,
    copyInto: (src, dst) => { src.W.forEach((W, k) => clone(W, dst.W[k]!)); dst.v.set(src.v); },
    arrays: (net) => [...net.W.map((W) => W.data), net.v],
  };
  readonly blocks: TrainedBlock[] = [];
  private readonly widths: number[];
  private readonly full: DeepWorkspace;
  private readonly batchWs?: DeepWorkspace;
  private readonly lastWs?: DeepWorkspace;
  private readonly trainable: { W: boolean[]; v: boolean };

  constructor(
    readonly net: DeepNet,
    private readonly X: Mat,
    private readonly y: ArrayLike<number>,
    private readonly r: ResolvedTraining,
    lastSize: number,
  ) {
    this.widths = deepWidths(net);
    const L = net.W.length;
    if (r.lrPerLayer && r.lrPerLayer.length !== L) {
      throw new RangeError(`train${r.ctx}: lr.W lists ${r.lrPerLayer.length} rates for a network of ${L} hidden layers`);
    }
    this.trainable = { W: new Array<boolean>(L).fill(r.trains.first), v: r.trains.second };
    if (r.trains.first) {
      net.W.forEach((W, k) => {
        if (W.offset !== 0 || W.data.length !== W.rows * W.cols) throw new RangeError(`train${r.ctx}: W${k + 1} is a strided view; train a clone`);
        this.blocks.push({ params: W.data, lr: r.lrPerLayer?.[k] ?? r.lr.first, state: allocParameterState(r.optimizer, r.hyper, W.data.length) });
      });
    }
    if (r.trains.second) this.blocks.push({ params: net.v, lr: r.lr.second, state: allocParameterState(r.optimizer, r.hyper, net.v.length) });
    const n = X.cols;
    this.full = allocDeepWorkspace(this.widths, n);
    if (r.stochastic) {
      this.batchWs = allocDeepWorkspace(this.widths, r.batch);
      if (lastSize !== r.batch) this.lastWs = allocDeepWorkspace(this.widths, lastSize);
    }
  }

  /** σ′ kept from the forward pass where it comes free (as TwoLayerPasses decides it). */
  private keepDerivative(cols: number): boolean {
    return this.r.trains.first && derivativeComesFree(this.net.act, Math.max(...this.widths.slice(1)) * cols);
  }

  initialLoss(): number {
    return this.fullLoss();
  }

  fullLoss(): number {
    const c = deepForward(this.net, this.X, { derivative: false, cache: this.full.forward });
    return halfSquaredResidual(c.f, this.y);
  }

  gradients(batch: Minibatch | undefined): { loss: number; grads: Float64Array[] } {
    const X = batch ? batch.X : this.X;
    const y = batch ? batch.y : this.y;
    const ws = !batch ? this.full : batch.slot === 'last' ? this.lastWs! : this.batchWs!;
    const out = deepLossAndGradients(this.net, X, y, { trainable: this.trainable, workspace: ws, derivative: this.keepDerivative(X.cols) });
    const grads = [...(this.r.trains.first ? out.grads.W.map((G) => G.data) : []), ...(this.r.trains.second ? [out.grads.v] : [])];
    return { loss: out.loss, grads };
  }
}

/**
 * The deep circular CNN's passes (convNetLossAndGradients, src/model/conv-net.ts), with a
 * workspace per batch size (each passes its samples in chunks). Blocks: filters 1 … L (each at
 * its own rate or lr.first) and v. A 1×1 image with k = 1 runs DeepPasses' arithmetic.
 */
class ConvPasses implements Trainable<ConvNet> {
  readonly copier: NetCopier<ConvNet> = { clone: cloneConvNet, copyInto: copyConvNet, arrays: (net) => [...net.filters.map((F) => F.data), net.v] };
  readonly blocks: TrainedBlock[] = [];
  private readonly full: ConvNetWorkspace;
  private readonly batchWs?: ConvNetWorkspace;
  private readonly lastWs?: ConvNetWorkspace;
  private readonly mapSize: number;

  constructor(
    readonly net: ConvNet,
    private readonly X: Mat,
    private readonly y: ArrayLike<number>,
    private readonly r: ResolvedTraining,
    lastSize: number,
  ) {
    const L = net.filters.length;
    if (r.lrPerLayer && r.lrPerLayer.length !== L) {
      throw new RangeError(`train${r.ctx}: lr.W lists ${r.lrPerLayer.length} rates for a network of ${L} convolution layers`);
    }
    if (r.trains.first) {
      net.filters.forEach((F, k) => {
        if (F.offset !== 0 || F.data.length !== F.rows * F.cols) throw new RangeError(`train${r.ctx}: filter bank ${k + 1} is a strided view; train a clone`);
        this.blocks.push({ params: F.data, lr: r.lrPerLayer?.[k] ?? r.lr.first, state: allocParameterState(r.optimizer, r.hyper, F.data.length) });
      });
    }
    if (r.trains.second) this.blocks.push({ params: net.v, lr: r.lr.second, state: allocParameterState(r.optimizer, r.hyper, net.v.length) });
    const s = convNetShape(net);
    this.mapSize = Math.max(...s.channels) * s.height * s.width;
    this.full = allocConvNetWorkspace(net, X.cols);
    if (r.stochastic) {
      this.batchWs = allocConvNetWorkspace(net, r.batch);
      if (lastSize !== r.batch) this.lastWs = allocConvNetWorkspace(net, lastSize);
    }
  }

  /** σ′ kept from the forward pass where it comes free (as DeepPasses decides it, on a chunk's largest map). */
  private keepDerivative(ws: ConvNetWorkspace): boolean {
    return this.r.trains.first && derivativeComesFree(this.net.act, this.mapSize * ws.chunk);
  }

  initialLoss(): number {
    return this.fullLoss();
  }

  fullLoss(): number {
    return halfSquaredResidual(convNetPredict(this.net, this.X, { workspace: this.full }), this.y);
  }

  gradients(batch: Minibatch | undefined): { loss: number; grads: Float64Array[] } {
    const X = batch ? batch.X : this.X;
    const y = batch ? batch.y : this.y;
    const ws = !batch ? this.full : batch.slot === 'last' ? this.lastWs! : this.batchWs!;
    const out = convNetLossAndGradients(this.net, X, y, {
      trainable: { filters: this.r.trains.first, v: this.r.trains.second }, workspace: ws, derivative: this.keepDerivative(ws),
    });
    const grads = [...(this.r.trains.first ? out.grads.filters.map((G) => G.data) : []), ...(this.r.trains.second ? [out.grads.v] : [])];
    return { loss: out.loss, grads };
  }
}

function isDeepNet(net: TrainableNet): net is DeepNet {
  return Array.isArray((net as { W: unknown }).W);
}

/**
 * Trains `net` (the two-layer network, a DeepNet or a ConvNet) in place on (X d×n, y). Returns the
 * history and why it stopped. If the loss becomes NaN/Inf or grows by the divergence factor,
 * throws DivergenceError (with the partial history), or with onDivergence 'return' returns a
 * DivergedTrainResult (see TrainConfig).
 */
export function train<N extends TrainableNet>(net: N, X: Mat, y: ArrayLike<number>, cfg: TrainConfig<N> & { onDivergence: 'return' }): TrainOutcome<N>;
export function train<N extends TrainableNet>(net: N, X: Mat, y: ArrayLike<number>, cfg: TrainConfig<N> & { onDivergence?: 'throw' }): TrainResult<N>;
export function train<N extends TrainableNet>(net: N, X: Mat, y: ArrayLike<number>, cfg: TrainConfig<N>): TrainOutcome<N>;
export function train<N extends TrainableNet>(net: N, X: Mat, y: ArrayLike<number>, cfg: TrainConfig<N>): TrainOutcome<N> {
  const where = `train${cfg.context ? ` [${cfg.context}]` : ''}`;
  if (isConvNet(net)) checkConvNetData(where, net, X, y);
  else if (isDeepNet(net)) checkDeepData(where, net, X, y);
  else checkData(where, net, X, y);
  const n = X.cols;
  const r = resolveTraining(cfg, n);
  // Every run of a job takes its ordinal, checkpointed or not, so the ordinals of a rerun match.
  const scoped = nextTrainingCheckpoint();
  const minibatches = r.stochastic ? new MinibatchSource(X, y, r.batch, cfg.rng!) : undefined;
  const lastSize = minibatches?.lastSize ?? n;
  const model = (isConvNet(net) ? new ConvPasses(net, X, y, r, lastSize)
    : isDeepNet(net) ? new DeepPasses(net, X, y, r, lastSize)
      : new TwoLayerPasses(net, X, y, r, cfg.layers, lastSize)) as unknown as Trainable<N>;
  const ckpt = cfg.checkpoint === false ? undefined : (cfg.checkpoint ?? scoped);
  const resumable = ckpt && (cfg.observers ?? []).every((o) => o.state !== undefined)
    ? { checkpoint: ckpt, fingerprint: fingerprintOf(model, X, y, r, cfg) }
    : undefined;
  return runTraining(model, r, cfg, minibatches, resumable);
}

/** What makes a saved run this run: its settings, data and starting weights (checkpoints.ts). */
function fingerprintOf<N>(model: Trainable<N>, X: Mat, y: ArrayLike<number>, r: ResolvedTraining, cfg: TrainConfig<N>): string {
  const params = model.copier.arrays(model.net);
  const settings = {
    r, layers: cfg.layers, lossBelow: cfg.lossBelow ?? null, relLossBelow: cfg.relLossBelow ?? null, onDivergence: cfg.onDivergence ?? 'throw',
    snapshot: cfg.snapshot ?? null, snapshotEvery: cfg.snapshotEvery ?? null, rng: cfg.rng?.key ?? null, schedule: cfg.lrSchedule ? String(cfg.lrSchedule) : null,
    observers: (cfg.observers ?? []).length, shapes: params.map((a) => a.length), X: [X.rows, X.cols, X.ld, X.offset],
  };
  const xEnd = X.offset + (X.cols - 1) * X.ld + X.rows;
  return trainingFingerprint(settings, [...params, X.data.subarray(X.offset, xEnd), y].map(sampled));
}

/**
 * At most 4096 evenly spaced entries of an array (all of a shorter one): enough to tell two runs
 * of one job apart (the job key already fixes its claim, setting, seed and size), at a cost that
 * does not grow with the data — train() is called thousands of times by some jobs.
 */
function sampled(a: ArrayLike<number>): Float64Array {
  const k = 4096;
  if (a instanceof Float64Array && a.length <= k) return a;
  const m = Math.min(k, a.length);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = a[Math.floor((i * a.length) / m)] as number;
  return out;
}

/** The loop: gradients, the update of each block, the loss on its schedule, observers; saves and resumes. */
function runTraining<N>(
  model: Trainable<N>, r: ResolvedTraining, cfg: TrainConfig<N>, minibatches: MinibatchSource | undefined,
  resumable: { checkpoint: TrainCheckpoint; fingerprint: string } | undefined,
): TrainOutcome<N> {
  const { net } = model;
  const { ctx, stochastic, stepsPerEpoch, maxSteps } = r;
  const snapshots = cfg.onDivergence === 'return' ? new SnapshotKeeper(cfg.snapshot ?? 'last-finite', net, model.copier) : undefined;
  const userObservers = cfg.observers ?? [];
  const observers: Observer<N>[] = [...userObservers, ...(snapshots ? [snapshots.observer(cfg.snapshotEvery ?? stepsPerEpoch)] : [])];
  const wants = (o: Observer<N>, step: number) => (o.at === undefined ? true : Array.isArray(o.at) ? o.at.includes(step) : o.at(step));
  const notify = (s: TrainState<N>) => {
    for (const o of observers) if (wants(o, s.step)) o.fn(s);
  };

  let initialLoss = NaN;
  let history: { step: number; loss: number }[] = [];
  let loss = NaN;
  let step = 0;
  let epoch = 0;
  let stoppedBy: StopReason | undefined;
  // The loss that tripped the divergence check, and the step it was at (the run ends there).
  let blowUp: { step: number; loss: number } | undefined;

  // ---- checkpoints: what a save holds, and putting it back
  const started = performance.now();
  let lastSave = started;
  let saves = 0;
  const save = (done: boolean) => {
    const ck = resumable!;
    ck.checkpoint.save({
      format: CHECKPOINT_FORMAT, fingerprint: ck.fingerprint, done, step, epoch, loss, initialLoss, history,
      maxSteps, context: cfg.context ?? '',
      ...(stoppedBy ? { stoppedBy } : {}), ...(blowUp ? { blowUp } : {}),
      params: model.copier.arrays(net),
      optimizer: model.blocks.map((b) => ({ ...b.state })),
      ...(snapshots ? { snapshot: { params: model.copier.arrays(snapshots.net), step: snapshots.step, epoch: snapshots.epoch, loss: snapshots.loss } } : {}),
      observers: userObservers.map((o) => o.state!.save()),
    });
    saves++;
    lastSave = performance.now();
  };
  const saveIfDue = () => {
    if (resumable && performance.now() - lastSave >= resumable.checkpoint.everyMs) save(false);
  };
  /** At the end: a run that saved along the way, or took a save interval, is saved as done. */
  const saveDone = () => {
    if (resumable && (saves > 0 || performance.now() - started >= resumable.checkpoint.everyMs)) save(true);
  };
  const restore = (s: SavedTraining): void => {
    const into = (dst: Float64Array[], src: Float64Array[], what: string) => {
      if (dst.length !== src.length || dst.some((a, i) => a.length !== src[i]!.length)) throw new Error(`train${ctx}: checkpoint ${what} do not fit the network`);
      dst.forEach((a, i) => a.set(src[i]!));
    };
    into(model.copier.arrays(net), s.params, 'parameters');
    model.blocks.forEach((b, i) => {
      for (const k of ['m', 'v', 'velocity'] as const) if (b.state[k]) b.state[k].set(s.optimizer[i]![k]!);
    });
    if (snapshots && s.snapshot) {
      into(model.copier.arrays(snapshots.net), s.snapshot.params, 'snapshot parameters');
      Object.assign(snapshots, { step: s.snapshot.step, epoch: s.snapshot.epoch, loss: s.snapshot.loss });
    }
    userObservers.forEach((o, i) => o.state!.restore(s.observers[i]));
    ({ step, epoch, loss, initialLoss, history, stoppedBy, blowUp } = s);
  };

  const checkDiverged = (l: number): boolean => {
    if (Number.isFinite(l) && l <= r.divergenceFactor * Math.max(initialLoss, 1e-300)) return false;
    blowUp = { step, loss: l };
    return true;
  };
  const diverged = (): TrainOutcome<N> => {
    const { step: at, loss: l } = blowUp!;
    const rates = r.lrPerLayer ? `[${r.lrPerLayer.join(', ')}]/${r.lr.second}` : `${r.lr.first}/${r.lr.second}`;
    const message = `training diverged${ctx}: loss ${l} at step ${at} (initial ${initialLoss.toPrecision(4)}, ` +
      `${r.optimizer}, lr ${rates}); lower the learning rate`;
    if (!snapshots) throw new DivergenceError<N>(message, at, l, { net, steps: step, epochs: epoch, initialLoss, finalLoss: loss, lossHistory: history });
    return {
      net: snapshots.net, steps: step, epochs: epoch, initialLoss, finalLoss: snapshots.loss, lossHistory: history,
      stoppedBy: 'diverged', converged: false, hitCap: false, divergence: snapshots.divergence(blowUp!, initialLoss, message),
    };
  };
  const divergedAndSaved = (): TrainOutcome<N> => {
    saveDone();
    return diverged();
  };
  const finished = (): TrainOutcome<N> => ({
    net, steps: step, epochs: epoch, stoppedBy: stoppedBy!,
    converged: stoppedBy === 'loss' || stoppedBy === 'relLoss',
    hitCap: stoppedBy === 'maxSteps' || stoppedBy === 'maxEpochs',
    initialLoss, finalLoss: loss, lossHistory: history,
  });
  const stopNow = (l: number): StopReason | undefined => {
    if (cfg.lossBelow !== undefined && l < cfg.lossBelow) return 'loss';
    if (cfg.relLossBelow !== undefined && l < cfg.relLossBelow * initialLoss) return 'relLoss';
    return undefined;
  };

  const saved = resumable?.checkpoint.load();
  if (saved && saved.fingerprint === resumable!.fingerprint) {
    restore(saved);
    noteResumedRun();
    resumable!.checkpoint.resumed?.(saved, cfg.context ?? '');
    if (saved.done) return blowUp ? diverged() : finished();
    // GD: the forward pass at the restored iterate, which the next step's gradient reuses (its loss is not the initial one).
    model.initialLoss();
  } else {
    initialLoss = model.initialLoss();
    history = [{ step: 0, loss: initialLoss }];
    loss = initialLoss;
    notify({ step: 0, epoch: 0, net, loss });
    stoppedBy = stopNow(loss);
  }

  while (stoppedBy === undefined) {
    if (step >= maxSteps) { stoppedBy = step >= (cfg.maxSteps ?? Infinity) ? 'maxSteps' : 'maxEpochs'; break; }
    const factor = cfg.lrSchedule ? cfg.lrSchedule(epoch) : 1;

    // 1. Gradients at the current iterate (a minibatch, or the full batch).
    const g = model.gradients(minibatches?.gather(epoch, step % stepsPerEpoch));
    if (!stochastic) {
      // For GD the forward pass of step t gives the full loss at the current iterate.
      loss = g.loss;
      if (step > 0) history.push({ step, loss });
      if (checkDiverged(loss)) return divergedAndSaved();
      stoppedBy = stopNow(loss);
      if (stoppedBy !== undefined) break;
    } else if (!Number.isFinite(g.loss) && checkDiverged(g.loss)) {
      return divergedAndSaved();
    }

    // 2. The update of each trained block.
    step++;
    model.blocks.forEach((b, i) => updateParameters({ optimizer: r.optimizer, params: b.params, grad: g.grads[i]!, state: b.state, lr: b.lr * factor, step, hyper: r.hyper }));
    if (step % stepsPerEpoch === 0) epoch++;

    // 3. Stochastic runs: the full-batch loss on its schedule (stop rule and divergence).
    if (stochastic && (step % r.lossEvery === 0 || step >= maxSteps)) {
      loss = model.fullLoss();
      history.push({ step, loss });
      if (checkDiverged(loss)) return divergedAndSaved();
      stoppedBy = stopNow(loss);
    }

    // 4. Observers. For GD the loss at the new iterate comes with the next step's forward pass;
    // observers that read it at this step get it now (one extra forward pass, observed steps only).
    if (observers.length) {
      if (!stochastic && observers.some((o) => wants(o, step) && o.needsLoss !== false)) notify({ step, epoch, net, loss: model.fullLoss() });
      else notify({ step, epoch, net, loss });
    }
    // 5. A save, when one is due: the state after this step, observers included.
    if (stoppedBy === undefined) saveIfDue();
  }

  // GD stopped by a cap: the loss of the last iterate (no step measured it).
  if (!stochastic && stoppedBy !== 'loss' && stoppedBy !== 'relLoss') {
    loss = model.fullLoss();
    if (history[history.length - 1]!.step !== step) history.push({ step, loss });
    if (checkDiverged(loss)) return divergedAndSaved();
    const s = stopNow(loss);
    if (s) stoppedBy = s;
  }
  saveDone();
  return finished();
}
