/**
 * The Gaussian-constant linear models of Hu, Xiao, Adlam, Pennington (2020) and their
 * gradient-descent dynamics.
 *
 * Inputs X are d×n (columns are samples). Hu et al. write X as n×d, so their XXᵀ (n×n) is
 * our XᵀX. With g ~ N(0,1) and the constants of `gaussianConstants(act)`:
 *   ζ = E φ'(g),  μ = E[g φ'(g)],  ν = μ·√(Tr(Σ²)/d)  (Σ = I unless `traceSigmaSq` is given),
 *   ϑ0 = E φ(g),  ϑ1 = E[g φ'(g)],  ϑ2 = ½ E[g² φ''(g)],
 *   s = ‖x‖/√d,   q(x) = ϑ0 + ϑ1 (s − 1) + ϑ2 (s − 1)²,
 * the feature maps are
 *   ψ1(x) = (1/√d) [ζ x ; ν]                                   (first layer only,  p = d + 1)
 *   ψ2(x) = [(ζ/√d) x ; ν/√(2d) ; q(x)]                       (second layer only, p = d + 2)
 *   ψ(x)  = [(√2 ζ/√d) x ; √(3/2) ν/√d ; q(x)]                (both layers, η1 = η2; p = d + 2)
 * and their kernels (n×n)
 *   Θlin1 = (ζ² XᵀX + ν² 11ᵀ)/d,
 *   Θlin2 = (ζ² XᵀX + ½ν² 11ᵀ)/d + qqᵀ,
 *   Θlin  = (2ζ² XᵀX + (3/2)ν² 11ᵀ)/d + qqᵀ.
 *
 * Training (Claim C.1 of Hu et al.): f_lin(x) = βᵀψ(x), β_0 = 0, loss (1/(2n))‖Ψᵀβ − y‖²,
 * β_{t+1} = β_t − (η/n) Ψ (Ψᵀβ_t − y) — the same rate convention as the network's GD, so a
 * network trained with rate η is compared with its linear model trained with the same η.
 * In function space u(t) = Ψᵀβ_t obeys u(t) − y = (I − (η/n)K)^t (u(0) − y), K = ΨᵀΨ.
 */
import { type Activation, type GaussianConstants, gaussianConstants } from '../activations';
import { gram, matmul, matvec, topEigenvalues } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, shapeOf, zeros } from '../linalg/mat';

export type LinearModelLayers = 'first' | 'second' | 'both';

export interface LinearModelOptions {
  /** Tr(Σ²) of the data covariance (Tr Σ = d assumed); default d (Σ = I). Sets ν = μ√(Tr(Σ²)/d). */
  traceSigmaSq?: number;
  /** Precomputed gaussianConstants(act) (they are recomputed by quadrature otherwise). */
  constants?: GaussianConstants;
}

/** The constants the linear models use, for inputs of dimension d. */
export interface LinearModelConstants {
  zeta: number;
  mu: number;
  nu: number;
  theta0: number;
  theta1: number;
  theta2: number;
}

/** ζ, μ, ν, ϑ0, ϑ1, ϑ2 for activation `act` and input dimension d. */
export function linearModelConstants(act: Activation, d: number, opts: LinearModelOptions = {}): LinearModelConstants {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`linearModelConstants: d must be a positive integer, got ${d}`);
  const tr2 = opts.traceSigmaSq ?? d;
  if (!(tr2 > 0) || !Number.isFinite(tr2)) throw new RangeError(`linearModelConstants: traceSigmaSq must be positive, got ${tr2}`);
  const g = opts.constants ?? gaussianConstants(act);
  return {
    zeta: g.zeta,
    mu: g.mu,
    nu: g.mu * Math.sqrt(tr2 / d),
    theta0: g.theta0,
    theta1: g.theta1,
    theta2: g.theta2,
  };
}

function checkLayers(op: string, which: string): void {
  if (which !== 'first' && which !== 'second' && which !== 'both') {
    throw new RangeError(`${op}: 'which' must be 'first', 'second' or 'both', got '${which}'`);
  }
}

function checkX(op: string, X: Mat): void {
  if (X.rows < 1 || X.cols < 1) throw new ShapeError(`${op}: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  assertFinite(op, 'X', X);
}

/** q(x_j) = ϑ0 + ϑ1(s − 1) + ϑ2(s − 1)², s = ‖x_j‖/√d, for each column of X (d×n). */
export function normFeature(X: Mat, k: LinearModelConstants): Float64Array {
  const d = X.rows, n = X.cols;
  const q = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const b = X.offset + j * X.ld;
    let ss = 0;
    for (let i = 0; i < d; i++) ss += X.data[b + i]! * X.data[b + i]!;
    const t = Math.sqrt(ss / d) - 1;
    q[j] = k.theta0 + k.theta1 * t + k.theta2 * t * t;
  }
  return q;
}

/** Number of features p of ψ1 (d + 1) or ψ2, ψ (d + 2). */
export function featureCount(d: number, which: LinearModelLayers): number {
  return which === 'first' ? d + 1 : d + 2;
}

/**
 * The features Ψ (p×n, columns are samples) of ψ1 ('first'), ψ2 ('second') or ψ ('both')
 * for inputs X (d×n). ΨᵀΨ is `linearKernel(X, act, which)`.
 */
export function linearFeatures(X: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {}): Mat {
  checkLayers('linearFeatures', which);
  checkX('linearFeatures', X);
  const d = X.rows, n = X.cols;
  const k = linearModelConstants(act, d, opts);
  const p = featureCount(d, which);
  const P = zeros(p, n);
  const sd = Math.sqrt(d);
  let xScale: number, constant: number;
  if (which === 'first') {
    xScale = k.zeta / sd;
    constant = k.nu / sd;
  } else if (which === 'second') {
    xScale = k.zeta / sd;
    constant = k.nu / Math.sqrt(2 * d);
  } else {
    xScale = (Math.SQRT2 * k.zeta) / sd;
    constant = (Math.sqrt(1.5) * k.nu) / sd;
  }
  const q = which === 'first' ? null : normFeature(X, k);
  for (let j = 0; j < n; j++) {
    const src = X.offset + j * X.ld;
    const dst = j * p;
    for (let i = 0; i < d; i++) P.data[dst + i] = xScale * X.data[src + i]!;
    P.data[dst + d] = constant;
    if (q) P.data[dst + d + 1] = q[j]!;
  }
  return P;
}

function kernelCoefficients(k: LinearModelConstants, d: number, which: LinearModelLayers): { gx: number; c1: number; useQ: boolean } {
  const z2 = k.zeta * k.zeta, n2 = k.nu * k.nu;
  if (which === 'first') return { gx: z2 / d, c1: n2 / d, useQ: false };
  if (which === 'second') return { gx: z2 / d, c1: n2 / (2 * d), useQ: true };
  return { gx: (2 * z2) / d, c1: (1.5 * n2) / d, useQ: true };
}

/**
 * Θlin1 ('first'), Θlin2 ('second') or Θlin ('both') on X (d×n): n×n, formed directly
 * (syrk of X plus the rank-one terms), equal to ΨᵀΨ of `linearFeatures`.
 */
export function linearKernel(X: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {}): Mat {
  checkLayers('linearKernel', which);
  checkX('linearKernel', X);
  const d = X.rows, n = X.cols;
  const k = linearModelConstants(act, d, opts);
  const { gx, c1, useQ } = kernelCoefficients(k, d, which);
  const K = gram(X, { trans: true, alpha: gx });
  const q = useQ ? normFeature(X, k) : null;
  const o = K.data;
  for (let j = 0; j < n; j++) {
    const qj = q ? q[j]! : 0;
    for (let i = 0; i < n; i++) o[i + j * n] += c1 + (q ? q[i]! * qj : 0);
  }
  return K;
}

/** The cross kernel Θlin(X, X') (n×n') between X (d×n) and X' (d×n'), same formulas. */
export function linearCrossKernel(
  X: Mat, Xt: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {},
): Mat {
  checkLayers('linearCrossKernel', which);
  checkX('linearCrossKernel', X);
  checkX('linearCrossKernel', Xt);
  if (Xt.rows !== X.rows) throw new ShapeError(`linearCrossKernel: X is ${shapeOf(X)}, X' is ${shapeOf(Xt)} (both d×n)`);
  const d = X.rows, n = X.cols, nt = Xt.cols;
  const k = linearModelConstants(act, d, opts);
  const { gx, c1, useQ } = kernelCoefficients(k, d, which);
  const K = matmul(X, Xt, { transA: true, alpha: gx });
  const q = useQ ? normFeature(X, k) : null;
  const qt = useQ ? normFeature(Xt, k) : null;
  for (let j = 0; j < nt; j++) {
    const qj = qt ? qt[j]! : 0;
    for (let i = 0; i < n; i++) K.data[i + j * n] += c1 + (q ? q[i]! * qj : 0);
  }
  return K;
}

// --------------------------------------------------------------------------- dynamics

/** Which steps to record: a list, a predicate, or every step. */
export type RecordAt = readonly number[] | ((step: number) => boolean) | 'every';

export interface LinearGdRecord {
  step: number;
  /** Train predictions u(t) (length n). */
  train: Float64Array;
  /** Test predictions (length n'), when test features / a cross kernel were given. */
  test?: Float64Array;
  /** β_t (length p), when `recordBeta` (feature GD only). */
  beta?: Float64Array;
  /** Training loss (1/(2n))‖u(t) − y‖². */
  loss: number;
}

export interface LinearGdOptions {
  /** Test features Ψ' (p×n'), columns are test samples. */
  testFeatures?: Mat;
  /** Steps at which to record (0 = initial state). Default [0, steps]. */
  recordAt?: RecordAt;
  /** Store β_t in the records. Default false. */
  recordBeta?: boolean;
  /** Initial β (default 0). */
  beta0?: ArrayLike<number>;
  /** Called at every recorded step (after the record is made). */
  onRecord?: (rec: LinearGdRecord) => void;
  /** Keep the records in the result (default true; set false when onRecord consumes them). */
  keepRecords?: boolean;
  /** Label for errors. */
  context?: string;
}

export interface LinearGdResult {
  /** β after the last step. */
  beta: Float64Array;
  /** Train predictions after the last step. */
  train: Float64Array;
  /** Test predictions after the last step. */
  test?: Float64Array;
  records: LinearGdRecord[];
  steps: number;
}

/** The steps `recordAt` selects, as a predicate (default: the first and the last). */
export function recorder(at: RecordAt | undefined, steps: number): (t: number) => boolean {
  if (at === undefined) return (t) => t === 0 || t === steps;
  if (at === 'every') return () => true;
  if (typeof at === 'function') return at;
  const s = new Set(at);
  return (t) => s.has(t);
}

/** A GD rate must be finite and ≥ 0, the step count a non-negative integer. */
export function checkRate(op: string, lr: number, steps: number): void {
  if (!Number.isFinite(lr) || lr < 0) throw new RangeError(`${op}: the learning rate must be finite and ≥ 0, got ${lr}`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`${op}: steps must be a non-negative integer, got ${steps}`);
}

/** r = u − y for the next GD step; a non-finite residual is a diverged run, named with step and rate. */
export function residualInto(r: Float64Array, u: Float64Array, y: Float64Array, op: string, t: number, lr: number): void {
  let rr = 0;
  for (let i = 0; i < r.length; i++) {
    r[i] = u[i]! - y[i]!;
    rr += r[i]! * r[i]!;
  }
  if (!Number.isFinite(rr)) throw new Error(`${op}: predictions became non-finite at step ${t} (η = ${lr})`);
}

/** (1/(2n))‖u − y‖². */
export function lossOf(u: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) {
    const r = u[i]! - y[i]!;
    s += r * r;
  }
  return s / (2 * u.length);
}

/**
 * Full-batch GD on f_lin = βᵀψ with features Psi (p×n, columns are training samples) and
 * targets y: β_{t+1} = β_t − (η/n) Ψ(Ψᵀβ_t − y), from β_0 = 0 (or `beta0`), for `steps`
 * steps. Records train predictions Ψᵀβ_t (and test predictions Ψ'ᵀβ_t) at the chosen steps.
 * Throws if the predictions become non-finite (rate above the stability limit).
 */
export function linearModelGd(
  Psi: Mat, y: ArrayLike<number>, lr: number, steps: number, opts: LinearGdOptions = {},
): LinearGdResult {
  const ctx = opts.context ? ` [${opts.context}]` : '';
  const op = `linearModelGd${ctx}`;
  checkRate(op, lr, steps);
  const p = Psi.rows, n = Psi.cols;
  if (y.length !== n) throw new ShapeError(`${op}: features are ${shapeOf(Psi)} (p×n), y has length ${y.length}`);
  assertFinite(op, 'Psi', Psi);
  assertFiniteArray(op, 'y', y);
  const Pt = opts.testFeatures;
  if (Pt && Pt.rows !== p) throw new ShapeError(`${op}: test features are ${shapeOf(Pt)}, need ${p} rows (p×n')`);
  const beta = new Float64Array(p);
  if (opts.beta0) {
    if (opts.beta0.length !== p) throw new ShapeError(`${op}: beta0 has length ${opts.beta0.length}, expected ${p}`);
    beta.set(Array.from(opts.beta0));
  }
  const rec = recorder(opts.recordAt, steps);
  const keep = opts.keepRecords ?? true;
  const records: LinearGdRecord[] = [];
  const u = new Float64Array(n);
  const r = new Float64Array(n);
  const ut = Pt ? new Float64Array(Pt.cols) : undefined;
  const yy = Float64Array.from(y as ArrayLike<number>);
  const step = lr / n;
  for (let t = 0; ; t++) {
    matvec(Psi, beta, { trans: true, out: u, beta: 0 });
    if (rec(t) || t === steps) {
      if (Pt) matvec(Pt, beta, { trans: true, out: ut!, beta: 0 });
      if (rec(t)) {
        const loss = lossOf(u, yy);
        if (!Number.isFinite(loss)) throw new Error(`${op}: predictions became non-finite at step ${t} (η = ${lr})`);
        const entry: LinearGdRecord = { step: t, train: u.slice(), loss };
        if (ut) entry.test = ut.slice();
        if (opts.recordBeta) entry.beta = beta.slice();
        if (keep) records.push(entry);
        opts.onRecord?.(entry);
      }
    }
    if (t === steps) break;
    residualInto(r, u, yy, op, t, lr);
    matvec(Psi, r, { alpha: -step, out: beta, beta: 1 });
  }
  const out: LinearGdResult = { beta, train: u.slice(), records, steps };
  if (ut) out.test = ut.slice();
  return out;
}

export interface KernelGdOptions {
  /** Initial train predictions u(0) (default 0). */
  u0?: ArrayLike<number>;
  /** Cross kernel K(X, X') (n×n', training samples × test samples) for test predictions. */
  crossKernel?: Mat;
  /** Initial test predictions (default 0). */
  testU0?: ArrayLike<number>;
  recordAt?: RecordAt;
  onRecord?: (rec: LinearGdRecord) => void;
  keepRecords?: boolean;
  context?: string;
}

export interface KernelGdResult {
  train: Float64Array;
  test?: Float64Array;
  records: LinearGdRecord[];
  steps: number;
}

/**
 * The same GD in function space through the kernel K (n×n, K = ΨᵀΨ when features exist):
 * u(t+1) = u(t) − (η/n) K (u(t) − y), and for test points
 * u'(t+1) = u'(t) − (η/n) K(X, X')ᵀ (u(t) − y). From u(0) = 0 (or `u0`).
 */
export function linearModelGdKernel(
  K: Mat, y: ArrayLike<number>, lr: number, steps: number, opts: KernelGdOptions = {},
): KernelGdResult {
  const ctx = opts.context ? ` [${opts.context}]` : '';
  const op = `linearModelGdKernel${ctx}`;
  checkRate(op, lr, steps);
  const n = K.rows;
  if (K.cols !== n) throw new ShapeError(`${op}: K must be square, got ${shapeOf(K)}`);
  if (y.length !== n) throw new ShapeError(`${op}: K is ${shapeOf(K)}, y has length ${y.length}`);
  assertFinite(op, 'K', K);
  assertFiniteArray(op, 'y', y);
  const Kc = opts.crossKernel;
  if (Kc && Kc.rows !== n) throw new ShapeError(`${op}: the cross kernel is ${shapeOf(Kc)}, needs ${n} rows (n×n')`);
  const u = new Float64Array(n);
  if (opts.u0) {
    if (opts.u0.length !== n) throw new ShapeError(`${op}: u0 has length ${opts.u0.length}, expected ${n}`);
    u.set(Array.from(opts.u0));
  }
  const ut = Kc ? new Float64Array(Kc.cols) : undefined;
  if (ut && opts.testU0) {
    if (opts.testU0.length !== ut.length) throw new ShapeError(`${op}: testU0 has length ${opts.testU0.length}, expected ${ut.length}`);
    ut.set(Array.from(opts.testU0));
  }
  return gdInFunctionSpace(op, y, lr, steps, u, ut, opts, (r, alpha) => {
    if (Kc) matvec(Kc, r, { trans: true, alpha, out: ut!, beta: 1 });
    matvec(K, r, { alpha, out: u, beta: 1 });
  });
}

/**
 * The GD loop in function space shared by the kernel linear models (linearModelGdKernel,
 * deepLinearModelGd): each step r = u − y, then `addKr(r, −η/n)` adds −(η/n)·K r to u (and
 * −(η/n)·K(X, X′)ᵀ r to the test predictions ut); predictions recorded where `recordAt` says.
 */
export function gdInFunctionSpace(
  op: string, y: ArrayLike<number>, lr: number, steps: number, u: Float64Array, ut: Float64Array | undefined,
  opts: { recordAt?: RecordAt; onRecord?: (rec: LinearGdRecord) => void; keepRecords?: boolean },
  addKr: (r: Float64Array, alpha: number) => void,
): KernelGdResult {
  const n = u.length;
  const rec = recorder(opts.recordAt, steps);
  const keep = opts.keepRecords ?? true;
  const records: LinearGdRecord[] = [];
  const yy = Float64Array.from(y as ArrayLike<number>);
  const r = new Float64Array(n);
  const alpha = -(lr / n);
  for (let t = 0; ; t++) {
    if (rec(t)) {
      const loss = lossOf(u, yy);
      if (!Number.isFinite(loss)) throw new Error(`${op}: predictions became non-finite at step ${t} (η = ${lr})`);
      const entry: LinearGdRecord = { step: t, train: u.slice(), loss };
      if (ut) entry.test = ut.slice();
      if (keep) records.push(entry);
      opts.onRecord?.(entry);
    }
    if (t === steps) break;
    residualInto(r, u, yy, op, t, lr);
    addKr(r, alpha);
  }
  const out: KernelGdResult = { train: u, records, steps };
  if (ut) out.test = ut;
  return out;
}

/** The GD stability limit 2n/λ_max(K) for a kernel K (n×n) under the (1/(2n)) loss. */
export function stabilityLimit(K: Mat, n: number = K.rows): number {
  if (K.rows !== K.cols) throw new ShapeError(`stabilityLimit: K must be square, got ${shapeOf(K)}`);
  const lmax = topEigenvalues(K, 1)[0]!;
  if (!(lmax > 0)) throw new RangeError(`stabilityLimit: λ_max(K) = ${lmax} is not positive`);
  return (2 * n) / lmax;
}

/** 2n/λ_max(ΨᵀΨ) from features Ψ (p×n), through the p×p matrix ΨΨᵀ (cheap when p ≪ n). */
export function stabilityLimitFeatures(Psi: Mat): number {
  const small = Psi.rows <= Psi.cols;
  const G = gram(Psi, { trans: !small });
  const lmax = topEigenvalues(G, 1)[0]!;
  if (!(lmax > 0)) throw new RangeError(`stabilityLimitFeatures: λ_max(ΨᵀΨ) = ${lmax} is not positive`);
  return (2 * Psi.cols) / lmax;
}
