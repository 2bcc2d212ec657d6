/**
 * Hu, Xiao, Adlam, Pennington (2020), Theorems 3.2, 3.5, D.1, Corollary 3.3, Figs. 1, 2:
 * the network and its Gaussian-constant linear model trained SIDE BY SIDE, by GD with
 * the same rate from the same start (network: symmetric init, f_0 ≡ 0; linear model:
 * β_0 = 0, f^lin_0 ≡ 0), compared step by step on the training points and on fresh test
 * points. Shared by the claims H6, H7, H8, H9, H11, H12.
 *
 * Conventions (CLAIMS.md, "Common setting of H"):
 *   X is d×n (columns are samples; the paper writes n×d), width m (the engine's h);
 *   loss L = (1/(2n))‖f(X) − y‖² for both models; GD with rates η1 (first layer) and
 *   η2 (second layer); the linear model f^lin = βᵀψ(x) takes β ← β − (η/n)Ψ(Ψᵀβ − y)
 *   (linearModelGd), which is the network's rate convention.
 *   Which linear model goes with which training:
 *     first layer only (η2 = 0)   ψ1, rate η1   (Theorem 3.2)
 *     second layer only (η1 = 0)  ψ2, rate η2   (Theorem 3.5)
 *     both layers (η1 = η2 = η)   ψ,  rate η    (Theorem D.1)
 *   Rates are fractions of the linear model's GD stability limit 2n/‖Θlin‖ (Θlin = ΨᵀΨ);
 *   the early horizon is T = ⌊c·d·ln d/η⌋ steps, c written in each claim.
 *
 * Discrepancies (Theorem 3.2's two statements):
 *   train  (1/n) Σ_i (f_t(x_i) − f^lin_t(x_i))²
 *   test   (1/n') Σ_j min((f_t(x'_j) − f^lin_t(x'_j))², 1)   over n' fresh test points
 * and their sup over the recorded steps t ≤ T (every step when T is small, an even grid
 * of `recordPoints` steps otherwise; `recordGrid`).
 *
 * Second-layer-only training is run in function space: with W fixed, f_t(x) = v_tᵀφ(Wx/√d)/√m
 * and GD on v, v ← v − (η2/n)Φ(Φᵀv − y) with Φ = φ(WX/√d)/√m, moves the outputs by
 * f_{t+1} = f_t − (η2/n)ΦᵀΦ(f_t − y) (and on test points by Φ'ᵀΦ) — exactly the network's
 * iteration (test/experiments/h-dynamics.test.ts checks it against train(..., layers:
 * 'second') to rounding), at O(n²) a step after one O(m·d·(n + n') + m·n·(n + n')) pass
 * that forms ΦᵀΦ and Φ'ᵀΦ block by block, instead of the m×d×n product W X that train()
 * recomputes every step — which matters at the width m ≳ d^{2+α} Theorem 3.5 asks for when
 * E φ(g) ≠ 0.
 */
import type { PlotDeclaration } from '../runner/define';
import { type Activation, activation, applyToMat } from '../activations';
import { erfNetworkTeacher, gaussianInputs, normDependentTeacher, randomUnitVector, type Teacher } from '../data/data';
import {
  type LinearModelLayers, linearFeatures, linearModelConstants, linearModelGd, linearModelGdKernel, stabilityLimitFeatures,
} from '../kernels/linear-model';
import { type Mat, ShapeError, shapeOf, view, zeros } from '../linalg/mat';
import { eigh, gram, matmul, matvec } from '../linalg/ops';
import { allocForward, cloneNet, forward, type TwoLayerNet } from '../model/network';
import type { Rng } from '../random';
import { train } from '../train/train';
import { type HProblem, type HSizes, hPowerSizes, hProblem } from './h-setting';
import type { ConstantSweep } from '../runner/define';

// ----------------------------------------------------------------------------- task

export type HTarget = 'erfSign' | 'normDependent';

export interface HTaskOptions {
  /** 'erfSign': y = sign(f*(x)), f* an erf network of width `teacherWidth` (Fig. 1); 'normDependent': y = ‖x‖²/d + ReLU(aᵀx), ‖a‖ = 1 (section 3.4, Fig. 2). */
  target: HTarget;
  /** Width k of the erf-network teacher (Fig. 1: 5). */
  teacherWidth?: number;
  /** Fresh test points (noiseless targets). */
  nTest: number;
}

export interface HTask extends HProblem {
  sizes: HSizes;
  y: Float64Array;
  Xtest: Mat;
  ytest: Float64Array;
  teacher: Teacher;
}

/**
 * The H setting (hProblem: x ~ N(0, I_d), symmetric init, f_0 ≡ 0) with a target and a
 * fresh test set. Streams: 'X' and 'init' (hProblem), 'teacher', 'Xtest'.
 */
export function hTask(rng: Rng, sizes: HSizes, actName: string, opts: HTaskOptions): HTask {
  const p = hProblem(rng, sizes, actName);
  const teacher = opts.target === 'erfSign'
    ? erfNetworkTeacher(rng.split('teacher'), sizes.d, opts.teacherWidth ?? 5, activation('erf'), { sign: true })
    : normDependentTeacher(randomUnitVector(rng.split('teacher'), sizes.d));
  const Xtest = gaussianInputs(rng.split('Xtest'), sizes.d, opts.nTest);
  return { ...p, sizes, y: teacher.evaluate(p.X), Xtest, ytest: teacher.evaluate(Xtest), teacher };
}

/** The same first-layer weights and signs with another activation (symmetric init does not depend on φ). */
export function withActivationH(net: TwoLayerNet, act: Activation): TwoLayerNet {
  return { W: net.W, v: net.v, act };
}

/**
 * A symmetric init of width m drawn from the stream 'init:m<m>' (for a claim that needs a
 * second width on the same data, e.g. m ≳ d^{2+α} for ReLU in Theorem 3.5).
 */
export function widthVariant(rng: Rng, sizes: HSizes, m: number, actName: string): TwoLayerNet {
  return hProblem(rng.split(`init:m${m}`), { ...sizes, m }, actName).net;
}

// ----------------------------------------------------------------------------- rates, horizon

export interface RateChoice {
  /** The rate used: fraction · limit. */
  eta: number;
  /** 2n/λ_max(ΨᵀΨ), the GD stability limit of the linear model under the (1/(2n)) loss. */
  limit: number;
  /** λ_max(Θlin) = 2n/limit. */
  lambdaMax: number;
  fraction: number;
}

/** η = fraction · 2n/‖Θlin‖ with Θlin = ΨᵀΨ (features Ψ, p×n). */
export function rateFromFeatures(Psi: Mat, fraction: number): RateChoice {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`rateFromFeatures: fraction must be in (0, 1), got ${fraction}`);
  const limit = stabilityLimitFeatures(Psi);
  return { eta: fraction * limit, limit, lambdaMax: (2 * Psi.cols) / limit, fraction };
}

/** The theorems' early horizon T = ⌊c·d·ln d/η⌋ steps (at least 1). */
export function earlyHorizon(d: number, eta: number, c: number): number {
  if (!(d >= 2) || !(eta > 0) || !(c > 0)) throw new RangeError(`earlyHorizon: need d ≥ 2, η > 0, c > 0, got ${d}, ${eta}, ${c}`);
  return Math.max(1, Math.floor((c * d * Math.log(d)) / eta));
}

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

// ----------------------------------------------------------------------------- linear models

export interface LinearModelSpec {
  /** Name used in results ('lin', 'naive', ...). */
  name: string;
  /** Training features Ψ (p×n). */
  train: Mat;
  /** Test features Ψ' (p×n'). */
  test: Mat;
}

/** ψ1 / ψ2 / ψ features of train and test inputs (Tr Σ² from the problem). */
export function linearModelSpec(
  name: string, X: Mat, Xtest: Mat, act: Activation, which: LinearModelLayers, traceSigmaSq: number,
): LinearModelSpec {
  return {
    name,
    train: linearFeatures(X, act, which, { traceSigmaSq }),
    test: linearFeatures(Xtest, act, which, { traceSigmaSq }),
  };
}

/**
 * The "naive" linear model of section 3.4 (Fig. 2): the features of `which` with the norm
 * feature q(x) = ϑ0 + ϑ1(s − 1) + ϑ2(s − 1)² replaced by its constant ϑ0 (ϑ1 = ϑ2 = 0).
 * Only 'second' and 'both' have a norm feature.
 */
export function naiveLinearModelSpec(
  name: string, X: Mat, Xtest: Mat, act: Activation, which: 'second' | 'both', traceSigmaSq: number,
): LinearModelSpec {
  const full = linearModelSpec(name, X, Xtest, act, which, traceSigmaSq);
  const k = linearModelConstants(act, X.rows, { traceSigmaSq });
  for (const P of [full.train, full.test]) {
    const p = P.rows;
    for (let j = 0; j < P.cols; j++) P.data[j * p + p - 1] = k.theta0;
  }
  return full;
}

/**
 * The optimal linear model f*^lin: the minimum-norm least-squares β* of min ‖Ψᵀβ − y‖
 * (the limit of GD from β_0 = 0), through the eigendecomposition of the p×p matrix ΨΨᵀ;
 * eigenvalues below relTol·λ_max are treated as zero (e.g. the ν row of ψ1, which is 0
 * for erf). Returns β* and its train/test predictions.
 */
export function optimalLinearModel(
  Psi: Mat, y: ArrayLike<number>, PsiTest?: Mat, relTol = 1e-10,
): { beta: Float64Array; train: Float64Array; test?: Float64Array; rank: number } {
  if (y.length !== Psi.cols) throw new ShapeError(`optimalLinearModel: Ψ is ${shapeOf(Psi)} (p×n), y has length ${y.length}`);
  const p = Psi.rows;
  const G = gram(Psi);
  const { values, vectors } = eigh(G);
  const b = matvec(Psi, Float64Array.from(y));
  const lmax = Math.max(...values);
  const beta = new Float64Array(p);
  let rank = 0;
  for (let k = 0; k < p; k++) {
    const lam = values[k]!;
    if (!(lam > relTol * lmax)) continue;
    rank++;
    const u = vectors.data.subarray(k * p, (k + 1) * p);
    let c = 0;
    for (let i = 0; i < p; i++) c += u[i]! * b[i]!;
    c /= lam;
    for (let i = 0; i < p; i++) beta[i] += c * u[i]!;
  }
  const out: { beta: Float64Array; train: Float64Array; test?: Float64Array; rank: number } = {
    beta, train: matvec(Psi, beta, { trans: true }), rank,
  };
  if (PsiTest) out.test = matvec(PsiTest, beta, { trans: true });
  return out;
}

// ----------------------------------------------------------------------------- side by side

export interface SideBySideConfig {
  /** Which layers the network trains: η1 = η, η2 = 0 ('first'); η1 = 0, η2 = η ('second'); η1 = η2 = η ('both'). */
  layers: LinearModelLayers;
  /** The common rate (network and linear models). */
  eta: number;
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

function halfMse(f: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) {
    const r = f[i]! - y[i]!;
    s += r * r;
  }
  return s / (2 * f.length);
}

function discrepancy(a: ArrayLike<number>, b: ArrayLike<number>, clip: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const r = (a[i]! - b[i]!) ** 2;
    s += Math.min(r, clip);
  }
  return s / a.length;
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
    linearModelGd(L.train, y, cfg.eta, cfg.steps, {
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
    linearModelGdKernel(k.K, y, cfg.eta, cfg.steps, {
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
      lr: cfg.layers === 'first' ? { first: cfg.eta, second: 0 } : cfg.eta,
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
    const rec: StepRecord = { step: t, netTrainLoss: halfMse(f.train, y), netTestLoss: halfMse(f.test, cfg.ytest), lin: {} };
    if (keepK > 0) {
      rec.netTestOutputs = Array.from(f.test.subarray(0, keepK));
      rec.linTestOutputs = {};
    }
    for (const L of cfg.linear) {
      const g = linPred.get(L.name)!.get(t);
      if (!g) throw new Error(`sideBySide${ctx}: no record of linear model '${L.name}' at step ${t}`);
      cfg.onLinRecord?.(L.name, t, g.train, g.test);
      rec.lin[L.name] = {
        trainLoss: halfMse(g.train, y),
        testLoss: halfMse(g.test, cfg.ytest),
        discTrain: discrepancy(f.train, g.train, Infinity),
        discTest: discrepancy(f.test, g.test, 1),
        discTestRaw: discrepancy(f.test, g.test, Infinity),
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

/** (1/n)‖a − b‖² and (1/n') Σ min((a − b)², 1): exported for claims that compare with f*^lin. */
export function meanSquaredGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return discrepancy(a, b, Infinity);
}
export function clippedGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return discrepancy(a, b, 1);
}

/**
 * The share of ‖a − b‖² that lies outside the row space of Ψ (p×n), i.e. in directions
 * no linear model on these features can reach: 1 − ‖P(a − b)‖²/‖a − b‖², P the projection
 * onto span of Ψ's rows (least squares on the features).
 */
export function shareOutsideFeatureSpan(Psi: Mat, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const r = new Float64Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = a[i]! - b[i]!;
  const proj = optimalLinearModel(Psi, r).train;
  let all = 0, out = 0;
  for (let i = 0; i < r.length; i++) {
    all += r[i]! * r[i]!;
    out += (r[i]! - proj[i]!) ** 2;
  }
  return all > 0 ? out / all : 0;
}

// ----------------------------------------------------------------------------- early-phase job (H6–H9)

/** One network of an early-phase job: an activation and a width exponent (m = d^{1+mAlpha}). */
export interface EarlyVariant {
  /** Suffix of the observable names ('erf', 'relu', 'erfWide', ...). */
  key: string;
  act: string;
  /** m = round(d^{1+mAlpha}) (even); default: the job's alpha. */
  mAlpha?: number;
}

export interface EarlyPhaseOptions {
  d: number;
  /** n = round(sizeConstant·d^{1+alpha}). */
  alpha: number;
  /** The constant in n, m ≳ d^{1+α} (default 1): n and every width are scaled by it. */
  sizeConstant?: number;
  variants: readonly EarlyVariant[];
  layers: LinearModelLayers;
  /** η = rateFraction · 2n/‖Θlin‖ of the linear model that goes with `layers`. */
  rateFraction: number;
  /** T = ⌊c·d·ln d/η⌋. */
  c: number;
  target: HTarget;
  teacherWidth?: number;
  nTest: number;
  /** Recorded steps in [0, T] (every step when T ≤ this). */
  recordPoints: number;
  /** Trial 0 (keepDetail) runs to detailHorizon·T for the plots; the values use t ≤ T only. */
  detailHorizon: number;
  keepDetail: boolean;
  /** Also compare with the optimal linear model f*^lin at T (Corollary 3.3). */
  optimal?: boolean;
  context: string;
}

export interface EarlyPhaseOutput {
  values: Record<string, number>;
  series: Record<string, [number, number][]>;
  meta: Record<string, string | number | boolean>;
}

/**
 * One job of H6 (first layer), H7 (second layer), H8 (both layers), H9 (f*^lin): for each
 * variant, the network and the linear model that goes with `layers` trained side by side
 * from the same data for T steps. Values per variant key k:
 *   discTrain_k  sup_{t≤T} (1/n)‖f_t(X) − f^lin_t(X)‖²
 *   discTest_k   sup_{t≤T} (1/n') Σ min((f_t(x') − f^lin_t(x'))², 1)
 *   linProgress_k  1 − L^lin(T)/L(0): how much the linear model learned inside the window
 *   outsideShare_k the share of ‖f_T(X) − f^lin_T(X)‖² outside the span of the features
 *                  (what no linear model on ψ can follow: memorisation)
 * and with `optimal` (Corollary 3.3), f*^lin the least-squares linear model on the features:
 *   optTrain_k (1/n)‖f_T(X) − f*^lin(X)‖², optTest_k (1/n')Σ min((f_T − f*^lin)², 1),
 *   linOptTrain_k (1/n)‖f^lin_T(X) − f*^lin(X)‖² (the linear model's own distance at T).
 */
export function earlyPhaseJob(rng: Rng, o: EarlyPhaseOptions): EarlyPhaseOutput {
  const sizes = hPowerSizes(o.d, o.alpha, o.alpha, o.sizeConstant ?? 1);
  const task = hTask(rng, sizes, o.variants[0]!.act, {
    target: o.target, nTest: o.nTest, ...(o.teacherWidth !== undefined ? { teacherWidth: o.teacherWidth } : {}),
  });
  const values: Record<string, number> = {};
  const series: Record<string, [number, number][]> = {};
  const meta: Record<string, string | number | boolean> = { n: sizes.n, d: sizes.d, nTest: o.nTest };
  for (const v of o.variants) {
    const act = activation(v.act);
    // c_n scales the d^{1+α} widths; a wider variant (H7's m = d^{2+α}) keeps its width.
    const wide = v.mAlpha !== undefined && v.mAlpha !== o.alpha;
    const m = hPowerSizes(o.d, o.alpha, v.mAlpha ?? o.alpha, wide ? 1 : (o.sizeConstant ?? 1)).m;
    const net = m === sizes.m ? withActivationH(task.net, act) : widthVariant(rng, sizes, m, v.act);
    const lin = linearModelSpec('lin', task.X, task.Xtest, act, o.layers, task.traceSigmaSq);
    const rate = rateFromFeatures(lin.train, o.rateFraction);
    const T = earlyHorizon(o.d, rate.eta, o.c);
    const total = o.keepDetail ? Math.max(T, Math.round(o.detailHorizon * T)) : T;
    let netT: { train: Float64Array; test: Float64Array } | undefined;
    let linT: { train: Float64Array; test: Float64Array } | undefined;
    const r = sideBySide(net, task.X, task.y, {
      layers: o.layers, eta: rate.eta, steps: total, recordAt: recordGrid(T, total, o.recordPoints), linear: [lin],
      Xtest: task.Xtest, ytest: task.ytest, context: `${o.context} ${v.key}`,
      onNetRecord: (t, train, test) => { if (t === T) netT = { train: train.slice(), test: test.slice() }; },
      onLinRecord: (_, t, train, test) => { if (t === T) linT = { train: train.slice(), test: test.slice() }; },
    });
    const k = v.key;
    const atT = recordAtStep(r.records, T);
    values[`discTrain_${k}`] = supUpTo(r.records, T, 'lin', 'discTrain');
    values[`discTest_${k}`] = supUpTo(r.records, T, 'lin', 'discTest');
    values[`linProgress_${k}`] = 1 - atT.lin.lin!.trainLoss / r.records[0]!.lin.lin!.trainLoss;
    values[`outsideShare_${k}`] = shareOutsideFeatureSpan(lin.train, netT!.train, linT!.train);
    if (o.optimal) {
      const best = optimalLinearModel(lin.train, task.y, lin.test);
      values[`optTrain_${k}`] = meanSquaredGap(netT!.train, best.train);
      values[`optTest_${k}`] = clippedGap(netT!.test, best.test!);
      values[`linOptTrain_${k}`] = meanSquaredGap(linT!.train, best.train);
      meta[`rank_${k}`] = best.rank;
    }
    Object.assign(meta, {
      [`m_${k}`]: m, [`eta_${k}`]: Number(rate.eta.toPrecision(6)), [`limit_${k}`]: Number(rate.limit.toPrecision(6)),
      [`T_${k}`]: T, [`etaT/n_${k}`]: Number(((rate.eta * T) / sizes.n).toPrecision(4)),
      [`netLossT_${k}`]: Number(atT.netTrainLoss.toPrecision(4)), [`linLossT_${k}`]: Number(atT.lin.lin!.trainLoss.toPrecision(4)),
      [`stoppedBy_${k}`]: r.stoppedBy,
    });
    if (o.keepDetail) {
      series[`${k}: train discrepancy (1/n)‖f_t − f^lin_t‖² [x = t/T]`] = curveOverT(r.records, T, (q) => q.lin.lin!.discTrain, 1);
      series[`${k}: test discrepancy E min((f_t − f^lin_t)², 1) [x = t/T]`] = curveOverT(r.records, T, (q) => q.lin.lin!.discTest, 1);
      series[`${k}: train loss, network [x = t/T]`] = curveOverT(r.records, T, (q) => q.netTrainLoss);
      series[`${k}: train loss, linear model [x = t/T]`] = curveOverT(r.records, T, (q) => q.lin.lin!.trainLoss);
      series[`${k}: test loss, network [x = t/T]`] = curveOverT(r.records, T, (q) => q.netTestLoss);
      series[`${k}: test loss, linear model [x = t/T]`] = curveOverT(r.records, T, (q) => q.lin.lin!.testLoss);
    }
  }
  return { values, series, meta };
}

/**
 * The window guard of the early-phase claims (not a statement of the paper): the linear
 * model must have learned inside [0, T] — 1 − L^lin(T)/L(0) ≥ minProgress — so that a small
 * discrepancy is not the trivial one of two models that have not moved. As `holds` checks
 * 'window_<key>' (lhs ≤ rhs): minProgress ≤ linProgress_<key>.
 */
export function windowChecks(
  values: Record<string, number>, keys: readonly string[], minProgress = 0.5,
): { check: string; lhs: number; rhs: number }[] {
  return keys.map((k) => ({ check: `window_${k}`, lhs: minProgress, rhs: values[`linProgress_${k}`]! }));
}

/** The `holds` prediction on windowChecks (a guard of this suite, not the paper's): f^<lin> learns inside [0, T]. */
export function windowPrediction(key: string, lin: string, minProgress = 0.5) {
  return {
    kind: 'holds' as const, check: `window_${key}`, source: 'setting check',
    label: `the linear model learns inside [0, T] (${key}): 1 − L^${lin}(T)/L(0) ≥ ${minProgress} in every trial`,
  };
}

/** (1/n)‖a‖². */
export function meanSquare(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s / a.length;
}

/** (1/(2n))‖f − y‖², the loss convention of both models. */
export function halfMeanSquaredError(f: ArrayLike<number>, y: ArrayLike<number>): number {
  return halfMse(f, y);
}

/**
 * What H6–H9 share: n = m = d^{1+α} with α = ¼, symmetric initialisation, Fig. 1's target
 * y = sign(f*(x)) with f* an erf network of width 5 (the theorems hold for bounded labels and
 * name none), a rate that is a fixed fraction ¼ of the stability limit 2n/‖Θlin‖ of the
 * trained layers' linear kernel (each claim's header compares it with its theorem's rate
 * condition), and T = ⌊c·d·ln d/η⌋ with c = 2 — the theorems' universal constant is not
 * given; 2 is the value of section 3.4 (H12).
 */
export const H_EARLY_PHASE = {
  alpha: 0.25,
  init: 'symmetric (f_0 ≡ 0)',
  target: 'erfSign',
  targetDescription: 'y = sign(f*(x)), f* an erf network of width 5 (Fig. 1)',
  teacherWidth: 5,
  rateFraction: 0.25,
  c: 2,
  /** n = m = sizeConstant·d^{1+α}: swept by EARLY_SIZE_CONSTANT. */
  sizeConstant: 1,
  loss: '(1/(2n))‖y − f(X)‖²',
} as const;

/**
 * The constant Theorems 3.2, 3.5, D.1 and Corollary 3.3 hide in "n, m ≳ d^{1+α}" (CLAIMS.md:
 * run c = 1 and c = 4): the early-phase claims H6–H9 sweep it at every tier. Its symbol is
 * c_n, apart from the horizon's c in T = c·d·log d/η (which stays 2).
 */
export const EARLY_SIZE_CONSTANT = {
  key: 'sizeConstant',
  symbol: 'c_n',
  label: 'n = m = c_n·d^{1+α} (the theorems: n, m ≳ d^{1+α})',
  favours: 'larger',
  values: { smoke: [1, 4], standard: [1, 4], paper: [1, 4] },
} as const satisfies ConstantSweep;

/**
 * What one early-phase job needs, for `ntk-verify plan`: per network variant n·m·d work per
 * step over T ∝ ln d steps (η ∝ d), and the h×n pre-activations, features and gradients.
 * `widths` are the variants' m (H7's wide ones do not scale with c_n).
 */
export function earlyPhaseResources(d: number, s: Record<string, unknown>, wideExponents: readonly (number | undefined)[] = [undefined]): { work: number; bytes: number } {
  const alpha = s.alpha as number;
  const c = (s.sizeConstant as number | undefined) ?? 1;
  const { n } = hPowerSizes(d, alpha, alpha, c);
  const ms = wideExponents.map((e) => hPowerSizes(d, alpha, e ?? alpha, e === undefined ? c : 1).m);
  const steps = Math.max(1, Math.log(d));
  const nTest = (s.nTest as number | undefined) ?? 0;
  return {
    work: ms.reduce((w, m) => w + (n + nTest) * m * d * steps, 0),
    bytes: 8 * Math.max(...ms) * (n + nTest) * 4 + 8 * d * (n + nTest),
  };
}

/**
 * The observables H6–H8 share, per activation or variant key, for the linear model f^<lin>
 * on the features <psi> (e.g. 'lin1', 'ψ1'): the sup discrepancies on training and fresh
 * points, the window guard and the share of the gap outside span ψ.
 */
export function earlyPhaseObservables(
  keys: readonly string[], lin: string, psi: string,
): Record<string, { label: string; fit?: boolean }> {
  const observables: Record<string, { label: string; fit?: boolean }> = {};
  for (const k of keys) {
    observables[`discTrain_${k}`] = { label: `sup_{t≤T} (1/n)‖f_t(X) − f^${lin}_t(X)‖² (${k})` };
    observables[`discTest_${k}`] = { label: `sup_{t≤T} E min((f_t − f^${lin}_t)², 1) on fresh x (${k})` };
    observables[`linProgress_${k}`] = { label: `1 − L^${lin}(T)/L(0): learning inside the window (${k})`, fit: false };
    observables[`outsideShare_${k}`] = { label: `share of ‖f_T − f^${lin}_T‖² outside the span of ${psi} (${k})`, fit: false };
  }
  return observables;
}

/**
 * The declared plots of the early-phase claims (H6–H9), per activation or variant key: the
 * network's training and test losses against the linear model's (dashed), and the
 * discrepancy on training and fresh points at every d; x = t/T, so T sits at 1.
 */
export function earlyPhasePlots(keys: readonly string[], model: string): PlotDeclaration[] {
  return keys.flatMap((k) => [
    {
      id: `losses-${k}`, title: `${k}: training and test loss, network (solid) and ${model} (dashed)`,
      series: [`${k}: train loss, *`, `${k}: test loss, *`], dashed: ['*linear model*'], paired: true,
      x: 't/T', y: 'loss (1/(2n))‖y − f‖²', rules: [{ x: 1, label: 't = T' }],
    },
    {
      id: `discrepancy-${k}`, title: `${k}: discrepancy to ${model} on training and fresh points, every d`,
      series: [`${k}: train discrepancy *`, `${k}: test discrepancy *`], at: 'all' as const, logY: true,
      x: 't/T', y: 'discrepancy', rules: [{ x: 1, label: 't = T' }],
    },
  ]);
}
