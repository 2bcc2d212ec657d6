/**
 * Training to convergence in the W setting (Wang et al. 2023, §5; claims W6–W8, W7b): the
 * kernels at initialisation that set the rate and Theorem 5.2's α, and a run of GD or SGD
 * until ℓ_t/ℓ_0 ≤ relEll or a cap, optionally tracking ℓ_t, ‖W_t − W_0‖_F and the path length
 * at every step (what inequalities (12)–(14) are checked on: measurements/theorem-5-2.ts).
 *
 * Shapes as everywhere: X is d×n (columns are samples), W is h×d, Z = W X/√d is h×n.
 * Loss L = (1/(2n))‖y − f(X)‖² (minibatch: (1/(2b))Σ over the batch); the theorem's
 * ℓ(W) = ‖y − f_W(X)‖ has no square, so ℓ_t/ℓ_0 = √(L_t/L_0) and ℓ = √(2nL).
 */
import { keptIn } from '../../train/checkpoints';
import { type KernelName, networkKernels, type NetworkKernels } from '../../kernels/empirical';
import { type Mat, eigvalsh, isContiguous } from '../../linalg';
import { cloneNet, type TwoLayerNet } from '../../model/network';
import type { Rng } from '../../random';
import { type Divergence, type Layers, type SnapshotRule, type TrainOutcome, train } from '../../train/train';

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
  lr: number;
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
  lr: number;
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
        state: keptIn(ell, dist, path, prev),
      }]
    : [];
  const stochastic = cfg.optimizer === 'sgd';
  const result = train(net, X, y, {
    optimizer: cfg.optimizer,
    lr: cfg.lr,
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
    net0, net: result.net, lr: cfg.lr, steps: result.steps, epochs: result.epochs, ell0, ellT, ratio,
    reached: !divergence && ratio <= cfg.relEll,
    hitCap: result.hitCap,
    diverged: divergence !== undefined, stoppedBy: result.stoppedBy,
    ...(divergence ? { divergence } : {}),
    ...(cfg.track ? { track: { ell: Float64Array.from(ell), dist: Float64Array.from(dist), path: Float64Array.from(path) } } : {}),
  };
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
