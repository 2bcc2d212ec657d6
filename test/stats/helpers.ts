import { rngFor } from '../../src/random';
import type { Point } from '../../src/stats';

/**
 * y = C·x^b·exp(sigma·ξ), ξ ~ N(0, 1) drawn from rngFor(seed, 'powerLawData', x, trial):
 * a power law with multiplicative lognormal noise, one point per (size, trial).
 */
export function powerLawData(opts: {
  seed: string | number;
  exponent: number;
  sizes: readonly number[];
  trials: number;
  sigma: number;
  C?: number;
}): Point[] {
  const C = opts.C ?? 2;
  const out: Point[] = [];
  for (const x of opts.sizes) {
    for (let trial = 0; trial < opts.trials; trial++) {
      const xi = opts.sigma > 0 ? rngFor(opts.seed, 'powerLawData', x, trial).normal() : 0;
      out.push({ x, y: C * x ** opts.exponent * Math.exp(opts.sigma * xi), trial });
    }
  }
  return out;
}

/** Five sizes spanning a factor 16, the default sweep of these tests. */
export const SIZES = [100, 200, 400, 800, 1600] as const;
