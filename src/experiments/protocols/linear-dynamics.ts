/**
 * Claim C.1 of Hu, Xiao, Adlam, Pennington (2020), claim H10: the linear model's GD on its
 * features against the function-space identity u(t) − y = (I − (η/n)K)^t (u(0) − y), K = ΨᵀΨ,
 * step by step and in closed form, and the monotone decrease of the residual below the
 * stability limit (and its growth above it).
 *
 * Inputs X are d×n (columns are samples). Loss L = (1/(2n))‖y − u‖² with u the train
 * predictions, so one step is u ← u − (η/n) K (u − y).
 */
import type { Activation } from '../../activations';
import { type LinearModelLayers, type LinearModelOptions, linearFeatures, linearModelGd, stabilityLimitFeatures } from '../../kernels/linear-model';
import { type Mat, ShapeError, shapeOf, zeros } from '../../linalg/mat';
import { eigh, gram, matvec } from '../../linalg/ops';

/**
 * e(t) = (I − (η/n)K)^t e(0) by the spectral decomposition K = V diag(λ) Vᵀ:
 * e(t) = V diag((1 − ηλ/n)^t) Vᵀ e(0) — a closed form independent of any step loop.
 * `eig` (eigh(K)) may be passed when K is reused.
 */
export function spectralPowerResidual(
  K: Mat, e0: ArrayLike<number>, lr: number, steps: readonly number[], eig: { values: Float64Array; vectors: Mat } = eigh(K),
): Map<number, Float64Array> {
  const n = K.rows;
  if (K.cols !== n || e0.length !== n) throw new ShapeError(`spectralPowerResidual: K is ${shapeOf(K)}, e0 has ${e0.length}`);
  const { values, vectors: V } = eig;
  const c = matvec(V, Float64Array.from(e0), { trans: true }); // Vᵀ e0
  const out = new Map<number, Float64Array>();
  const w = new Float64Array(n);
  for (const t of steps) {
    for (let k = 0; k < n; k++) w[k] = c[k]! * Math.pow(1 - (lr * values[k]!) / n, t);
    out.set(t, matvec(V, w));
  }
  return out;
}

/** M = I − (η/n)K (n×n), formed once for the step-by-step matrix power e ← M e. */
export function iterationMatrix(K: Mat, lr: number): Mat {
  const n = K.rows;
  const M = zeros(n, n);
  const s = lr / n;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) M.data[i + j * n] = (i === j ? 1 : 0) - s * K.data[K.offset + i + j * K.ld]!;
  }
  return M;
}

/** Euclidean norm of a − b. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ShapeError(`distance: lengths ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/** One inequality case lhs ≤ rhs along a run (`step`), as claim files report them. */
export interface StepCase {
  step: number;
  lhs: number;
  rhs: number;
}

export interface LinearDynamicsCheck {
  fraction: number;
  /** The rate used, η = fraction · 2n/λ_max(K). */
  lr: number;
  /** The stability limit 2n/λ_max(K), K = ΨᵀΨ. */
  limit: number;
  /**
   * (C.1) step by step: lhs = ‖(u(t) − y) − M^t(u(0) − y)‖ with M = I − (η/n)K applied
   * as an explicit matrix once per step; rhs = `identityTol`·‖u(0) − y‖. Every failing step
   * and the tightest passing step (so a counterexample is the earliest failing step).
   */
  identity: StepCase[];
  /** Largest ‖difference‖/‖u(0) − y‖ over all steps of the step-by-step comparison and the closed form. */
  identityWorst: number;
  /** (C.1) closed form at the last step: ‖(u(T) − y) − V diag((1 − ηλ/n)^T) Vᵀ(u(0) − y)‖ vs the same rhs. */
  spectral: StepCase;
  /** ‖u(t+1) − y‖ ≤ ‖u(t) − y‖: every failing step and the tightest passing step. */
  monotone: StepCase[];
  /** ‖u(T) − y‖ / ‖u(0) − y‖. */
  residualRatio: number;
}

function keepFailuresAndTightest(all: StepCase[]): StepCase[] {
  if (all.length === 0) return [];
  const failing = all.filter((c) => !(c.lhs <= c.rhs));
  let tight = all[0]!;
  let best = Infinity;
  for (const c of all) {
    const scale = Math.max(Math.abs(c.lhs), Math.abs(c.rhs));
    const margin = scale === 0 ? 0 : (c.rhs - c.lhs) / scale;
    if (margin < best) {
      best = margin;
      tight = c;
    }
  }
  return failing.includes(tight) ? failing : [...failing, tight].sort((a, b) => a.step - b.step);
}

/**
 * Claim C.1 of Hu et al. for one linear model (features ψ1, ψ2 or ψ of `which`): GD on the
 * features from β0 (linearModelGd, loss (1/(2n))‖Ψᵀβ − y‖², rate η) against the
 * function-space formula u(t) − y = (I − (η/n)K)^t (u(0) − y), K = ΨᵀΨ, both step by step
 * (explicit matrix M = I − (η/n)K) and in closed form at the last step (eigh of K); and
 * the monotone decrease of ‖u(t) − y‖ at η = fraction·2n/λ_max(K), one run per fraction
 * (K and its eigendecomposition shared).
 */
export function linearDynamicsCheck(
  X: Mat, y: Float64Array, act: Activation, which: LinearModelLayers,
  opts: { fractions: readonly number[]; steps: number; beta0?: Float64Array; identityTol?: number; context?: string } & LinearModelOptions,
): LinearDynamicsCheck[] {
  const n = X.cols;
  const Psi = linearFeatures(X, act, which, opts);
  const K = gram(Psi, { trans: true }); // n×n, ΨᵀΨ
  const eig = eigh(K);
  const limit = (2 * n) / eig.values[n - 1]!;
  const tol = opts.identityTol ?? 1e-10;
  return opts.fractions.map((fraction) => {
    const lr = fraction * limit;
    const M = iterationMatrix(K, lr);
    let e: Float64Array = new Float64Array(n);
    let e0: Float64Array = new Float64Array(n);
    let e0norm = 0;
    let prevNorm = 0;
    const identityAll: StepCase[] = [];
    const monotoneAll: StepCase[] = [];
    let identityWorst = 0;
    let lastResidual: Float64Array = new Float64Array(n);
    const res = linearModelGd(Psi, y, lr, opts.steps, {
      recordAt: 'every',
      keepRecords: false,
      ...(opts.beta0 ? { beta0: opts.beta0 } : {}),
      ...(opts.context ? { context: `${opts.context} η=${fraction}·limit` } : {}),
      onRecord: (rec) => {
        const r = new Float64Array(n);
        for (let i = 0; i < n; i++) r[i] = rec.train[i]! - y[i]!;
        const rn = Math.sqrt(r.reduce((acc, v) => acc + v * v, 0));
        if (rec.step === 0) {
          e = r.slice();
          e0 = r.slice();
          e0norm = rn;
        } else {
          e = matvec(M, e); // e(t) = M e(t−1)
          monotoneAll.push({ step: rec.step, lhs: rn, rhs: prevNorm });
        }
        const diff = distance(r, e);
        identityAll.push({ step: rec.step, lhs: diff, rhs: tol * e0norm });
        if (e0norm > 0) identityWorst = Math.max(identityWorst, diff / e0norm);
        prevNorm = rn;
        lastResidual = r;
      },
    });
    const T = res.steps;
    const closed = spectralPowerResidual(K, e0, lr, [T], eig).get(T)!;
    const spectral = { step: T, lhs: distance(lastResidual, closed), rhs: tol * e0norm };
    return {
      lr, limit, fraction,
      identity: keepFailuresAndTightest(identityAll),
      identityWorst: Math.max(identityWorst, e0norm > 0 ? spectral.lhs / e0norm : 0),
      spectral,
      monotone: keepFailuresAndTightest(monotoneAll),
      residualRatio: prevNorm / e0norm,
    };
  });
}

/** ‖u(T) − y‖/‖u(0) − y‖ of feature GD at η = fraction·2n/λ_max(ΨᵀΨ) (fraction > 1: beyond the limit). */
export function linearResidualGrowth(
  X: Mat, y: Float64Array, act: Activation, which: LinearModelLayers, fraction: number, steps: number,
  opts: LinearModelOptions & { beta0?: Float64Array } = {},
): number {
  const Psi = linearFeatures(X, act, which, opts);
  const lr = fraction * stabilityLimitFeatures(Psi);
  const res = linearModelGd(Psi, y, lr, steps, { ...(opts.beta0 ? { beta0: opts.beta0 } : {}), keepRecords: true });
  const first = res.records[0]!.train, last = res.records[res.records.length - 1]!.train;
  return distance(last, y) / distance(first, y);
}
