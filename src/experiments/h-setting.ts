/**
 * The common setting of Hu et al. (H) as a recipe: x ~ N(0, Σ) with Tr Σ = d, the
 * network f(x) = (1/√m) Σ v_r φ(w_rᵀx/√d) with symmetric initialisation (f_0 ≡ 0),
 * activation NOT normalized. The engine keeps X as d×n (H writes n×d).
 */
import { activation, type Activation } from '../activations';
import type { Mat } from '../linalg/mat';
import { diagonalCovariance, gaussianInputs } from '../data/data';
import { symmetricInit, type TwoLayerNet } from '../model/network';
import type { Rng } from '../random';

export interface HSizes {
  d: number;
  n: number;
  /** Width (the W paper's h). */
  m: number;
}

/**
 * n = round(c·d^{1+α}), m = round(c·d^{1+α}) rounded up to even (symmetric init pairs rows).
 * c (default 1) is the constant the theorems hide in n, m ≳ d^{1+α}; c = 1 gives exactly
 * round(d^{1+α}) (1·x is x in floating point).
 */
export function hPowerSizes(d: number, alpha: number, mAlpha = alpha, c = 1): HSizes {
  const n = Math.round(c * d ** (1 + alpha));
  let m = Math.round(c * d ** (1 + mAlpha));
  if (m % 2) m += 1;
  return { d, n, m };
}

export interface HProblem {
  X: Mat;
  net: TwoLayerNet;
  act: Activation;
  /** Variances of the diagonal Σ (undefined: Σ = I). */
  variances?: Float64Array;
  /** Tr(Σ²) (= d for Σ = I). */
  traceSigmaSq: number;
}

/**
 * Inputs and a symmetrically initialised network. `covariance: 'diagonal'` gives a
 * non-isotropic Σ with Tr Σ = d (condition number `condition`, default 4).
 */
export function hProblem(
  rng: Rng, sizes: HSizes, actName: string, opts: { covariance?: 'identity' | 'diagonal'; condition?: number } = {},
): HProblem {
  const act = activation(actName);
  const variances = opts.covariance === 'diagonal' ? diagonalCovariance(sizes.d, opts.condition ?? 4) : undefined;
  const X = gaussianInputs(rng.split('X'), sizes.d, sizes.n, variances);
  const net = symmetricInit(rng.split('init'), sizes.m, sizes.d, act);
  const traceSigmaSq = variances ? variances.reduce((s, v) => s + v * v, 0) : sizes.d;
  return { X, net, act, ...(variances ? { variances } : {}), traceSigmaSq };
}
