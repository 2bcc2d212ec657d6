/**
 * How far a network's outputs are from a linear model's (Hu et al., Theorem 3.2's two
 * statements and Corollary 3.3; H6–H12):
 *   train  (1/n) Σ_i (f(x_i) − g(x_i))²          (the engine's mse)
 *   test   (1/n') Σ_j min((f(x'_j) − g(x'_j))², 1) over n' fresh test points (clippedGap)
 * and the share of a gap that no linear model on the features can follow.
 */
import type { Mat } from '../../linalg/mat';
import { optimalLinearModel } from '../protocols/linear-models';

/** (1/n') Σ min((a − b)², 1): the test discrepancy of Theorem 3.2 (each point's gap clipped at 1). */
export function clippedGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const r = (a[i]! - b[i]!) ** 2;
    s += Math.min(r, 1);
  }
  return s / a.length;
}

/** (1/n)‖a‖²: the scale a discrepancy is put against (H11). */
export function meanSquare(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s / a.length;
}

/**
 * The share of ‖a − b‖² that lies outside the row space of Ψ (p×n), i.e. in directions
 * no linear model on these features can reach: 1 − ‖P(a − b)‖²/‖a − b‖², P the projection
 * onto span of Ψ's rows (least squares on the features).
 */
export function shareOutsideFeatureSpan(Psi: Mat, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const r = new Float64Array(a.length);
  for (let i = 0; i < r.length; i++) r[i] = a[i]! - b[i]!;
  const proj = optimalLinearModel(Psi, r).train;
  let all = 0, out = 0;
  for (let i = 0; i < r.length; i++) {
    all += r[i]! * r[i]!;
    out += (r[i]! - proj[i]!) ** 2;
  }
  return all > 0 ? out / all : 0;
}
