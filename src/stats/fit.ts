/**
 * Log-log least-squares fits of a scaling law y ≈ C·x^b.
 *
 * A sweep produces points (x, y, trial): x is the size swept (n, d, m or η), y the observable
 * measured at that size in one trial. Every point is one observation; the fit regresses
 * log y on log x by ordinary least squares over all of them (natural logarithms), so a size
 * with more trials weighs more. The slope b is the scaling exponent; e^intercept is C.
 *
 * Numerics: sums are taken about the means of log x and log y, so a slope of an exact power
 * law comes back to ~1e-15 whatever C and the range of x.
 */

/** One observation of a sweep. */
export interface Point {
  /** The swept size (n, d, m, η, …); must be finite and > 0. */
  x: number;
  /** The observable measured at x in this trial; must be finite and > 0. */
  y: number;
  /** Trial index (or id) at this size. Points sharing (x, trial) are resampled together. */
  trial: number;
}

/** Result of fitting log y = intercept + slope·log x by ordinary least squares. */
export interface LogLogFit {
  /** Fitted exponent b in y ≈ C·x^b. */
  slope: number;
  /** Fitted log C (natural log): y ≈ exp(intercept)·x^slope. */
  intercept: number;
  /** Coefficient of determination of the log-log fit (1 when the residual sum is 0 or log y is constant). */
  r2: number;
  /** Number of points used. */
  points: number;
  /** Number of distinct x values. */
  sizes: number;
  /** Residual standard deviation in log y: sqrt(Σ residual² / (points − 2)); 0 when points = 2. */
  residualStd: number;
}

/** Thrown for data that cannot be fitted on a log-log scale. */
export class FitInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FitInputError';
  }
}

/** Short description of a point for error messages. */
export function describePoint(p: Point): string {
  return `(x=${p.x}, trial ${p.trial}, y=${p.y})`;
}

/**
 * The first problem that prevents a log-log fit of this point, or undefined if there is
 * none: x and y must be finite and strictly positive (and trial a finite number).
 */
export function pointProblem(p: Point): string | undefined {
  if (typeof p.x !== 'number' || !Number.isFinite(p.x)) return `non-finite x at point ${describePoint(p)}`;
  if (typeof p.y !== 'number' || !Number.isFinite(p.y)) return `non-finite y at point ${describePoint(p)}`;
  if (typeof p.trial !== 'number' || !Number.isFinite(p.trial)) return `non-finite trial at point ${describePoint(p)}`;
  if (p.x <= 0) return `x must be > 0 for a log-log fit, got point ${describePoint(p)}`;
  if (p.y <= 0) return `y must be > 0 for a log-log fit, got point ${describePoint(p)}`;
  return undefined;
}

/** Throws a FitInputError naming the first point that cannot be fitted. */
export function checkPoints(points: readonly Point[], where: string): void {
  for (const p of points) {
    const problem = pointProblem(p);
    if (problem !== undefined) throw new FitInputError(`${where}: ${problem}`);
  }
}

/** Distinct x values, ascending. */
export function distinctSizes(points: readonly Point[]): number[] {
  return [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
}

/**
 * Ordinary least squares of log y on log x over all points.
 * Throws a FitInputError if any x or y is ≤ 0 or non-finite (naming the point), or if
 * fewer than 2 distinct x values are given.
 */
export function fitLogLog(points: readonly Point[]): LogLogFit {
  checkPoints(points, 'fitLogLog');
  const sizes = distinctSizes(points).length;
  if (sizes < 2) {
    throw new FitInputError(
      `fitLogLog: need at least 2 distinct x values to fit a slope, got ${sizes} (${points.length} points)`,
    );
  }
  const N = points.length;
  const u = new Float64Array(N);
  const v = new Float64Array(N);
  let mu = 0;
  let mv = 0;
  for (let i = 0; i < N; i++) {
    u[i] = Math.log(points[i]!.x);
    v[i] = Math.log(points[i]!.y);
    mu += u[i]!;
    mv += v[i]!;
  }
  mu /= N;
  mv /= N;
  let suu = 0;
  let suv = 0;
  let svv = 0;
  for (let i = 0; i < N; i++) {
    const du = u[i]! - mu;
    const dv = v[i]! - mv;
    suu += du * du;
    suv += du * dv;
    svv += dv * dv;
  }
  const slope = suv / suu;
  const intercept = mv - slope * mu;
  let ssr = 0;
  for (let i = 0; i < N; i++) {
    const r = v[i]! - mv - slope * (u[i]! - mu);
    ssr += r * r;
  }
  const r2 = svv > 0 ? Math.max(0, 1 - ssr / svv) : 1;
  const residualStd = N > 2 ? Math.sqrt(ssr / (N - 2)) : 0;
  return { slope, intercept, r2, points: N, sizes, residualStd };
}

/** Slope between two consecutive sizes, from the mean of log y at each. */
export interface LocalSlope {
  /** The smaller size. */
  x0: number;
  /** The next larger size. */
  x1: number;
  /** (mean log y(x1) − mean log y(x0)) / (log x1 − log x0). */
  slope: number;
}

/**
 * Local slopes between consecutive distinct sizes, from the mean of log y at each size.
 * For an exact power law they all equal the exponent; a trend along the list is finite-size
 * drift. Fewer than 2 sizes give []. Throws like fitLogLog on invalid points.
 */
export function localSlopes(points: readonly Point[]): LocalSlope[] {
  checkPoints(points, 'localSlopes');
  const byX = new Map<number, { sum: number; count: number }>();
  for (const p of points) {
    const g = byX.get(p.x) ?? { sum: 0, count: 0 };
    g.sum += Math.log(p.y);
    g.count += 1;
    byX.set(p.x, g);
  }
  const xs = [...byX.keys()].sort((a, b) => a - b);
  const out: LocalSlope[] = [];
  for (let k = 1; k < xs.length; k++) {
    const x0 = xs[k - 1]!;
    const x1 = xs[k]!;
    const g0 = byX.get(x0)!;
    const g1 = byX.get(x1)!;
    const slope = (g1.sum / g1.count - g0.sum / g0.count) / (Math.log(x1) - Math.log(x0));
    out.push({ x0, x1, slope });
  }
  return out;
}
