/**
 * Activation functions σ with their first two derivatives, scalar and bulk.
 *
 * Bulk entry points are what the engine uses on h×n pre-activation buffers: every
 * activation implements its own tight loop for each of σ, σ', σ'' (no per-element closure
 * call), plus fused passes that compute σ and σ' (and σ'') together sharing exp() etc.
 *
 * Aliasing: outF, outD1, outD2 must be distinct arrays, but any one of them may be `src`
 * itself — in-place use is fine (each element is read before it is written).
 *
 * Conventions at kinks: ReLU'(0) = 0 and LeakyReLU'(0) = slope (the left derivative);
 * σ'' of ReLU / leaky ReLU / identity is 0 (exactly, off the kink; the distributional
 * δ-mass at 0 is ignored — it is invisible to any expectation of the form E[g² σ''(g)],
 * and Gaussian constants that would need it use Stein's identity on σ' instead).
 */
import { erf } from '../special/erf';

export type DerivativeKind = 'f' | 'd1' | 'd2';

export interface Activation {
  /** Registry name, e.g. 'relu', 'leaky_relu', 'leaky_relu(0.1)', 'normalized_tanh'. */
  readonly name: string;
  /** Points where σ' is discontinuous (quadrature breaks there); [] for smooth σ. */
  readonly kinks: readonly number[];
  /** True when σ is C² on ℝ, i.e. d2 is a genuine second derivative everywhere. */
  readonly smooth: boolean;
  /** Closed-form E σ(g) and E σ(g)² for g ~ N(0,1), where known (otherwise quadrature is used). */
  readonly gaussianMoments?: { readonly mean: number; readonly meanSquare: number };
  sigma(x: number): number;
  d1(x: number): number;
  d2(x: number): number;
  /** out[i] = σ^{(kind)}(src[i]) for i < n (default src.length). Returns out. */
  apply(kind: DerivativeKind, src: Float64Array, out: Float64Array, n?: number): Float64Array;
  /** outF[i] = σ(src[i]), outD1[i] = σ'(src[i]) in one pass. */
  applyWithDerivative(src: Float64Array, outF: Float64Array, outD1: Float64Array, n?: number): void;
  /** σ, σ', σ'' in one pass. */
  applyAll(src: Float64Array, outF: Float64Array, outD1: Float64Array, outD2: Float64Array, n?: number): void;
}

function count(src: Float64Array, n: number | undefined, ...outs: Float64Array[]): number {
  const m = n ?? src.length;
  if (m > src.length) throw new RangeError(`activation: n = ${m} exceeds the input length ${src.length}`);
  for (const o of outs) {
    if (o.length < m) throw new RangeError(`activation: output has ${o.length} entries, needs ${m}`);
  }
  return m;
}

/** Helper for building an activation from three tight loops and fused passes. */
interface Loops {
  name: string;
  kinks: readonly number[];
  smooth: boolean;
  gaussianMoments?: { mean: number; meanSquare: number };
  sigma(x: number): number;
  d1(x: number): number;
  d2(x: number): number;
  f(src: Float64Array, out: Float64Array, n: number): void;
  g1(src: Float64Array, out: Float64Array, n: number): void;
  g2(src: Float64Array, out: Float64Array, n: number): void;
  fd(src: Float64Array, outF: Float64Array, outD1: Float64Array, n: number): void;
  fdd(src: Float64Array, outF: Float64Array, outD1: Float64Array, outD2: Float64Array, n: number): void;
}

function build(l: Loops): Activation {
  return {
    name: l.name,
    kinks: l.kinks,
    smooth: l.smooth,
    ...(l.gaussianMoments ? { gaussianMoments: l.gaussianMoments } : {}),
    sigma: l.sigma,
    d1: l.d1,
    d2: l.d2,
    apply(kind, src, out, n) {
      const m = count(src, n, out);
      if (kind === 'f') l.f(src, out, m);
      else if (kind === 'd1') l.g1(src, out, m);
      else if (kind === 'd2') l.g2(src, out, m);
      else throw new Error(`activation ${l.name}: unknown derivative kind '${String(kind)}' (use 'f', 'd1', 'd2')`);
      return out;
    },
    applyWithDerivative(src, outF, outD1, n) {
      l.fd(src, outF, outD1, count(src, n, outF, outD1));
    },
    applyAll(src, outF, outD1, outD2, n) {
      l.fdd(src, outF, outD1, outD2, count(src, n, outF, outD1, outD2));
    },
  };
}

// ------------------------------------------------------------------------------- erf
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** σ = erf; σ' = (2/√π) e^{−x²}; σ'' = −2x σ'. */
export const erfActivation: Activation = build({
  name: 'erf',
  kinks: [],
  smooth: true,
  // E erf(g)² = (2/π) arcsin(2/3) (the arcsine kernel at unit variances).
  gaussianMoments: { mean: 0, meanSquare: (2 / Math.PI) * Math.asin(2 / 3) },
  sigma: erf,
  d1: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
  d2: (x) => -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x),
  f(s, o, n) {
    for (let i = 0; i < n; i++) o[i] = erf(s[i]!);
  },
  g1(s, o, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      o[i] = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    }
  },
  g2(s, o, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      o[i] = -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x);
    }
  },
  fd(s, f, d, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      f[i] = erf(x);
      d[i] = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    }
  },
  fdd(s, f, d, dd, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const e = TWO_OVER_SQRT_PI * Math.exp(-x * x);
      f[i] = erf(x);
      d[i] = e;
      dd[i] = -2 * x * e;
    }
  },
});

// ------------------------------------------------------------------------------ tanh
// With e = exp(−2|x|): tanh|x| = (1 − e)/(1 + e) and sech² x = 4e/(1 + e)² (no cancellation
// in the tails, unlike 1 − tanh²); tanh'' = −2 tanh · sech². For |x| < ½ we take
// m = expm1(−2|x|), e = 1 + m, tanh|x| = −m/(2 + m), so that 1 − e does not cancel near 0.
// One transcendental call serves σ, σ′ and σ″.
function tanhParts(a: number, out: [number, number]): void {
  // out = [tanh a, sech² a] for a = |x| ≥ 0
  let t: number;
  let e: number;
  if (a < 0.5) {
    const m = Math.expm1(-2 * a);
    e = 1 + m;
    t = -m / (2 + m);
  } else {
    e = Math.exp(-2 * a);
    t = (1 - e) / (1 + e);
  }
  const q = 1 + e;
  out[0] = t;
  out[1] = (4 * e) / (q * q);
}
function tanhD1(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  const q = 1 + e;
  return (4 * e) / (q * q);
}

export const tanhActivation: Activation = build({
  name: 'tanh',
  kinks: [],
  smooth: true,
  sigma: Math.tanh,
  d1: tanhD1,
  d2: (x) => -2 * Math.tanh(x) * tanhD1(x),
  f(s, o, n) {
    for (let i = 0; i < n; i++) o[i] = Math.tanh(s[i]!);
  },
  g1(s, o, n) {
    for (let i = 0; i < n; i++) {
      const e = Math.exp(-2 * Math.abs(s[i]!));
      const q = 1 + e;
      o[i] = (4 * e) / (q * q);
    }
  },
  g2(s, o, n) {
    const p: [number, number] = [0, 0];
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      tanhParts(Math.abs(x), p);
      o[i] = (x < 0 ? 2 : -2) * p[0] * p[1];
    }
  },
  fd(s, f, d, n) {
    const p: [number, number] = [0, 0];
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      tanhParts(Math.abs(x), p);
      f[i] = x < 0 ? -p[0] : p[0];
      d[i] = p[1];
    }
  },
  fdd(s, f, d, dd, n) {
    const p: [number, number] = [0, 0];
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      tanhParts(Math.abs(x), p);
      const t = x < 0 ? -p[0] : p[0];
      f[i] = t;
      d[i] = p[1];
      dd[i] = -2 * t * p[1];
    }
  },
});

// ------------------------------------------------------------------------------ relu
/** σ = max(x, 0); σ'(x) = 1 for x > 0 and 0 for x ≤ 0 (ReLU'(0) = 0); σ'' = 0. */
export const reluActivation: Activation = build({
  name: 'relu',
  kinks: [0],
  smooth: false,
  gaussianMoments: { mean: 1 / Math.sqrt(2 * Math.PI), meanSquare: 0.5 },
  sigma: (x) => (x > 0 ? x : 0),
  d1: (x) => (x > 0 ? 1 : 0),
  d2: () => 0,
  f(s, o, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      o[i] = x > 0 ? x : 0;
    }
  },
  g1(s, o, n) {
    for (let i = 0; i < n; i++) o[i] = s[i]! > 0 ? 1 : 0;
  },
  g2(_s, o, n) {
    o.fill(0, 0, n);
  },
  fd(s, f, d, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const pos = x > 0;
      f[i] = pos ? x : 0;
      d[i] = pos ? 1 : 0;
    }
  },
  fdd(s, f, d, dd, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const pos = x > 0;
      f[i] = pos ? x : 0;
      d[i] = pos ? 1 : 0;
      dd[i] = 0;
    }
  },
});

// ------------------------------------------------------------------------ leaky relu
export const DEFAULT_LEAKY_SLOPE = 0.01;

/** σ = x for x > 0, slope·x otherwise; σ'(0) = slope (left derivative); σ'' = 0. */
export function leakyRelu(slope: number = DEFAULT_LEAKY_SLOPE): Activation {
  if (!Number.isFinite(slope)) throw new RangeError(`leakyRelu: slope must be finite, got ${slope}`);
  const a = slope;
  return build({
    name: a === DEFAULT_LEAKY_SLOPE ? 'leaky_relu' : `leaky_relu(${a})`,
    kinks: a === 1 ? [] : [0],
    smooth: a === 1,
    // E σ(g) = (1 − a)/√(2π), E σ(g)² = (1 + a²)/2.
    gaussianMoments: { mean: (1 - a) / Math.sqrt(2 * Math.PI), meanSquare: (1 + a * a) / 2 },
    sigma: (x) => (x > 0 ? x : a * x),
    d1: (x) => (x > 0 ? 1 : a),
    d2: () => 0,
    f(s, o, n) {
      for (let i = 0; i < n; i++) {
        const x = s[i]!;
        o[i] = x > 0 ? x : a * x;
      }
    },
    g1(s, o, n) {
      for (let i = 0; i < n; i++) o[i] = s[i]! > 0 ? 1 : a;
    },
    g2(_s, o, n) {
      o.fill(0, 0, n);
    },
    fd(s, f, d, n) {
      for (let i = 0; i < n; i++) {
        const x = s[i]!;
        const pos = x > 0;
        f[i] = pos ? x : a * x;
        d[i] = pos ? 1 : a;
      }
    },
    fdd(s, f, d, dd, n) {
      for (let i = 0; i < n; i++) {
        const x = s[i]!;
        const pos = x > 0;
        f[i] = pos ? x : a * x;
        d[i] = pos ? 1 : a;
        dd[i] = 0;
      }
    },
  });
}

export const leakyReluActivation: Activation = leakyRelu();

// ------------------------------------------------------------------- sigmoid, softplus
// With e = exp(−|x|): sigmoid(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0;
// sigmoid' = e/(1 + e)² (even); sigmoid'' = sigmoid'·(1 − 2 sigmoid);
// softplus(x) = max(x, 0) + log1p(e); softplus' = sigmoid; softplus'' = sigmoid'.
function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}
function sigmoidD1(x: number): number {
  const e = Math.exp(-Math.abs(x));
  const q = 1 + e;
  return e / (q * q);
}
function sigmoidD2(x: number): number {
  // 1 − 2σ(x) = sign(−x)(1 − e)/(1 + e)
  const e = Math.exp(-Math.abs(x));
  const q = 1 + e;
  const m = (1 - e) / q;
  return (e / (q * q)) * (x >= 0 ? -m : m);
}
// The buffer passes of sigmoid and sigmoid' (softplus' and softplus'' too).
function sigmoidEach(s: Float64Array, o: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = s[i]!;
    const e = Math.exp(-Math.abs(x));
    o[i] = x >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
}
function sigmoidD1Each(s: Float64Array, o: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const e = Math.exp(-Math.abs(s[i]!));
    const q = 1 + e;
    o[i] = e / (q * q);
  }
}
function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export const sigmoidActivation: Activation = build({
  name: 'sigmoid',
  kinks: [],
  smooth: true,
  sigma: sigmoid,
  d1: sigmoidD1,
  d2: sigmoidD2,
  f: sigmoidEach,
  g1: sigmoidD1Each,
  g2(s, o, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const e = Math.exp(-Math.abs(x));
      const q = 1 + e;
      const m = (1 - e) / q;
      o[i] = (e / (q * q)) * (x >= 0 ? -m : m);
    }
  },
  fd(s, f, d, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const e = Math.exp(-Math.abs(x));
      const q = 1 + e;
      f[i] = x >= 0 ? 1 / q : e / q;
      d[i] = e / (q * q);
    }
  },
  fdd(s, f, d, dd, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const e = Math.exp(-Math.abs(x));
      const q = 1 + e;
      const m = (1 - e) / q;
      const g = e / (q * q);
      f[i] = x >= 0 ? 1 / q : e / q;
      d[i] = g;
      dd[i] = x >= 0 ? -g * m : g * m;
    }
  },
});

export const softplusActivation: Activation = build({
  name: 'softplus',
  kinks: [],
  smooth: true,
  sigma: softplus,
  d1: sigmoid,
  d2: sigmoidD1,
  f(s, o, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      o[i] = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
  },
  g1: sigmoidEach,
  g2: sigmoidD1Each,
  fd(s, f, d, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const e = Math.exp(-Math.abs(x));
      const q = 1 + e;
      f[i] = (x > 0 ? x : 0) + Math.log1p(e);
      d[i] = x >= 0 ? 1 / q : e / q;
    }
  },
  fdd(s, f, d, dd, n) {
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      const e = Math.exp(-Math.abs(x));
      const q = 1 + e;
      f[i] = (x > 0 ? x : 0) + Math.log1p(e);
      d[i] = x >= 0 ? 1 / q : e / q;
      dd[i] = e / (q * q);
    }
  },
});

// -------------------------------------------------------------------------- identity
export const identityActivation: Activation = build({
  name: 'identity',
  kinks: [],
  smooth: true,
  gaussianMoments: { mean: 0, meanSquare: 1 },
  sigma: (x) => x,
  d1: () => 1,
  d2: () => 0,
  f(s, o, n) {
    if (o !== s) o.set(s.subarray(0, n));
  },
  g1(_s, o, n) {
    o.fill(1, 0, n);
  },
  g2(_s, o, n) {
    o.fill(0, 0, n);
  },
  fd(s, f, d, n) {
    if (f !== s) f.set(s.subarray(0, n));
    d.fill(1, 0, n);
  },
  fdd(s, f, d, dd, n) {
    if (f !== s) f.set(s.subarray(0, n));
    d.fill(1, 0, n);
    dd.fill(0, 0, n);
  },
});

// ------------------------------------------------------------------- affine wrappers
/**
 * σ̃ = (σ − shift)/scale as an Activation (derivatives scale by 1/scale); bulk calls run the
 * base's tight loop then one affine pass.
 */
export function affineActivation(
  base: Activation,
  name: string,
  shift: number,
  scale: number,
  gaussianMoments?: { mean: number; meanSquare: number },
): Activation {
  if (!(scale > 0) || !Number.isFinite(scale) || !Number.isFinite(shift)) {
    throw new RangeError(`affineActivation(${base.name}): need finite shift and scale > 0, got ${shift}, ${scale}`);
  }
  const inv = 1 / scale;
  const affine = (o: Float64Array, n: number) => {
    for (let i = 0; i < n; i++) o[i] = (o[i]! - shift) * inv;
  };
  const scaleBy = (o: Float64Array, n: number) => {
    for (let i = 0; i < n; i++) o[i] = o[i]! * inv;
  };
  return {
    name,
    kinks: base.kinks,
    smooth: base.smooth,
    ...(gaussianMoments ? { gaussianMoments } : {}),
    sigma: (x) => (base.sigma(x) - shift) * inv,
    d1: (x) => base.d1(x) * inv,
    d2: (x) => base.d2(x) * inv,
    apply(kind, src, out, n) {
      const m = count(src, n, out);
      base.apply(kind, src, out, m);
      if (kind === 'f') affine(out, m);
      else scaleBy(out, m);
      return out;
    },
    applyWithDerivative(src, outF, outD1, n) {
      const m = count(src, n, outF, outD1);
      base.applyWithDerivative(src, outF, outD1, m);
      affine(outF, m);
      scaleBy(outD1, m);
    },
    applyAll(src, outF, outD1, outD2, n) {
      const m = count(src, n, outF, outD1, outD2);
      base.applyAll(src, outF, outD1, outD2, m);
      affine(outF, m);
      scaleBy(outD1, m);
      scaleBy(outD2, m);
    },
  };
}
