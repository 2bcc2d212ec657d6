/**
 * Marchenko–Pastur law. Convention: X is N×p with iid entries of mean 0 and variance s²,
 * γ = p/N, and the empirical spectral distribution of the p×p matrix (1/N)·XᵀX converges
 * to MP(γ, s²):
 *
 *   edges      a = s²(1 − √γ)²,  b = s²(1 + √γ)²
 *   density    f(x) = √((b − x)(x − a)) / (2π s² γ x)   on [a, b]   (continuous part)
 *   atom       mass 1 − 1/γ at x = 0 when γ > 1 (then XᵀX has rank N < p)
 *
 * The continuous part has total mass min(1, 1/γ). In the W paper (Wang et al. 2023) the
 * spectrum of (1/h)·W₀ᵀW₀ for W₀ h×d with N(0,1) entries is MP with γ = d/h (N = h,
 * p = d); for h < d the atom 1 − h/d at 0 appears.
 *
 * Closed forms used (substituting x = c − r cos φ, c = (a + b)/2, r = (b − a)/2, φ ∈ [0, π]):
 *   ∫_a^x f = [cφ + r sin φ − 2√(ab)·atan2(√b sin(φ/2), √a cos(φ/2))] / (2π s² γ)
 *   ∫_a^x t f(t) dt = r² (φ/2 − sin(2φ)/4) / (2π s² γ)
 * (from r² sin²φ /(c − r cos φ) = c + r cos φ − ab/(c − r cos φ) and
 *  ∫_0^φ dψ/(c − r cos ψ) = (2/√(ab)) arctan(√(b/a) tan(φ/2))). At φ = π the first gives
 * (c − √(ab))/(2s²γ) = min(1, 1/γ), as it must.
 */
import { checkScalar, checkValues, sortedCopy } from './validate';

export interface MpEdges {
  /** s²(1 − √γ)² */
  lower: number;
  /** s²(1 + √γ)² */
  upper: number;
}

function checkParams(fn: string, gamma: number, s2: number): void {
  checkScalar(fn, 'gamma', gamma, (v) => v > 0, 'positive (γ = p/N)');
  checkScalar(fn, 's2', s2, (v) => v > 0, 'positive (entry variance)');
}

/** Support edges of MP(γ, s²): s²(1 ± √γ)². */
export function mpEdges(gamma: number, s2 = 1): MpEdges {
  checkParams('mpEdges', gamma, s2);
  const g = Math.sqrt(gamma);
  return { lower: s2 * (1 - g) * (1 - g), upper: s2 * (1 + g) * (1 + g) };
}

/** Mass of the atom at 0: max(0, 1 − 1/γ). */
export function mpAtomMass(gamma: number): number {
  checkScalar('mpAtomMass', 'gamma', gamma, (v) => v > 0, 'positive (γ = p/N)');
  return gamma > 1 ? 1 - 1 / gamma : 0;
}

/**
 * Density of the continuous part of MP(γ, s²) at x (0 outside (a, b)). For γ > 1 it
 * integrates to 1/γ; the remaining 1 − 1/γ is a point mass at 0 that no density can show
 * (see mpAtomMass / mpCdf).
 */
export function mpDensity(x: number, gamma: number, s2 = 1): number {
  checkParams('mpDensity', gamma, s2);
  checkScalar('mpDensity', 'x', x, () => true, 'finite');
  const { lower: a, upper: b } = edgesRaw(gamma, s2);
  if (x <= a || x >= b || x <= 0) return 0;
  return Math.sqrt((b - x) * (x - a)) / (2 * Math.PI * s2 * gamma * x);
}

function edgesRaw(gamma: number, s2: number): MpEdges {
  const g = Math.sqrt(gamma);
  return { lower: s2 * (1 - g) * (1 - g), upper: s2 * (1 + g) * (1 + g) };
}

/** Internal: precomputed constants of one MP law. */
class MpLaw {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly r: number;
  readonly sa: number;
  readonly sb: number;
  readonly sab: number;
  readonly norm: number;
  readonly atom: number;
  /** Continuous mass min(1, 1/γ). */
  readonly contMass: number;

  constructor(readonly gamma: number, readonly s2: number) {
    const e = edgesRaw(gamma, s2);
    this.a = e.lower;
    this.b = e.upper;
    this.c = (this.a + this.b) / 2;
    this.r = (this.b - this.a) / 2;
    this.sa = Math.sqrt(this.a);
    this.sb = Math.sqrt(this.b);
    this.sab = this.sa * this.sb;
    this.norm = 1 / (2 * Math.PI * s2 * gamma);
    this.atom = gamma > 1 ? 1 - 1 / gamma : 0;
    this.contMass = gamma > 1 ? 1 / gamma : 1;
  }

  phiOf(x: number): number {
    if (x <= this.a) return 0;
    if (x >= this.b) return Math.PI;
    return Math.acos(Math.min(1, Math.max(-1, (this.c - x) / this.r)));
  }

  /** Continuous mass on [a, x(φ)], clamped to [0, contMass]. */
  contCdfPhi(phi: number): number {
    if (phi <= 0) return 0;
    if (phi >= Math.PI) return this.contMass;
    const t = Math.atan2(this.sb * Math.sin(phi / 2), this.sa * Math.cos(phi / 2));
    const v = this.norm * (this.c * phi + this.r * Math.sin(phi) - 2 * this.sab * t);
    return Math.min(this.contMass, Math.max(0, v));
  }

  /** ∫_{[0,x]} t dF(t) as a function of φ(x). */
  partialMeanPhi(phi: number): number {
    const p = Math.min(Math.PI, Math.max(0, phi));
    return this.norm * this.r * this.r * (p / 2 - Math.sin(2 * p) / 4);
  }

  /** Right-continuous CDF F(x) = P(λ ≤ x). */
  cdf(x: number): number {
    if (x < 0) return 0;
    if (x >= this.b) return 1;
    return this.atom + this.contCdfPhi(this.phiOf(x));
  }

  /** Left limit F(x−) = P(λ < x). */
  cdfLeft(x: number): number {
    if (x <= 0) return 0;
    return this.cdf(x); // continuous on (0, ∞)
  }

  /** φ with contCdfPhi(φ) = v for v ∈ [0, contMass], by bisection to machine precision. */
  phiForMass(v: number): number {
    if (v <= 0) return 0;
    if (v >= this.contMass) return Math.PI;
    let lo = 0;
    let hi = Math.PI;
    for (let it = 0; it < 200; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      if (this.contCdfPhi(mid) < v) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }

  xOfPhi(phi: number): number {
    return this.c - this.r * Math.cos(phi);
  }

  /** Quantile Q(u) = inf{x : F(x) ≥ u}. */
  quantile(u: number): number {
    if (u <= this.atom) return this.atom > 0 ? 0 : this.a;
    return this.xOfPhi(this.phiForMass(u - this.atom));
  }

  /** G(u) = ∫_0^u Q(v) dv. */
  quantileIntegral(u: number): number {
    if (u <= this.atom) return 0;
    return this.partialMeanPhi(this.phiForMass(u - this.atom));
  }
}

/**
 * CDF of MP(γ, s²), F(x) = P(λ ≤ x), including the atom 1 − 1/γ at 0 for γ > 1 (so
 * F jumps at 0). Exact closed form (see the module comment); clamped to [0, 1] so that
 * rounding cannot push it outside. 0 below min(a, 0), 1 from the upper edge b on.
 */
export function mpCdf(x: number, gamma: number, s2 = 1): number {
  checkParams('mpCdf', gamma, s2);
  checkScalar('mpCdf', 'x', x, () => true, 'finite');
  return new MpLaw(gamma, s2).cdf(x);
}

/** Quantile function of MP(γ, s²): Q(u) = inf{x : F(x) ≥ u}, u ∈ [0, 1] (bisection on the closed-form CDF). */
export function mpQuantile(u: number, gamma: number, s2 = 1): number {
  checkParams('mpQuantile', gamma, s2);
  checkScalar('mpQuantile', 'u', u, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  return new MpLaw(gamma, s2).quantile(u);
}

/** Mean of MP(γ, s²) is s², second moment s⁴(1 + γ) — handy sanity values for callers. */
export function mpMoments(gamma: number, s2 = 1): { mean: number; secondMoment: number; variance: number } {
  checkParams('mpMoments', gamma, s2);
  return { mean: s2, secondMoment: s2 * s2 * (1 + gamma), variance: s2 * s2 * gamma };
}

export interface KolmogorovToMpOptions {
  /**
   * Eigenvalues with |λ| ≤ zeroTol are treated as exactly 0 (the atom for γ > 1: a
   * numerical eigensolver returns those as ±O(ε·λ_max), and a value at −1e−16 would
   * otherwise sit left of the jump and count as a huge discrepancy).
   * Default 1e−10·(upper edge).
   */
  zeroTol?: number;
}

/**
 * Kolmogorov distance sup_x |F_n(x) − F_MP(x)| between the empirical distribution of
 * `eigs` and MP(γ, s²). Exact: both are monotone, F_n is a step function, and F_MP is
 * continuous except at 0, so the supremum is attained at (or as a left limit at) an
 * eigenvalue or at 0; all of these are checked.
 */
export function kolmogorovToMp(eigs: ArrayLike<number>, gamma: number, s2 = 1, opts: KolmogorovToMpOptions = {}): number {
  const fn = 'kolmogorovToMp';
  checkValues(fn, 'eigs', eigs);
  checkParams(fn, gamma, s2);
  const law = new MpLaw(gamma, s2);
  const zt = opts.zeroTol ?? 1e-10 * law.b;
  const x = sortedCopy(eigs);
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) <= zt) x[i] = 0;
  x.sort();
  return kolmogorovSortedToCdf(x, (t) => law.cdf(t), (t) => law.cdfLeft(t), [0]);
}

/**
 * sup_x |F_n(x) − F(x)| for sorted samples x and a CDF F given with its left limits and
 * its jump points. Checks every sample and every jump point, from both sides.
 */
function kolmogorovSortedToCdf(
  x: Float64Array,
  F: (t: number) => number,
  Fleft: (t: number) => number,
  jumps: readonly number[] = [],
): number {
  const n = x.length;
  let d = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[j + 1] === x[i]) j++;
    const t = x[i]!;
    // F_n(t−) = i/n, F_n(t) = (j+1)/n.
    d = Math.max(d, Math.abs(i / n - Fleft(t)), Math.abs((j + 1) / n - F(t)));
    i = j + 1;
  }
  for (const t of jumps) {
    const below = countBelow(x, t); // #{x < t}
    const atOrBelow = countAtOrBelow(x, t);
    d = Math.max(d, Math.abs(below / n - Fleft(t)), Math.abs(atOrBelow / n - F(t)));
  }
  return d;
}

function countBelow(x: Float64Array, t: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countAtOrBelow(x: Float64Array, t: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Wasserstein-1 distance between the empirical distribution of `eigs` and MP(γ, s²):
 * W₁ = ∫_0^1 |Q_n(u) − Q_MP(u)| du. On each slab u ∈ ((i−1)/n, i/n] the empirical
 * quantile is the constant x_(i); splitting the slab at u* = F_MP(x_(i)) (where
 * Q_MP crosses x_(i)) the integral is exact given G(u) = ∫_0^u Q_MP, which is the closed-form
 * partial mean ∫_{[0,Q(u)]} t dF(t). Only the quantiles at u = i/n are found numerically
 * (bisection to machine precision).
 */
export function wasserstein1ToMp(eigs: ArrayLike<number>, gamma: number, s2 = 1): number {
  const fn = 'wasserstein1ToMp';
  checkValues(fn, 'eigs', eigs);
  checkParams(fn, gamma, s2);
  const law = new MpLaw(gamma, s2);
  const x = sortedCopy(eigs);
  const n = x.length;
  const G = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) G[i] = i === n ? law.quantileIntegral(1) : law.quantileIntegral(i / n);
  let w = 0;
  for (let i = 1; i <= n; i++) {
    const lo = (i - 1) / n;
    const hi = i / n;
    const xi = x[i - 1]!;
    const us = Math.min(hi, Math.max(lo, law.cdf(xi)));
    const Gs = us <= lo ? G[i - 1]! : us >= hi ? G[i]! : gAt(law, xi, us);
    // ∫_lo^us (x − Q) + ∫_us^hi (Q − x)
    const part = xi * (us - lo) - (Gs - G[i - 1]!) + (G[i]! - Gs) - xi * (hi - us);
    w += Math.max(0, part);
  }
  return w;
}

/** G(F(x)) = ∫_{[0,x]} t dF(t) for x inside the support (avoids a quantile solve). */
function gAt(law: MpLaw, x: number, u: number): number {
  if (x <= 0 || u <= law.atom) return 0;
  return law.partialMeanPhi(law.phiOf(x));
}
