/**
 * Data of both papers: Gaussian inputs, teachers, label noise, test sets.
 * Inputs are d×n (columns are samples). Every draw comes from a seeded Rng.
 */
import type { Activation } from '../activations';
import { type Mat, ShapeError, zeros, shapeOf } from '../linalg/mat';
import { dot } from '../linalg/ops';
import type { Rng } from '../random';

/**
 * X ∈ R^{d×n} with i.i.d. columns N(0, Σ); Σ = I, or diagonal with the given variances
 * (Hu et al. normalise Tr Σ = d; `diagonalCovariance` makes such a Σ).
 */
export function gaussianInputs(rng: Rng, d: number, n: number, variances?: Float64Array): Mat {
  const X = rng.randn(d, n);
  if (variances) {
    if (variances.length !== d) throw new ShapeError(`gaussianInputs: ${variances.length} variances for d = ${d}`);
    const sd = variances.map((s) => {
      if (!(s >= 0) || !Number.isFinite(s)) throw new RangeError(`gaussianInputs: variance ${s} is not a finite non-negative number`);
      return Math.sqrt(s);
    });
    for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) X.data[i + j * d] *= sd[i]!;
  }
  return X;
}

/**
 * X ∈ {±1}^{d×n}, i.i.d. uniform signs: the hypercube data of Hu et al., Prop. 4.1 (every
 * patch of q coordinates has squared norm exactly q).
 */
export function hypercubeInputs(rng: Rng, d: number, n: number): Mat {
  if (!Number.isInteger(d) || !Number.isInteger(n) || d < 1 || n < 1) {
    throw new ShapeError(`hypercubeInputs: d = ${d} and n = ${n} must be positive integers`);
  }
  return { rows: d, cols: n, data: rng.rademacher(d * n), ld: d, offset: 0 };
}

/**
 * A non-isotropic diagonal covariance with Tr Σ = d: variances decaying geometrically
 * from `ratio` times the smallest (condition number `ratio`), rescaled to trace d.
 */
export function diagonalCovariance(d: number, ratio = 4): Float64Array {
  const v = new Float64Array(d);
  for (let i = 0; i < d; i++) v[i] = ratio ** (1 - i / Math.max(1, d - 1));
  const s = v.reduce((a, b) => a + b, 0);
  for (let i = 0; i < d; i++) v[i] = (v[i]! * d) / s;
  return v;
}

/** A uniformly random unit vector in R^d. */
export function randomUnitVector(rng: Rng, d: number): Float64Array {
  const b = rng.fillNormal(new Float64Array(d));
  const nrm = Math.sqrt(dot(b, b));
  for (let i = 0; i < d; i++) b[i] /= nrm;
  return b;
}

/** d×k matrix with orthonormal columns, uniformly random (Gram–Schmidt, twice, of a Gaussian matrix). */
export function randomOrthonormal(rng: Rng, d: number, k: number): Mat {
  if (k > d) throw new ShapeError(`randomOrthonormal: cannot have ${k} orthonormal vectors in R^${d}`);
  const B = rng.randn(d, k);
  for (let j = 0; j < k; j++) {
    const bj = B.data.subarray(j * d, (j + 1) * d);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const bi = B.data.subarray(i * d, (i + 1) * d);
        const c = dot(bi, bj);
        for (let t = 0; t < d; t++) bj[t] -= c * bi[t]!;
      }
    }
    const nrm = Math.sqrt(dot(bj, bj));
    for (let t = 0; t < d; t++) bj[t] /= nrm;
  }
  return B;
}

/** A target function evaluated on the columns of X (d×n). */
export interface Teacher {
  readonly name: string;
  /** Noiseless targets f*(x_i), length n. */
  evaluate(X: Mat): Float64Array;
  /** Directions the teacher depends on (d×k), when it has them (for alignments). */
  readonly directions?: Mat;
}

/** βᵀx_i for every column (β unit, so βᵀx ~ N(0,1) for isotropic x). */
function projections(X: Mat, beta: Float64Array): Float64Array {
  const d = X.rows, n = X.cols;
  if (beta.length !== d) throw new ShapeError(`teacher: direction has length ${beta.length}, X is ${shapeOf(X)}`);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    const base = X.offset + j * X.ld;
    for (let i = 0; i < d; i++) s += beta[i]! * X.data[base + i]!;
    out[j] = s;
  }
  return out;
}

function squaredNorms(X: Mat): Float64Array {
  const out = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    let s = 0;
    const base = X.offset + j * X.ld;
    for (let i = 0; i < X.rows; i++) s += X.data[base + i]! ** 2;
    out[j] = s;
  }
  return out;
}

/** Single-index teacher f*(x) = σ*(βᵀx), ‖β‖ = 1. */
export function singleIndexTeacher(beta: Float64Array, act: Activation): Teacher {
  const d = beta.length;
  const dirs = zeros(d, 1);
  dirs.data.set(beta);
  return {
    name: `single-index ${act.name}`,
    directions: dirs,
    evaluate: (X) => {
      const p = projections(X, beta);
      return act.apply('f', p, p);
    },
  };
}

/** Multiple-index teacher f*(x) = (1/k) Σ_{i≤k} σ*(β_iᵀx), B = [β_1 … β_k] orthonormal (d×k). */
export function multiIndexTeacher(B: Mat, act: Activation): Teacher {
  const k = B.cols;
  return {
    name: `multi-index k=${k} ${act.name}`,
    directions: B,
    evaluate: (X) => {
      const out = new Float64Array(X.cols);
      for (let c = 0; c < k; c++) {
        const p = projections(X, B.data.subarray(B.offset + c * B.ld, B.offset + c * B.ld + B.rows));
        act.apply('f', p, p);
        for (let j = 0; j < out.length; j++) out[j] += p[j]! / k;
      }
      return out;
    },
  };
}

/** The W paper's mixture f*(x) = σ*(βᵀx) + (τ/d)‖x‖². */
export function quadraticMixtureTeacher(beta: Float64Array, act: Activation, tau: number): Teacher {
  const base = singleIndexTeacher(beta, act);
  return {
    name: `mixture ${act.name} + ${tau}/d·‖x‖²`,
    directions: base.directions!,
    evaluate: (X) => {
      const f = base.evaluate(X);
      const s = squaredNorms(X);
      for (let j = 0; j < f.length; j++) f[j] += (tau / X.rows) * s[j]!;
      return f;
    },
  };
}

/**
 * An erf network teacher of width k (Hu et al. Fig. 1):
 * f*(x) = (1/√k) Σ_j a_j erf(u_jᵀx/√d), u_j ~ N(0, I), a_j ~ N(0, 1); `sign` gives labels sign(f*(x)).
 */
export function erfNetworkTeacher(rng: Rng, d: number, k: number, erfAct: Activation, opts: { sign?: boolean } = {}): Teacher {
  const U = rng.split('U').randn(d, k);
  const a = rng.split('a').fillNormal(new Float64Array(k));
  return {
    name: `erf network k=${k}${opts.sign ? ' (sign labels)' : ''}`,
    directions: U,
    evaluate: (X) => {
      const out = new Float64Array(X.cols);
      for (let c = 0; c < k; c++) {
        const p = projections(X, U.data.subarray(c * d, (c + 1) * d));
        for (let j = 0; j < p.length; j++) p[j] /= Math.sqrt(d);
        erfAct.apply('f', p, p);
        for (let j = 0; j < out.length; j++) out[j] += (a[c]! * p[j]!) / Math.sqrt(k);
      }
      if (opts.sign) for (let j = 0; j < out.length; j++) out[j] = out[j]! >= 0 ? 1 : -1;
      return out;
    },
  };
}

/** Hu et al. section 3.4: y = ‖x‖²/d + ReLU(aᵀx), ‖a‖ = 1. */
export function normDependentTeacher(a: Float64Array): Teacher {
  const dirs = zeros(a.length, 1);
  dirs.data.set(a);
  return {
    name: '‖x‖²/d + relu(aᵀx)',
    directions: dirs,
    evaluate: (X) => {
      const p = projections(X, a);
      const s = squaredNorms(X);
      for (let j = 0; j < p.length; j++) p[j] = s[j]! / X.rows + Math.max(p[j]!, 0);
      return p;
    },
  };
}

/** y = f*(X) + ε, ε ~ N(0, σ_ε²). */
export function noisyLabels(teacher: Teacher, X: Mat, rng: Rng, noiseStd: number): Float64Array {
  const y = teacher.evaluate(X);
  if (noiseStd > 0) {
    const eps = rng.fillNormal(new Float64Array(y.length), noiseStd);
    for (let i = 0; i < y.length; i++) y[i] += eps[i]!;
  }
  return y;
}

export interface Dataset {
  X: Mat;
  y: Float64Array;
  /** Fresh test inputs from the same distribution, and their noiseless targets. */
  Xtest?: Mat;
  ytest?: Float64Array;
  teacher: Teacher;
}

/**
 * Training set (with label noise) and, when nTest > 0, a fresh noiseless test set from
 * the same generator; streams split by purpose so each part is reproducible on its own.
 */
export function makeDataset(
  rng: Rng, teacher: Teacher, d: number, n: number, opts: { noiseStd?: number; nTest?: number; variances?: Float64Array } = {},
): Dataset {
  const X = gaussianInputs(rng.split('X'), d, n, opts.variances);
  const y = noisyLabels(teacher, X, rng.split('noise'), opts.noiseStd ?? 0);
  const ds: Dataset = { X, y, teacher };
  if (opts.nTest && opts.nTest > 0) {
    ds.Xtest = gaussianInputs(rng.split('Xtest'), d, opts.nTest, opts.variances);
    ds.ytest = teacher.evaluate(ds.Xtest);
  }
  return ds;
}
