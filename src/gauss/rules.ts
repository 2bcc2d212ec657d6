/**
 * Quadrature rules for expectations over a standard Gaussian g ~ N(0, 1).
 *
 * gaussHermite(n): the probabilists' Gauss–Hermite rule, by Golub–Welsch.
 *   The monic probabilists' Hermite polynomials satisfy He_{k+1}(x) = x He_k(x) − k He_{k−1}(x),
 *   so the Jacobi matrix J_n is symmetric tridiagonal with zero diagonal and off-diagonal
 *   √1, √2, …, √(n−1). Its eigenvalues are the nodes (computed by the LAPACK symmetric
 *   eigen-solver of the linear-algebra backend). The eigenvector for eigenvalue x is
 *   proportional to (p̂_0(x), …, p̂_{n−1}(x)) with p̂_k = He_k/√(k!) orthonormal, so the
 *   Golub–Welsch weight (first component of the normalized eigenvector)² equals the
 *   Christoffel number 1 / Σ_k p̂_k(x)². We evaluate that closed form at each node (after
 *   two Newton steps on p̂_n to polish the node to full relative precision): it carries
 *   full relative accuracy even for the tiny tail weights, where a computed eigenvector
 *   component would only have absolute accuracy ~1e-16. Nodes and weights are then
 *   symmetrized exactly (x_{n−1−i} = −x_i), so odd moments vanish to rounding.
 *   The weights sum to 1 (a probability rule): Σ w_i f(x_i) ≈ E f(g).
 *
 * gaussLegendre(m): Gauss–Legendre on [−1, 1] by the same construction
 *   (off-diagonal k/√(4k²−1)); used by the composite rules below.
 *
 * piecewiseGaussRule(kinks): a composite Gauss–Legendre rule for ∫ f(x) φ(x) dx on
 *   [−T, T] (T = 16 by default, φ(16) ≈ 1e-56) whose panel boundaries include the given
 *   points. For f that is smooth (polynomial-like) between the kinks — ReLU, leaky ReLU,
 *   step functions, their products with polynomials — this is accurate to ~1e-15, where
 *   plain Gauss–Hermite converges only algebraically (see README notes in expectation.ts).
 */
import { backend } from '../linalg/backend';

export interface QuadratureRule {
  /** Nodes (ascending). Shared cached arrays: do not mutate. */
  readonly nodes: Float64Array;
  /** Weights, summing to the measure's mass (1 for the Gaussian rules). Do not mutate. */
  readonly weights: Float64Array;
}

/** Default number of Gauss–Hermite nodes. */
export const DEFAULT_HERMITE_N = 160;

const hermiteCache = new Map<number, QuadratureRule>();
const legendreCache = new Map<number, QuadratureRule>();
const piecewiseCache = new Map<string, QuadratureRule>();

/** Eigenvalues (ascending) of the symmetric tridiagonal matrix with zero diagonal and
 * off-diagonal offd[0..n−2], through the backend's dense symmetric eigen-solver. */
function tridiagonalEigenvalues(n: number, diag: (k: number) => number, offd: (k: number) => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++) a[k + k * n] = diag(k);
  for (let k = 0; k + 1 < n; k++) {
    const b = offd(k + 1);
    a[k + 1 + k * n] = b; // lower triangle (read by syevd)
    a[k + (k + 1) * n] = b;
  }
  const w = new Float64Array(n);
  backend().syevd(n, a, n, w, false);
  return w;
}

const SCALE_UP = 2 ** 500;
const SCALE_DOWN = 2 ** -500;

/**
 * At x: returns [p̂_n(x), p̂_{n−1}(x), Σ_{k<n} p̂_k(x)², e] where all three values carry
 * a common factor 2^(−e) for p̂ values (2^(−2e) for the sum) so nothing overflows.
 */
function hermiteOrthonormalAt(n: number, x: number): [number, number, number, number] {
  let pPrev = 0; // p̂_{−1}
  let p = 1; // p̂_0
  let sum = 0;
  let e = 0;
  for (let k = 0; k < n; k++) {
    sum += p * p;
    // p̂_{k+1} = (x p̂_k − √k p̂_{k−1}) / √(k+1)
    const next = (x * p - Math.sqrt(k) * pPrev) / Math.sqrt(k + 1);
    pPrev = p;
    p = next;
    if (Math.abs(p) > SCALE_UP) {
      p *= SCALE_DOWN;
      pPrev *= SCALE_DOWN;
      sum *= SCALE_DOWN * SCALE_DOWN;
      e += 500;
    }
  }
  return [p, pPrev, sum, e];
}

/**
 * Probabilists' Gauss–Hermite rule with n nodes: Σ w_i f(x_i) = E f(g) exactly for
 * polynomials f of degree ≤ 2n−1. Cached by n; the returned arrays are shared.
 * For large n the extreme weights underflow to tiny values (or 0 beyond n ≈ 1000); that
 * is harmless for expectations of polynomially bounded functions.
 */
export function gaussHermite(n: number = DEFAULT_HERMITE_N): QuadratureRule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gaussHermite: n must be a positive integer, got ${n}`);
  const hit = hermiteCache.get(n);
  if (hit) return hit;
  const x = tridiagonalEigenvalues(n, () => 0, (k) => Math.sqrt(k));
  const w = new Float64Array(n);
  const sqn = Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    let xi = x[i]!;
    // Newton on p̂_n, with p̂_n' = √n p̂_{n−1}; the common scale factor cancels in the ratio.
    for (let it = 0; it < 2; it++) {
      const [pn, pn1] = hermiteOrthonormalAt(n, xi);
      if (pn1 !== 0) xi -= pn / (sqn * pn1);
    }
    x[i] = xi;
  }
  // Exact symmetry: nodes in ±pairs, a zero node when n is odd.
  for (let i = 0; i < n >> 1; i++) {
    const j = n - 1 - i;
    const m = 0.5 * (x[j]! - x[i]!);
    x[i] = -m;
    x[j] = m;
  }
  if (n % 2 === 1) x[n >> 1] = 0;
  for (let i = 0; i < n; i++) {
    const [, , sum, e] = hermiteOrthonormalAt(n, x[i]!);
    // weight = 1/(sum·2^{2e}); 2^{−2e} may underflow to 0 for enormous n (harmless).
    w[i] = e === 0 ? 1 / sum : Math.pow(2, -2 * e) / sum;
  }
  for (let i = 0; i < n >> 1; i++) {
    const j = n - 1 - i;
    const m = 0.5 * (w[i]! + w[j]!);
    w[i] = m;
    w[j] = m;
  }
  const rule: QuadratureRule = { nodes: x, weights: w };
  hermiteCache.set(n, rule);
  return rule;
}

/** Gauss–Legendre rule on [−1, 1] (weights sum to 2). Cached by m. */
export function gaussLegendre(m: number): QuadratureRule {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`gaussLegendre: m must be a positive integer, got ${m}`);
  const hit = legendreCache.get(m);
  if (hit) return hit;
  const x = tridiagonalEigenvalues(m, () => 0, (k) => k / Math.sqrt(4 * k * k - 1));
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let xi = x[i]!;
    for (let it = 0; it < 2; it++) {
      // Legendre recurrence: (k+1) P_{k+1} = (2k+1) x P_k − k P_{k−1}; P_m' = m (x P_m − P_{m−1}) / (x² − 1).
      let p0 = 1;
      let p1 = xi;
      for (let k = 1; k < m; k++) {
        const p2 = ((2 * k + 1) * xi * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
      }
      const pm = m === 1 ? xi : p1;
      const pm1 = m === 1 ? 1 : p0;
      const dp = (m * (xi * pm - pm1)) / (xi * xi - 1);
      if (dp !== 0 && Number.isFinite(dp)) xi -= pm / dp;
    }
    x[i] = xi;
  }
  for (let i = 0; i < m >> 1; i++) {
    const j = m - 1 - i;
    const h = 0.5 * (x[j]! - x[i]!);
    x[i] = -h;
    x[j] = h;
  }
  if (m % 2 === 1) x[m >> 1] = 0;
  for (let i = 0; i < m; i++) {
    // Christoffel number with orthonormal q_k = √(k + ½) P_k: w = 1 / Σ_{k<m} q_k(x)².
    const xi = x[i]!;
    let p0 = 0;
    let p1 = 1;
    let sum = 0.5;
    for (let k = 0; k + 1 < m; k++) {
      const p2 = k === 0 ? xi : ((2 * k + 1) * xi * p1 - k * p0) / (k + 1);
      p0 = p1;
      p1 = p2;
      sum += (k + 1.5) * p1 * p1;
    }
    w[i] = 1 / sum;
  }
  for (let i = 0; i < m >> 1; i++) {
    const j = m - 1 - i;
    const h = 0.5 * (w[i]! + w[j]!);
    w[i] = h;
    w[j] = h;
  }
  const rule: QuadratureRule = { nodes: x, weights: w };
  legendreCache.set(m, rule);
  return rule;
}

export interface PiecewiseRuleOptions {
  /** Integrate over [−cutoff, cutoff] (default 16: the Gaussian mass outside is 1.3e-57). */
  cutoff?: number;
  /** Nominal panel width (default 1). */
  panelWidth?: number;
  /** Gauss–Legendre nodes per panel (default 16). */
  order?: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Panel boundaries: an even grid on [−T, T] with the break points (clipped to the open
 * interval) merged in; near-duplicates (< 1e-12 apart) are removed. */
function panelBoundaries(breaks: readonly number[], T: number, width: number): number[] {
  const pts: number[] = [];
  const nPanels = Math.max(1, Math.ceil((2 * T) / width));
  for (let k = 0; k <= nPanels; k++) pts.push(-T + (2 * T * k) / nPanels);
  for (const b of breaks) if (Number.isFinite(b) && b > -T && b < T) pts.push(b);
  pts.sort((a, b) => a - b);
  const out: number[] = [pts[0]!];
  for (let i = 1; i < pts.length; i++) if (pts[i]! - out[out.length - 1]! > 1e-12) out.push(pts[i]!);
  out[out.length - 1] = T;
  return out;
}

/**
 * A composite rule for E f(g) = ∫ f(x) φ(x) dx (weights include the Gaussian density φ and
 * sum to 1 − 2·Φ(−T) ≈ 1) whose panels break at the given points. Use it when f is smooth
 * between `breaks` but not across them (e.g. breaks = [0] for ReLU or step functions).
 * Cached by (breaks, options).
 */
export function piecewiseGaussRule(breaks: readonly number[] = [], opts: PiecewiseRuleOptions = {}): QuadratureRule {
  const T = opts.cutoff ?? 16;
  const width = opts.panelWidth ?? 1;
  const order = opts.order ?? 16;
  const key = `${[...breaks].sort((a, b) => a - b).join(',')}|${T}|${width}|${order}`;
  const hit = piecewiseCache.get(key);
  if (hit) return hit;
  const rule = compositeRule(panelBoundaries(breaks, T, width), order);
  piecewiseCache.set(key, rule);
  return rule;
}

/** Composite Gauss–Legendre × φ over consecutive boundaries (not cached). */
export function compositeRule(bounds: readonly number[], order: number): QuadratureRule {
  const gl = gaussLegendre(order);
  const np = bounds.length - 1;
  const nodes = new Float64Array(np * order);
  const weights = new Float64Array(np * order);
  let t = 0;
  for (let p = 0; p < np; p++) {
    const a = bounds[p]!;
    const b = bounds[p + 1]!;
    const half = 0.5 * (b - a);
    const mid = 0.5 * (a + b);
    for (let i = 0; i < order; i++) {
      const x = mid + half * gl.nodes[i]!;
      nodes[t] = x;
      weights[t] = half * gl.weights[i]! * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      t++;
    }
  }
  return { nodes, weights };
}

/** Composite rule on [−T, T] breaking at the given points, for a one-off use (not cached). */
export function compositeGaussRule(breaks: readonly number[], opts: PiecewiseRuleOptions = {}): QuadratureRule {
  return compositeRule(panelBoundaries(breaks, opts.cutoff ?? 16, opts.panelWidth ?? 1), opts.order ?? 16);
}
