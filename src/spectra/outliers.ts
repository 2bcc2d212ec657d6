/**
 * Outlier eigenvalues above a bulk edge: counting, a Tracy–Widom-scale margin for the
 * largest eigenvalue of a white Wishart matrix, and the BBP spike location. In the W paper
 * trained weights develop outliers above the Marchenko–Pastur edge of (1/h)WᵀW while the
 * bulk stays put; these helpers decide what "above the edge" means at finite size.
 */
import { checkScalar, checkValues } from './validate';

export interface Outliers {
  /** Number of eigenvalues strictly above edge + margin. */
  count: number;
  /** Those eigenvalues, descending. */
  values: Float64Array;
  /** The bulk edge passed in. */
  edge: number;
  /** The margin used (≥ 0). */
  margin: number;
  /** edge + margin: the threshold a value must exceed. */
  threshold: number;
}

/** Eigenvalues strictly above edge + margin (margin default 0), descending. */
export function outliersAbove(eigs: ArrayLike<number>, edge: number, margin = 0): Outliers {
  const fn = 'outliersAbove';
  checkValues(fn, 'eigs', eigs);
  checkScalar(fn, 'edge', edge, () => true, 'finite');
  checkScalar(fn, 'margin', margin, (v) => v >= 0, 'non-negative');
  const threshold = edge + margin;
  const above: number[] = [];
  for (let i = 0; i < eigs.length; i++) if (eigs[i]! > threshold) above.push(eigs[i]!);
  const values = Float64Array.from(above).sort().reverse();
  return { count: values.length, values, edge, margin, threshold };
}

/**
 * Quantiles of the GOE Tracy–Widom law TW₁ (Tracy & Widom 1996; tabulated e.g. in
 * Johnstone 2001, Table 1 / Bejan 2005): P(TW₁ ≤ q) = level.
 */
export const TW1_QUANTILES = { p95: 0.9793, p99: 2.0234 } as const;

export interface TwMargin {
  /** Johnstone's centring μ_{N,p}/N for λ_max of (1/N)XᵀX (times s²). */
  mu: number;
  /** Johnstone's scale σ_{N,p}/N (times s²); of order N^{−2/3}. */
  sigma: number;
  /** mu + q·sigma: the level λ_max of a pure-noise matrix exceeds with probability ≈ P(TW₁ > q). */
  threshold: number;
  /** threshold − s²(1 + √(p/N))²: the margin to add to the MP upper edge (may be ≈ 0 or slightly negative only for tiny N, p). */
  margin: number;
  /** The TW₁ quantile q used. */
  quantile: number;
}

/**
 * Tracy–Widom margin for the largest eigenvalue of a white Wishart matrix (Johnstone 2001,
 * Theorem 1.1, real case): for X N×p with iid N(0, 1) entries and ℓ₁ the largest eigenvalue
 * of XᵀX,
 *   μ = (√(N−1) + √p)²,   σ = (√(N−1) + √p)·(1/√(N−1) + 1/√p)^{1/3},
 *   (ℓ₁ − μ)/σ → TW₁.
 * Normalised to (1/N)·XᵀX (the MP convention of mp.ts, γ = p/N) and to entry variance s²,
 * mu = s²μ/N → s²(1 + √γ)² and sigma = s²σ/N = O(N^{−2/3}). Default q = TW1_QUANTILES.p99,
 * so a noise-only spectrum has an eigenvalue above `threshold` about 1% of the time.
 */
export function twMargin(N: number, p: number, opts: { quantile?: number; s2?: number } = {}): TwMargin {
  const fn = 'twMargin';
  checkScalar(fn, 'N', N, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2');
  checkScalar(fn, 'p', p, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  const q = opts.quantile ?? TW1_QUANTILES.p99;
  const s2 = opts.s2 ?? 1;
  checkScalar(fn, 'quantile', q, () => true, 'finite');
  checkScalar(fn, 's2', s2, (v) => v > 0, 'positive');
  const a = Math.sqrt(N - 1);
  const b = Math.sqrt(p);
  const mu = (s2 * (a + b) * (a + b)) / N;
  const sigma = (s2 * (a + b) * Math.cbrt(1 / a + 1 / b)) / N;
  const threshold = mu + q * sigma;
  const g = Math.sqrt(p / N);
  return { mu, sigma, threshold, margin: threshold - s2 * (1 + g) * (1 + g), quantile: q };
}

export interface BbpSpike {
  /** Limit of the top sample eigenvalue: (1+θ)(1+γ/θ) above the threshold, the bulk edge (1+√γ)² otherwise (times s²). */
  location: number;
  /** θ > √γ: the spike separates from the bulk (BBP transition). */
  separated: boolean;
  /** The critical spike strength √γ. */
  threshold: number;
  /**
   * Limit of the squared overlap |⟨û, v⟩|² between the top sample eigenvector and the spike
   * direction: (1 − γ/θ²)/(1 + γ/θ) when separated, 0 otherwise (Paul 2007).
   */
  squaredOverlap: number;
}

/**
 * BBP phase transition (Baik, Ben Arous & Péché 2005; Baik & Silverstein 2006) for the
 * spiked covariance model: rows of X (N×p) iid N(0, s²(I + θ·vvᵀ)), ‖v‖ = 1, γ = p/N, and
 * the sample covariance (1/N)XᵀX. The population spike eigenvalue is s²(1 + θ); as
 * N, p → ∞, the top sample eigenvalue converges to s²(1 + θ)(1 + γ/θ) if θ > √γ and sticks
 * to the MP edge s²(1 + √γ)² otherwise.
 */
export function bbpSpikeLocation(theta: number, gamma: number, s2 = 1): BbpSpike {
  const fn = 'bbpSpikeLocation';
  checkScalar(fn, 'theta', theta, (v) => v >= 0, 'non-negative (spike strength)');
  checkScalar(fn, 'gamma', gamma, (v) => v > 0, 'positive (γ = p/N)');
  checkScalar(fn, 's2', s2, (v) => v > 0, 'positive');
  const thr = Math.sqrt(gamma);
  if (theta > thr) {
    return {
      location: s2 * (1 + theta) * (1 + gamma / theta),
      separated: true,
      threshold: thr,
      squaredOverlap: (1 - gamma / (theta * theta)) / (1 + gamma / theta),
    };
  }
  return { location: s2 * (1 + thr) * (1 + thr), separated: false, threshold: thr, squaredOverlap: 0 };
}
