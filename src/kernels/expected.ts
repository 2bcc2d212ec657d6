/**
 * Expected (infinite-width) kernels of the two-layer network of Hu et al. (2020), for a
 * Gaussian first layer w ~ N(0, I_d) and second-layer weights v with v² = 1.
 *
 * Inputs X are d×n (columns are samples; Hu et al. write X as n×d, so their XXᵀ is our XᵀX).
 * For samples x_i, x_j put u_i = x_iᵀw/√d: (u_i, u_j) is a centred Gaussian pair with
 *   Var u_i = a = ‖x_i‖²/d,  Var u_j = a' = ‖x_j‖²/d,  Cov = c = x_iᵀx_j/d,
 * and
 *   Θ1*(i,j) = E[φ'(u_i) φ'(u_j)] · c      (first-layer NTK, v² = 1)
 *   Θ2*(i,j) = E[φ(u_i) φ(u_j)]            (second-layer NTK = expected conjugate kernel)
 *   Θ*      = Θ1* + Θ2*                   (both layers).
 *
 * Methods for the 2-D Gaussian expectation E[ψ(u)ψ(u')] (ψ = φ or φ'):
 *
 *  - 'closed' (erf, ReLU). erf: E[φ'φ'] = (4/π)/√((1+2a)(1+2a') − 4c²),
 *    E[erf erf] = (2/π) arcsin(2c/√((1+2a)(1+2a'))). ReLU (arc-cosine kernels of Cho & Saul):
 *    ρ = c/√(aa'), θ = arccos ρ, E[relu relu] = √(aa')/(2π)(sin θ + (π − θ) cos θ),
 *    E[1{u>0}1{u'>0}] = (π − θ)/(2π). The determinant (1+2a)(1+2a') − 4c² is formed as
 *    1 + 2a + 2a' + 4·max(aa' − c², 0), so it is exact on the diagonal (c² = aa') and never
 *    negative by rounding; ρ is clamped to [−1, 1] and set to exactly 1 on the diagonal.
 *    Cost: a few transcendental calls per pair (n = 2000: well under a second).
 *
 *  - 'series' (every other activation; Mehler's formula). With u = √a z, u' = √a' z' and
 *    corr(z, z') = ρ = c/√(aa'),
 *        E[ψ(u)ψ(u')] = Σ_k ρ^k F_k(a) F_k(a'),   F_k(a) = E[ψ(√a z) He_k(z)]/√(k!).
 *    The coefficients are computed once per sample (1-D rule: 320-node Gauss–Hermite or a
 *    composite rule for smooth φ, see SERIES_HERMITE_N; the kink-aware composite rule for
 *    kinked φ: O(n·K·nodes)), each pair then
 *    costs one Horner evaluation of ≤ K+1 terms (O(n²K), no transcendental calls).
 *    Truncation after term k leaves at most |ρ|^{k+1}·√(T(a)T(a')) by Cauchy–Schwarz,
 *    T(a) = E ψ(√a z)² − Σ_{l≤k} F_l(a)² ≤ E ψ(√a z)² — so each pair takes the smallest k
 *    with |ρ|^{k+1} ≤ tol (relative to √(Eψ(u)² Eψ(u')²)), at most K = `seriesOrder`
 *    (default 64); if even K is not enough by the tail bound with the actual T (|ρ| close to
 *    1: near-duplicate samples), that pair falls back to the accurate 2-D tensor rule
 *    (`expectation2d`, ~25k–80k evaluations, ≈ 1 ms). Diagonal entries (ρ = 1) use the 1-D
 *    rule E ψ(√a z)² directly. Accuracy: limited by the 1-D coefficients, ~1e-14 relative
 *    (measured against the 2-D rule in test/kernels/expected.test.ts). For typical data
 *    |ρ| = O(1/√d) and only ~log(1/tol)/log(√d) terms are needed per pair.
 *
 *  - 'tensor' (reference): every pair by the 2-D tensor rule of src/gauss (expectation2d,
 *    kink-aware). ~1 ms a pair: for tests at small n only.
 *
 * 'auto' (default) is 'closed' when available, else 'series'.
 *
 * Cost measured (2-core dev machine, one BLAS thread, d = 100, n = 2000, Θ1* and Θ2* together,
 * Gaussian inputs): erf 0.1–0.3 s, ReLU 0.1–0.4 s (closed), tanh 0.9–1.5 s, softplus
 * 1.3–1.4 s (series). A per-pair tensor rule (~1e4–1e5 evaluations a pair) would take
 * tens of minutes at this size.
 */
import type { Activation, DerivativeKind } from '../activations';
import { expectation2d, expectation2dBatch } from '../gauss/expectation';
import { compositeGaussRule, gaussHermite, piecewiseGaussRule, type QuadratureRule } from '../gauss/rules';
import { gram, matmul } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, contiguous, shapeOf, zeros } from '../linalg/mat';

export type ExpectedKernelMethod = 'auto' | 'closed' | 'series' | 'tensor';
export type ExpectedKernelName = 'ntk1' | 'ntk2' | 'ntk';

export interface ExpectedKernelOptions {
  /** How the 2-D Gaussian expectations are computed (see the module comment). Default 'auto'. */
  method?: ExpectedKernelMethod;
  /** Largest Hermite order K of the 'series' method (default 64). */
  seriesOrder?: number;
  /** Relative truncation tolerance of the 'series' method (default 1e-15). */
  tol?: number;
}

export interface ExpectedKernels {
  ntk1?: Mat;
  ntk2?: Mat;
  ntk?: Mat;
}

/** Which closed form an activation has ('erf', 'relu'), or null. Looked up by registry name. */
export function closedFormKind(act: Activation): 'erf' | 'relu' | null {
  if (act.name === 'erf') return 'erf';
  if (act.name === 'relu') return 'relu';
  return null;
}

/** Whether `expectedNtk1/2` use a closed form for this activation under method 'auto'. */
export function hasClosedForm(act: Activation): boolean {
  return closedFormKind(act) !== null;
}

const TWO_OVER_PI = 2 / Math.PI;
const FOUR_OVER_PI = 4 / Math.PI;
const INV_2PI = 1 / (2 * Math.PI);

function clampUnit(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/** Closed-form E[ψ(u)ψ(u')] for erf / ReLU; `diag` marks an exact diagonal entry (c² = aa'). */
function closedPair(kind: 'erf' | 'relu', deriv: boolean, a: number, b: number, c: number, diag: boolean): number {
  if (kind === 'erf') {
    if (deriv) {
      const det = diag ? 0 : Math.max(a * b - c * c, 0);
      return FOUR_OVER_PI / Math.sqrt(1 + 2 * a + 2 * b + 4 * det);
    }
    return TWO_OVER_PI * Math.asin(clampUnit((2 * c) / Math.sqrt((1 + 2 * a) * (1 + 2 * b))));
  }
  // ReLU. A zero-variance side is u ≡ 0: relu(0) = 0 and relu'(0) = 0 (engine convention).
  if (!(a > 0) || !(b > 0)) return 0;
  const sab = Math.sqrt(a * b);
  const rho = diag ? 1 : clampUnit(c / sab);
  const theta = Math.acos(rho);
  if (deriv) return (Math.PI - theta) * INV_2PI;
  return sab * INV_2PI * (Math.sqrt(Math.max(1 - rho * rho, 0)) + (Math.PI - theta) * rho);
}

/**
 * E[ψ(u)ψ(u')] for one covariance triple, ψ = φ (kind 'f') or φ' (kind 'd1'):
 * Var u = a, Var u' = b, Cov = c. Uses the closed form when there is one (unless method
 * says otherwise), else the accurate 2-D tensor rule. For single values and tests.
 */
export function pairExpectation(
  act: Activation, kind: 'f' | 'd1', a: number, b: number, c: number, method: 'auto' | 'closed' | 'tensor' = 'auto',
): number {
  const cf = closedFormKind(act);
  if (method === 'closed' && !cf) throw new Error(`pairExpectation: no closed form for activation '${act.name}'`);
  if (cf && method !== 'tensor') return closedPair(cf, kind === 'd1', a, b, c, false);
  return tensorPair(act, kind, a, b, c);
}

/**
 * The closed form E[ψ(u)ψ(u')] (ψ = φ for kind 'f', φ' for 'd1') for erf or ReLU, with the
 * exact-diagonal treatment of the kernels above when `diag` (u = u'). Throws for an activation
 * without one. For kernels built from many such pairs (the circular-CNN kernel of
 * src/kernels/cnn.ts), so that they share these formulas digit for digit.
 */
export function closedFormPair(act: Activation, kind: 'f' | 'd1', a: number, b: number, c: number, diag = false): number {
  const cf = closedFormKind(act);
  if (!cf) throw new Error(`closedFormPair: activation '${act.name}' has no closed-form Gaussian kernel (erf and relu have)`);
  return closedPair(cf, kind === 'd1', a, b, c, diag);
}

/**
 * Gauss–Hermite size per dimension of the 2-D tensor rule for smooth activations. Measured
 * (tanh', whose poles at ±iπ/2 come close to the real axis in z when the variance is large):
 * at Var u = 4, Var u' = ¼, ρ = ½ the 160-node rule is off by 8e-8, 320 by 3e-11, 480 by
 * 7e-14; at Var = 2.5, ρ = 0.9: 160 → 2e-9, 480 → 1e-16; at Var = 9, ρ = 0.3: 480 → 8e-10
 * (used only for the rare fallback pairs and the 'tensor' reference method).
 */
const TENSOR_HERMITE_N = 480;

function tensorPair(act: Activation, kind: DerivativeKind, a: number, b: number, c: number): number {
  // Rounding can put c² a hair above ab for near-duplicates; cholesky2 tolerates 1e-10.
  const cc = Math.abs(c) > Math.sqrt(a * b) ? Math.sign(c) * Math.sqrt(a * b) : c;
  if (act.kinks.length > 0) {
    const f = kind === 'f' ? act.sigma : act.d1;
    return expectation2d(f, f, { v1: a, v2: b, c: cc }, { kinks: act.kinks });
  }
  const fv = (src: Float64Array, out: Float64Array, m: number): void => {
    act.apply(kind, src, out, m);
  };
  return expectation2dBatch(fv, fv, [a], [b], [cc], { n: TENSOR_HERMITE_N, vectorized: true })[0]!;
}

// ------------------------------------------------------------------------ series method

/**
 * 1-D rules for the coefficients F_k(a) of smooth activations. ψ(√a z) has its complex
 * singularities (tanh': ±iπ/2) at distance ∝ 1/√a from the real axis, so Gauss–Hermite needs
 * ∝ a nodes: 320 nodes up to √a = 1.5; beyond, the composite Gauss–Legendre × φ rule with
 * panels of width 1/⌈√a⌉ (cached per ⌈√a⌉). Measured for tanh against a 2-D rule of 800
 * nodes per dimension: 320-node Hermite alone errs by 3e-11 at a = 4 and 9e-8 at a = 9; with
 * the switch, ≤ 1e-15 at a ≤ 4 and ~1e-12 at a = 9 (where the reference itself is off by ~1e-12).
 */
const SERIES_HERMITE_N = 320;
const SERIES_HERMITE_MAX_SCALE = 1.5;

interface SeriesCoefficients {
  /** K+1 coefficients per sample, sample-major: F[s·(K+1) + k]. */
  F: Float64Array;
  /** E ψ(√a z)² per sample. */
  norm2: Float64Array;
  /** Tail energy after order K per sample (with a rounding floor). */
  tail: Float64Array;
}

function ruleForScale(act: Activation, scale: number): QuadratureRule {
  if (act.kinks.length === 0) {
    if (scale <= SERIES_HERMITE_MAX_SCALE) return gaussHermite(SERIES_HERMITE_N);
    return piecewiseGaussRule([], { panelWidth: 1 / Math.ceil(scale) });
  }
  // ψ(√a z) has its kinks at κ/√a; a kink at 0 stays put (the rule is then shared and cached),
  // other kinks need a rule per sample (not cached).
  if (act.kinks.every((k) => k === 0)) return piecewiseGaussRule(act.kinks);
  return compositeGaussRule(act.kinks.map((k) => k / scale));
}

function seriesCoefficients(act: Activation, kind: DerivativeKind, a: Float64Array, K: number): SeriesCoefficients {
  const n = a.length;
  const K1 = K + 1;
  const F = new Float64Array(n * K1);
  const norm2 = new Float64Array(n);
  const tail = new Float64Array(n);
  const sqrtK = new Float64Array(K + 2);
  for (let k = 0; k < sqrtK.length; k++) sqrtK[k] = Math.sqrt(k);
  let args = new Float64Array(0);
  let vals = new Float64Array(0);
  const z0 = new Float64Array(1);
  const v0 = new Float64Array(1);
  for (let s = 0; s < n; s++) {
    const as = a[s]!;
    const base = s * K1;
    if (!(as > 0)) {
      // u ≡ 0: ψ(0) is a constant, all higher coefficients vanish.
      act.apply(kind, z0, v0, 1);
      F[base] = v0[0]!;
      norm2[s] = v0[0]! * v0[0]!;
      tail[s] = 0;
      continue;
    }
    const scale = Math.sqrt(as);
    const { nodes, weights } = ruleForScale(act, scale);
    const m = nodes.length;
    if (args.length < m) {
      args = new Float64Array(m);
      vals = new Float64Array(m);
    }
    for (let t = 0; t < m; t++) args[t] = scale * nodes[t]!;
    act.apply(kind, args, vals, m);
    let e2 = 0;
    for (let t = 0; t < m; t++) {
      const w = weights[t]!;
      if (w === 0) continue;
      const z = nodes[t]!;
      const wv = w * vals[t]!;
      e2 += wv * vals[t]!;
      // Normalised Hermite p_k = He_k/√(k!): p_{k+1} = (z p_k − √k p_{k−1})/√(k+1).
      let pPrev = 0;
      let p = 1;
      for (let k = 0; k <= K; k++) {
        F[base + k] += wv * p;
        const next = (z * p - sqrtK[k]! * pPrev) / sqrtK[k + 1]!;
        pPrev = p;
        p = next;
      }
    }
    let sum = 0;
    for (let k = 0; k <= K; k++) sum += F[base + k]! * F[base + k]!;
    norm2[s] = e2;
    // The difference loses ~1e-16·E ψ² to cancellation: keep that as a floor.
    tail[s] = Math.max(e2 - sum, 0) + 4 * Number.EPSILON * e2;
  }
  return { F, norm2, tail };
}

// ------------------------------------------------------------------------ the engine

interface PairSides {
  /** Variances of the row samples (a) and column samples (a'). */
  aRow: Float64Array;
  aCol: Float64Array;
  /** Covariances c (rows × cols), column-major contiguous. */
  C: Mat;
  /** True when rows and columns are the same sample set (fill i ≤ j, mirror; exact diagonal). */
  symmetric: boolean;
}

/** E[ψ(u_i)ψ(u_j)] for every pair, ψ = φ ('f') or φ' ('d1'). */
function pairMatrix(act: Activation, kind: 'f' | 'd1', sides: PairSides, opts: ExpectedKernelOptions): Mat {
  const { aRow, aCol, C, symmetric } = sides;
  const nr = aRow.length, nc = aCol.length;
  const out = zeros(nr, nc);
  const o = out.data, cd = C.data;
  const method = opts.method ?? 'auto';
  const cf = closedFormKind(act);
  if (method === 'closed' && !cf) {
    throw new Error(`expected kernels: no closed form for activation '${act.name}' (use method 'auto', 'series' or 'tensor')`);
  }
  const deriv = kind === 'd1';
  if (method === 'tensor') {
    for (let j = 0; j < nc; j++) {
      for (let i = 0; i < (symmetric ? j + 1 : nr); i++) o[i + j * nr] = tensorPair(act, kind, aRow[i]!, aCol[j]!, cd[i + j * nr]!);
    }
  } else if (cf && method !== 'series') {
    for (let j = 0; j < nc; j++) {
      const b = aCol[j]!;
      const iEnd = symmetric ? j + 1 : nr;
      for (let i = 0; i < iEnd; i++) {
        o[i + j * nr] = closedPair(cf, deriv, aRow[i]!, b, cd[i + j * nr]!, symmetric && i === j);
      }
    }
  } else {
    seriesFill(act, kind, sides, opts, o);
  }
  if (symmetric) {
    for (let j = 0; j < nc; j++) for (let i = j + 1; i < nr; i++) o[i + j * nr] = o[j + i * nr]!;
  }
  return out;
}

function seriesOrderOf(opts: ExpectedKernelOptions): number {
  const K = opts.seriesOrder ?? 64;
  if (!Number.isInteger(K) || K < 1 || K > 150) throw new RangeError(`expected kernels: seriesOrder must be an integer in [1, 150], got ${K}`);
  return K;
}

function seriesFill(act: Activation, kind: 'f' | 'd1', sides: PairSides, opts: ExpectedKernelOptions, o: Float64Array): void {
  const { aRow, aCol, C, symmetric } = sides;
  const nr = aRow.length, nc = aCol.length;
  const K = seriesOrderOf(opts);
  const tol = opts.tol ?? 1e-15;
  if (!(tol > 0 && tol < 1)) throw new RangeError(`expected kernels: tol must be in (0, 1), got ${tol}`);
  const K1 = K + 1;
  const row = seriesCoefficients(act, kind, aRow, K);
  const col = symmetric ? row : seriesCoefficients(act, kind, aCol, K);
  const Fr = row.F, Fc = col.F, cd = C.data;
  const logTol = Math.log(tol);
  const sqa = aRow.map(Math.sqrt), sqb = symmetric ? sqa : aCol.map(Math.sqrt);
  for (let j = 0; j < nc; j++) {
    const bj = j * K1;
    const iEnd = symmetric ? j + 1 : nr;
    for (let i = 0; i < iEnd; i++) {
      const idx = i + j * nr;
      if (symmetric && i === j) {
        o[idx] = row.norm2[i]!;
        continue;
      }
      const den = sqa[i]! * sqb[j]!;
      const rho = den > 0 ? cd[idx]! / den : 0;
      const ar = Math.abs(rho);
      // Smallest k with |ρ|^{k+1} ≤ tol, i.e. k + 1 ≥ ln tol / ln|ρ|.
      let k = ar === 0 ? 0 : ar >= 1 ? K + 1 : Math.ceil(logTol / Math.log(ar)) - 1;
      if (k > K) {
        // Check the tail bound with the actual tail energies before falling back.
        const bound = Math.pow(ar, K1) * Math.sqrt(row.tail[i]! * col.tail[j]!);
        const scale = Math.sqrt(row.norm2[i]! * col.norm2[j]!);
        if (bound > tol * scale) {
          o[idx] = tensorPair(act, kind, aRow[i]!, aCol[j]!, cd[idx]!);
          continue;
        }
        k = K;
      }
      if (k < 0) k = 0;
      const bi = i * K1;
      let s = Fr[bi + k]! * Fc[bj + k]!;
      for (let l = k - 1; l >= 0; l--) s = s * rho + Fr[bi + l]! * Fc[bj + l]!;
      o[idx] = s;
    }
  }
}

// ------------------------------------------------------- on an arbitrary covariance

function checkVariances(op: string, name: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!(a[i]! >= 0) || !Number.isFinite(a[i]!)) throw new RangeError(`${op}: ${name}[${i}] = ${a[i]} is not a finite variance ≥ 0`);
  }
}

/**
 * E[ψ(u_i)ψ(u_j)] (ψ = φ for kind 'f', φ' for 'd1') for every pair of a centred Gaussian vector
 * u with covariance C (n×n, symmetric; its diagonal holds the variances; only its upper
 * triangle is read), n×n, by the methods of this module (exact diagonal). The engine of
 * `expectedKernels` (there C = XᵀX/d); the deep recursion (./deep-limit.ts) applies it layer
 * after layer to the previous layer's kernel.
 */
export function gaussianPairKernel(act: Activation, kind: 'f' | 'd1', C: Mat, opts: ExpectedKernelOptions = {}): Mat {
  if (C.rows !== C.cols || C.rows < 1) throw new ShapeError(`gaussianPairKernel: C must be a non-empty square covariance, got ${shapeOf(C)}`);
  assertFinite('gaussianPairKernel', 'C', C);
  const Cc = contiguous(C);
  const n = Cc.rows;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Cc.data[i + i * n]!;
  checkVariances('gaussianPairKernel', 'diag(C)', a);
  return pairMatrix(act, kind, { aRow: a, aCol: a, C: Cc, symmetric: true }, opts);
}

/**
 * The cross version: E[ψ(u_i)ψ(u′_j)] (nr×nc) for Var u_i = aRow[i], Var u′_j = aCol[j] and
 * Cov(u_i, u′_j) = C(i, j) (nr×nc).
 */
export function gaussianPairCrossKernel(
  act: Activation, kind: 'f' | 'd1', aRow: Float64Array, aCol: Float64Array, C: Mat, opts: ExpectedKernelOptions = {},
): Mat {
  if (C.rows !== aRow.length || C.cols !== aCol.length) {
    throw new ShapeError(`gaussianPairCrossKernel: C is ${shapeOf(C)} but there are ${aRow.length} row and ${aCol.length} column variances`);
  }
  checkVariances('gaussianPairCrossKernel', 'aRow', aRow);
  checkVariances('gaussianPairCrossKernel', 'aCol', aCol);
  assertFinite('gaussianPairCrossKernel', 'C', C);
  return pairMatrix(act, kind, { aRow, aCol, C: contiguous(C), symmetric: false }, opts);
}

/**
 * E ψ(u_i)² for Var u_i = a[i]: the diagonal of `gaussianPairKernel` computed alone (the same
 * numbers: the closed form's exact diagonal, the series' 1-D norm, or the tensor rule at c = a).
 */
export function gaussianPairDiagonal(act: Activation, kind: 'f' | 'd1', a: Float64Array, opts: ExpectedKernelOptions = {}): Float64Array {
  checkVariances('gaussianPairDiagonal', 'a', a);
  const method = opts.method ?? 'auto';
  const cf = closedFormKind(act);
  if (method === 'closed' && !cf) {
    throw new Error(`expected kernels: no closed form for activation '${act.name}' (use method 'auto', 'series' or 'tensor')`);
  }
  const out = new Float64Array(a.length);
  if (method === 'tensor') {
    for (let i = 0; i < a.length; i++) out[i] = tensorPair(act, kind, a[i]!, a[i]!, a[i]!);
  } else if (cf && method !== 'series') {
    for (let i = 0; i < a.length; i++) out[i] = closedPair(cf, kind === 'd1', a[i]!, a[i]!, a[i]!, true);
  } else {
    out.set(seriesCoefficients(act, kind, a, seriesOrderOf(opts)).norm2);
  }
  return out;
}

function checkX(op: string, X: Mat): void {
  if (X.rows < 1 || X.cols < 1) throw new ShapeError(`${op}: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  assertFinite(op, 'X', X);
}

function sidesFor(X: Mat): PairSides {
  const d = X.rows, n = X.cols;
  const C = gram(X, { trans: true, alpha: 1 / d });
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = C.data[i + i * n]!;
  return { aRow: a, aCol: a, C, symmetric: true };
}

function crossSidesFor(X: Mat, Xt: Mat): PairSides {
  const d = X.rows;
  const sq = (M: Mat): Float64Array => {
    const r = new Float64Array(M.cols);
    for (let j = 0; j < M.cols; j++) {
      let s = 0;
      const b = M.offset + j * M.ld;
      for (let i = 0; i < M.rows; i++) s += M.data[b + i]! * M.data[b + i]!;
      r[j] = s / d;
    }
    return r;
  };
  const C = matmul(X, Xt, { transA: true, alpha: 1 / d });
  return { aRow: sq(X), aCol: sq(Xt), C, symmetric: false };
}

function assemble(act: Activation, sides: PairSides, which: readonly ExpectedKernelName[], opts: ExpectedKernelOptions): ExpectedKernels {
  const need1 = which.includes('ntk1') || which.includes('ntk');
  const need2 = which.includes('ntk2') || which.includes('ntk');
  const out: ExpectedKernels = {};
  let k1: Mat | undefined;
  let k2: Mat | undefined;
  if (need1) {
    k1 = pairMatrix(act, 'd1', sides, opts);
    const k = k1.data, c = sides.C.data;
    for (let t = 0; t < k.length; t++) k[t] *= c[t]!;
  }
  if (need2) k2 = pairMatrix(act, 'f', sides, opts);
  if (which.includes('ntk')) {
    const K = zeros(k1!.rows, k1!.cols);
    for (let t = 0; t < K.data.length; t++) K.data[t] = k1!.data[t]! + k2!.data[t]!;
    out.ntk = K;
  }
  if (which.includes('ntk1')) out.ntk1 = k1;
  if (which.includes('ntk2')) out.ntk2 = k2;
  return out;
}

/**
 * The expected kernels named in `which` on inputs X (d×n, columns are samples), n×n:
 * 'ntk1' = Θ1*, 'ntk2' = Θ2*, 'ntk' = Θ1* + Θ2*. Shares the Gram matrix XᵀX/d.
 */
export function expectedKernels(
  X: Mat, act: Activation, which: readonly ExpectedKernelName[] = ['ntk1', 'ntk2', 'ntk'], opts: ExpectedKernelOptions = {},
): ExpectedKernels {
  checkX('expectedKernels', X);
  return assemble(act, sidesFor(X), which, opts);
}

/** Θ1*(i,j) = E[φ'(u_i)φ'(u_j)]·x_iᵀx_j/d on X (d×n): the infinite-width first-layer NTK (v² = 1), n×n. */
export function expectedNtk1(X: Mat, act: Activation, opts: ExpectedKernelOptions = {}): Mat {
  return expectedKernels(X, act, ['ntk1'], opts).ntk1!;
}

/** Θ2*(i,j) = E[φ(u_i)φ(u_j)] on X (d×n): the infinite-width second-layer NTK (expected CK), n×n. */
export function expectedNtk2(X: Mat, act: Activation, opts: ExpectedKernelOptions = {}): Mat {
  return expectedKernels(X, act, ['ntk2'], opts).ntk2!;
}

/** Θ* = Θ1* + Θ2* on X (d×n), n×n. */
export function expectedNtk(X: Mat, act: Activation, opts: ExpectedKernelOptions = {}): Mat {
  return expectedKernels(X, act, ['ntk'], opts).ntk!;
}

/**
 * Expected cross kernels K*(X, X') (n×n') between X (d×n) and X' (d×n'), same formulas
 * with a = ‖x_i‖²/d, a' = ‖x'_j‖²/d, c = x_iᵀx'_j/d.
 */
export function expectedCrossKernels(
  X: Mat, Xt: Mat, act: Activation, which: readonly ExpectedKernelName[] = ['ntk1', 'ntk2', 'ntk'],
  opts: ExpectedKernelOptions = {},
): ExpectedKernels {
  checkX('expectedCrossKernels', X);
  checkX('expectedCrossKernels', Xt);
  if (Xt.rows !== X.rows) throw new ShapeError(`expectedCrossKernels: X is ${shapeOf(X)}, X' is ${shapeOf(Xt)} (both d×n)`);
  return assemble(act, crossSidesFor(X, Xt), which, opts);
}
