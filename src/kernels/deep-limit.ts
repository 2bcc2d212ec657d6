/**
 * Infinite-width (NNGP and NTK) kernels of the deep fully connected network of
 * src/model/deep.ts: NTK parameterisation, no biases, every weight N(0, 1) (v too, so E v² = 1).
 *
 * As every width → ∞ the pre-activations z_l(x) become a centred Gaussian process with
 * covariance q_l, and the NTK obeys the recursion (Jacot et al.; Lee et al.)
 *
 *   q_1(x, x′) = xᵀx′/d,                                Θ_1 = q_1,
 *   q_{l+1} = E[σ(u)σ(u′)],   q̇_l = E[σ′(u)σ′(u′)],      (u, u′) ~ N(0, [[q_l(x,x), q_l(x,x′)], [q_l(x,x′), q_l(x′,x′)]]),
 *   Θ_{l+1} = q_{l+1} + Θ_l · q̇_l                        (l = 1 … L),
 *
 * and the network with L hidden layers has NTK Θ = Θ_{L+1} and last-hidden-layer CK
 * (NNGP of the readout) q_{L+1}. At L = 1 this is Θ* = Θ1* + Θ2* of Hu et al. (H4/H5,
 * ./expected.ts), with Θ1* = q_1·q̇_1 and Θ2* = q_2.
 *
 * Each entry depends on x, x′ only through a = ‖x‖²/d, b = ‖x′‖²/d, c = xᵀx′/d (the triple
 * (q_l(x,x), q_l(x′,x′), q_l(x,x′)) maps to the next one): Θ(x, x′) = h(a, b, c), the function
 * of Hu et al. §4.1. `deepKernelFunction` exposes h; `deepLimitKernels` fills n×n matrices.
 *
 * The 2-D Gaussian expectations are those of ./expected.ts (`gaussianPairKernel`): closed forms
 * for erf and ReLU (arcsine and arc-cosine kernels), the Hermite series (Mehler) with a 2-D
 * Gauss–Hermite fallback for every other activation ('auto'), or the 2-D tensor Gauss–Hermite
 * rule everywhere ('tensor', the reference). Cost: 2L passes of O(n²) pair evaluations.
 */
import type { Activation } from '../activations';
import { type Mat, ShapeError, assertFinite, fromColumnMajor, shapeOf, zeros } from '../linalg/mat';
import { gram, matmul } from '../linalg/ops';
import {
  type ExpectedKernelOptions,
  gaussianPairCrossKernel,
  gaussianPairDiagonal,
  gaussianPairKernel,
} from './expected';

export type DeepLimitKernelName = 'ntk' | 'ck' | 'layers';

export interface DeepLimitKernels {
  /** Θ = Θ_{L+1}, the infinite-width NTK of all parameters. */
  ntk?: Mat;
  /** q_{L+1}, the infinite-width CK of the last hidden layer (the NNGP kernel of the output). */
  ck?: Mat;
  /**
   * The W_l terms q_l ⊙ q̇_l ⊙ q̇_{l+1} ⊙ ⋯ ⊙ q̇_L (layers[k] for W_{k+1}; Θ = Σ_l terms + ck), the
   * limits of the empirical per-layer terms of ./deep.ts.
   */
  layers?: Mat[];
}

function checkDepth(op: string, depth: number): void {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`${op}: depth (the number of hidden layers L) must be an integer ≥ 1, got ${depth}`);
}

function checkWhich(op: string, which: readonly DeepLimitKernelName[]): { ntk: boolean; ck: boolean; layers: boolean } {
  for (const w of which) {
    if (w !== 'ntk' && w !== 'ck' && w !== 'layers') throw new Error(`${op}: unknown kernel '${String(w)}' (use 'ntk', 'ck', 'layers')`);
  }
  return { ntk: which.includes('ntk'), ck: which.includes('ck'), layers: which.includes('layers') };
}

/** The per-layer terms after layer l: every earlier term times q̇_l, and the new term q_l ⊙ q̇_l. */
function updateLayerTerms(terms: Mat[], q: Mat, qd: Mat): void {
  const d = qd.data;
  for (const T of terms) for (let i = 0; i < d.length; i++) T.data[i] *= d[i]!;
  const fresh = zeros(q.rows, q.cols);
  for (let i = 0; i < d.length; i++) fresh.data[i] = q.data[i]! * d[i]!;
  terms.push(fresh);
}

function checkX(op: string, X: Mat): void {
  if (X.rows < 1 || X.cols < 1) throw new ShapeError(`${op}: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  assertFinite(op, 'X', X);
}

/**
 * The infinite-width kernels of a depth-L network (L = `depth` hidden layers, activation
 * `act`) on X (d×n, columns are samples), n×n.
 */
export function deepLimitKernels(
  X: Mat, act: Activation, depth: number, which: readonly DeepLimitKernelName[] = ['ntk', 'ck'], opts: ExpectedKernelOptions = {},
): DeepLimitKernels {
  const op = 'deepLimitKernels';
  checkDepth(op, depth);
  checkX(op, X);
  const want = checkWhich(op, which);
  let q = gram(X, { trans: true, alpha: 1 / X.rows });
  let theta = want.ntk ? gram(X, { trans: true, alpha: 1 / X.rows }) : undefined;
  const terms: Mat[] | undefined = want.layers ? [] : undefined;
  for (let l = 1; l <= depth; l++) {
    const next = gaussianPairKernel(act, 'f', q, opts);
    if (theta || terms) {
      const qd = gaussianPairKernel(act, 'd1', q, opts);
      if (theta) {
        const t = theta.data, nx = next.data, d = qd.data;
        // Θ_{l+1} = q_{l+1} + Θ_l ⊙ q̇_l (in place: t is read before it is written).
        for (let i = 0; i < t.length; i++) t[i] = nx[i]! + t[i]! * d[i]!;
      }
      if (terms) updateLayerTerms(terms, q, qd);
    }
    q = next;
  }
  return limitOutput(want, theta, q, terms);
}

/** The kernels a caller asked for, from the recursion's last layer. */
function limitOutput(want: { ntk?: boolean; ck?: boolean }, theta: Mat | undefined, q: Mat, terms: Mat[] | undefined): DeepLimitKernels {
  const out: DeepLimitKernels = {};
  if (want.ntk) out.ntk = theta;
  if (want.ck) out.ck = q;
  if (terms) out.layers = terms;
  return out;
}

/** Θ of a depth-L network on X (d×n), n×n. */
export function deepLimitNtk(X: Mat, act: Activation, depth: number, opts: ExpectedKernelOptions = {}): Mat {
  return deepLimitKernels(X, act, depth, ['ntk'], opts).ntk!;
}

function squaredNorms(X: Mat): Float64Array {
  const d = X.rows;
  const a = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    let s = 0;
    const b = X.offset + j * X.ld;
    for (let i = 0; i < d; i++) s += X.data[b + i]! * X.data[b + i]!;
    a[j] = s / d;
  }
  return a;
}

/**
 * Cross kernels K(X, X′) (n×n′) between X (d×n) and X′ (d×n′): the same recursion on the
 * cross covariances, with each side's variances carried along the diagonal.
 */
export function deepLimitCrossKernels(
  X: Mat, Xt: Mat, act: Activation, depth: number, which: readonly DeepLimitKernelName[] = ['ntk', 'ck'],
  opts: ExpectedKernelOptions = {},
): DeepLimitKernels {
  const op = 'deepLimitCrossKernels';
  checkDepth(op, depth);
  checkX(op, X);
  checkX(op, Xt);
  if (Xt.rows !== X.rows) throw new ShapeError(`${op}: X is ${shapeOf(X)}, X′ is ${shapeOf(Xt)} (both d×n)`);
  const want = checkWhich(op, which);
  let aRow = squaredNorms(X), aCol = squaredNorms(Xt);
  let q = matmul(X, Xt, { transA: true, alpha: 1 / X.rows });
  let theta = want.ntk ? matmul(X, Xt, { transA: true, alpha: 1 / X.rows }) : undefined;
  const terms: Mat[] | undefined = want.layers ? [] : undefined;
  for (let l = 1; l <= depth; l++) {
    const next = gaussianPairCrossKernel(act, 'f', aRow, aCol, q, opts);
    if (theta || terms) {
      const qd = gaussianPairCrossKernel(act, 'd1', aRow, aCol, q, opts);
      if (theta) {
        const t = theta.data, nx = next.data, d = qd.data;
        for (let i = 0; i < t.length; i++) t[i] = nx[i]! + t[i]! * d[i]!;
      }
      if (terms) updateLayerTerms(terms, q, qd);
    }
    aRow = gaussianPairDiagonal(act, 'f', aRow, opts);
    aCol = gaussianPairDiagonal(act, 'f', aCol, opts);
    q = next;
  }
  return limitOutput(want, theta, q, terms);
}

/** One entry of the infinite-width kernels. */
export interface DeepKernelValue {
  ntk: number;
  ck: number;
}

/**
 * h(a, b, c) of Hu et al. §4.1 for a depth-L network: the infinite-width NTK and CK entry of
 * two inputs with a = ‖x‖²/d, b = ‖x′‖²/d, c = xᵀx′/d (c² ≤ ab). Off the diagonal it runs the
 * cross recursion on 1×1 matrices, so it returns the very numbers `deepLimitKernels` puts in
 * an off-diagonal entry; with `diagonal: true` (x = x′, then a = b = c) it returns the diagonal
 * entry (exact-diagonal expectations).
 */
export function deepKernelFunction(
  act: Activation, depth: number, opts: ExpectedKernelOptions = {},
): (a: number, b: number, c: number, where?: { diagonal?: boolean }) => DeepKernelValue {
  checkDepth('deepKernelFunction', depth);
  return (a, b, c, where = {}) => {
    if (![a, b, c].every(Number.isFinite) || !(a >= 0) || !(b >= 0)) {
      throw new RangeError(`deepKernelFunction: need finite a, b ≥ 0 and c, got a = ${a}, b = ${b}, c = ${c}`);
    }
    if (c * c > a * b * (1 + 1e-12)) throw new RangeError(`deepKernelFunction: c² = ${c * c} exceeds ab = ${a * b} (not a covariance)`);
    if (where.diagonal) {
      if (a !== b || b !== c) throw new RangeError(`deepKernelFunction: the diagonal needs a = b = c, got ${a}, ${b}, ${c}`);
      return deepKernelDiagonal(act, depth, a, opts);
    }
    let ar: Float64Array = Float64Array.of(a), ac: Float64Array = Float64Array.of(b);
    let q = fromColumnMajor(1, 1, Float64Array.of(c));
    let t = c;
    for (let l = 1; l <= depth; l++) {
      const next = gaussianPairCrossKernel(act, 'f', ar, ac, q, opts);
      const qd = gaussianPairCrossKernel(act, 'd1', ar, ac, q, opts);
      t = next.data[0]! + t * qd.data[0]!;
      ar = gaussianPairDiagonal(act, 'f', ar, opts);
      ac = gaussianPairDiagonal(act, 'f', ac, opts);
      q = next;
    }
    return { ntk: t, ck: q.data[0]! };
  };
}

/** The diagonal entry h(a, a, a) (x = x′ with ‖x‖²/d = a). */
function deepKernelDiagonal(act: Activation, depth: number, a: number, opts: ExpectedKernelOptions): DeepKernelValue {
  let q: Float64Array = Float64Array.of(a);
  let t = a;
  for (let l = 1; l <= depth; l++) {
    const next = gaussianPairDiagonal(act, 'f', q, opts);
    const qd = gaussianPairDiagonal(act, 'd1', q, opts);
    t = next[0]! + t * qd[0]!;
    q = next;
  }
  return { ntk: t, ck: q[0]! };
}
