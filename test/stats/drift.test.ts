/**
 * The size-limited rule (src/stats/drift.ts) on synthetic curves with seeded lognormal noise:
 * - a pure power law (any exponent) has no drift: never size-limited, whether or not its
 *   exponent is the predicted one;
 * - a power law with a decaying correction, y = x^b(1 + C x^{−γ}), misses b over a short range
 *   but its local slopes move toward b: size-limited, with the extrapolated size beyond the
 *   largest one;
 * - a curve whose local slopes move AWAY from the prediction is not size-limited.
 * The drift's standard error is exact (linear in the per-size means), checked against the
 * spread of the estimate over many independent noise draws.
 */
import { describe, expect, it } from 'vitest';
import { localSlopeDrift, sizeLimitedSlope } from '../../src/stats/drift';
import { rngFor } from '../../src/random';
import type { Point } from '../../src/stats';
import { powerLawData } from './helpers';

const SIZES = [250, 500, 1000, 2000, 4000];

/** y = x^b (1 + C x^{−γ}) · exp(σξ). */
function corrected(seed: string, b: number, C: number, gamma: number, sigma: number, trials = 5, sizes = SIZES): Point[] {
  const out: Point[] = [];
  for (const x of sizes) {
    for (let trial = 0; trial < trials; trial++) {
      const xi = rngFor(seed, 'drift', x, trial).normal();
      out.push({ x, y: x ** b * (1 + C * x ** -gamma) * Math.exp(sigma * xi), trial });
    }
  }
  return out;
}

describe('sizeLimitedSlope', () => {
  it('a pure power law is never size-limited, at the predicted exponent or another (20 seeds)', () => {
    let marked = 0;
    for (let s = 0; s < 20; s++) {
      // Exponent −0.2 against a prediction slope ≤ −0.5 (+0.15): a genuinely different exponent.
      const pts = powerLawData({ seed: `pure-${s}`, exponent: -0.2, sizes: SIZES, trials: 5, sigma: 0.05 });
      if (sizeLimitedSlope(pts, [null, -0.35])) marked++;
    }
    // One-sided 2.5% test per seed: at most one false mark in 20 is the honest allowance.
    expect(marked).toBeLessThanOrEqual(1);
  });

  it('a power law with a decaying correction is size-limited, with a reach size beyond the largest', () => {
    // b = −1, C = 30, γ = ½: local slope −1 − ½·u/(1 + u), u = 30/√n: −1.32 at n ≈ 350, −1.17 at
    // n ≈ 2800. The fit over 250…4000 misses [−1.15, −0.85] from below; the exact curve reaches
    // −1.15 at u = 3/7, n = 4900. 1% noise per point: the drift (≈ 0.05 per e-fold) must be resolved.
    const pts = corrected('corr', -1, 30, 0.5, 0.01);
    const lim = sizeLimitedSlope(pts, [-1.15, -0.85], { xName: 'n' });
    expect(lim).toBeDefined();
    expect(lim!.driftSlope).toBeGreaterThan(0);
    expect(lim!.driftCi[0]).toBeGreaterThan(0);
    expect(lim!.reachAt).not.toBeNull();
    // First-order extrapolation: the right order of magnitude around the exact 4900.
    expect(lim!.reachAt!).toBeGreaterThan(4000);
    expect(lim!.reachAt!).toBeLessThan(2e4);
    expect(lim!.text).toMatch(/^size-limited: local slopes drift by 0\.\d\d per e-fold of n/);
  });

  it('the same from above: y = x^b(1 − C x^{−γ}) approaches b from shallower slopes', () => {
    // b = −1, C = 10, γ = ½: local slope −1 + ½·u/(1 − u), u = 10/√n: −0.25 at n ≈ 350, −0.90 at 2800.
    const pts = corrected('above', -1, -10, 0.5, 0.03);
    const lim = sizeLimitedSlope(pts, [-1.15, -0.85]);
    expect(lim).toBeDefined();
    expect(lim!.driftCi[1]).toBeLessThan(0);
  });

  it('a drift away from the prediction is not size-limited', () => {
    // Local slopes go from −1 toward −0.3: predicted ≈ −1.5 is left behind.
    const pts = corrected('away', -0.3, -0.6, 0.3, 0.02);
    const dr = localSlopeDrift(pts)!;
    expect(dr.g).toBeGreaterThan(0);
    expect(sizeLimitedSlope(pts, [-1.65, -1.35])).toBeUndefined();
  });

  it('needs four sizes and within-size spread', () => {
    const three = corrected('three', -1, 30, 0.5, 0.03, 5, [250, 1000, 4000]);
    expect(sizeLimitedSlope(three, [-1.15, -0.85])).toBeUndefined();
    const single = corrected('single', -1, 30, 0.5, 0.03, 1);
    expect(sizeLimitedSlope(single, [-1.15, -0.85])).toBeUndefined();
  });

  it('the drift standard error matches the spread of the estimate over independent draws (±15%)', () => {
    const gs: number[] = [];
    let se = 0;
    for (let s = 0; s < 400; s++) {
      const dr = localSlopeDrift(powerLawData({ seed: `se-${s}`, exponent: -0.5, sizes: SIZES, trials: 4, sigma: 0.1 }))!;
      gs.push(dr.g);
      se += dr.se / 400;
    }
    const mean = gs.reduce((a, b) => a + b, 0) / gs.length;
    const sd = Math.sqrt(gs.reduce((a, b) => a + (b - mean) ** 2, 0) / (gs.length - 1));
    // Unbiased: E g = 0 for a pure power law (|mean| within 3 standard errors of the mean).
    expect(Math.abs(mean)).toBeLessThan((3 * sd) / Math.sqrt(gs.length));
    // E[se] slightly underestimates sd (se is a square root of an unbiased variance): 15% covers it at 4 trials.
    expect(se / sd).toBeGreaterThan(0.85);
    expect(se / sd).toBeLessThan(1.15);
  });
});
