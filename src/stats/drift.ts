/**
 * Size-limited verdicts: is a slope that misses its prediction only a finite-size effect?
 *
 * A power law with a correction, y = A·x^b·(1 + C·x^{−γ}), has local slopes
 * b − Cγx^{−γ}/(1 + Cx^{−γ}) that move toward b as x grows, while the global fit over a
 * short range sits between. So we model the local slopes s_k between consecutive sizes as
 * linear in log x at their midpoints, s(u) = s̄ + g·(u − ū), u = log x, and ask whether the
 * drift g points toward the predicted range with its 99% CI excluding 0.
 *
 * g is linear in the per-size means m_s of log y: g = Σ_s w_s m_s (each s_k is a difference
 * of two means, and the least-squares slope a weighted sum of the s_k). Its variance is
 * therefore Σ_s w_s² var_s/K_s exactly (sizes are independent), with a Student-t quantile at
 * the Welch–Satterthwaite degrees of freedom — no resampling, nothing random.
 *
 * Where the trend is a drift toward the range, the size at which the extrapolated local slope
 * reaches the range's nearer edge is reported. The linear-in-log-x trend is a first-order
 * extrapolation: read it as an order of magnitude, not a forecast.
 */
import { studentTQuantile } from './bootstrap';
import { fmtFixed } from './verdict';
import type { Point } from './fit';

export interface SizeLimited {
  /** d(local slope)/d(log x). */
  driftSlope: number;
  /** CI of the drift (99% by default). */
  driftCi: [number, number];
  /** x at which the extrapolated local slope reaches the predicted range (null: already inside at the largest size). */
  reachAt: number | null;
  /** One sentence for reports. */
  text: string;
}

export interface DriftOptions {
  xName?: string;
  /** CI level of the drift (default 0.99: a size-limited mark is a strong statement, false marks cost trust). */
  level?: number;
  /** Fewest sizes (local slopes + 1) for a trend (default 4: three local slopes). */
  minSizes?: number;
}

const fmt = (v: number) => fmtFixed(v, 2);

function fmtX(v: number): string {
  if (v >= 1e6) return v.toExponential(1).replace('e+', 'e');
  return String(Math.round(v));
}

interface SizeStats {
  u: number;
  mean: number;
  variance: number;
  count: number;
}

function perSize(points: readonly Point[]): SizeStats[] {
  const by = new Map<number, number[]>();
  for (const p of points) {
    if (!(p.y > 0) || !Number.isFinite(p.y) || !(p.x > 0)) return [];
    const a = by.get(p.x) ?? [];
    a.push(Math.log(p.y));
    by.set(p.x, a);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([x, v]) => {
    const mean = v.reduce((s, t) => s + t, 0) / v.length;
    const variance = v.length > 1 ? v.reduce((s, t) => s + (t - mean) ** 2, 0) / (v.length - 1) : 0;
    return { u: Math.log(x), mean, variance, count: v.length };
  });
}

/** The drift of the local slopes in log x: estimate, standard error and Welch df. */
export function localSlopeDrift(points: readonly Point[]): { g: number; se: number; df: number; sBar: number; uBar: number; uLast: number } | undefined {
  const s = perSize(points);
  if (s.length < 3) return undefined;
  const K = s.length - 1;
  const mid: number[] = [];
  const delta: number[] = [];
  for (let k = 0; k < K; k++) {
    mid.push((s[k]!.u + s[k + 1]!.u) / 2);
    delta.push(s[k + 1]!.u - s[k]!.u);
  }
  const uBar = mid.reduce((a, b) => a + b, 0) / K;
  const suu = mid.reduce((a, u) => a + (u - uBar) ** 2, 0);
  const c = mid.map((u) => (u - uBar) / suu);
  // Weights of the per-size means in g = Σ_k c_k (m_{k+1} − m_k)/Δ_k.
  const w = s.map((_, i) => (i > 0 ? c[i - 1]! / delta[i - 1]! : 0) - (i < K ? c[i]! / delta[i]! : 0));
  const g = w.reduce((a, wi, i) => a + wi * s[i]!.mean, 0);
  const localS = delta.map((dk, k) => (s[k + 1]!.mean - s[k]!.mean) / dk);
  const sBar = localS.reduce((a, b) => a + b, 0) / K;
  let v = 0;
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++) {
    const q = s[i]!;
    if (q.count < 2) return undefined; // no within-size spread: no honest CI
    const part = (w[i]! ** 2 * q.variance) / q.count;
    v += part;
    num += part;
    den += part ** 2 / (q.count - 1);
  }
  const df = den > 0 ? (num * num) / den : Infinity;
  return { g, se: Math.sqrt(v), df, sBar, uBar, uLast: mid[K - 1]! };
}

/**
 * The size-limited mark for a slope that missed `interval` ([lo, hi], null = open end): the
 * drift must point into the interval from the side the local slopes sit on, with its CI
 * excluding 0. Undefined when it does not (a genuinely different exponent, or too little data).
 */
export function sizeLimitedSlope(
  points: readonly Point[], interval: readonly [number | null, number | null], opts: DriftOptions = {},
): SizeLimited | undefined {
  const level = opts.level ?? 0.99;
  const xName = opts.xName ?? 'n';
  const sizes = new Set(points.map((p) => p.x)).size;
  if (sizes < (opts.minSizes ?? 4)) return undefined;
  const dr = localSlopeDrift(points);
  if (!dr || !(dr.se > 0) || !Number.isFinite(dr.df)) return undefined;
  const t = studentTQuantile(0.5 + level / 2, Math.max(1, dr.df));
  const ci: [number, number] = [dr.g - t * dr.se, dr.g + t * dr.se];
  const [lo, hi] = interval;
  // Where the local slopes sit: the trend's value over the measured range (its mean).
  const above = hi !== null && dr.sBar > hi;
  const below = lo !== null && dr.sBar < lo;
  if (!above && !below) return undefined; // the miss is a wide CI, not a trend away from the range
  const toward = above ? ci[1] < 0 : ci[0] > 0;
  if (!toward) return undefined;
  const edge = above ? hi! : lo!;
  const trendAtLast = dr.sBar + dr.g * (dr.uLast - dr.uBar);
  const inside = above ? trendAtLast <= edge : trendAtLast >= edge;
  const reachAt = inside ? null : Math.exp(dr.uBar + (edge - dr.sBar) / dr.g);
  const driftText = `local slopes drift by ${fmt(dr.g)} per e-fold of ${xName} (${Math.round(level * 100)}% CI [${fmt(ci[0])}, ${fmt(ci[1])}]) toward the predicted range`;
  const text = reachAt === null
    ? `size-limited: ${driftText}; the trend is already inside it at the largest sizes, so larger sizes should confirm`
    : `size-limited: ${driftText}; extrapolated, it reaches ${fmt(edge)} at ${xName} ≈ ${fmtX(reachAt)}`;
  return { driftSlope: dr.g, driftCi: ci, reachAt, text };
}
