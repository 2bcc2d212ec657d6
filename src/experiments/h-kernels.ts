/**
 * Measurements shared by the kernel claims of Hu, Xiao, Adlam, Pennington (2020): data
 * concentration (Claim 3.1), distances between empirical, expected and linear-model
 * kernels (Props. D.3, D.4, D.8, D.9), and the function-space identity of the linear
 * model's GD (Claim C.1).
 *
 * Inputs X are d×n (columns are samples; H writes X as n×d, so its XXᵀ (n×n) is our XᵀX).
 * Loss of every GD here: L = (1/(2n))‖y − u‖² with u the train predictions, so one step is
 * u ← u − (η/n) K (u − y).
 */
import type { Activation } from '../activations';
import { type ExpectedKernelName, expectedKernels } from '../kernels/expected';
import {
  type LinearModelLayers, type LinearModelOptions, linearFeatures, linearKernel, linearModelGd, stabilityLimitFeatures,
} from '../kernels/linear-model';
import { conjugateKernel, firstLayerNtk } from '../kernels/empirical';
import { columns, type Mat, ShapeError, shapeOf, zeros } from '../linalg/mat';
import { eigh, gram, matmul, matvec, topEigenvalues } from '../linalg/ops';
import type { TwoLayerNet } from '../model/network';
import { symmetricSpectralNorm } from '../spectra';
import { lanczosTopEigen } from '../spectra/lanczos';

// ------------------------------------------------------------------ Claim 3.1 (data)

export interface DataConcentration {
  /** max_i |‖x_i‖²/d − 1|. */
  maxNormDeviation: number;
  /** max_{i≠j} |x_iᵀx_j|/d. */
  maxInnerProduct: number;
  /** ‖XXᵀ‖ in H's n×d convention = λ_max of the d×d matrix X Xᵀ here (same nonzero spectrum). */
  gramOpNorm: number;
  /** √(log n / d), the scale of Claim 3.1. */
  scale: number;
}

/**
 * The three quantities of Claim 3.1 for X (d×n). The off-diagonal maximum is taken over
 * column blocks of the upper triangle of XᵀX/d (block × (n − j0) at a time), so n×n is
 * never held at once.
 */
export function dataConcentration(X: Mat, blockSize = 512): DataConcentration {
  const d = X.rows, n = X.cols;
  if (d < 1 || n < 2) throw new ShapeError(`dataConcentration: X must be d×n with n ≥ 2, got ${shapeOf(X)}`);
  let maxNormDeviation = 0;
  let maxInnerProduct = 0;
  for (let j0 = 0; j0 < n; j0 += blockSize) {
    const b = Math.min(blockSize, n - j0);
    // C = X_blockᵀ X_{j0..n−1} / d: b×(n − j0), entry (r, c) is sample pair (j0 + r, j0 + c);
    // pairs with both samples before j0 were seen in earlier blocks (symmetry halves the cost).
    const w = n - j0;
    const C = matmul(columns(X, j0, b), columns(X, j0, w), { transA: true, alpha: 1 / d });
    for (let c = 0; c < w; c++) {
      const base = c * b;
      for (let r = 0; r < b && r <= c; r++) {
        const v = C.data[base + r]!;
        if (r === c) {
          const dev = Math.abs(v - 1);
          if (dev > maxNormDeviation) maxNormDeviation = dev;
        } else {
          const a = Math.abs(v);
          if (a > maxInnerProduct) maxInnerProduct = a;
        }
      }
    }
  }
  const G = gram(X); // d×d, X Xᵀ
  const gramOpNorm = topEigenvalues(G, 1)[0]!;
  return { maxNormDeviation, maxInnerProduct, gramOpNorm, scale: Math.sqrt(Math.log(n) / d) };
}

// ------------------------------------------------------------------ kernel distances

/** ‖A − B‖_op for symmetric n×n A, B (dense solve below 1200, Lanczos above). */
export function symmetricDistance(A: Mat, B: Mat): number {
  if (A.rows !== B.rows || A.cols !== B.cols) throw new ShapeError(`symmetricDistance: ${shapeOf(A)} vs ${shapeOf(B)}`);
  const D = zeros(A.rows, A.cols);
  const a = A.data, b = B.data, o = D.data;
  for (let i = 0; i < o.length; i++) o[i] = a[i]! - b[i]!;
  return symmetricSpectralNorm(D);
}

/**
 * ‖Θlin‖_op of a linear-model kernel through its features Ψ (p×n, p = d + 1 or d + 2):
 * the p×p matrix ΨΨᵀ has the same nonzero spectrum as ΨᵀΨ = Θlin, at O(p²n) cost.
 */
export function linearKernelNorm(X: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {}): number {
  const Psi = linearFeatures(X, act, which, opts);
  return topEigenvalues(gram(Psi), 1)[0]!;
}

export interface KernelGap {
  /** ‖Θ − Θlin‖_op. */
  gap: number;
  /** ‖Θlin‖_op. */
  linNorm: number;
  /** gap / linNorm. */
  relative: number;
}

/** ‖Θ − Θlin‖_op and its ratio to ‖Θlin‖_op, Θlin the layer's linear-model kernel on X. */
export function gapToLinear(Theta: Mat, X: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {}): KernelGap {
  const L = linearKernel(X, act, which, opts);
  const gap = symmetricDistance(Theta, L);
  const linNorm = linearKernelNorm(X, act, which, opts);
  return { gap, linNorm, relative: gap / linNorm };
}

/**
 * Prop. D.4 / D.9: the expected kernels Θ1*, Θ2* against Θlin1, Θlin2 on X (d×n) for one
 * activation. Θ* by closed forms (erf, ReLU) or the Hermite-series method (others).
 */
export function expectedVsLinear(
  X: Mat, act: Activation, opts: LinearModelOptions = {},
): { first: KernelGap; second: KernelGap } {
  const which: ExpectedKernelName[] = ['ntk1', 'ntk2'];
  const K = expectedKernels(X, act, which);
  return {
    first: gapToLinear(K.ntk1!, X, act, 'first', opts),
    second: gapToLinear(K.ntk2!, X, act, 'second', opts),
  };
}

/** Prop. D.8: the empirical second-layer NTK Θ2(W) = (1/m)φ(WX/√d)ᵀφ(WX/√d) against Θlin2, and λ_max(Θ2). */
export function secondLayerVsLinear(
  net: TwoLayerNet, X: Mat, opts: LinearModelOptions = {},
): KernelGap & { topEigenvalue: number } {
  const Theta2 = conjugateKernel(pairedHalf(net), X);
  const g = gapToLinear(Theta2, X, net.act, 'second', opts);
  return { ...g, topEigenvalue: topEigenvalue(Theta2) };
}

/** Prop. D.3: ‖Θ1(W) − Θ1*‖_op and ‖Θ1*‖_op. */
export function firstLayerVsExpected(net: TwoLayerNet, X: Mat): { gap: number; expectedNorm: number } {
  const Theta1 = firstLayerNtk(pairedHalf(net), X);
  const star = expectedKernels(X, net.act, ['ntk1']).ntk1!;
  return { gap: symmetricDistance(Theta1, star), expectedNorm: topEigenvalue(star) };
}

/**
 * λ_max of a symmetric matrix: dsyevr below 1200, else one Lanczos run for the top end
 * (relative accuracy 1e-10; the dense solve if Lanczos does not converge). For a PSD kernel
 * this is its operator norm, at a fraction of symmetricSpectralNorm's cost (which also runs
 * Lanczos on −K, whose bottom edge converges slowly).
 */
export function topEigenvalue(K: Mat): number {
  const n = K.rows;
  if (K.cols !== n) throw new ShapeError(`topEigenvalue: K is ${shapeOf(K)}, not square`);
  if (n < 1200) return topEigenvalues(K, 1)[0]!;
  const r = lanczosTopEigen(K, n, 1, { tol: 1e-10, skipSymmetryCheck: true });
  return r.converged ? r.values[0]! : topEigenvalues(K, 1)[0]!;
}

/**
 * Under the symmetric initialisation (rows r and r + m/2 equal, |v_r| = |v_{r+m/2}|) the
 * kernels Θ1 (which sees v_r² only) and Θ2 = CK of the width-m network equal those of the
 * width-m/2 network of the first m/2 rows: (1/m)Σ_{r≤m} = (2/m)Σ_{r≤m/2}. Returns that
 * half network (half the gemm/syrk cost), or `net` itself when the rows are not paired.
 */
export function pairedHalf(net: TwoLayerNet): TwoLayerNet {
  const m = net.W.rows, d = net.W.cols;
  if (m % 2 !== 0) return net;
  const h = m / 2;
  const W = net.W.data, ld = net.W.ld, o = net.W.offset;
  for (let r = 0; r < h; r++) if (Math.abs(net.v[r]!) !== Math.abs(net.v[r + h]!)) return net;
  for (let j = 0; j < d; j++) {
    const c = o + j * ld;
    for (let r = 0; r < h; r++) if (W[c + r] !== W[c + r + h]) return net;
  }
  const Wh = zeros(h, d);
  for (let j = 0; j < d; j++) Wh.data.set(W.subarray(o + j * ld, o + j * ld + h), j * h);
  return { W: Wh, v: net.v.slice(0, h), act: net.act };
}

// ------------------------------------------------------------------ Claim C.1

/**
 * e(t) = (I − (η/n)K)^t e(0) by the spectral decomposition K = V diag(λ) Vᵀ:
 * e(t) = V diag((1 − ηλ/n)^t) Vᵀ e(0) — a closed form independent of any step loop.
 * `eig` (eigh(K)) may be passed when K is reused.
 */
export function spectralPowerResidual(
  K: Mat, e0: ArrayLike<number>, eta: number, steps: readonly number[], eig: { values: Float64Array; vectors: Mat } = eigh(K),
): Map<number, Float64Array> {
  const n = K.rows;
  if (K.cols !== n || e0.length !== n) throw new ShapeError(`spectralPowerResidual: K is ${shapeOf(K)}, e0 has ${e0.length}`);
  const { values, vectors: V } = eig;
  const c = matvec(V, Float64Array.from(e0), { trans: true }); // Vᵀ e0
  const out = new Map<number, Float64Array>();
  const w = new Float64Array(n);
  for (const t of steps) {
    for (let k = 0; k < n; k++) w[k] = c[k]! * Math.pow(1 - (eta * values[k]!) / n, t);
    out.set(t, matvec(V, w));
  }
  return out;
}

/** M = I − (η/n)K (n×n), formed once for the step-by-step matrix power e ← M e. */
export function iterationMatrix(K: Mat, eta: number): Mat {
  const n = K.rows;
  const M = zeros(n, n);
  const s = eta / n;
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
  eta: number;
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
    const eta = fraction * limit;
    const M = iterationMatrix(K, eta);
    let e: Float64Array = new Float64Array(n);
    let e0: Float64Array = new Float64Array(n);
    let e0norm = 0;
    let prevNorm = 0;
    const identityAll: StepCase[] = [];
    const monotoneAll: StepCase[] = [];
    let identityWorst = 0;
    let lastResidual: Float64Array = new Float64Array(n);
    const res = linearModelGd(Psi, y, eta, opts.steps, {
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
    const closed = spectralPowerResidual(K, e0, eta, [T], eig).get(T)!;
    const spectral = { step: T, lhs: distance(lastResidual, closed), rhs: tol * e0norm };
    return {
      eta, limit, fraction,
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
  const eta = fraction * stabilityLimitFeatures(Psi);
  const res = linearModelGd(Psi, y, eta, steps, { ...(opts.beta0 ? { beta0: opts.beta0 } : {}), keepRecords: true });
  const first = res.records[0]!.train, last = res.records[res.records.length - 1]!.train;
  return distance(last, y) / distance(first, y);
}
