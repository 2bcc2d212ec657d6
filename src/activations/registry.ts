/**
 * Activation lookup by name and the normalized (mean 0, variance 1 under N(0,1)) variants.
 */
import {
  affineActivation,
  DEFAULT_LEAKY_SLOPE,
  erfActivation,
  identityActivation,
  leakyRelu,
  reluActivation,
  sigmoidActivation,
  softplusActivation,
  tanhActivation,
  type Activation,
} from './activation';
import { gaussianMoments } from './constants';

export interface NormalizedActivation extends Activation {
  readonly base: Activation;
  /** a = E σ(g). */
  readonly shift: number;
  /** b = √Var σ(g). */
  readonly scale: number;
}

const normalizedCache = new Map<string, NormalizedActivation>();

/**
 * σ̃ = (σ − a)/b with a = E σ(g), b = √Var σ(g), g ~ N(0,1); σ̃' = σ'/b, σ̃'' = σ''/b.
 * a and b come from the activation's closed form when it carries one (ReLU: a = 1/√(2π),
 * E relu² = ½; leaky ReLU; erf: a = 0, E erf² = (2/π) arcsin(2/3); identity), else from the
 * 320-node Gauss–Hermite rule (smooth activations: rounding-level accuracy). Cached by name.
 */
export function normalized(base: Activation): NormalizedActivation {
  const name = `normalized_${base.name}`;
  const hit = normalizedCache.get(name);
  if (hit && hit.base === base) return hit;
  const m = gaussianMoments(base);
  if (!(m.variance > 0)) throw new RangeError(`normalized(${base.name}): Var σ(g) = ${m.variance} is not positive`);
  const a = m.mean;
  const b = Math.sqrt(m.variance);
  const act = affineActivation(base, name, a, b, { mean: 0, meanSquare: 1 });
  const out: NormalizedActivation = { ...act, base, shift: a, scale: b };
  normalizedCache.set(name, out);
  return out;
}

const BASE: Record<string, Activation> = {
  erf: erfActivation,
  tanh: tanhActivation,
  relu: reluActivation,
  leaky_relu: leakyRelu(DEFAULT_LEAKY_SLOPE),
  softplus: softplusActivation,
  sigmoid: sigmoidActivation,
  identity: identityActivation,
};

/** Names `activation()` accepts. */
export const ACTIVATION_NAMES: readonly string[] = [
  ...Object.keys(BASE),
  ...Object.keys(BASE).map((k) => `normalized_${k}`),
];

export interface ActivationOptions {
  /** Return the normalized variant (same as the 'normalized_' prefix). */
  normalized?: boolean;
  /** Negative-side slope for leaky_relu (default 0.01). */
  slope?: number;
}

function unknown(name: string): Error {
  return new Error(
    `unknown activation '${name}'; known: ${ACTIVATION_NAMES.join(', ')} ` +
      `(leaky_relu also as 'leaky_relu(<slope>)' or with { slope })`,
  );
}

/**
 * Looks an activation up by name: 'erf', 'tanh', 'relu', 'leaky_relu', 'softplus',
 * 'sigmoid', 'identity', each also as 'normalized_<name>' (or with { normalized: true });
 * 'leaky_relu(0.1)' or { slope: 0.1 } selects another slope. Unknown names throw an Error
 * listing the known ones.
 */
export function activation(name: string, opts: ActivationOptions = {}): Activation {
  let key = name.trim();
  let norm = opts.normalized === true;
  if (key.startsWith('normalized_')) {
    norm = true;
    key = key.slice('normalized_'.length);
  }
  let base: Activation | undefined;
  const leaky = /^leaky_relu(?:\(([^)]*)\))?$/.exec(key);
  if (leaky) {
    let slope = opts.slope ?? DEFAULT_LEAKY_SLOPE;
    if (leaky[1] !== undefined) {
      const s = leaky[1].trim();
      slope = Number(s);
      if (s === '' || !Number.isFinite(slope)) throw new Error(`activation '${name}': slope '${leaky[1]}' is not a number`);
    }
    base = slope === DEFAULT_LEAKY_SLOPE ? BASE.leaky_relu : leakyRelu(slope);
  } else {
    if (opts.slope !== undefined) throw new Error(`activation '${name}': { slope } applies only to leaky_relu`);
    base = Object.prototype.hasOwnProperty.call(BASE, key) ? BASE[key] : undefined;
  }
  if (!base) throw unknown(name);
  return norm ? normalized(base) : base;
}
