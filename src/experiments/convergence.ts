/**
 * Training to convergence and what the W paper says about it (Wang et al. 2023, §5):
 * Theorem 5.2 (global convergence of first-layer GD, inequalities (12)–(14)),
 * Corollary 5.3 (weights and kernels move by O(1) after convergence, hence their spectra
 * are invariant), and the spectra before/after training of Fig. 29 and Figs. 31–33.
 *
 * Shapes as everywhere: X is d×n (columns are samples), W is h×d, Z = W X/√d is h×n.
 * Loss L = (1/(2n))‖y − f(X)‖² (minibatch: (1/(2b))Σ over the batch); the theorem's
 * ℓ(W) = ‖y − f_W(X)‖ has no square, so ℓ_t/ℓ_0 = √(L_t/L_0) and ℓ = √(2nL).
 *
 * Rates. Under this loss, GD on the first layer moves the residual by
 * r_{t+1} ≈ (I − (η/n) K1) r_t, so
 *   - the stability limit is η < 2n/λ_max(K1₀) (2n/λ_max(K₀) for the kernel K₀ of
 *     the layers trained; 2b/λ_max for a minibatch of b, bounded here by the full λ_max);
 *   - Theorem 5.2 asks η ≤ n/(4 λ_σ² (1 + √(n/d))²), λ_σ the Lipschitz constant of σ;
 *   - (12) contracts ℓ by (1 − ηα²/(2n)) a step with α = √λ_min(K1₀)/2, i.e. at 1/8 of
 *     the linearised rate ηλ_min/n: the theorem leaves room for K1 to move.
 */
import type { Activation } from '../activations';
import type { CheckCase } from '../runner/define';
import { type KernelName, networkKernels, type NetworkKernels } from '../kernels/empirical';
import { type Mat, clone, eigvalsh, isContiguous } from '../linalg';
import { cloneNet, type TwoLayerNet } from '../model/network';
import type { Rng } from '../random';
import { matrixNorms, wasserstein2, weightGramSpectrum } from '../spectra';
import { type Divergence, type Layers, type SnapshotRule, type TrainOutcome, train } from '../train/train';

// ---------------------------------------------------------------------------------------------
// Rates.

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
export function stabilityLimit(batch: number, lamMax: number): number {
  return (2 * batch) / lamMax;
}

export interface RateChoice {
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
export function rateFor(choice: RateChoice, p: { n: number; d: number; act: Activation; lamMax: number; batch?: number }): number {
  switch (choice.rule) {
    case 'fixed':
      if (!(choice.fixed !== undefined && choice.fixed > 0)) throw new RangeError(`rateFor: rule 'fixed' needs a positive rate, got ${choice.fixed}`);
      return choice.fixed;
    case 'theorem':
      return theoremEta(p.n, p.d, p.act);
    case 'stability':
      return (choice.fraction ?? 0.5) * stabilityLimit(p.batch ?? p.n, p.lamMax);
    default:
      throw new RangeError(`rateFor: unknown rule '${String(choice.rule)}' (fixed, theorem, stability)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Kernels at initialisation.

/** The NTK of the layers trained: K1 (first), CK (second), K1 + CK (both). */
export function trainedKernelName(layers: Layers): KernelName {
  return layers === 'first' ? 'ntk1' : layers === 'second' ? 'ck' : 'ntk';
}

export interface InitialKernels {
  kernels: NetworkKernels;
  /** Ascending eigenvalues of each kernel computed. */
  eigs: Partial<Record<KernelName, Float64Array>>;
  /** λ_min(K1₀) and α = √λ_min(K1₀)/2 of Theorem 5.2. */
  k1Min: number;
  alpha: number;
}

/** CK₀, K1₀ and NTK₀ = K1₀ + CK₀ with their spectra; one forward pass. */
export function initialKernels(net0: TwoLayerNet, X: Mat): InitialKernels {
  const kernels = networkKernels(net0, X, ['ck', 'ntk1', 'ntk']);
  const eigs: Partial<Record<KernelName, Float64Array>> = {};
  for (const k of ['ck', 'ntk1', 'ntk'] as const) eigs[k] = eigvalsh(kernels[k]!);
  const k1Min = eigs.ntk1![0]!;
  return { kernels, eigs, k1Min, alpha: Math.sqrt(Math.max(k1Min, 0)) / 2 };
}

/** λ_max of the initial NTK of the layers trained (it sets the stability limit). */
export function trainedLamMax(init: InitialKernels, layers: Layers): number {
  const e = init.eigs[trainedKernelName(layers)]!;
  return e[e.length - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Training to convergence.

export interface ConvergenceConfig {
  optimizer: 'gd' | 'sgd';
  layers: Layers;
  eta: number;
  /** Stop when ℓ_t/ℓ_0 ≤ relEll (the loss L falls by relEll²). */
  relEll: number;
  /** Step cap for GD, epoch cap for SGD. */
  cap: number;
  batchSize?: number;
  /** Shuffling stream (SGD). */
  rng?: Rng;
  /** Record ℓ_t, ‖W_t − W_0‖_F and ‖W_{t+1} − W_t‖_F at every step (GD only). */
  track?: boolean;
  /** Label for errors. */
  context: string;
  /**
   * train()'s: on divergence (loss NaN/Inf or ×1e6), 'throw' (default) throws its
   * DivergenceError; 'return' returns the run with `diverged` set (W6: a divergence is a
   * counterexample), its `net` the snapshot `snapshot` chooses (default 'last-finite').
   */
  onDivergence?: 'throw' | 'return';
  snapshot?: SnapshotRule;
}

export interface Track {
  /** ℓ_t = ‖y − f_t(X)‖, t = 0..T. */
  ell: Float64Array;
  /** ‖W_t − W_0‖_F, t = 0..T. */
  dist: Float64Array;
  /** Σ_{τ<t} ‖W_{τ+1} − W_τ‖_F, t = 0..T (the path length so far). */
  path: Float64Array;
}

export interface ConvergenceRun {
  net0: TwoLayerNet;
  net: TwoLayerNet;
  eta: number;
  /** Optimizer steps (GD) taken; epochs for SGD are in `epochs`. */
  steps: number;
  epochs: number;
  ell0: number;
  ellT: number;
  /** ℓ_T/ℓ_0. */
  ratio: number;
  /** The stop rule ℓ_t/ℓ_0 ≤ relEll was met. */
  reached: boolean;
  /** The step/epoch cap stopped the run. */
  hitCap: boolean;
  /** Training diverged (loss NaN/Inf or ×1e6): the run holds the partial history. */
  diverged: boolean;
  stoppedBy: TrainOutcome['stoppedBy'];
  /** When diverged: train()'s account (step, loss, notMeasured reason, snapshot). */
  divergence?: Divergence;
  track?: Track;
}

/**
 * Trains a copy of `net0` (left untouched) until ℓ_t/ℓ_0 ≤ relEll or the cap. With
 * `track`, an observer records ℓ_t, ‖W_t − W_0‖_F and the path length at every GD step —
 * O(hd) a step on top of train()'s work (which adds one forward pass at observed steps).
 * A divergence throws train()'s DivergenceError (naming the run), unless onDivergence is
 * 'return': then the run reports it with what was recorded up to then (ℓ_T is the loss at the
 * blow-up; `net` is train()'s snapshot).
 */
export function trainToConvergence(net0: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: ConvergenceConfig): ConvergenceRun {
  const n = X.cols;
  const net = cloneNet(net0);
  if (!isContiguous(net.W) || !isContiguous(net0.W)) throw new Error(`trainToConvergence [${cfg.context}]: W must be contiguous`);
  if (cfg.track && cfg.optimizer !== 'gd') throw new Error(`trainToConvergence [${cfg.context}]: per-step tracking is for GD`);
  const ell: number[] = [];
  const dist: number[] = [];
  const path: number[] = [];
  const W0 = net0.W.data;
  const prev = cfg.track ? Float64Array.from(W0) : new Float64Array(0);
  const observers = cfg.track
    ? [{
        fn: (s: { step: number; loss: number; net: TwoLayerNet }) => {
          const w = s.net.W.data;
          let dd = 0, ds = 0;
          for (let i = 0; i < w.length; i++) {
            const wi = w[i]!;
            const a = wi - W0[i]!;
            const b = wi - prev[i]!;
            dd += a * a;
            ds += b * b;
            prev[i] = wi;
          }
          ell.push(Math.sqrt(2 * n * s.loss));
          dist.push(Math.sqrt(dd));
          path.push((path.length ? path[path.length - 1]! : 0) + Math.sqrt(ds));
        },
      }]
    : [];
  const stochastic = cfg.optimizer === 'sgd';
  const result = train(net, X, y, {
    optimizer: cfg.optimizer,
    lr: cfg.eta,
    layers: cfg.layers,
    relLossBelow: cfg.relEll * cfg.relEll,
    ...(stochastic ? { maxEpochs: cfg.cap, batchSize: cfg.batchSize, rng: cfg.rng } : { maxSteps: cfg.cap }),
    observers,
    context: cfg.context,
    ...(cfg.onDivergence ? { onDivergence: cfg.onDivergence } : {}),
    ...(cfg.snapshot ? { snapshot: cfg.snapshot } : {}),
  });
  const { divergence } = result;
  const ell0 = Math.sqrt(2 * n * result.initialLoss);
  const ellT = Math.sqrt(2 * n * (divergence ? divergence.loss : result.finalLoss));
  const ratio = ellT / ell0;
  return {
    net0, net: result.net, eta: cfg.eta, steps: result.steps, epochs: result.epochs, ell0, ellT, ratio,
    reached: !divergence && ratio <= cfg.relEll,
    hitCap: result.hitCap,
    diverged: divergence !== undefined, stoppedBy: result.stoppedBy,
    ...(divergence ? { divergence } : {}),
    ...(cfg.track ? { track: { ell: Float64Array.from(ell), dist: Float64Array.from(dist), path: Float64Array.from(path) } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Theorem 5.2: inequalities (12)–(14) along a tracked run.

export type Inequality = '(12)' | '(13)' | '(14)';
export const INEQUALITIES: readonly Inequality[] = ['(12)', '(13)', '(14)'];

export interface InequalityScan {
  /** Steps at which the inequality was evaluated. */
  checked: number;
  failures: number;
  /** First failing step, with both sides. */
  first?: CheckCase;
  /** Step with the smallest relative margin (rhs − lhs)/rhs, with both sides. */
  tightest: CheckCase;
  /** That smallest relative margin (negative when the inequality fails somewhere). */
  margin: number;
  /**
   * How much room the inequality leaves, as a factor ≥ 1 exactly when it holds at every
   * step: (12) min_t ln(ℓ_0/ℓ_t)/ln(ℓ_0/rhs_t), the decay achieved over the decay
   * guaranteed; (13) min_t (ℓ_0 − ℓ_t)/((α/4)‖W_t − W_0‖_F); (14) (4ℓ_0/α)/Σ_t‖W_{t+1} − W_t‖_F.
   * (The relative margin of step 1 is O(η/n) for any rate, so it says little.)
   */
  slack: number;
}

/** The right side of (12) at step t: (1 − ηα²/(2n))^t ℓ_0, by log1p for accuracy. */
export function bound12(t: number, eta: number, alpha: number, n: number, ell0: number): number {
  const c = (eta * alpha * alpha) / (2 * n);
  return c >= 1 ? (t === 0 ? ell0 : 0) : ell0 * Math.exp(t * Math.log1p(-c));
}

/**
 * Evaluates (12) ℓ_t ≤ (1 − ηα²/(2n))^t ℓ_0, (13) (α/4)‖W_0 − W_t‖_F + ℓ_t ≤ ℓ_0 and
 * (14) Σ_{τ<t} ‖W_{τ+1} − W_τ‖_F ≤ 4ℓ_0/α at every step t = 1..T of a tracked run.
 * (14) is the theorem's sum over all steps; the run stops at ℓ_T ≤ 10⁻³ℓ_0, and applying
 * the theorem again from W_T bounds the untaken rest by 4ℓ_T/α = 10⁻³ of the right side,
 * so a margin below 10⁻³ would not decide (14) — the reported margin shows whether it does.
 */
export function scanTheorem52(track: Track, p: { eta: number; alpha: number; n: number }): Record<Inequality, InequalityScan> {
  const { ell, dist, path } = track;
  const T = ell.length - 1;
  const ell0 = ell[0]!;
  const out = {} as Record<Inequality, InequalityScan>;
  for (const check of INEQUALITIES) {
    let failures = 0;
    let first: CheckCase | undefined;
    let tightest: CheckCase | undefined;
    let margin = Infinity;
    let slack = Infinity;
    for (let t = 1; t <= T; t++) {
      let lhs: number, rhs: number;
      if (check === '(12)') {
        lhs = ell[t]!;
        rhs = bound12(t, p.eta, p.alpha, p.n, ell0);
      } else if (check === '(13)') {
        lhs = (p.alpha / 4) * dist[t]! + ell[t]!;
        rhs = ell0;
      } else {
        lhs = path[t]!;
        rhs = (4 * ell0) / p.alpha;
      }
      const ok = lhs <= rhs;
      const f = check === '(12)' ? Math.log(ell0 / lhs) / Math.log(ell0 / rhs)
        : check === '(13)' ? (ell0 - ell[t]!) / (lhs - ell[t]!)
        : rhs / lhs;
      if (f < slack || Number.isNaN(f)) slack = f;
      const m = rhs > 0 ? (rhs - lhs) / rhs : ok ? 0 : -Infinity;
      if (!ok) {
        failures++;
        if (!first) first = { check, step: t, lhs, rhs };
      }
      if (!tightest || m < margin || Number.isNaN(m)) {
        margin = m;
        tightest = { check, step: t, lhs, rhs };
      }
    }
    if (!tightest) tightest = { check, step: 0, lhs: ell0, rhs: ell0 };
    out[check] = { checked: T, failures, ...(first ? { first } : {}), tightest, margin: T === 0 ? 0 : margin, slack: T === 0 ? Number.NaN : slack };
  }
  return out;
}

/**
 * The cases a job reports for a `holds` prediction: for every inequality the first
 * failing step (if any) and the tightest step. The verdict is the same as reporting all
 * T steps (it fails exactly when some step fails, and the first counterexample is kept),
 * at a fraction of the size of results.json.
 */
export function reportedCases(scan: Record<Inequality, InequalityScan>): CheckCase[] {
  const cases: CheckCase[] = [];
  for (const k of INEQUALITIES) {
    const s = scan[k];
    if (s.first) cases.push(s.first);
    if (!s.first || s.first.step !== s.tightest.step) cases.push(s.tightest);
  }
  return cases;
}

/** At most `max` (step, value) pairs of a per-step curve, evenly strided, last step kept. */
export function decimated(values: ArrayLike<number>, max = 300, map: (t: number, v: number) => number = (_t, v) => v): [number, number][] {
  const T = values.length;
  const stride = Math.max(1, Math.ceil(T / max));
  const out: [number, number][] = [];
  for (let t = 0; t < T; t += stride) out.push([t, map(t, values[t]!)]);
  if (T > 0 && out[out.length - 1]![0] !== T - 1) out.push([T - 1, map(T - 1, values[T - 1]!)]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Corollary 5.3: changes and spectral distances after convergence.

export type SpectrumName = 'W' | KernelName;

export interface AfterConvergence {
  /** (1/√d)‖W_s − W_0‖ in Frobenius, operator and (2,∞) norms. */
  wFroScaled: number;
  wOpScaled: number;
  wTwoInfScaled: number;
  /** ‖v_s − v_0‖ (0 when the second layer is not trained). */
  vChange: number;
  /** ‖K_s − K_0‖_F for CK, K1 and NTK = K1 + CK. */
  kernelFro: Record<KernelName, number>;
  /** W2 distance between the eigenvalue distributions of M_s and M_0. */
  w2: Record<SpectrumName, number>;
  /** Standard deviation of the initial eigenvalue distribution (the spectrum's scale). */
  sd0: Record<SpectrumName, number>;
  /** Ascending spectra before and after (M = (1/h)WᵀW, CK, K1, NTK). */
  spectra0: Record<SpectrumName, Float64Array>;
  spectraT: Record<SpectrumName, Float64Array>;
}

function sdOf(a: Float64Array): number {
  let m = 0;
  for (const x of a) m += x;
  m /= a.length;
  let s = 0;
  for (const x of a) s += (x - m) * (x - m);
  return Math.sqrt(s / a.length);
}

function diffFro(A: Mat, B: Mat): number {
  let s = 0;
  const a = A.data, b = B.data;
  for (let i = 0; i < a.length; i++) {
    const t = b[i]! - a[i]!;
    s += t * t;
  }
  return Math.sqrt(s);
}

/**
 * Weight and kernel changes between net0 and net and the W2 distances between the
 * spectra of (1/h)WᵀW, CK, K1 and NTK before and after. `init` reuses the initial kernels
 * and their spectra. Kernel changes are plain differences (changes.ts explains why).
 */
export function afterConvergence(net0: TwoLayerNet, net: TwoLayerNet, X: Mat, init: InitialKernels): AfterConvergence {
  const d = net0.W.cols;
  const dW = clone(net.W);
  for (let i = 0; i < dW.data.length; i++) dW.data[i] -= net0.W.data[i]!;
  const norms = matrixNorms(dW);
  let dv = 0;
  for (let i = 0; i < net.v.length; i++) dv += (net.v[i]! - net0.v[i]!) ** 2;
  const Kt = networkKernels(net, X, ['ck', 'ntk1', 'ntk']);
  const kernelFro = {} as Record<KernelName, number>;
  const spectra0 = {} as Record<SpectrumName, Float64Array>;
  const spectraT = {} as Record<SpectrumName, Float64Array>;
  for (const k of ['ck', 'ntk1', 'ntk'] as const) {
    kernelFro[k] = diffFro(init.kernels[k]!, Kt[k]!);
    spectra0[k] = init.eigs[k]!;
    spectraT[k] = eigvalsh(Kt[k]!);
  }
  spectra0.W = weightGramSpectrum(net0.W);
  spectraT.W = weightGramSpectrum(net.W);
  const w2 = {} as Record<SpectrumName, number>;
  const sd0 = {} as Record<SpectrumName, number>;
  for (const k of ['W', 'ck', 'ntk1', 'ntk'] as const) {
    w2[k] = wasserstein2(spectra0[k], spectraT[k]);
    sd0[k] = sdOf(spectra0[k]);
  }
  const s = Math.sqrt(d);
  return {
    wFroScaled: norms.fro / s, wOpScaled: norms.op / s, wTwoInfScaled: norms.twoInf / s,
    vChange: Math.sqrt(dv), kernelFro, w2, sd0, spectra0, spectraT,
  };
}

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
