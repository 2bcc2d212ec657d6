/**
 * How a protocol picks its learning rate, for both papers. Loss L = (1/(2n))‖y − f(X)‖²
 * (minibatch: (1/(2b))Σ over the batch), under which GD on the trained layers moves the
 * residual by r_{t+1} ≈ (I − (η/n) K) r_t, K the NTK of those layers, so GD is stable for
 * η < 2n/λ_max(K) (2b/λ_max for a minibatch of b).
 *
 * Wang et al. (W, training to convergence, W6–W8): a `RateRule` — a fixed η, Theorem 5.2's
 * bound η ≤ n/(4 λ_σ² (1 + √(n/d))²) (λ_σ the Lipschitz constant of σ), or a fraction of the
 * stability limit of the initial kernel; (12) then contracts ℓ by (1 − ηα²/(2n)) a step with
 * α = √λ_min(K1₀)/2, i.e. at 1/8 of the linearised rate ηλ_min/n.
 *
 * Hu et al. (H, network and linear model side by side, H6–H12): a `LinearModelRate` — a
 * fraction of the linear model's stability limit 2n/‖Θlin‖, and the early horizon
 * T = ⌊c·d·ln d/η⌋ the theorems measure time in.
 */
import type { Activation } from '../../activations';
import { stabilityLimitFeatures } from '../../kernels/linear-model';
import type { Mat } from '../../linalg/mat';

// ----------------------------------------------------------------------------- W: rate rules

/** The rate rules of W6: a given η, Theorem 5.2's bound, a fraction of the stability limit. */
export type EtaRule = 'fixed' | 'theorem' | 'stability';

/**
 * Lipschitz constant λ_σ = sup |σ'| of an activation, as the maximum of |σ'| on a fine
 * grid of [−40, 40] (σ' of every registered activation is monotone or bell-shaped, so its
 * supremum is reached inside the grid or approached at its ends: sigmoid(40) = 1 − 4e−18).
 */
export function lipschitzConstant(act: Activation): number {
  let m = 0;
  for (let i = -40000; i <= 40000; i++) m = Math.max(m, Math.abs(act.d1(i / 1000)));
  return m;
}

/** Theorem 5.2's largest rate: η ≤ n/(4 λ_σ² (1 + √(n/d))²) (loss (1/(2n))‖y − f‖²). */
export function theoremEta(n: number, d: number, act: Activation): number {
  const lip = lipschitzConstant(act);
  return n / (4 * lip * lip * (1 + Math.sqrt(n / d)) ** 2);
}

/** GD's stability limit 2·batch/λ_max for a kernel whose largest eigenvalue is lamMax. */
export function minibatchStabilityLimit(batch: number, lamMax: number): number {
  return (2 * batch) / lamMax;
}

/** A rule that picks the rate of a run from its sizes and initial kernel (W6–W8). */
export interface RateRule {
  rule: EtaRule;
  /** The rate for rule 'fixed'. */
  fixed?: number;
  /** Fraction of the stability limit for rule 'stability' (default ½). */
  fraction?: number;
}

/**
 * The learning rate of a rule: 'fixed' (the given η), 'theorem' (Theorem 5.2's bound) or
 * 'stability' (fraction × 2b/λ_max(K₀), b = n for GD).
 */
export function rateFor(choice: RateRule, p: { n: number; d: number; act: Activation; lamMax: number; batch?: number }): number {
  switch (choice.rule) {
    case 'fixed':
      if (!(choice.fixed !== undefined && choice.fixed > 0)) throw new RangeError(`rateFor: rule 'fixed' needs a positive rate, got ${choice.fixed}`);
      return choice.fixed;
    case 'theorem':
      return theoremEta(p.n, p.d, p.act);
    case 'stability':
      return (choice.fraction ?? 0.5) * minibatchStabilityLimit(p.batch ?? p.n, p.lamMax);
    default:
      throw new RangeError(`rateFor: unknown rule '${String(choice.rule)}' (fixed, theorem, stability)`);
  }
}

// ----------------------------------------------------------------------------- H: a fraction of the linear model's limit

/** The rate of a side-by-side run: a fraction of the linear model's stability limit (H6–H12). */
export interface LinearModelRate {
  /** The rate used: fraction · limit. */
  lr: number;
  /** 2n/λ_max(ΨᵀΨ), the GD stability limit of the linear model under the (1/(2n)) loss. */
  limit: number;
  /** λ_max(Θlin) = 2n/limit. */
  lambdaMax: number;
  fraction: number;
}

/** η = fraction · 2n/‖Θlin‖ with Θlin = ΨᵀΨ (features Ψ, p×n). */
export function rateFromFeatures(Psi: Mat, fraction: number): LinearModelRate {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`rateFromFeatures: fraction must be in (0, 1), got ${fraction}`);
  const limit = stabilityLimitFeatures(Psi);
  return { lr: fraction * limit, limit, lambdaMax: (2 * Psi.cols) / limit, fraction };
}

/** The theorems' early horizon T = ⌊c·d·ln d/η⌋ steps (at least 1). */
export function earlyHorizon(d: number, eta: number, c: number): number {
  if (!(d >= 2) || !(eta > 0) || !(c > 0)) throw new RangeError(`earlyHorizon: need d ≥ 2, η > 0, c > 0, got ${d}, ${eta}, ${c}`);
  return Math.max(1, Math.floor((c * d * Math.log(d)) / eta));
}
