/**
 * The common setting of Wang et al. (W) as one reusable recipe, so claim files state
 * their setting as data and call this instead of wiring data, teacher and init by hand;
 * and the paper's data/student constants of its three groups of claims (the early phase,
 * Table 1, training to convergence). Table 1's optimizer cases are in w-table1.ts.
 *
 *   X ∈ R^{d×n} with N(0, I_d) columns; y = f*(x) + ε, ε ~ N(0, σ_ε²);
 *   f(x) = (1/√h) Σ v_i σ(w_iᵀx/√d), W_0, v_0 i.i.d. N(0, 1);
 *   d = round(n·d/n), h = round(n·h/n) (aspect ratios fixed as n grows).
 */
import { activation, type Activation } from '../../activations';
import {
  type Dataset,
  makeDataset,
  multiIndexTeacher,
  quadraticMixtureTeacher,
  randomOrthonormal,
  randomUnitVector,
  singleIndexTeacher,
  type Teacher,
} from '../../data/data';
import { gaussianInit, type TwoLayerNet } from '../../model/network';
import type { Rng } from '../../random';

export interface WSetting {
  /** d/n. */
  dOverN: number;
  /** h/n. */
  hOverN: number;
  /** Student activation name (e.g. 'normalized_relu'). */
  student: string;
  /** Teacher activation σ* (e.g. 'normalized_tanh'). */
  teacher: string;
  /** 'single' (σ*(βᵀx)), 'multi' ((1/k)Σσ*(β_iᵀx)), 'mixture' (σ*(βᵀx) + (τ/d)‖x‖²). */
  teacherKind?: 'single' | 'multi' | 'mixture';
  tau?: number;
  k?: number;
  noiseStd: number;
  /** Fresh noiseless test points (0: none). */
  nTest?: number;
}

export interface WDims {
  n: number;
  d: number;
  h: number;
}

/**
 * What a training job of the W setting needs, for \`ntk-verify plan\`: n·h·d work per epoch
 * (full batch or minibatches: the same products) over `epochs` (the cap: the run may stop
 * earlier, when the loss falls below its threshold — hence `converges`), and the h×n buffers.
 */
export function trainingResources(n: number, s: Pick<WSetting, 'dOverN' | 'hOverN'> & { nTest?: number }, epochs: number): { work: number; bytes: number; converges: boolean } {
  const { d, h } = wDims(n, s);
  const all = n + (s.nTest ?? 0);
  return { work: n * h * d * Math.max(1, epochs), bytes: 8 * (4 * h * all + d * all + h * d), converges: true };
}

export function wDims(n: number, s: Pick<WSetting, 'dOverN' | 'hOverN'>): WDims {
  return { n, d: Math.max(1, Math.round(n * s.dOverN)), h: Math.max(1, Math.round(n * s.hOverN)) };
}

export interface WProblem {
  dims: WDims;
  data: Dataset;
  teacher: Teacher;
  /** Fresh network at initialisation (callers clone before training). */
  net: TwoLayerNet;
  studentAct: Activation;
}

export function makeTeacher(rng: Rng, d: number, s: WSetting): Teacher {
  const act = activation(s.teacher);
  switch (s.teacherKind ?? 'single') {
    case 'single':
      return singleIndexTeacher(randomUnitVector(rng, d), act);
    case 'mixture':
      return quadraticMixtureTeacher(randomUnitVector(rng, d), act, s.tau ?? 0);
    case 'multi':
      return multiIndexTeacher(randomOrthonormal(rng, d, s.k ?? 1), act);
    default:
      throw new Error(`unknown teacherKind '${String(s.teacherKind)}' (single, multi, mixture)`);
  }
}

/**
 * The data, teacher and initial network of one job. Streams are split by purpose, so
 * e.g. the data do not change when the student activation does.
 */
export function wProblem(rng: Rng, n: number, s: WSetting, studentOverride?: string): WProblem {
  const dims = wDims(n, s);
  const teacher = makeTeacher(rng.split('teacher'), dims.d, s);
  const data = makeDataset(rng.split('data'), teacher, dims.d, n, { noiseStd: s.noiseStd, nTest: s.nTest ?? 0 });
  const studentAct = activation(studentOverride ?? s.student);
  const net = gaussianInit(rng.split('init'), dims.h, dims.d, studentAct);
  return { dims, data, teacher, net, studentAct };
}

/** The loss convention every W claim states (rates mean nothing without it). */
export const W_LOSS = '(1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ';

/**
 * Data, teacher and student of Lemma B.1 – Corollary B.3 and Fig. 28 (W1–W5): d/n = 0.6,
 * h/n = 1.2, normalized ReLU student, single-index normalized tanh teacher, σ_ε = 0.2.
 */
export const W_EARLY_DATA = {
  dOverN: 0.6,
  hOverN: 1.2,
  student: 'normalized_relu',
  teacher: 'normalized_tanh',
  teacherKind: 'single',
  noiseStd: 0.2,
} as const;

/** The early phase of Lemmas B.2, 5.1 and Corollary B.3: t = 3 first-layer GD steps, η = 1. */
export const W_EARLY_PHASE = {
  ...W_EARLY_DATA,
  eta: 1,
  steps: 3,
  optimizer: 'gd',
  layers: 'first',
  loss: W_LOSS,
} as const;

/**
 * Data, teacher and student of Table 1 and Figs. 1–3, 17 (W9–W12): d/n = 0.5, h/n = 0.75
 * (the paper's n = 2000, h = 1500, d = 1000), normalized tanh student, mixture teacher
 * σ*(βᵀx) + (τ/d)‖x‖² with normalized softplus σ* and τ = 0.2, σ_ε = 0.3.
 */
export const W_TABLE1_DATA = {
  dOverN: 0.5,
  hOverN: 0.75,
  student: 'normalized_tanh',
  teacher: 'normalized_softplus',
  teacherKind: 'mixture',
  tau: 0.2,
  noiseStd: 0.3,
} as const;

/** The two students of Theorem 5.2 / Fig. 30: smooth (softplus) and ReLU, both normalized. */
export const CONVERGENCE_STUDENTS = { softplus: 'normalized_softplus', relu: 'normalized_relu' } as const;

/** First-layer GD on the W setting to convergence (W6–W8); ℓ is the unsquared residual. */
export const FIRST_LAYER_GD = {
  teacherKind: 'single',
  // Not given for Figs. 29–30; the label noise of the paper's other first-layer GD runs (W1–W5).
  noiseStd: 0.2,
  optimizer: 'gd',
  layers: 'first',
  loss: '(1/(2n))‖y − f(X)‖²; ℓ = ‖y − f(X)‖',
} as const;

/** Data and students of Theorem 5.2 and Fig. 30 (W6, W7): d/n = 1.2, h/n = 0.6, σ* normalized tanh. */
export const FIG30_SETTING = {
  dOverN: 1.2,
  hOverN: 0.6,
  students: Object.values(CONVERGENCE_STUDENTS),
  student: CONVERGENCE_STUDENTS.softplus,
  teacher: 'normalized_tanh',
  ...FIRST_LAYER_GD,
};

/**
 * The rate used when only the end point of training matters (W7, W8): ½ of the stability
 * limit 2n/λ_max(K1₀), i.e. η/n = 1/‖J₀‖². The number of steps does not grow with n
 * (≈ 50–150), where η = 5 would need ≈ 6n; GD ends near the same interpolant for any stable rate.
 */
export const STABLE_RATE_TO_CONVERGENCE = {
  etaRule: 'stability',
  stabilityFraction: 0.5,
  relEll: 1e-3,
  stepCap: 5000,
} as const;
