/**
 * Heavy-tail diagnostics of an empirical spectral density (ESD), in the style of
 * WeightWatcher (Martin & Mahoney): a power-law fit p(λ) ∝ λ^{−α} for λ ≥ x_min to the
 * eigenvalues of WᵀW, and the derived scalar metrics. Trained weights whose ESD grows a
 * heavy tail (small α) are a signature of feature learning beyond the kernel regime.
 */
import { SpectraInputError, checkScalar, checkValues } from './validate';

export interface PowerLawOptions {
  /** Smallest tail admitted when choosing x_min (default 10). */
  minTail?: number;
  /** Fix x_min instead of choosing it by minimum KS distance. */
  xmin?: number;
  /** Largest number of x_min candidates tried (evenly spaced through the admissible ones); default all. */
  maxCandidates?: number;
}

export interface PowerLawFit {
  /** Continuous MLE α̂ = 1 + n_tail / Σ ln(x_i / x_min). */
  alpha: number;
  /** The lower cut-off x_min (one of the data values unless fixed by the caller). */
  xmin: number;
  /** max of the data (top of the tail). */
  xmax: number;
  /** Number of points with x ≥ x_min. */
  tailSize: number;
  /** Asymptotic standard error (α̂ − 1)/√n_tail (Clauset et al. 2009, eq. 3.2). */
  sigma: number;
  /** Kolmogorov distance between the tail's empirical CDF and the fitted Pareto CDF 1 − (x/x_min)^{1−α}. */
  ks: number;
  /** Number of positive values used (non-positive eigenvalues are dropped). */
  n: number;
  /** Number of x_min candidates examined. */
  candidates: number;
}

/** MLE α and KS distance for the tail x[start..] (x sorted ascending, xmin = x[start]). */
function fitTail(
  logx: Float64Array,
  start: number,
  xmin: number,
  sumLogSuffix: Float64Array,
): { alpha: number; ks: number } {
  const nt = logx.length - start;
  const lmin = Math.log(xmin);
  const denom = sumLogSuffix[start]! - nt * lmin;
  if (!(denom > 0)) return { alpha: Number.POSITIVE_INFINITY, ks: Number.POSITIVE_INFINITY };
  const alpha = 1 + nt / denom;
  const e = 1 - alpha;
  let ks = 0;
  for (let j = start; j < logx.length; j++) {
    const F = 1 - Math.exp(e * (logx[j]! - lmin)); // 1 − (x_j/x_min)^{1−α}
    const r = j - start;
    const d = Math.max(Math.abs((r + 1) / nt - F), Math.abs(r / nt - F));
    if (d > ks) ks = d;
  }
  return { alpha, ks };
}

/**
 * Power-law tail fit of Clauset, Shalizi & Newman (2009): for each candidate x_min (the
 * distinct data values leaving at least `minTail` points in the tail), α̂ by continuous MLE
 * and the KS distance D between the tail's empirical CDF and the fitted Pareto CDF; the
 * candidate with the smallest D is returned. Only positive values are used (eigenvalues of
 * a Gram matrix are ≥ 0; zeros and rounding negatives carry no tail information).
 */
export function fitPowerLaw(eigs: ArrayLike<number>, opts: PowerLawOptions = {}): PowerLawFit {
  const fn = 'fitPowerLaw';
  checkValues(fn, 'eigs', eigs);
  const minTail = opts.minTail ?? 10;
  checkScalar(fn, 'minTail', minTail, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2');
  const pos: number[] = [];
  for (let i = 0; i < eigs.length; i++) if (eigs[i]! > 0) pos.push(eigs[i]!);
  const x = Float64Array.from(pos).sort();
  const n = x.length;
  if (n < minTail) throw new SpectraInputError(`${fn}: ${n} positive values, fewer than minTail = ${minTail}`);
  const logx = x.map(Math.log);
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + logx[i]!;

  const finish = (start: number, xmin: number, alpha: number, ks: number, candidates: number): PowerLawFit => {
    const nt = n - start;
    return { alpha, xmin, xmax: x[n - 1]!, tailSize: nt, sigma: (alpha - 1) / Math.sqrt(nt), ks, n, candidates };
  };

  if (opts.xmin !== undefined) {
    checkScalar(fn, 'xmin', opts.xmin, (v) => v > 0, 'positive');
    let start = 0;
    while (start < n && x[start]! < opts.xmin) start++;
    if (n - start < 2) throw new SpectraInputError(`${fn}: fewer than 2 values ≥ xmin = ${opts.xmin}`);
    const r = fitTail(logx, start, opts.xmin, suffix);
    if (!Number.isFinite(r.alpha)) throw new SpectraInputError(`${fn}: all values ≥ xmin equal xmin; α is undefined`);
    return finish(start, opts.xmin, r.alpha, r.ks, 1);
  }

  // Admissible candidates: first index of each distinct value with a tail of ≥ minTail points.
  const starts: number[] = [];
  for (let i = 0; i + minTail <= n; i++) if (i === 0 || x[i] !== x[i - 1]) starts.push(i);
  let cand = starts;
  const maxC = opts.maxCandidates;
  if (maxC !== undefined) {
    checkScalar(fn, 'maxCandidates', maxC, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    if (starts.length > maxC) {
      cand = [];
      for (let t = 0; t < maxC; t++) cand.push(starts[Math.round((t * (starts.length - 1)) / Math.max(1, maxC - 1))]!);
    }
  }
  let best: { start: number; alpha: number; ks: number } | undefined;
  for (const s of cand) {
    const r = fitTail(logx, s, x[s]!, suffix);
    if (Number.isFinite(r.alpha) && (best === undefined || r.ks < best.ks)) best = { start: s, ...r };
  }
  if (best === undefined) throw new SpectraInputError(`${fn}: no x_min candidate gives a finite α (too many ties)`);
  return finish(best.start, x[best.start]!, best.alpha, best.ks, cand.length);
}

/**
 * WeightWatcher's "weighted alpha" â = α·log₁₀(λ_max) (Martin, Peng & Mahoney 2021).
 * This is the definition used by the WeightWatcher tool and its papers.
 */
export function alphaTimesLogLambdaMax(alpha: number, lambdaMax: number): number {
  checkScalar('alphaTimesLogLambdaMax', 'alpha', alpha, () => true, 'finite');
  checkScalar('alphaTimesLogLambdaMax', 'lambdaMax', lambdaMax, (v) => v > 0, 'positive');
  return alpha * Math.log10(lambdaMax);
}

/**
 * α·λ_max: the literal formula "weighted α = α·λ_max" from the issue text. It differs from
 * WeightWatcher's weighted alpha (α·log₁₀ λ_max, see alphaTimesLogLambdaMax) and scales
 * linearly, not logarithmically, with the top eigenvalue. Exposed so both can be reported.
 */
export function alphaTimesLambdaMax(alpha: number, lambdaMax: number): number {
  checkScalar('alphaTimesLambdaMax', 'alpha', alpha, () => true, 'finite');
  checkScalar('alphaTimesLambdaMax', 'lambdaMax', lambdaMax, () => true, 'finite');
  return alpha * lambdaMax;
}

/** Alias of alphaTimesLogLambdaMax: WeightWatcher's weighted alpha α·log₁₀(λ_max). */
export function weightedAlpha(alpha: number, lambdaMax: number): number {
  return alphaTimesLogLambdaMax(alpha, lambdaMax);
}

/**
 * WeightWatcher's log α-norm: log₁₀ Σ_i λ_i^α (the Schatten-2α norm of W raised to 2α, when
 * λ are the eigenvalues of WᵀW). Non-positive eigenvalues contribute 0 (λ^α → 0, α > 0) and
 * are skipped; the sum is done as a log-sum-exp so large α cannot overflow.
 */
export function logAlphaNorm(eigs: ArrayLike<number>, alpha: number): number {
  const fn = 'logAlphaNorm';
  checkValues(fn, 'eigs', eigs);
  checkScalar(fn, 'alpha', alpha, (v) => v > 0, 'positive');
  let mx = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < eigs.length; i++) if (eigs[i]! > 0) mx = Math.max(mx, alpha * Math.log(eigs[i]!));
  if (mx === Number.NEGATIVE_INFINITY) throw new SpectraInputError(`${fn}: no positive eigenvalue`);
  let s = 0;
  for (let i = 0; i < eigs.length; i++) if (eigs[i]! > 0) s += Math.exp(alpha * Math.log(eigs[i]!) - mx);
  return (mx + Math.log(s)) / Math.LN10;
}

/**
 * Stable rank Σλ_i / λ_max. With λ the eigenvalues of WᵀW this is ‖W‖_F²/‖W‖₂², a
 * continuous proxy for rank (1 for rank one, d for an orthogonal W). Requires λ_max > 0.
 */
export function stableRank(eigs: ArrayLike<number>): number {
  const fn = 'stableRank';
  checkValues(fn, 'eigs', eigs);
  let s = 0;
  let mx = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < eigs.length; i++) {
    s += eigs[i]!;
    mx = Math.max(mx, eigs[i]!);
  }
  if (!(mx > 0)) throw new SpectraInputError(`${fn}: the largest eigenvalue is ${mx}, not positive`);
  return s / mx;
}
