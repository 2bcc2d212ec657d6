/**
 * Confidence intervals: a seeded percentile bootstrap for log-log slopes, and Student-t
 * intervals for means and differences of means.
 *
 * Slope bootstrap. The points are grouped by size x; within a size, the points of one trial
 * (equal `trial`) form one unit. A resample draws, for every size independently, as many
 * units as that size has, uniformly with replacement, and refits the log-log slope by least
 * squares. Every size keeps at least one unit, so each resample has the same distinct sizes
 * and its slope is always defined. The interval comes from the (1−level)/2 and (1+level)/2
 * quantiles q_lo, q_hi of the resampled slopes (linear interpolation between order statistics).
 *
 * Small-sample correction (on by default; `smallSample: false` gives the plain percentile
 * bootstrap). With K trials at a size, resampling with replacement gives the size's mean
 * log y a variance (K−1)/K of the true one, and the interval ignores that the noise level
 * is itself estimated from few trials. Two standard remedies, applied together:
 *   1. inflation: at each size with K ≥ 2 units, log y ← m + √(K/(K−1))·(log y − m) about the
 *      size's mean m before resampling (the resampled means get the unbiased variance);
 *   2. t widening: the interval is [ŝ − f·(ŝ − q_lo), ŝ + f·(q_hi − ŝ)] around the full-data
 *      slope ŝ, with f = t_df((1+level)/2) / z((1+level)/2) (f = 1 when df < 1). df is the
 *      Welch–Satterthwaite effective degrees of freedom (Σ g_s)² / Σ g_s²/(K_s − 1), where
 *      g_s = (u_s − ū)²·K_s·var(S) is size s's share of the slope's variance (u = log x,
 *      var(S) = sample variance of the units' sums of log y): the end sizes carry most of the slope's variance, so df
 *      is well below Σ (K_s − 1) — with 5 sizes and equal noise, ≈ 2.9·(K − 1).
 * Simulated coverage of the nominal 95% interval (5 sizes, Gaussian noise in log y, 1000
 * datasets): plain 83% / 88% / 92% / 94% at 3 / 5 / 10 / 30 trials per size; inflation alone
 * 88% / 91% / 93% / 95%; both (the default) 94–95% at each (test/stats/bootstrap.test.ts
 * checks 200 datasets at 5 trials). Satterthwaite's df from estimated variances errs low, so
 * with 2 trials per size the interval is conservative (df ≈ 1–2 → widening up to t₁/z ≈ 6.5):
 * few trials buy wide intervals, as they should.
 *
 * Determinism: the draws come from rngFor(seed, 'stats.bootstrapSlopeCI') and the units are
 * put in a canonical order (x ascending, then trial, then y), so the interval depends only on
 * the seed, the options and the multiset of points — not on their order in the input.
 */
import { rngFor } from '../random';
import { erfc } from '../special/erf';
import { FitInputError, checkPoints, distinctSizes, type Point } from './fit';

/** A bootstrap confidence interval for the log-log slope. */
export interface SlopeCI {
  /** Lower end: the (1 − level)/2 quantile of the resampled slopes. */
  lo: number;
  /** Upper end: the (1 + level)/2 quantile of the resampled slopes. */
  hi: number;
  /** Nominal coverage, e.g. 0.95. */
  level: number;
  /** Number of bootstrap resamples. */
  resamples: number;
  /** The full-data least-squares slope ŝ the interval is built around. */
  estimate: number;
  /** Widening factor f applied about ŝ (1 without the small-sample correction). */
  widening: number;
  /**
   * Effective degrees of freedom of the slope's noise estimate (Welch–Satterthwaite over the
   * sizes; at most Σ_sizes (K − 1)); 0 when there is no within-size spread.
   */
  df: number;
}

export interface BootstrapOptions {
  /** Root seed of the bootstrap's random stream (use the claim's seed). */
  seed: string | number;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Nominal coverage in (0, 1) (default 0.95). */
  level?: number;
  /**
   * Small-sample correction (default true): inflation of the within-size spread by √(K/(K−1))
   * and t widening of the interval; see the module comment. false: plain percentile bootstrap.
   */
  smallSample?: boolean;
}

/**
 * Quantile q ∈ [0, 1] of an ascending array by linear interpolation between order statistics
 * (the "type 7" definition: position q·(len − 1)).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantileSorted: empty array');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q must be in [0, 1], got ${q}`);
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  if (i + 1 >= n) return sorted[n - 1]!;
  return sorted[i]! + f * (sorted[i + 1]! - sorted[i]!);
}

function checkLevel(level: number, where: string): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${where}: level must be in (0, 1), got ${level}`);
}

/** Per-trial sums of centred log coordinates: the sufficient statistics of a least-squares fit. */
interface Unit {
  n: number;
  su: number;
  sv: number;
  suu: number;
  suv: number;
}

/**
 * Percentile-bootstrap confidence interval of the log-log slope, resampling trials within
 * each size (see the module comment). Deterministic given the seed. Throws like fitLogLog
 * on invalid points or fewer than 2 distinct sizes.
 */
export function bootstrapSlopeCI(points: readonly Point[], opts: BootstrapOptions): SlopeCI {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const smallSample = opts.smallSample ?? true;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrapSlopeCI: resamples must be a positive integer, got ${resamples}`);
  }
  checkLevel(level, 'bootstrapSlopeCI');
  checkPoints(points, 'bootstrapSlopeCI');
  const xs = distinctSizes(points);
  if (xs.length < 2) {
    throw new FitInputError(`bootstrapSlopeCI: need at least 2 distinct x values, got ${xs.length}`);
  }

  // Centre the logs on their overall means so the summed statistics do not cancel.
  const sorted = [...points].sort((a, b) => a.x - b.x || a.trial - b.trial || a.y - b.y);
  let mu = 0;
  let mv = 0;
  for (const p of sorted) {
    mu += Math.log(p.x);
    mv += Math.log(p.y);
  }
  mu /= sorted.length;
  mv /= sorted.length;

  // groups[s] = the trial units at size xs[s], in canonical order.
  const groups: Unit[][] = [];
  // Welch–Satterthwaite pieces: g_s = u_s²·K·var(unit sums) is size s's share of the
  // slope's variance; df = (Σ g_s)² / Σ g_s²/(K_s − 1).
  let gSum = 0;
  let gSqOverDf = 0;
  let k = 0;
  for (const x of xs) {
    const begin = k;
    while (k < sorted.length && sorted[k]!.x === x) k++;
    const atSize = sorted.slice(begin, k);
    const u = Math.log(x) - mu;
    const v = atSize.map((p) => Math.log(p.y) - mv);
    const units = new Set(atSize.map((p) => p.trial)).size;
    // Small-sample inflation: v ← m + c·(v − m) about the size's mean m, c = √(K/(K−1)).
    let c = 1;
    let m = 0;
    if (smallSample && units > 1) {
      c = Math.sqrt(units / (units - 1));
      for (const vi of v) m += vi;
      m /= v.length;
    }
    const list: Unit[] = [];
    for (let i = 0; i < atSize.length; ) {
      const trial = atSize[i]!.trial;
      const unit: Unit = { n: 0, su: 0, sv: 0, suu: 0, suv: 0 };
      for (; i < atSize.length && atSize[i]!.trial === trial; i++) {
        const vi = m + c * (v[i]! - m);
        unit.n += 1;
        unit.su += u;
        unit.sv += vi;
        unit.suu += u * u;
        unit.suv += u * vi;
      }
      list.push(unit);
    }
    groups.push(list);
    if (units > 1) {
      let mean = 0;
      for (const t of list) mean += t.sv;
      mean /= units;
      let pop = 0;
      for (const t of list) pop += (t.sv - mean) * (t.sv - mean);
      // pop is the spread of the (possibly inflated) unit sums; undo c² to get the raw one.
      const g = u * u * units * (pop / (c * c) / (units - 1)); // u²·K·s², s² = sample variance
      gSum += g;
      gSqOverDf += (g * g) / (units - 1);
    }
  }

  const rng = rngFor(opts.seed, 'stats.bootstrapSlopeCI');
  const slopes = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let n = 0;
    let su = 0;
    let sv = 0;
    let suu = 0;
    let suv = 0;
    for (const units of groups) {
      const m = units.length;
      for (let j = 0; j < m; j++) {
        const t = units[rng.uniformInt(m)]!;
        n += t.n;
        su += t.su;
        sv += t.sv;
        suu += t.suu;
        suv += t.suv;
      }
    }
    slopes[r] = (suv - (su * sv) / n) / (suu - (su * su) / n);
  }
  slopes.sort();
  const a = (1 - level) / 2;
  const qlo = quantileSorted(slopes, a);
  const qhi = quantileSorted(slopes, 1 - a);
  const estimate = fullDataSlope(groups);
  const df = gSqOverDf > 0 ? (gSum * gSum) / gSqOverDf : 0;
  const widening = smallSample && df >= 1 ? studentTQuantile(1 - a, df) / normalQuantile(1 - a) : 1;
  if (widening === 1) return { lo: qlo, hi: qhi, level, resamples, estimate, widening, df };
  // Widen about ŝ; min/max keep ŝ inside even if it fell outside [q_lo, q_hi].
  const lo = Math.min(estimate, estimate - widening * (estimate - qlo));
  const hi = Math.max(estimate, estimate + widening * (qhi - estimate));
  return { lo, hi, level, resamples, estimate, widening, df };
}

/** Least-squares slope from the units' summed statistics (the un-resampled data). */
function fullDataSlope(groups: readonly Unit[][]): number {
  let n = 0;
  let su = 0;
  let sv = 0;
  let suu = 0;
  let suv = 0;
  for (const units of groups) {
    for (const t of units) {
      n += t.n;
      su += t.su;
      sv += t.sv;
      suu += t.suu;
      suv += t.suv;
    }
  }
  return (suv - (su * sv) / n) / (suu - (su * su) / n);
}

// ---------------------------------------------------------------------------------------------
// Student-t intervals.

/**
 * log Γ(z) for z > 0: shift to z ≥ 10 by Γ(z+1) = zΓ(z), then Stirling's series
 * (z − ½) ln z − z + ½ ln 2π + Σ_{k=1..7} B_2k / (2k(2k−1) z^{2k−1}); the first omitted term
 * is < 1e-16 at z = 10, so the error is a few ulps of the result.
 */
export function logGamma(z: number): number {
  if (!(z > 0)) throw new RangeError(`logGamma: z must be > 0, got ${z}`);
  let prod = 1;
  while (z < 10) {
    prod *= z;
    z += 1;
  }
  const r = 1 / z;
  const r2 = r * r;
  // B_2k / (2k(2k−1)): 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360, 1/156
  const series =
    r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 / 156))))));
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - Math.log(prod);
}

/**
 * Continued fraction of the regularized incomplete beta function (modified Lentz), valid for
 * x < (a + 1)/(a + b + 2), where it converges fast.
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    // even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m))
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and x ∈ [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t distribution with df > 0 degrees of freedom (df may be fractional). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be > 0, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

/** Standard normal quantile Φ⁻¹(p), p ∈ (0, 1), by bisection on Φ(z) = erfc(−z/√2)/2 (to ~1e-15). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -normalQuantile(1 - p);
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    // Compare upper tails, which keeps relative accuracy for p near 1.
    if (0.5 * erfc(mid / Math.SQRT2) > 1 - p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Quantile of Student's t distribution: the t with studentTCdf(t, df) = p, for p ∈ (0, 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df === Infinity) return normalQuantile(p);
  // Bracket, then bisect (the CDF is monotone; 200 halvings reach the float resolution).
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Mean, sample standard deviation (n − 1 denominator; NaN when n < 2) and count. */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n };
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  if (n < 2) return { mean, std: Number.NaN, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** A two-sided t interval for a mean or a difference of means. */
export interface MeanCI {
  /** Point estimate. */
  estimate: number;
  /** Lower end (−Infinity/NaN when the uncertainty cannot be estimated). */
  lo: number;
  /** Upper end. */
  hi: number;
  /** Standard error of the estimate (NaN when a group with variance has fewer than 2 values). */
  se: number;
  /** Degrees of freedom used for the t quantile (Welch–Satterthwaite for two groups; Infinity when se = 0). */
  df: number;
  /** Nominal coverage. */
  level: number;
}

/**
 * Welch t interval for mean(a) − mean(b) (unequal variances, Welch–Satterthwaite degrees of
 * freedom). `b` may be a fixed number (an exact threshold: zero variance), which gives the
 * one-sample t interval of mean(a) − b. A group of one value has unknown variance: se, lo and
 * hi are then NaN. If both sample variances are 0 the interval is the point itself.
 */
export function welchDiffCI(a: readonly number[], b: readonly number[] | number, level = 0.95): MeanCI {
  checkLevel(level, 'welchDiffCI');
  const A = meanStd(a);
  if (A.n === 0) throw new RangeError('welchDiffCI: the first group is empty');
  let estimate: number;
  let va: number;
  let vb: number;
  let dfa = A.n - 1;
  let dfb = 0;
  if (typeof b === 'number') {
    estimate = A.mean - b;
    va = A.std ** 2 / A.n;
    vb = 0;
  } else {
    const B = meanStd(b);
    if (B.n === 0) throw new RangeError('welchDiffCI: the second group is empty');
    estimate = A.mean - B.mean;
    va = A.std ** 2 / A.n;
    vb = B.std ** 2 / B.n;
    dfb = B.n - 1;
  }
  const se = Math.sqrt(va + vb);
  if (Number.isNaN(se)) return { estimate, lo: Number.NaN, hi: Number.NaN, se, df: Number.NaN, level };
  if (se === 0) return { estimate, lo: estimate, hi: estimate, se, df: Infinity, level };
  // Welch–Satterthwaite: (va + vb)² / (va²/dfa + vb²/dfb), terms with zero variance dropped.
  const denom = (va > 0 ? (va * va) / dfa : 0) + (vb > 0 ? (vb * vb) / dfb : 0);
  const df = ((va + vb) * (va + vb)) / denom;
  const t = studentTQuantile((1 + level) / 2, df);
  return { estimate, lo: estimate - t * se, hi: estimate + t * se, se, df, level };
}
