/**
 * One job of the early-phase claims H6 (first layer), H7 (second layer), H8 (both layers) and
 * H9 (the optimal linear model) of Hu et al.: the H task (settings/h.ts), each network variant
 * and the linear model that goes with the trained layers run side by side
 * (protocols/side-by-side.ts) for the early horizon T, and the discrepancies, the window guard
 * and the share outside the features' span as the job's values. Also what such a job costs,
 * for `ntk-verify plan`. The observables and plots these claims declare are in
 * src/runner/builders.ts (earlyPhaseObservables, earlyPhasePlots, windowPrediction).
 *
 * X is d×n (columns are samples), width m. Loss (1/(2n))‖y − f(X)‖².
 */
import { activation } from '../../activations';
import type { LinearModelLayers } from '../../kernels/linear-model';
import type { Rng } from '../../random';
import { mse } from '../../spectra';
import { clippedGap, shareOutsideFeatureSpan } from '../measurements/discrepancy';
import { type HTarget, hPowerSizes, hTask, widthVariant } from '../settings/h';
import { withActivation } from '../settings/student';
import { linearModelSpec, optimalLinearModel } from './linear-models';
import { earlyHorizon, rateFromFeatures } from './rates';
import { curveOverT, recordAtStep, recordGrid, sideBySide, supUpTo } from './side-by-side';

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
    const net = m === sizes.m ? withActivation(task.net, act) : widthVariant(rng, sizes, m, v.act);
    const lin = linearModelSpec('lin', task.X, task.Xtest, act, o.layers, task.traceSigmaSq);
    const rate = rateFromFeatures(lin.train, o.rateFraction);
    const T = earlyHorizon(o.d, rate.lr, o.c);
    const total = o.keepDetail ? Math.max(T, Math.round(o.detailHorizon * T)) : T;
    let netT: { train: Float64Array; test: Float64Array } | undefined;
    let linT: { train: Float64Array; test: Float64Array } | undefined;
    const r = sideBySide(net, task.X, task.y, {
      layers: o.layers, lr: rate.lr, steps: total, recordAt: recordGrid(T, total, o.recordPoints), linear: [lin],
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
      values[`optTrain_${k}`] = mse(netT!.train, best.train);
      values[`optTest_${k}`] = clippedGap(netT!.test, best.test!);
      values[`linOptTrain_${k}`] = mse(linT!.train, best.train);
      meta[`rank_${k}`] = best.rank;
    }
    Object.assign(meta, {
      [`m_${k}`]: m, [`eta_${k}`]: Number(rate.lr.toPrecision(6)), [`limit_${k}`]: Number(rate.limit.toPrecision(6)),
      [`T_${k}`]: T, [`etaT/n_${k}`]: Number(((rate.lr * T) / sizes.n).toPrecision(4)),
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

/**
 * What one early-phase job needs, for `ntk-verify plan`: per network variant n·m·d work per
 * step over T = c·d·ln d/η steps, and the h×n pre-activations, features and gradients.
 * `wideExponents` give the variants' m (H7's wide ones do not scale with c_n). `horizons` say
 * how each variant's T grows: 'ln d' where η ∝ d (the usual case: ‖Θlin‖ = Θ(n/d)), 'd ln d'
 * where η = O(1) — both layers of a ReLU-type network, whose Θlin has the eigenvalue ϑ0²·n of
 * the qqᵀ term (H8: T = 173 steps at d = 64, 2073 at d = 512).
 */
export function earlyPhaseResources(
  d: number, s: Record<string, unknown>, wideExponents: readonly (number | undefined)[] = [undefined],
  horizons: readonly ('ln d' | 'd ln d')[] = wideExponents.map(() => 'ln d'),
): { work: number; bytes: number } {
  const alpha = s.alpha as number;
  const c = (s.sizeConstant as number | undefined) ?? 1;
  const { n } = hPowerSizes(d, alpha, alpha, c);
  const ms = wideExponents.map((e) => hPowerSizes(d, alpha, e ?? alpha, e === undefined ? c : 1).m);
  const lnD = Math.max(1, Math.log(d));
  const nTest = (s.nTest as number | undefined) ?? 0;
  return {
    work: ms.reduce((w, m, i) => w + (n + nTest) * m * d * (horizons[i] === 'd ln d' ? d * lnD : lnD), 0),
    bytes: 8 * Math.max(...ms) * (n + nTest) * 4 + 8 * d * (n + nTest),
  };
}
