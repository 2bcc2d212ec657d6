/**
 * The common setting of Hu et al. (H) as a recipe: x ~ N(0, Σ) with Tr Σ = d, the
 * network f(x) = (1/√m) Σ v_r φ(w_rᵀx/√d) with symmetric initialisation (f_0 ≡ 0),
 * activation NOT normalized; the targets and fresh test points of the early-phase claims
 * (hTask), and the constants H6–H9 share. The engine keeps X as d×n (H writes n×d).
 */
import { activation, type Activation } from '../../activations';
import type { Mat } from '../../linalg/mat';
import { diagonalCovariance, erfNetworkTeacher, gaussianInputs, normDependentTeacher, randomUnitVector, type Teacher } from '../../data/data';
import { symmetricInit, type TwoLayerNet } from '../../model/network';
import type { Rng } from '../../random';
import type { ConstantSweep } from '../../runner/define';

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

// ----------------------------------------------------------------------------- targets and test points

export type HTarget = 'erfSign' | 'normDependent';

export interface HTaskOptions {
  /** 'erfSign': y = sign(f*(x)), f* an erf network of width `teacherWidth` (Fig. 1); 'normDependent': y = ‖x‖²/d + ReLU(aᵀx), ‖a‖ = 1 (section 3.4, Fig. 2). */
  target: HTarget;
  /** Width k of the erf-network teacher (Fig. 1: 5). */
  teacherWidth?: number;
  /** Fresh test points (noiseless targets). */
  nTest: number;
}

export interface HTask extends HProblem {
  sizes: HSizes;
  y: Float64Array;
  Xtest: Mat;
  ytest: Float64Array;
  teacher: Teacher;
}

/**
 * The H setting (hProblem: x ~ N(0, I_d), symmetric init, f_0 ≡ 0) with a target and a
 * fresh test set. Streams: 'X' and 'init' (hProblem), 'teacher', 'Xtest'.
 */
export function hTask(rng: Rng, sizes: HSizes, actName: string, opts: HTaskOptions): HTask {
  const p = hProblem(rng, sizes, actName);
  const teacher = opts.target === 'erfSign'
    ? erfNetworkTeacher(rng.split('teacher'), sizes.d, opts.teacherWidth ?? 5, activation('erf'), { sign: true })
    : normDependentTeacher(randomUnitVector(rng.split('teacher'), sizes.d));
  const Xtest = gaussianInputs(rng.split('Xtest'), sizes.d, opts.nTest);
  return { ...p, sizes, y: teacher.evaluate(p.X), Xtest, ytest: teacher.evaluate(Xtest), teacher };
}

/**
 * A symmetric init of width m drawn from the stream 'init:m<m>' (for a claim that needs a
 * second width on the same data, e.g. m ≳ d^{2+α} for ReLU in Theorem 3.5).
 */
export function widthVariant(rng: Rng, sizes: HSizes, m: number, actName: string): TwoLayerNet {
  return hProblem(rng.split(`init:m${m}`), { ...sizes, m }, actName).net;
}

// ----------------------------------------------------------------------------- the early-phase constants (H6–H9)

/**
 * What H6–H9 share: n = m = d^{1+α} with α = ¼, symmetric initialisation, Fig. 1's target
 * y = sign(f*(x)) with f* an erf network of width 5 (the theorems hold for bounded labels and
 * name none), a rate that is a fixed fraction ¼ of the stability limit 2n/‖Θlin‖ of the
 * trained layers' linear kernel (each claim's header compares it with its theorem's rate
 * condition), and T = ⌊c·d·ln d/η⌋ with c = 2 — the theorems' universal constant is not
 * given; 2 is the value of section 3.4 (H12).
 */
export const H_EARLY_PHASE = {
  alpha: 0.25,
  init: 'symmetric (f_0 ≡ 0)',
  target: 'erfSign',
  targetDescription: 'y = sign(f*(x)), f* an erf network of width 5 (Fig. 1)',
  teacherWidth: 5,
  rateFraction: 0.25,
  c: 2,
  /** n = m = sizeConstant·d^{1+α}: swept by EARLY_SIZE_CONSTANT. */
  sizeConstant: 1,
  loss: '(1/(2n))‖y − f(X)‖²',
} as const;

/**
 * The constant Theorems 3.2, 3.5, D.1 and Corollary 3.3 hide in "n, m ≳ d^{1+α}" (CLAIMS.md:
 * run c = 1 and c = 4): the early-phase claims H6–H9 sweep it at every tier. Its symbol is
 * c_n, apart from the horizon's c in T = c·d·log d/η (which stays 2).
 */
export const EARLY_SIZE_CONSTANT = {
  key: 'sizeConstant',
  symbol: 'c_n',
  label: 'n = m = c_n·d^{1+α} (the theorems: n, m ≳ d^{1+α})',
  favours: 'larger',
  values: { smoke: [1, 4], standard: [1, 4], paper: [1, 4] },
} as const satisfies ConstantSweep;

