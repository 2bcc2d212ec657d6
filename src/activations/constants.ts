/**
 * Gaussian constants of an activation, g ~ N(0, 1).
 *
 * Integration rule: Gauss–Hermite (320 nodes, see CONSTANTS_HERMITE_N) for smooth activations; for
 * activations with kinks (ReLU, leaky ReLU) the composite Gauss–Legendre × φ rule broken at
 * the kinks (src/gauss/rules.ts), which is accurate to ~1e-15 for these piecewise-polynomial
 * integrands where plain Gauss–Hermite would be off by ~1e-3 (E relu(g) at n = 160).
 */
import { expectation, hermiteCoefficients, type ExpectationOptions } from '../gauss/expectation';
import type { Activation } from './activation';

export interface GaussianConstants {
  /** ζ = E φ'(g). */
  zeta: number;
  /** μ = E[g φ'(g)]. */
  mu: number;
  /** ϑ0 = E φ(g). */
  theta0: number;
  /** ϑ1 = E[g φ'(g)] (the same integral as μ, kept under both names). */
  theta1: number;
  /** ϑ2 = ½ E[g² φ''(g)], computed as ½ E[(g³ − 2g) φ'(g)] (Stein), so no φ'' is needed. */
  theta2: number;
  /** E φ'(g)². */
  a_sigma: number;
  /** η_k = E[φ'(g) He_k(g)]/√(k!) for k = 0, 1, 2 (η0 = ζ, η1 = μ, η2 = E[φ'(g)(g² − 1)]/√2). */
  eta: [number, number, number];
}

export interface GaussianMoments {
  /** E φ(g). */
  mean: number;
  /** E φ(g)². */
  meanSquare: number;
  /** Var φ(g). */
  variance: number;
}

/**
 * Gauss–Hermite size used for the constants of smooth activations. These are one-off
 * computations, so we take more nodes than the 160 default: measured error of
 * E tanh′(g)² = E sech⁴(g) (poles of order 4 at ±iπ/2) is 2.0e-13 at n = 160, 2.4e-15 at
 * n = 200 and ≤ 1e-16 from n = 240 on.
 */
export const CONSTANTS_HERMITE_N = 320;

/** Quadrature options appropriate for this activation (kink-aware when it has kinks). */
export function quadratureFor(act: Activation, n: number = CONSTANTS_HERMITE_N): ExpectationOptions {
  if (act.kinks.length > 0) return { kinks: act.kinks };
  return { n };
}

/** E φ(g), E φ(g)² by quadrature (ignores any closed form the activation carries). */
export function gaussianMomentsByQuadrature(act: Activation, opts: ExpectationOptions = quadratureFor(act)): GaussianMoments {
  const mean = expectation(act.sigma, opts);
  const meanSquare = expectation((x) => {
    const v = act.sigma(x);
    return v * v;
  }, opts);
  return { mean, meanSquare, variance: meanSquare - mean * mean };
}

/** E φ(g), E φ(g)², Var φ(g): the activation's closed form when it has one, else quadrature. */
export function gaussianMoments(act: Activation): GaussianMoments {
  const m = act.gaussianMoments;
  if (m) return { mean: m.mean, meanSquare: m.meanSquare, variance: m.meanSquare - m.mean * m.mean };
  return gaussianMomentsByQuadrature(act);
}

/** The constants above for φ = act.sigma. `n` sets the Gauss–Hermite size for smooth φ (default 320). */
export function gaussianConstants(act: Activation, opts: { n?: number } = {}): GaussianConstants {
  const q = quadratureFor(act, opts.n);
  const eta = hermiteCoefficients(act.d1, 2, q);
  const zeta = eta[0]!;
  const mu = eta[1]!;
  const theta0 = expectation(act.sigma, q);
  const theta2 = 0.5 * expectation((x) => (x * x * x - 2 * x) * act.d1(x), q);
  const a_sigma = expectation((x) => {
    const d = act.d1(x);
    return d * d;
  }, q);
  return { zeta, mu, theta0, theta1: mu, theta2, a_sigma, eta: [zeta, mu, eta[2]!] };
}
