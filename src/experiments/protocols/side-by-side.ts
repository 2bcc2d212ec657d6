/**
 * Hu, Xiao, Adlam, Pennington (2020), Theorems 3.2, 3.5, D.1, Corollary 3.3, Figs. 1, 2:
 * the network and its Gaussian-constant linear model trained SIDE BY SIDE, by GD with
 * the same rate from the same start (network: symmetric init, f_0 ≡ 0; linear model:
 * β_0 = 0, f^lin_0 ≡ 0), compared step by step on the training points and on fresh test
 * points. Shared by the claims H6, H7, H8, H9, H11, H12.
 *
 * The protocol runs no GD loop of its own: the network trains with the engine's train() (or,
 * second layer only, with its kernel GD linearModelGdKernel, see below), each linear model
 * with linearModelGd (src/kernels/linear-model.ts); this file records both at the same steps
 * and compares them.
 *
 * Conventions (CLAIMS.md, "Common setting of H"):
 *   X is d×n (columns are samples; the paper writes n×d), width m (the engine's h);
 *   loss L = (1/(2n))‖f(X) − y‖² for both models (the engine's mseLoss); GD with rates η1
 *   (first layer) and η2 (second layer); the linear model f^lin = βᵀψ(x) takes
 *   β ← β − (η/n)Ψ(Ψᵀβ − y) (linearModelGd), which is the network's rate convention.
 *   Which linear model goes with which training:
 *     first layer only (η2 = 0)   ψ1, rate η1   (Theorem 3.2)
 *     second layer only (η1 = 0)  ψ2, rate η2   (Theorem 3.5)
 *     both layers (η1 = η2 = η)   ψ,  rate η    (Theorem D.1)
 *   Rates are fractions of the linear model's GD stability limit 2n/‖Θlin‖ (Θlin = ΨᵀΨ;
 *   protocols/rates.ts); the early horizon is T = ⌊c·d·ln d/η⌋ steps, c written in each claim.
 *
 * Discrepancies (Theorem 3.2's two statements; measurements/discrepancy.ts):
 *   train  (1/n) Σ_i (f_t(x_i) − f^lin_t(x_i))²
 *   test   (1/n') Σ_j min((f_t(x'_j) − f^lin_t(x'_j))², 1)   over n' fresh test points
 * and their sup over the recorded steps t ≤ T (every step when T is small, an even grid
 * of `recordPoints` steps otherwise; `recordGrid`).
 *
 * Second-layer-only training is run in function space: with W fixed, f_t(x) = v_tᵀφ(Wx/√d)/√m
 * and GD on v, v ← v − (η2/n)Φ(Φᵀv − y) with Φ = φ(WX/√d)/√m, moves the outputs by
 * f_{t+1} = f_t − (η2/n)ΦᵀΦ(f_t − y) (and on test points by Φ'ᵀΦ) — exactly the network's
 * iteration (test/experiments/side-by-side.test.ts checks it against train(..., layers:
 * 'second') to rounding), at O(n²) a step after one O(m·d·(n + n') + m·n·(n + n')) pass
 * that forms ΦᵀΦ and Φ'ᵀΦ block by block, instead of the m×d×n product W X that train()
 * recomputes every step — which matters at the width m ≳ d^{2+α} Theorem 3.5 asks for when
 * E φ(g) ≠ 0.
 */
import { applyToMat } from '../../activations';
import { type LinearModelLayers, linearModelGd, linearModelGdKernel } from '../../kernels/linear-model';
import { type Mat, ShapeError, shapeOf, view, zeros } from '../../linalg/mat';
import { gram, matmul, matvec } from '../../linalg/ops';
import { allocForward, cloneNet, forward, mseLoss, type TwoLayerNet } from '../../model/network';
import { mse } from '../../spectra';
import { train } from '../../train/train';
import { keptIn } from '../../train/checkpoints';
import { clippedGap } from '../measurements/discrepancy';
import type { LinearModelSpec } from './linear-models';

/**
 * Steps to record: every step 0..T when T ≤ points, else 0, T and `points` evenly spaced
 * steps in between; then, up to `total` (> T), another `points` evenly spaced steps. The
 * steps ≤ T do not depend on `total`, so a longer run for plots measures the same sup.
 */
export function recordGrid(T: number, total: number, points: number): number[] {
  const s = new Set<number>([0, T]);
  if (T <= points) for (let t = 0; t <= T; t++) s.add(t);
  else for (let k = 1; k < points; k++) s.add(Math.round((k * T) / points));
  if (total > T) {
    const span = total - T;
    if (span <= points) for (let t = T + 1; t <= total; t++) s.add(t);
    else for (let k = 1; k <= points; k++) s.add(T + Math.round((k * span) / points));
  }
  return [...s].sort((a, b) => a - b);
}

// ----------------------------------------------------------------------------- side by side

export interface SideBySideConfig {
  /** Which layers the network trains: η1 = η, η2 = 0 ('first'); η1 = 0, η2 = η ('second'); η1 = η2 = η ('both'). */
  layers: LinearModelLayers;
  /** The common rate (network and linear models). */
  lr: number;
  /** Steps to run (≥ the largest step in recordAt). */
  steps: number;
  /** Steps at which both are evaluated (0 = initialisation). */
  recordAt: readonly number[];
  /** Linear models trained with the same rate on the same targets. */
  linear: readonly LinearModelSpec[];
  /** Test inputs (d×n') and their targets. */
  Xtest: Mat;
  ytest: ArrayLike<number>;
  /** Keep the outputs on the first k test points at every recorded step (Fig. 1(b)). */
  keepTestOutputs?: number;
  /** Called with the network's train and test outputs at every recorded step (e.g. to compare with f*^lin). */
  onNetRecord?: (step: number, train: Float64Array, test: Float64Array) => void;
  /** The same for every linear model (by name). */
  onLinRecord?: (name: string, step: number, train: Float64Array, test: Float64Array) => void;
  /** Label for errors. */
  context?: string;
}

export interface LinearAtStep {
  trainLoss: number;
  testLoss: number;
  /** (1/n)‖f_t(X) − f^lin_t(X)‖². */
  discTrain: number;
  /** (1/n') Σ min((f_t(x') − f^lin_t(x'))², 1). */
  discTest: number;
  /** (1/n') Σ (f_t(x') − f^lin_t(x'))² (not clipped; for reports). */
  discTestRaw: number;
}

export interface StepRecord {
  step: number;
  /** Network train loss (1/(2n))‖f_t(X) − y‖² and test loss (1/(2n'))‖f_t(X') − y'‖². */
  netTrainLoss: number;
  netTestLoss: number;
  /** By linear model name. */
  lin: Record<string, LinearAtStep>;
  /** Outputs on the first k test points: network and each linear model. */
  netTestOutputs?: number[];
  linTestOutputs?: Record<string, number[]>;
}

export interface SideBySideResult {
  records: StepRecord[];
  /** The network after `steps` steps ('second': net0 itself — the run is in function space, v_t is not formed). */
  net: TwoLayerNet;
  /** How the network run ended (always the step cap here: the runs are for a fixed number of steps). */
  stoppedBy: string;
  steps: number;
}

/**
 * The second layer's kernels of `net` in function space, accumulated over blocks of
 * neurons so that no m×n buffer is formed (m ≳ d^{2+α} in Theorem 3.5):
 *   Φ = σ(W X/√d)/√m (m×n), K = ΦᵀΦ (n×n, = Θ2 = CK), K' = ΦᵀΦ' (n×n', train × test),
 *   f_0(X) = Φᵀv, f_0(X') = Φ'ᵀv.
 */
export function secondLayerKernels(
  net: TwoLayerNet, X: Mat, Xtest: Mat, blockRows = 2048,
): { K: Mat; Kcross: Mat; f0: Float64Array; f0Test: Float64Array } {
  const m = net.W.rows, d = net.W.cols;
  if (X.rows !== d || Xtest.rows !== d) {
    throw new ShapeError(`secondLayerKernels: W is ${shapeOf(net.W)}, X is ${shapeOf(X)}, X' is ${shapeOf(Xtest)} (d×n)`);
  }
  const n = X.cols, nt = Xtest.cols;
  const K = zeros(n, n);
  const Kcross = zeros(n, nt);
  const f0 = new Float64Array(n);
  const f0Test = new Float64Array(nt);
  const sd = 1 / Math.sqrt(d);
  for (let r0 = 0; r0 < m; r0 += blockRows) {
    const b = Math.min(blockRows, m - r0);
    const Wb = view(net.W, r0, 0, b, d);
    const vb = net.v.subarray(r0, r0 + b);
    const A = matmul(Wb, X, { alpha: sd });
    applyToMat(net.act, 'f', A, A);
    const At = matmul(Wb, Xtest, { alpha: sd });
    applyToMat(net.act, 'f', At, At);
    gram(A, { trans: true, alpha: 1 / m, out: K, beta: 1 });
    matmul(A, At, { transA: true, alpha: 1 / m, out: Kcross, beta: 1 });
    matvec(A, vb, { trans: true, alpha: 1 / Math.sqrt(m), out: f0, beta: 1 });
    matvec(At, vb, { trans: true, alpha: 1 / Math.sqrt(m), out: f0Test, beta: 1 });
  }
  return { K, Kcross, f0, f0Test };
}

/**
 * Trains the network (a copy of net0) and every linear model in `cfg.linear` by GD with the
 * same rate for `cfg.steps` steps, and compares them at the steps of `cfg.recordAt`.
 * Throws (with the context) if either diverges.
 */
export function sideBySide(net0: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: SideBySideConfig): SideBySideResult {
  const ctx = cfg.context ? ` [${cfg.context}]` : '';
  const at = [...new Set(cfg.recordAt)].filter((t) => t <= cfg.steps).sort((a, b) => a - b);
  const n = X.cols;
  const nt = cfg.Xtest.cols;
  const keepK = Math.min(cfg.keepTestOutputs ?? 0, nt);

  // Linear models: predictions at the recorded steps.
  const linPred = new Map<string, Map<number, { train: Float64Array; test: Float64Array }>>();
  for (const L of cfg.linear) {
    if (L.train.cols !== n || L.test.cols !== nt) {
      throw new ShapeError(`sideBySide${ctx}: linear model '${L.name}' has ${shapeOf(L.train)} / ${shapeOf(L.test)} features for n = ${n}, n' = ${nt}`);
    }
    const m = new Map<number, { train: Float64Array; test: Float64Array }>();
    linearModelGd(L.train, y, cfg.lr, cfg.steps, {
      testFeatures: L.test, recordAt: at, keepRecords: false, context: `${cfg.context ?? ''} linear '${L.name}'`,
      onRecord: (r) => m.set(r.step, { train: r.train, test: r.test! }),
    });
    linPred.set(L.name, m);
  }

  // Network predictions at the recorded steps.
  const netPred = new Map<number, { train: Float64Array; test: Float64Array }>();
  let net: TwoLayerNet;
  let stoppedBy: string;
  if (cfg.layers === 'second') {
    // With W fixed, GD on v moves the outputs by f_{t+1} = f_t − (η2/n) ΦᵀΦ (f_t − y) on X and
    // f_{t+1}(X') = f_t(X') − (η2/n) Φ'ᵀΦ (f_t − y): the network's GD in function space, exact.
    const k = secondLayerKernels(net0, X, cfg.Xtest);
    linearModelGdKernel(k.K, y, cfg.lr, cfg.steps, {
      u0: k.f0, crossKernel: k.Kcross, testU0: k.f0Test, recordAt: at, keepRecords: false,
      context: `${cfg.context ?? ''} network (second layer, function space)`,
      onRecord: (rec) => netPred.set(rec.step, { train: rec.train, test: rec.test! }),
    });
    net = net0;
    stoppedBy = 'maxSteps';
  } else {
    const m = net0.W.rows;
    const cTrain = allocForward(m, n);
    const cTest = allocForward(m, nt);
    const copy = cloneNet(net0);
    const res = train(copy, X, y, {
      optimizer: 'gd',
      lr: cfg.layers === 'first' ? { first: cfg.lr, second: 0 } : cfg.lr,
      layers: cfg.layers,
      maxSteps: cfg.steps,
      ...(cfg.context ? { context: cfg.context } : {}),
      observers: [{
        at: (t) => at.includes(t),
        fn: (s) => {
          const ftr = forward(s.net, X, { cache: cTrain }).f.slice();
          const fte = forward(s.net, cfg.Xtest, { cache: cTest }).f.slice();
          netPred.set(s.step, { train: ftr, test: fte });
        },
        // A long run (H8 at the paper tier) resumes from a checkpoint with what it recorded.
        state: keptIn(netPred),
      }],
    });
    net = res.net;
    stoppedBy = res.stoppedBy;
  }

  const records: StepRecord[] = [];
  for (const t of at) {
    const f = netPred.get(t);
    if (!f) throw new Error(`sideBySide${ctx}: no network record at step ${t}`);
    cfg.onNetRecord?.(t, f.train, f.test);
    const rec: StepRecord = { step: t, netTrainLoss: mseLoss(f.train, y), netTestLoss: mseLoss(f.test, cfg.ytest), lin: {} };
    if (keepK > 0) {
      rec.netTestOutputs = Array.from(f.test.subarray(0, keepK));
      rec.linTestOutputs = {};
    }
    for (const L of cfg.linear) {
      const g = linPred.get(L.name)!.get(t);
      if (!g) throw new Error(`sideBySide${ctx}: no record of linear model '${L.name}' at step ${t}`);
      cfg.onLinRecord?.(L.name, t, g.train, g.test);
      rec.lin[L.name] = {
        trainLoss: mseLoss(g.train, y),
        testLoss: mseLoss(g.test, cfg.ytest),
        discTrain: mse(f.train, g.train),
        discTest: clippedGap(f.test, g.test),
        discTestRaw: mse(f.test, g.test),
      };
      if (keepK > 0) rec.linTestOutputs![L.name] = Array.from(g.test.subarray(0, keepK));
    }
    records.push(rec);
  }
  return { records, net, stoppedBy, steps: cfg.steps };
}

/** The records at steps ≤ T. */
export function upTo(records: readonly StepRecord[], T: number): StepRecord[] {
  return records.filter((r) => r.step <= T);
}

/** sup over the records at steps ≤ T of a quantity of linear model `name`. */
export function supUpTo(records: readonly StepRecord[], T: number, name: string, key: keyof LinearAtStep): number {
  let s = 0;
  for (const r of upTo(records, T)) s = Math.max(s, r.lin[name]![key]);
  return s;
}

/** The record at step t (throws when it was not recorded). */
export function recordAtStep(records: readonly StepRecord[], t: number): StepRecord {
  const r = records.find((q) => q.step === t);
  if (!r) throw new Error(`recordAtStep: step ${t} was not recorded`);
  return r;
}

/**
 * A curve [t/T, value] over the records (x rescaled so that T sits at 1 for every size).
 * `fromStep` drops the earlier records (1 for discrepancies: at t = 0 both models output 0 and
 * the rounding residue ~1e-32 would set the plot's log scale).
 */
export function curveOverT(
  records: readonly StepRecord[], T: number, value: (r: StepRecord) => number, fromStep = 0,
): [number, number][] {
  return records.filter((r) => r.step >= fromStep).map((r) => [r.step / T, value(r)] as [number, number]);
}

