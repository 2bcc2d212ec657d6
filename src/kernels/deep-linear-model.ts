/**
 * The linear model of the deep FC network: the Taylor expansion of its infinite-width kernel
 * h(a, b, c) (./deep-limit.ts; a = ‖x‖²/d, b = ‖x′‖²/d, c = xᵀx′/d) — the deep analogue of
 * Hu et al.'s Θlin (./linear-model.ts), as their §4.1 suggests.
 *
 * For x ≠ x′ with Gaussian-like data, c = O(d^{−1/2}) and δa = a − 1 = O(d^{−1/2}): expand
 * around (1, 1, 0) to second order. The terms that survive in operator norm against
 * ‖XᵀX/d‖ = Θ(n/d) are the constant, the Gram term, the c² term (whose average over pairs,
 * Tr(Σ²)/d², multiplies 11ᵀ: the fluctuating rest is a random-like matrix of norm O(√n/d)),
 * and the norm features δa, δa² (structured, rank ≤ 3); the mixed δa·c terms have norm
 * O(n/d^{3/2}) and are dropped. Off the diagonal (n×n, X is d×n):
 *
 *   Θlin(i, j) = h_c·x_iᵀx_j/d + (h_0 + ½h_cc·Tr(Σ²)/d²)
 *              + h_a(δa_i + δa_j) + ½h_aa(δa_i² + δa_j²) + h_ab·δa_i δa_j,
 *
 * with h_0 = h(1,1,0), h_c = ∂_c h, h_a = ∂_a h = ∂_b h, h_cc = ∂²_c h, h_aa = ∂²_a h, h_ab =
 * ∂_a∂_b h at (1, 1, 0). The norm part is N_iᵀ M N_j with N = [1, δa, δa²] and
 * M = [[h_0, h_a, ½h_aa], [h_a, h_ab, 0], [½h_aa, 0, 0]] — rank one (qqᵀ) for two layers, where
 * h(a, b, 0) = m(a)m(b) factors, but not in general for deeper networks.
 * On the diagonal c = a is not small: there the expansion is of g(a) = h(a, a, a) around a = 1,
 *
 *   Θlin(i, i) = g_0 + g_1 δa_i + ½g_2 δa_i²    (the "identity-like" part Hu's Θlin lacks).
 *
 * At L = 1: h_c = 2ζ², ½h_cc = (3/2)μ², h(a, b, 0) = m(a)m(b) with m(a) = E φ(√a g), so h_0 = ϑ0²,
 * h_a = ϑ0ϑ1/2, h_ab = ϑ1²/4, ½h_aa = ϑ0(ϑ2/4 − ϑ1/8) — Hu's Θlin written in δa = s² − 1 instead
 * of s − 1 (the two agree to second order; tested).
 *
 * The derivatives are central finite differences of h, Richardson-extrapolated over the steps
 * ε, ε/2, ε/4, ε/8 (ε = 1/16 by default; steps are powers of two so 1 ± step is exact): the
 * error series of a central difference has only even powers, so four levels leave
 * O(ε⁸) ≈ 2e-10·(8th derivative) truncation, while rounding of an h accurate to ~1e-15 costs
 * ~1e-15/(ε/8)² ≈ 2e-11 in a second derivative. Measured against closed-form derivatives
 * (erf, first order) and Hu's constants (L = 1): see test/kernels/deep-linear-model.test.ts.
 */
import type { Activation } from '../activations';
import { gram, matmul } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, shapeOf } from '../linalg/mat';
import { deepKernelFunction, type DeepKernelValue } from './deep-limit';
import type { ExpectedKernelOptions } from './expected';

export type DeepLinearKernelName = 'ntk' | 'ck';

/** Taylor coefficients of h for one kernel (NTK or last-layer CK) of a depth-L network. */
export interface DeepLinearCoefficients {
  depth: number;
  kernel: DeepLinearKernelName;
  /** Activation's registry name. */
  activation: string;
  /** At (a, b, c) = (1, 1, 0): h, ∂_c h, ∂_a h (= ∂_b h), ∂²_c h, ∂²_a h (= ∂²_b h), ∂_a∂_b h. */
  h0: number;
  hc: number;
  ha: number;
  hcc: number;
  haa: number;
  hab: number;
  /** Along the diagonal g(a) = h(a, a, a) at a = 1: g, g′, g″. */
  g0: number;
  g1: number;
  g2: number;
}

export interface DeepLinearCoefficientOptions extends ExpectedKernelOptions {
  /** Which kernel to expand (default 'ntk'). */
  kernel?: DeepLinearKernelName;
  /** Largest finite-difference step ε (default 1/16; Richardson over ε, ε/2, ε/4, ε/8). */
  step?: number;
}

const LEVELS = 4;

/** Richardson extrapolation of an estimate whose error is a series in ε², over ε0/2^k. */
function richardson(estimate: (eps: number) => number, eps0: number): number {
  let prev: number[] = [];
  for (let i = 0; i < LEVELS; i++) {
    const row = [estimate(eps0 / 2 ** i)];
    for (let k = 1; k <= i; k++) {
      const f = 4 ** k;
      row.push((f * row[k - 1]! - prev[k - 1]!) / (f - 1));
    }
    prev = row;
  }
  return prev[LEVELS - 1]!;
}

/**
 * The coefficients of the deep linear model (module comment) for activation `act` and `depth`
 * hidden layers, by Richardson-extrapolated central differences of h.
 */
export function deepLinearCoefficients(
  act: Activation, depth: number, opts: DeepLinearCoefficientOptions = {},
): DeepLinearCoefficients {
  const kernel = opts.kernel ?? 'ntk';
  if (kernel !== 'ntk' && kernel !== 'ck') throw new Error(`deepLinearCoefficients: unknown kernel '${String(kernel)}' (use 'ntk', 'ck')`);
  const eps0 = opts.step ?? 1 / 16;
  if (!(eps0 > 0 && eps0 <= 0.25)) throw new RangeError(`deepLinearCoefficients: step must be in (0, 1/4], got ${eps0}`);
  const h = deepKernelFunction(act, depth, opts);
  const pick = (v: DeepKernelValue): number => (kernel === 'ntk' ? v.ntk : v.ck);
  const at = (a: number, b: number, c: number): number => pick(h(a, b, c));
  const diag = (a: number): number => pick(h(a, a, a, { diagonal: true }));
  const h0 = at(1, 1, 0);
  const g0 = diag(1);
  const hc = richardson((e) => (at(1, 1, e) - at(1, 1, -e)) / (2 * e), eps0);
  const ha = richardson((e) => (at(1 + e, 1, 0) - at(1 - e, 1, 0)) / (2 * e), eps0);
  const hcc = richardson((e) => (at(1, 1, e) - 2 * h0 + at(1, 1, -e)) / (e * e), eps0);
  const haa = richardson((e) => (at(1 + e, 1, 0) - 2 * h0 + at(1 - e, 1, 0)) / (e * e), eps0);
  const hab = richardson((e) => (at(1 + e, 1 + e, 0) - at(1 + e, 1 - e, 0) - at(1 - e, 1 + e, 0) + at(1 - e, 1 - e, 0)) / (4 * e * e), eps0);
  const g1 = richardson((e) => (diag(1 + e) - diag(1 - e)) / (2 * e), eps0);
  const g2 = richardson((e) => (diag(1 + e) - 2 * g0 + diag(1 - e)) / (e * e), eps0);
  return { depth, kernel, activation: act.name, h0, hc, ha, hcc, haa, hab, g0, g1, g2 };
}

export interface DeepLinearKernelOptions {
  /** Tr(Σ²) of the data covariance (Tr Σ = d assumed); default d (Σ = I). The c² term's mean is Tr(Σ²)/d². */
  traceSigmaSq?: number;
  /**
   * 'taylor' (default): diagonal entries from the expansion of g(a) = h(a, a, a);
   * 'off-diagonal': the off-diagonal formula everywhere (what Hu's Θlin does at L = 1).
   */
  diagonal?: 'taylor' | 'off-diagonal';
}

function checkX(op: string, X: Mat): void {
  if (X.rows < 1 || X.cols < 1) throw new ShapeError(`${op}: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  assertFinite(op, 'X', X);
}

/** δa_j = ‖x_j‖²/d − 1 for each column of X (d×n). */
export function normDeviations(X: Mat): Float64Array {
  const d = X.rows;
  const out = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    let s = 0;
    const b = X.offset + j * X.ld;
    for (let i = 0; i < d; i++) s += X.data[b + i]! * X.data[b + i]!;
    out[j] = s / d - 1;
  }
  return out;
}

/** h_0 + ½h_cc·Tr(Σ²)/d²: the coefficient of 11ᵀ off the diagonal. */
export function constantTerm(k: DeepLinearCoefficients, d: number, opts: DeepLinearKernelOptions): number {
  const tr2 = opts.traceSigmaSq ?? d;
  if (!(tr2 > 0) || !Number.isFinite(tr2)) throw new RangeError(`deep linear model: traceSigmaSq must be positive, got ${tr2}`);
  return k.h0 + (0.5 * k.hcc * tr2) / (d * d);
}

/** Adds the constant and norm terms to K (nr×nc, contiguous) holding h_c·XᵀX′/d. */
function addNormTerms(K: Mat, k: DeepLinearCoefficients, constant: number, ar: Float64Array, ac: Float64Array): void {
  const nr = K.rows;
  for (let j = 0; j < K.cols; j++) {
    const dj = ac[j]!;
    for (let i = 0; i < nr; i++) {
      const di = ar[i]!;
      K.data[i + j * nr] += constant + k.ha * (di + dj) + 0.5 * k.haa * (di * di + dj * dj) + k.hab * di * dj;
    }
  }
}

/** The deep linear-model kernel Θlin on X (d×n), n×n (module comment). */
export function deepLinearKernel(X: Mat, k: DeepLinearCoefficients, opts: DeepLinearKernelOptions = {}): Mat {
  checkX('deepLinearKernel', X);
  const d = X.rows, n = X.cols;
  const mode = opts.diagonal ?? 'taylor';
  if (mode !== 'taylor' && mode !== 'off-diagonal') throw new Error(`deepLinearKernel: diagonal must be 'taylor' or 'off-diagonal', got '${String(mode)}'`);
  const K = gram(X, { trans: true, alpha: k.hc / d });
  const da = normDeviations(X);
  addNormTerms(K, k, constantTerm(k, d, opts), da, da);
  if (mode === 'taylor') {
    for (let i = 0; i < n; i++) K.data[i + i * n] = k.g0 + k.g1 * da[i]! + 0.5 * k.g2 * da[i]! * da[i]!;
  }
  return K;
}

/**
 * Θlin(X, X′) (n×n′) between X (d×n) and X′ (d×n′): the off-diagonal formula (distinct
 * points; a test point equal to a training point would need the diagonal entry instead).
 */
export function deepLinearCrossKernel(X: Mat, Xt: Mat, k: DeepLinearCoefficients, opts: DeepLinearKernelOptions = {}): Mat {
  checkX('deepLinearCrossKernel', X);
  checkX('deepLinearCrossKernel', Xt);
  if (Xt.rows !== X.rows) throw new ShapeError(`deepLinearCrossKernel: X is ${shapeOf(X)}, X′ is ${shapeOf(Xt)} (both d×n)`);
  const d = X.rows;
  const K = matmul(X, Xt, { transA: true, alpha: k.hc / d });
  addNormTerms(K, k, constantTerm(k, d, opts), normDeviations(X), normDeviations(Xt));
  return K;
}
