/**
 * Training of the two-layer network: full-batch GD, minibatch SGD (seeded shuffling
 * without replacement each epoch), Adam and AdaGrad, with per-layer learning rates, a
 * choice of trained layers, stop rules, divergence detection and observers.
 *
 * Loss convention (both papers, CLAIMS.md): L = (1/(2n))‖y − f(X)‖², and on a minibatch
 * (1/(2b))Σ_batch. Learning rates mean nothing without it.
 *
 * All buffers (forward cache, gradients, optimizer moments, minibatch copies) are made
 * once; a step allocates nothing proportional to h·d or h·n.
 */
import { derivativeComesFree } from '../activations';
import { backend } from '../linalg/backend';
import { type Mat, ShapeError, clone, zeros } from '../linalg/mat';
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
  NATIVE_PASS_MIN,
} from '../model/network';
import type { Rng } from '../random';

export type Layers = 'first' | 'second' | 'both';
export type OptimizerName = 'gd' | 'sgd' | 'adam' | 'adagrad';

export interface TrainState {
  /** Optimizer steps taken so far (0 before the first). */
  step: number;
  /** Full passes over the data completed (for GD, equal to step). */
  epoch: number;
  net: TwoLayerNet;
  /** Full-batch training loss (1/(2n))‖f(X) − y‖² at this step, when known. */
  loss: number;
}

export interface Observer {
  /** Steps at which to call (0 = before training). Default: every step. */
  at?: number[] | ((step: number) => boolean);
  fn: (state: TrainState) => void;
  /**
   * GD only: whether fn reads state.loss at the new iterate (default true). It costs one extra
   * forward pass at each observed step; observers that only look at the weights set false
   * (state.loss is then the loss of the previous iterate).
   */
  needsLoss?: boolean;
}

export interface TrainConfig {
  optimizer: OptimizerName;
  /** One rate for both layers, or separate rates (η1 first layer, η2 second layer). */
  lr: number | { first: number; second: number };
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
  /** Diverged when the loss exceeds this factor times the initial loss (default 1e6). */
  divergenceFactor?: number;
  /** Shuffling stream for minibatches (required for stochastic batches). */
  rng?: Rng;
  observers?: Observer[];
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
}

export type StopReason = 'loss' | 'relLoss' | 'maxSteps' | 'maxEpochs';
export type SnapshotRule = 'last-finite' | 'best';

/** What every run reports (a DivergenceError carries it as `partial`). */
export interface TrainRun {
  net: TwoLayerNet;
  steps: number;
  epochs: number;
  initialLoss: number;
  finalLoss: number;
  /** Full-batch loss history: [step, loss] at each evaluation (every step for GD). */
  lossHistory: { step: number; loss: number }[];
}

/** A run that ended without diverging. */
export interface TrainResult extends TrainRun {
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
export interface DivergedTrainResult extends TrainRun {
  stoppedBy: 'diverged';
  converged: false;
  hitCap: false;
  divergence: Divergence;
}

/** What train() returns: a finished run, or (with onDivergence: 'return') a diverged one. */
export type TrainOutcome = TrainResult | DivergedTrainResult;

export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    message: string,
    readonly step: number,
    readonly loss: number,
    readonly partial: TrainRun,
  ) {
    super(message);
  }
}

interface OptimizerState {
  mW?: Mat; vW?: Mat; mv?: Float64Array; vv?: Float64Array;
}

function sig(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : String(v);
}

/** 'training diverged at step 37 (loss 3.1e+9, initial 0.52)': a not-measured reason. */
function divergenceReason(step: number, loss: number, initialLoss: number): string {
  return `training diverged at step ${step} (loss ${sig(loss)}, initial ${sig(initialLoss)})`;
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
  const ctx = cfg.context ? ` [${cfg.context}]` : '';
  checkData(`train${ctx}`, net, X, y);
  const { h, d } = netDims(net);
  const n = X.cols;
  const lr1 = typeof cfg.lr === 'number' ? cfg.lr : cfg.lr.first;
  const lr2 = typeof cfg.lr === 'number' ? cfg.lr : cfg.lr.second;
  if (!Number.isFinite(lr1) || !Number.isFinite(lr2) || lr1 < 0 || lr2 < 0) {
    throw new RangeError(`train${ctx}: learning rates must be finite and non-negative, got ${lr1}, ${lr2}`);
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
  if (!['gd', 'sgd', 'adam', 'adagrad'].includes(cfg.optimizer)) {
    throw new RangeError(`train${ctx}: unknown optimizer '${cfg.optimizer}' (known: gd, sgd, adam, adagrad)`);
  }
  if (cfg.maxSteps === undefined && cfg.maxEpochs === undefined) {
    throw new RangeError(`train${ctx}: give maxSteps or maxEpochs (a step cap), so a run cannot go on forever`);
  }
  const batch = cfg.optimizer === 'gd' ? n : Math.min(cfg.batchSize ?? n, n);
  if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`train${ctx}: batch size must be ≥ 1, got ${batch}`);
  const stochastic = batch < n;
  if (stochastic && !cfg.rng) throw new Error(`train${ctx}: minibatch training needs an rng for shuffling`);
  const stepsPerEpoch = Math.ceil(n / batch);
  const maxSteps = Math.min(cfg.maxSteps ?? Infinity, (cfg.maxEpochs ?? Infinity) * stepsPerEpoch);
  const trainFirst = cfg.layers !== 'second';
  const trainSecond = cfg.layers !== 'first';
  const divFactor = cfg.divergenceFactor ?? 1e6;

  // Buffers: full-batch forward/gradients, and minibatch copies when stochastic.
  const full: ForwardCache = allocForward(h, n);
  const gFull: Gradients = allocGradients(h, d, n);
  const Xb = stochastic ? zeros(d, batch) : X;
  const yb = stochastic ? new Float64Array(batch) : Float64Array.from(y);
  const fb: ForwardCache = stochastic ? allocForward(h, batch) : full;
  const gb: Gradients = stochastic ? allocGradients(h, d, batch) : gFull;
  // The last minibatch of an epoch can be smaller; it gets buffers of its own size.
  const lastSize = n - (stepsPerEpoch - 1) * batch;
  const XLast = stochastic && lastSize !== batch ? zeros(d, lastSize) : undefined;
  const yLast = XLast ? new Float64Array(lastSize) : undefined;
  const fLast = XLast ? allocForward(h, lastSize) : undefined;
  const gLast = XLast ? allocGradients(h, d, lastSize) : undefined;

  const opt: OptimizerState = {};
  if (cfg.optimizer === 'adam' || cfg.optimizer === 'adagrad') {
    if (trainFirst) { opt.vW = zeros(h, d); if (cfg.optimizer === 'adam') opt.mW = zeros(h, d); }
    if (trainSecond) { opt.vv = new Float64Array(h); if (cfg.optimizer === 'adam') opt.mv = new Float64Array(h); }
  }
  const beta1 = cfg.adam?.beta1 ?? 0.9;
  const beta2 = cfg.adam?.beta2 ?? 0.999;
  const epsAdam = cfg.adam?.eps ?? 1e-8;
  const epsAda = cfg.adagrad?.eps ?? 1e-10;

  // Second layer only, full batch: W X and σ(W X) are fixed, so after the first forward pass
  // each step needs only the readout σ(Z)ᵀv (bit-identical; saves a gemm and an activation pass).
  const frozenFeatures = !trainFirst && !stochastic;
  // σ'(Z) for the first-layer gradient: for a smooth σ (tanh, erf, sigmoid, softplus) on the
  // native path the forward pass gets it from the same transcendental call as σ(Z) and stores
  // it, so the gradient pass does not evaluate σ again (one extra h×n write instead of a
  // second transcendental pass; bit-identical, see derivativeComesFree). Otherwise (ReLU-type
  // σ, where σ' is a comparison, or the TypeScript loops) (v rᵀ) ⊙ σ'(Z) is formed from Z.
  const keepDerivative = (cols: number) => trainFirst && derivativeComesFree(net.act, h * cols);
  let featuresReady = false;
  const fullForward = (): void => {
    if (frozenFeatures && featuresReady) { readout(net, full); return; }
    forward(net, X, { derivative: keepDerivative(n), cache: full });
    featuresReady = true;
  };
  // The full-batch loss alone (stop rule, observers, the end of training) needs f(X) only: no
  // σ'(Z). f is the same number with or without it (σ comes from the same call either way).
  // The forward pass of a GD step, which the gradient uses, goes through fullForward.
  const fullLoss = (): number => {
    if (frozenFeatures && featuresReady) readout(net, full);
    else { forward(net, X, { derivative: false, cache: full }); featuresReady = true; }
    let s = 0;
    for (let j = 0; j < n; j++) { const r = full.f[j]! - (y[j] as number); s += r * r; }
    return s / (2 * n);
  };

  // With onDivergence 'return': snapshots for the network a diverged run returns, taken by an
  // observer after the caller's (so they see the same iterates and losses the caller's do).
  const snap: { rule: SnapshotRule; net: TwoLayerNet; step: number; epoch: number; loss: number } | undefined = cfg.onDivergence === 'return'
    ? { rule: cfg.snapshot ?? 'last-finite', net: { W: clone(net.W), v: net.v.slice(), act: net.act }, step: 0, epoch: 0, loss: NaN }
    : undefined;
  const snapshotObserver = (s: NonNullable<typeof snap>, every: number): Observer => ({
    at: (st) => st % every === 0,
    fn: (st) => {
      if (!Number.isFinite(st.loss)) return;
      if (s.rule === 'best' && !(st.loss < (Number.isNaN(s.loss) ? Infinity : s.loss))) return;
      clone(st.net.W, s.net.W);
      s.net.v.set(st.net.v);
      s.step = st.step;
      s.epoch = st.epoch;
      s.loss = st.loss;
    },
  });
  const observers = snap ? [...(cfg.observers ?? []), snapshotObserver(snap, cfg.snapshotEvery ?? stepsPerEpoch)] : cfg.observers ?? [];
  const wants = (o: Observer, step: number) =>
    o.at === undefined ? true : Array.isArray(o.at) ? o.at.includes(step) : o.at(step);
  const notify = (state: TrainState) => {
    for (const o of observers) if (wants(o, state.step)) o.fn(state);
  };

  // For GD the initial forward pass (with σ′ when the first layer trains) is also step 0's.
  let reuseForward = !stochastic;
  if (reuseForward) fullForward();
  const initialLoss = reuseForward ? mseLoss(full.f, y) : fullLoss();
  const history: { step: number; loss: number }[] = [{ step: 0, loss: initialLoss }];
  let loss = initialLoss;
  let step = 0;
  let epoch = 0;
  const partial = () => ({ net, steps: step, epochs: epoch, initialLoss, finalLoss: loss, lossHistory: history });
  // The loss that tripped the divergence check, and the step it was at (the run ends there).
  let blowUp: { step: number; loss: number } | undefined;
  const checkDiverged = (l: number): boolean => {
    if (Number.isFinite(l) && l <= divFactor * Math.max(initialLoss, 1e-300)) return false;
    blowUp = { step, loss: l };
    return true;
  };
  const diverged = (): TrainOutcome => {
    const { step: at, loss: l } = blowUp!;
    const message = `training diverged${ctx}: loss ${l} at step ${at} (initial ${initialLoss.toPrecision(4)}, ` +
      `${cfg.optimizer}, lr ${lr1}/${lr2}); lower the learning rate`;
    if (!snap) throw new DivergenceError(message, at, l, partial());
    return {
      net: snap.net, steps: step, epochs: epoch, initialLoss, finalLoss: snap.loss, lossHistory: history,
      stoppedBy: 'diverged', converged: false, hitCap: false,
      divergence: {
        step: at, loss: l, message, reason: divergenceReason(at, l, initialLoss),
        snapshot: snap.rule, snapshotStep: snap.step, snapshotEpoch: snap.epoch,
      },
    };
  };
  const stopNow = (l: number): StopReason | undefined => {
    if (cfg.lossBelow !== undefined && l < cfg.lossBelow) return 'loss';
    if (cfg.relLossBelow !== undefined && l < cfg.relLossBelow * initialLoss) return 'relLoss';
    return undefined;
  };

  notify({ step: 0, epoch: 0, net, loss });
  let stoppedBy: StopReason | undefined = stopNow(loss);
  let order: Int32Array | undefined;
  const lossEvery = cfg.lossEvery ?? stepsPerEpoch;

  while (stoppedBy === undefined) {
    if (step >= maxSteps) { stoppedBy = step >= (cfg.maxSteps ?? Infinity) ? 'maxSteps' : 'maxEpochs'; break; }
    const within = step % stepsPerEpoch;
    if (stochastic && within === 0) order = cfg.rng!.split(`epoch:${epoch}`).shuffle(n);
    const scheduleFactor = cfg.lrSchedule ? cfg.lrSchedule(epoch) : 1;
    const eta1 = lr1 * scheduleFactor;
    const eta2 = lr2 * scheduleFactor;

    let cache = full, grads = gFull, Xs: Mat = X, ys: ArrayLike<number> = yb;
    if (stochastic) {
      const start = within * batch;
      const size = Math.min(batch, n - start);
      const isLast = size !== batch;
      Xs = isLast ? XLast! : Xb;
      const yArr = isLast ? yLast! : yb;
      for (let k = 0; k < size; k++) {
        const col = order![start + k]!;
        Xs.data.set(X.data.subarray(X.offset + col * X.ld, X.offset + col * X.ld + d), k * d);
        yArr[k] = y[col] as number;
      }
      ys = yArr;
      cache = isLast ? fLast! : fb;
      grads = isLast ? gLast! : gb;
    }
    if (reuseForward) reuseForward = false;
    else if (!stochastic) fullForward();
    else forward(net, Xs, { derivative: keepDerivative(Xs.cols), cache });
    const batchLoss = gradients(net, Xs, ys, cache, grads, cfg.layers);
    if (!stochastic) {
      // For GD the forward pass of step t gives the full loss at the current iterate.
      loss = batchLoss;
      if (step > 0) history.push({ step, loss });
      if (checkDiverged(loss)) return diverged();
      stoppedBy = stopNow(loss);
      if (stoppedBy !== undefined) break;
    } else if (!Number.isFinite(batchLoss) && checkDiverged(batchLoss)) {
      return diverged();
    }

    step++;
    applyUpdate(cfg.optimizer, net, grads, opt, eta1, eta2, trainFirst, trainSecond, step, beta1, beta2, epsAdam, epsAda);
    if (step % stepsPerEpoch === 0) epoch++;

    if (stochastic) {
      if (step % lossEvery === 0 || step >= maxSteps) {
        loss = fullLoss();
        history.push({ step, loss });
        if (checkDiverged(loss)) return diverged();
        stoppedBy = stopNow(loss);
      }
    }
    if (observers.length) {
      const needLoss = !stochastic;
      if (needLoss && observers.some((o) => wants(o, step) && o.needsLoss !== false)) {
        // The loss at the new iterate is computed at the next step's forward; observers
        // at this step get it now (one extra forward pass only at observed steps).
        const l = fullLoss();
        notify({ step, epoch, net, loss: l });
      } else {
        notify({ step, epoch, net, loss });
      }
    }
  }
  if (!stochastic && stoppedBy !== 'loss' && stoppedBy !== 'relLoss') {
    loss = fullLoss();
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

function applyUpdate(
  name: OptimizerName, net: TwoLayerNet, g: Gradients, s: OptimizerState, eta1: number, eta2: number,
  first: boolean, second: boolean, t: number, b1: number, b2: number, epsAdam: number, epsAda: number,
): void {
  if (first) updateArray(name, net.W.data, g.gW.data, s.mW?.data, s.vW?.data, eta1, t, b1, b2, epsAdam, epsAda);
  if (second) updateArray(name, net.v, g.gv, s.mv, s.vv, eta2, t, b1, b2, epsAdam, epsAda);
}

/** One optimizer update of a flat parameter array, in place. */
function updateArray(
  name: OptimizerName, p: Float64Array, g: Float64Array, m: Float64Array | undefined, v: Float64Array | undefined,
  eta: number, t: number, b1: number, b2: number, epsAdam: number, epsAda: number,
): void {
  const len = p.length;
  const be = backend();
  if (be.optimizerUpdate && len >= NATIVE_PASS_MIN) {
    // The loops below, operation for operation, in the addon on the BLAS threads (bit-identical:
    // test/engine/native-passes.test.ts). Adam's bias corrections are formed here, as below.
    if (name === 'gd' || name === 'sgd') be.optimizerUpdate(0, p, g, null, null, len, eta, 0, 0, 1, 1, 0);
    else if (name === 'adam') be.optimizerUpdate(1, p, g, m!, v!, len, eta, b1, b2, 1 - b1 ** t, 1 - b2 ** t, epsAdam);
    else be.optimizerUpdate(2, p, g, null, v!, len, eta, 0, 0, 1, 1, epsAda);
    return;
  }
  switch (name) {
    case 'gd':
    case 'sgd':
      for (let i = 0; i < len; i++) p[i] -= eta * g[i]!;
      return;
    case 'adam': {
      // Kingma & Ba, Algorithm 1, with bias corrections folded into the step size.
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      const mm = m!, vv = v!;
      for (let i = 0; i < len; i++) {
        const gi = g[i]!;
        const mi = b1 * mm[i]! + (1 - b1) * gi;
        const vi = b2 * vv[i]! + (1 - b2) * gi * gi;
        mm[i] = mi;
        vv[i] = vi;
        p[i] -= (eta * (mi / c1)) / (Math.sqrt(vi / c2) + epsAdam);
      }
      return;
    }
    case 'adagrad': {
      const acc = v!;
      for (let i = 0; i < len; i++) {
        const gi = g[i]!;
        const a = acc[i]! + gi * gi;
        acc[i] = a;
        p[i] -= (eta * gi) / (Math.sqrt(a) + epsAda);
      }
      return;
    }
  }
}
