/**
 * The learning-rate transition probe of Wang et al. (W10, Fig. 2): the rate is swept at a
 * fixed n, and every rate must train the same network on the same data, so that one trial's
 * curve against η is a curve and not noise (common random numbers).
 */
import { type Rng, rngFor } from '../../random';

/**
 * A stream keyed by (root seed, claim, `label`, trial) — NOT by the sweep value. A claim that
 * sweeps a hyper-parameter (the learning rate) at fixed n uses it for data, teacher and
 * initialisation, so that trial t trains the same network on the same data at every rate
 * (common random numbers: the curve against η of one trial is then a curve, not noise).
 *
 * JobContext.rng is keyed by (root seed, claim, x, trial); its key is the JSON array of those
 * parts (src/random streamKey), which is read back here.
 */
export function sweepIndependentRng(rng: Rng, label = 'shared-over-sweep'): Rng {
  let parts: unknown;
  try {
    parts = JSON.parse(rng.key);
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 4) {
    throw new Error(`sweepIndependentRng: expected a job stream keyed by [rootSeed, claim, x, trial], got key ${rng.key}`);
  }
  const [root, claim, , trial] = parts as [string | number, string, number, number];
  return rngFor(root, claim, label, trial);
}
