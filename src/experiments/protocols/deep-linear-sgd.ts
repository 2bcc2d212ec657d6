/**
 * Minibatch SGD on the deep network's linear model (src/kernels/deep-linear-model.ts) in
 * function space, on the SAME minibatches as the network's SGD (Hu et al. §4.2, Figs. 3–4:
 * the network trained by SGD with batch b and "the corresponding linear model" trained with the
 * same rate and steps). For the linear model f^lin(x) = βᵀψ(x) with ψ(x)ᵀψ(x′) = Θlin(x, x′), an
 * SGD step on the batch B, β ← β − (η/b) Ψ_B(Ψ_Bᵀβ − y_B), moves the predictions by
 *
 *   u ← u − (η/b)·Θlin(X, X_B) r_B,   u′ ← u′ − (η/b)·Θlin(X′, X_B) r_B,   r_B = u_B − y_B,
 *
 * which costs O((n + n′ + b)·d) a step without an n×n kernel:
 * Θlin(·, X_B) r_B = (h_c/d)·(·)ᵀ(X_B r_B) + Nᵀ M′ (N_B r_B) (+ λ_i r_i on the batch's own
 * points when the diagonal is 'taylor'; see deep-linear-gd.ts for N, M′, λ). With b = n this is
 * deepLinearModelGd exactly (tested to 1e-12).
 *
 * Batches follow train()'s rule (src/train/minibatches.ts): epoch k shuffles the n columns with
 * rng.split(`epoch:k`), step t takes the (t mod ⌈n/b⌉)-th slice of b columns (the last one of an
 * epoch holds the rest). Pass the rng given to train() and both models see the same batches at
 * every step (tested against MinibatchSource). From u(0) = 0.
 */
import {
  type DeepLinearCoefficients,
  type DeepLinearKernelOptions,
  constantTerm,
  normDeviations,
} from '../../kernels/deep-linear-model';
import { type KernelGdResult, type LinearGdRecord, type RecordAt, checkRate, lossOf, recorder } from '../../kernels/linear-model';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, shapeOf } from '../../linalg/mat';
import { matvec } from '../../linalg/ops';
import type { Rng } from '../../random';

export interface DeepLinearSgdOptions extends DeepLinearKernelOptions {
  /** Minibatch size b (1 ≤ b ≤ n; b = n is full-batch GD). */
  batchSize: number;
  /** The shuffling stream: the rng given to the network's train() (same batches). */
  rng: Rng;
  /** Test inputs X′ (d×n′): their predictions are recorded too. */
  Xtest?: Mat;
  recordAt?: RecordAt;
  onRecord?: (rec: LinearGdRecord) => void;
  keepRecords?: boolean;
  context?: string;
}

/** Column indices of the `within`-th batch of `epoch` under train()'s rule, given that epoch's order. */
export function minibatchIndices(order: Int32Array | number[], n: number, b: number, within: number): number[] {
  const start = within * b;
  const size = Math.min(b, n - start);
  const out: number[] = new Array(size);
  for (let k = 0; k < size; k++) out[k] = order[start + k]!;
  return out;
}

/**
 * SGD of the deep linear model on X (d×n), y with batch size b and rate η for `steps` steps,
 * on the batches train() draws from `rng` (module comment). Records u(t) (and test
 * predictions) at the steps `recordAt` selects (default the first and the last).
 */
export function deepLinearModelSgd(
  X: Mat, y: ArrayLike<number>, k: DeepLinearCoefficients, eta: number, steps: number, opts: DeepLinearSgdOptions,
): KernelGdResult {
  const op = `deepLinearModelSgd${opts.context ? ` [${opts.context}]` : ''}`;
  checkRate(op, eta, steps);
  const d = X.rows, n = X.cols;
  if (d < 1 || n < 1) throw new ShapeError(`${op}: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  if (y.length !== n) throw new ShapeError(`${op}: X is ${shapeOf(X)} (d×n), y has length ${y.length}`);
  assertFinite(op, 'X', X);
  assertFiniteArray(op, 'y', y);
  const Xt = opts.Xtest;
  if (Xt) {
    if (Xt.rows !== d) throw new ShapeError(`${op}: X is ${shapeOf(X)}, Xtest is ${shapeOf(Xt)} (both d×n)`);
    assertFinite(op, 'Xtest', Xt);
  }
  const da = normDeviations(X);
  const dat = Xt ? normDeviations(Xt) : undefined;
  const c0 = constantTerm(k, d, opts);
  const mode = opts.diagonal ?? 'taylor';
  if (mode !== 'taylor' && mode !== 'off-diagonal') throw new Error(`${op}: diagonal must be 'taylor' or 'off-diagonal', got '${String(mode)}'`);
  const lambda = new Float64Array(n);
  if (mode === 'taylor') {
    for (let i = 0; i < n; i++) {
      const di = da[i]!;
      const offAt = k.hc * (1 + di) + c0 + 2 * k.ha * di + k.haa * di * di + k.hab * di * di;
      lambda[i] = k.g0 + k.g1 * di + 0.5 * k.g2 * di * di - offAt;
    }
  }
  const u = new Float64Array(n);
  const ut = Xt ? new Float64Array(Xt.cols) : undefined;
  const s = new Float64Array(d);
  // Adds alpha·(norm part of Θlin(·, X_B) r_B) to out, given m = M′(N_B r_B).
  const normPart = (dev: Float64Array, m0: number, m1: number, m2: number, out: Float64Array): void => {
    if (m0 === 0 && m1 === 0 && m2 === 0) return;
    for (let j = 0; j < dev.length; j++) {
      const dj = dev[j]!;
      out[j] += m0 + m1 * dj + m2 * dj * dj;
    }
  };
  return sgdInFunctionSpace(op, y, eta, steps, u, ut, opts, (batch, r, alpha) => {
    const nb = batch.length;
    // s = X_B r_B and N_B r_B, with r_B = u_B − y_B.
    s.fill(0);
    let p0 = 0, p1 = 0, p2 = 0;
    for (let q = 0; q < nb; q++) {
      const j = batch[q]!;
      const rj = r[q]!;
      const base = X.offset + j * X.ld;
      for (let i = 0; i < d; i++) s[i] += X.data[base + i]! * rj;
      const dj = da[j]!;
      p0 += rj;
      p1 += dj * rj;
      p2 += dj * dj * rj;
    }
    const m0 = alpha * (c0 * p0 + k.ha * p1 + 0.5 * k.haa * p2);
    const m1 = alpha * (k.ha * p0 + k.hab * p1);
    const m2 = alpha * (0.5 * k.haa * p0);
    if (ut && Xt && dat) {
      matvec(Xt, s, { trans: true, alpha: (alpha * k.hc) / d, out: ut, beta: 1 });
      normPart(dat, m0, m1, m2, ut);
    }
    matvec(X, s, { trans: true, alpha: (alpha * k.hc) / d, out: u, beta: 1 });
    normPart(da, m0, m1, m2, u);
    if (mode === 'taylor') for (let q = 0; q < nb; q++) u[batch[q]!] += alpha * lambda[batch[q]!]! * r[q]!;
  });
}

export interface KernelSgdOptions {
  batchSize: number;
  /** The shuffling stream: the rng given to the network's train() (same batches). */
  rng: Rng;
  /** K(X, X′) (n×n′, as linearModelGdKernel's): test predictions are recorded too. */
  crossKernel?: Mat;
  recordAt?: RecordAt;
  onRecord?: (rec: LinearGdRecord) => void;
  keepRecords?: boolean;
  context?: string;
}

/**
 * Minibatch SGD in function space through an explicit kernel K (n×n, symmetric): the model
 * whose kernel is K, trained on the batches train() draws from `opts.rng` (u ← u − (η/b)·K(X, X_B)
 * r_B, u′ ← u′ − (η/b)·K(X′, X_B) r_B), from u(0) = 0. With the infinite-width NTK as K this is
 * the network's exact lazy (width → ∞) limit, without the Taylor expansion of the kernel that
 * deepLinearModelSgd makes: the two side by side split a network's distance from its linear
 * model into a finite-width part and a Taylor part. O((n + n′)·b) a step.
 */
export function kernelModelSgd(K: Mat, y: ArrayLike<number>, eta: number, steps: number, opts: KernelSgdOptions): KernelGdResult {
  const op = `kernelModelSgd${opts.context ? ` [${opts.context}]` : ''}`;
  checkRate(op, eta, steps);
  const n = K.rows;
  if (K.cols !== n || n < 1) throw new ShapeError(`${op}: K must be a non-empty square matrix, got ${shapeOf(K)}`);
  if (y.length !== n) throw new ShapeError(`${op}: K is ${shapeOf(K)}, y has length ${y.length}`);
  assertFinite(op, 'K', K);
  assertFiniteArray(op, 'y', y);
  const Kc = opts.crossKernel;
  if (Kc) {
    if (Kc.rows !== n) throw new ShapeError(`${op}: the cross kernel is ${shapeOf(Kc)}, needs ${n} rows (n×n′)`);
    assertFinite(op, 'crossKernel', Kc);
  }
  const u = new Float64Array(n);
  const ut = Kc ? new Float64Array(Kc.cols) : undefined;
  return sgdInFunctionSpace(op, y, eta, steps, u, ut, opts, (batch, r, alpha) => {
    // Test: u′_i += α Σ_q K(j_q, i′) r_q, down each column of the n×n′ cross kernel.
    if (Kc && ut) {
      for (let i = 0; i < ut.length; i++) {
        const base = Kc.offset + i * Kc.ld;
        let acc = 0;
        for (let q = 0; q < batch.length; q++) acc += Kc.data[base + batch[q]!]! * r[q]!;
        ut[i] += alpha * acc;
      }
    }
    // Train: K is symmetric, so K(X, x_j) is column j: u += α r_q K[:, j_q].
    for (let q = 0; q < batch.length; q++) {
      const base = K.offset + batch[q]! * K.ld, c = alpha * r[q]!;
      for (let i = 0; i < n; i++) u[i] += c * K.data[base + i]!;
    }
  });
}

/**
 * The minibatch loop every function-space SGD here shares: records u(t) (and u′(t)) at the
 * steps `recordAt` selects, draws the batch of step t by train()'s rule from `opts.rng`, forms
 * r_B = u_B − y_B (a non-finite residual is a diverged run, named with step, rate and batch),
 * (b and the rng checked here for every caller) and lets `addKr(batch, r_B, −η/|B|)` move u and u′ by −(η/|B|)·K(·, X_B) r_B.
 */
export function sgdInFunctionSpace(
  op: string, y: ArrayLike<number>, eta: number, steps: number, u: Float64Array, ut: Float64Array | undefined,
  opts: { batchSize: number; rng: Rng; recordAt?: RecordAt; onRecord?: (rec: LinearGdRecord) => void; keepRecords?: boolean },
  addKr: (batch: number[], r: Float64Array, alpha: number) => void,
): KernelGdResult {
  const n = u.length, b = opts.batchSize;
  if (!Number.isInteger(b) || b < 1 || b > n) throw new RangeError(`${op}: batchSize must be an integer in [1, n = ${n}], got ${b}`);
  if (!opts.rng || typeof opts.rng.shuffle !== 'function') throw new TypeError(`${op}: rng must be the seeded stream given to train()`);
  const yy = Float64Array.from(y as ArrayLike<number>);
  const rec = recorder(opts.recordAt, steps);
  const keep = opts.keepRecords ?? true;
  const records: LinearGdRecord[] = [];
  const perEpoch = Math.ceil(n / b);
  let order: Int32Array = new Int32Array(0);
  for (let t = 0; ; t++) {
    if (rec(t)) {
      const loss = lossOf(u, yy);
      if (!Number.isFinite(loss)) throw new Error(`${op}: predictions became non-finite at step ${t} (η = ${eta}, batch ${b})`);
      const entry: LinearGdRecord = { step: t, train: u.slice(), loss };
      if (ut) entry.test = ut.slice();
      if (keep) records.push(entry);
      opts.onRecord?.(entry);
    }
    if (t === steps) break;
    const epoch = Math.floor(t / perEpoch), within = t % perEpoch;
    if (within === 0) order = opts.rng.split(`epoch:${epoch}`).shuffle(n);
    const batch = minibatchIndices(order, n, b, within);
    const nb = batch.length;
    const r = new Float64Array(nb);
    for (let q = 0; q < nb; q++) {
      const j = batch[q]!;
      const rj = u[j]! - yy[j]!;
      if (!Number.isFinite(rj)) throw new Error(`${op}: residual became non-finite at step ${t} (η = ${eta}, batch ${b})`);
      r[q] = rj;
    }
    addKr(batch, r, -eta / nb);
  }
  const out: KernelGdResult = { train: u, records, steps };
  if (ut) out.test = ut;
  return out;
}
