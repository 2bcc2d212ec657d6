/**
 * Training of the two-layer network: full-batch GD, minibatch SGD (seeded shuffling
 * without replacement each epoch; optional heavy-ball momentum), Adam and AdaGrad, with
 * per-layer learning rates, a choice of trained layers, stop rules, divergence detection
 * and observers.
 *
 * Loss convention (both papers, CLAIMS.md): L = (1/(2n))‖y − f(X)‖², and on a minibatch
 * (1/(2b))Σ_batch. Learning rates mean nothing without it.
 *
 * The run is cut into steps a reader can follow: resolveTraining (config.ts) checks the
 * config; TwoLayerPasses (below) owns the forward/gradient buffers; MinibatchSource
 * (minibatches.ts) gathers batches; updateParameters (optimizers.ts) moves each layer;
 * SnapshotKeeper (snapshots.ts) keeps the network a diverged run returns. All buffers are
 * made once; a step allocates nothing proportional to h·d or h·n.
 */
import { derivativeComesFree } from '../activations';
import type { Mat } from '../linalg/mat';
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
  type TrainOutcome,
  type TrainResult,
  type TrainState,
  resolveTraining,
} from './config';
import { type Minibatch, MinibatchSource } from './minibatches';
import { type ParameterState, allocParameterState, updateParameters } from './optimizers';
import { SnapshotKeeper } from './snapshots';

export {
  DivergenceError,
  type Divergence,
  type DivergedTrainResult,
  type LayerRates,
  type Layers,
  type Observer,
  type OptimizerName,
  type SnapshotRule,
  type StopReason,
  type TrainConfig,
  type TrainOutcome,
  type TrainResult,
  type TrainRun,
  type TrainState,
} from './config';

/**
 * The forward and gradient passes of the two-layer network on the full batch and on
 * minibatches, each with buffers of its own size.
 */
class TwoLayerPasses {
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
    private readonly net: TwoLayerNet,
    private readonly X: Mat,
    private readonly y: ArrayLike<number>,
    private readonly r: ResolvedTraining,
    private readonly layers: Layers,
    lastSize: number,
  ) {
    const { h, d } = netDims(net);
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

  /** The full-batch forward pass a GD step's gradient uses. */
  fullForward(): void {
    if (this.frozenFeatures && this.featuresReady) { readout(this.net, this.full); return; }
    forward(this.net, this.X, { derivative: this.keepDerivative(this.X.cols), cache: this.full });
    this.featuresReady = true;
  }

  /** The loss of the last full forward pass. */
  lossOfLastForward(): number {
    return mseLoss(this.full.f, this.y);
  }

  /**
   * The full-batch loss alone (stop rule, observers, the end of training): f(X) only, no σ'(Z).
   * f is the same number with or without it (σ comes from the same call either way).
   */
  fullLoss(): number {
    const { net, X, y, full } = this;
    if (this.frozenFeatures && this.featuresReady) readout(net, full);
    else { forward(net, X, { derivative: false, cache: full }); this.featuresReady = true; }
    const n = X.cols;
    let s = 0;
    for (let j = 0; j < n; j++) { const r = full.f[j]! - (y[j] as number); s += r * r; }
    return s / (2 * n);
  }

  /**
   * Gradients on a minibatch (forward pass included), or on the full batch (forward pass
   * included unless `forwardDone`: a GD step reuses the pass that measured the previous loss).
   * Returns the batch loss and the gradients' buffers.
   */
  gradients(batch: Minibatch | undefined, forwardDone: boolean): { loss: number; grads: Gradients } {
    if (!batch) {
      if (!forwardDone) this.fullForward();
      return { loss: gradients(this.net, this.X, this.yFull, this.full, this.gFull, this.layers), grads: this.gFull };
    }
    const buf = batch.slot === 'last' ? this.lastBuffers! : this.batchBuffers!;
    forward(this.net, batch.X, { derivative: this.keepDerivative(batch.X.cols), cache: buf.f });
    return { loss: gradients(this.net, batch.X, batch.y, buf.f, buf.g, this.layers), grads: buf.g };
  }
}

/**
 * Trains `net` in place on (X d×n, y). Returns the history and why it stopped. If the loss
 * becomes NaN/Inf or grows by the divergence factor, throws DivergenceError (with the partial
 * history), or with onDivergence 'return' returns a DivergedTrainResult (see TrainConfig).
 */
export function train(net: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig & { onDivergence: 'return' }): TrainOutcome;
export function train(net: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig & { onDivergence?: 'throw' }): TrainResult;
export function train(net: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig): TrainOutcome;
export function train(net: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig): TrainOutcome {
  checkData(`train${cfg.context ? ` [${cfg.context}]` : ''}`, net, X, y);
  const n = X.cols;
  const r = resolveTraining(cfg, n);
  const { ctx, stochastic, stepsPerEpoch, maxSteps } = r;
  const minibatches = stochastic ? new MinibatchSource(X, y, r.batch, cfg.rng!) : undefined;
  const passes = new TwoLayerPasses(net, X, y, r, cfg.layers, minibatches?.lastSize ?? n);
  const state: { first?: ParameterState; second?: ParameterState } = {
    ...(r.trains.first ? { first: allocParameterState(r.optimizer, r.hyper, net.W.data.length) } : {}),
    ...(r.trains.second ? { second: allocParameterState(r.optimizer, r.hyper, net.v.length) } : {}),
  };

  const snapshots = cfg.onDivergence === 'return' ? new SnapshotKeeper(cfg.snapshot ?? 'last-finite', net) : undefined;
  const observers: Observer[] = [...(cfg.observers ?? []), ...(snapshots ? [snapshots.observer(cfg.snapshotEvery ?? stepsPerEpoch)] : [])];
  const wants = (o: Observer, step: number) => (o.at === undefined ? true : Array.isArray(o.at) ? o.at.includes(step) : o.at(step));
  const notify = (s: TrainState) => {
    for (const o of observers) if (wants(o, s.step)) o.fn(s);
  };

  // For GD the initial forward pass (with σ′ when the first layer trains) is also step 0's.
  let reuseForward = !stochastic;
  let initialLoss: number;
  if (reuseForward) {
    passes.fullForward();
    initialLoss = passes.lossOfLastForward();
  } else initialLoss = passes.fullLoss();
  const history: { step: number; loss: number }[] = [{ step: 0, loss: initialLoss }];
  let loss = initialLoss;
  let step = 0;
  let epoch = 0;

  // The loss that tripped the divergence check, and the step it was at (the run ends there).
  let blowUp: { step: number; loss: number } | undefined;
  const checkDiverged = (l: number): boolean => {
    if (Number.isFinite(l) && l <= r.divergenceFactor * Math.max(initialLoss, 1e-300)) return false;
    blowUp = { step, loss: l };
    return true;
  };
  const diverged = (): TrainOutcome => {
    const { step: at, loss: l } = blowUp!;
    const message = `training diverged${ctx}: loss ${l} at step ${at} (initial ${initialLoss.toPrecision(4)}, ` +
      `${r.optimizer}, lr ${r.lr.first}/${r.lr.second}); lower the learning rate`;
    if (!snapshots) throw new DivergenceError(message, at, l, { net, steps: step, epochs: epoch, initialLoss, finalLoss: loss, lossHistory: history });
    return {
      net: snapshots.net, steps: step, epochs: epoch, initialLoss, finalLoss: snapshots.loss, lossHistory: history,
      stoppedBy: 'diverged', converged: false, hitCap: false, divergence: snapshots.divergence(blowUp!, initialLoss, message),
    };
  };
  const stopNow = (l: number): StopReason | undefined => {
    if (cfg.lossBelow !== undefined && l < cfg.lossBelow) return 'loss';
    if (cfg.relLossBelow !== undefined && l < cfg.relLossBelow * initialLoss) return 'relLoss';
    return undefined;
  };

  notify({ step: 0, epoch: 0, net, loss });
  let stoppedBy: StopReason | undefined = stopNow(loss);

  while (stoppedBy === undefined) {
    if (step >= maxSteps) { stoppedBy = step >= (cfg.maxSteps ?? Infinity) ? 'maxSteps' : 'maxEpochs'; break; }
    const factor = cfg.lrSchedule ? cfg.lrSchedule(epoch) : 1;

    // 1. Gradients at the current iterate (a minibatch, or the full batch).
    const batch = minibatches?.gather(epoch, step % stepsPerEpoch);
    const g = passes.gradients(batch, reuseForward);
    reuseForward = false;
    if (!stochastic) {
      // For GD the forward pass of step t gives the full loss at the current iterate.
      loss = g.loss;
      if (step > 0) history.push({ step, loss });
      if (checkDiverged(loss)) return diverged();
      stoppedBy = stopNow(loss);
      if (stoppedBy !== undefined) break;
    } else if (!Number.isFinite(g.loss) && checkDiverged(g.loss)) {
      return diverged();
    }

    // 2. The update of each trained layer.
    step++;
    const common = { optimizer: r.optimizer, step, hyper: r.hyper };
    if (state.first) updateParameters({ ...common, params: net.W.data, grad: g.grads.gW.data, state: state.first, lr: r.lr.first * factor });
    if (state.second) updateParameters({ ...common, params: net.v, grad: g.grads.gv, state: state.second, lr: r.lr.second * factor });
    if (step % stepsPerEpoch === 0) epoch++;

    // 3. Stochastic runs: the full-batch loss on its schedule (stop rule and divergence).
    if (stochastic && (step % r.lossEvery === 0 || step >= maxSteps)) {
      loss = passes.fullLoss();
      history.push({ step, loss });
      if (checkDiverged(loss)) return diverged();
      stoppedBy = stopNow(loss);
    }

    // 4. Observers. For GD the loss at the new iterate comes with the next step's forward pass;
    // observers that read it at this step get it now (one extra forward pass, observed steps only).
    if (observers.length) {
      if (!stochastic && observers.some((o) => wants(o, step) && o.needsLoss !== false)) notify({ step, epoch, net, loss: passes.fullLoss() });
      else notify({ step, epoch, net, loss });
    }
  }

  // GD stopped by a cap: the loss of the last iterate (no step measured it).
  if (!stochastic && stoppedBy !== 'loss' && stoppedBy !== 'relLoss') {
    loss = passes.fullLoss();
    if (history[history.length - 1]!.step !== step) history.push({ step, loss });
    if (checkDiverged(loss)) return diverged();
    const s = stopNow(loss);
    if (s) stoppedBy = s;
  }
  return {
    net, steps: step, epochs: epoch, stoppedBy: stoppedBy!,
    converged: stoppedBy === 'loss' || stoppedBy === 'relLoss',
    hitCap: stoppedBy === 'maxSteps' || stoppedBy === 'maxEpochs',
    initialLoss, finalLoss: loss, lossHistory: history,
  };
}
