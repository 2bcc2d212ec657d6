/**
 * The two-layer network of both papers, in NTK parameterisation, without biases:
 *
 *   f(x) = (1/√h) Σ_i v_i σ(w_iᵀx/√d),     W is h×d (rows w_i), v ∈ R^h.
 *
 * Data X is d×n (columns are samples), pre-activations Z = W X/√d are h×n.
 * (Hu et al. write the width as m and X as n×d: convert at the boundary.)
 *
 * Loss L = (1/(2n))‖f(X) − y‖², gradients (r = f(X) − y):
 *   ∇_v L = (1/(n√h)) σ(Z) r
 *   ∇_W L = (1/(n√(dh))) [(v rᵀ) ⊙ σ'(Z)] Xᵀ
 */
import { type Activation, applyActivationBulk, derivativeOuterProduct } from '../activations';
import { backend } from '../linalg/backend';
import { matmul, matvec } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, clone, shapeOf, zeros } from '../linalg/mat';
import type { Rng } from '../random';

export interface TwoLayerNet {
  /** First layer, h×d. */
  W: Mat;
  /** Second layer, length h. */
  v: Float64Array;
  act: Activation;
}

export function netDims(net: TwoLayerNet): { h: number; d: number } {
  return { h: net.W.rows, d: net.W.cols };
}

function checkNet(op: string, net: TwoLayerNet): void {
  if (net.v.length !== net.W.rows) {
    throw new ShapeError(`${op}: W is ${shapeOf(net.W)} but v has length ${net.v.length} (expected ${net.W.rows})`);
  }
}

/** W, v with i.i.d. N(0,1) entries (the W paper's initialisation). */
export function gaussianInit(rng: Rng, h: number, d: number, act: Activation): TwoLayerNet {
  const W = rng.split('W').randn(h, d);
  const v = rng.split('v').fillNormal(new Float64Array(h));
  return { W, v, act };
}

/**
 * Symmetric initialisation of the H paper: w_{r+h/2} = w_r ~ N(0, I), v_r uniform ±1 and
 * v_{r+h/2} = −v_r, so f_0 ≡ 0 exactly while the NTK is that of a Gaussian init.
 */
export function symmetricInit(rng: Rng, h: number, d: number, act: Activation): TwoLayerNet {
  if (h % 2 !== 0) throw new ShapeError(`symmetricInit: the width must be even, got ${h}`);
  const half = h / 2;
  const Wh = rng.split('W').randn(half, d);
  const W = zeros(h, d);
  for (let j = 0; j < d; j++) {
    const src = Wh.data.subarray(j * half, (j + 1) * half);
    W.data.set(src, j * h);
    W.data.set(src, j * h + half);
  }
  const signs = rng.split('v').rademacher(half);
  const v = new Float64Array(h);
  for (let r = 0; r < half; r++) {
    v[r] = signs[r]!;
    v[r + half] = -signs[r]!;
  }
  return { W, v, act };
}

export function cloneNet(net: TwoLayerNet): TwoLayerNet {
  return { W: clone(net.W), v: net.v.slice(), act: net.act };
}

/** Buffers of one forward pass; reused across steps so training allocates nothing per step. */
export interface ForwardCache {
  /** Z = W X/√d, h×n. */
  Z: Mat;
  /** σ(Z), h×n. */
  A: Mat;
  /** σ'(Z), h×n (only when derivatives were asked for). */
  D: Mat;
  /** f(X), length n. */
  f: Float64Array;
  hasDerivative: boolean;
}

/** Below this many entries an elementwise pass stays in TypeScript (a call into the addon costs as much). */
export const NATIVE_PASS_MIN = 4096;

export function allocForward(h: number, n: number): ForwardCache {
  return { Z: zeros(h, n), A: zeros(h, n), D: zeros(h, n), f: new Float64Array(n), hasDerivative: false };
}

/**
 * Forward pass on X (d×n). With `derivative`, σ'(Z) is computed in the same pass (the
 * gradient and the first-layer NTK need it). Pass `cache` to reuse buffers.
 */
export function forward(
  net: TwoLayerNet, X: Mat, opts: { derivative?: boolean; cache?: ForwardCache } = {},
): ForwardCache {
  checkNet('forward', net);
  const { h, d } = netDims(net);
  if (X.rows !== d) throw new ShapeError(`forward: W is ${shapeOf(net.W)} so X must have ${d} rows, got ${shapeOf(X)}`);
  const n = X.cols;
  const c = opts.cache ?? allocForward(h, n);
  if (c.Z.rows !== h || c.Z.cols !== n) {
    throw new ShapeError(`forward: cache is for ${shapeOf(c.Z)}, needs ${h}×${n}`);
  }
  matmul(net.W, X, { alpha: 1 / Math.sqrt(d), out: c.Z, beta: 0 });
  const len = h * n;
  applyActivationBulk(net.act, c.Z.data, c.A.data, opts.derivative ? c.D.data : undefined, len);
  c.hasDerivative = opts.derivative ?? false;
  matvec(c.A, net.v, { trans: true, alpha: 1 / Math.sqrt(h), out: c.f, beta: 0 });
  return c;
}

/**
 * f = σ(Z)ᵀv/√h from a cache whose σ(Z) is current: the readout alone. When only the second
 * layer trains, W and hence Z and σ(Z) never change, so training recomputes only this
 * (the same matvec as `forward`, so the result is bit-identical).
 */
export function readout(net: TwoLayerNet, cache: ForwardCache): ForwardCache {
  checkNet('readout', net);
  if (cache.A.rows !== net.v.length) {
    throw new ShapeError(`readout: cache holds σ(Z) of ${shapeOf(cache.A)}, v has length ${net.v.length}`);
  }
  matvec(cache.A, net.v, { trans: true, alpha: 1 / Math.sqrt(net.v.length), out: cache.f, beta: 0 });
  return cache;
}

/** f(X) for X d×n. */
export function predict(net: TwoLayerNet, X: Mat): Float64Array {
  return forward(net, X).f.slice();
}

export function mseLoss(f: ArrayLike<number>, y: ArrayLike<number>): number {
  if (f.length !== y.length) throw new ShapeError(`mseLoss: ${f.length} predictions vs ${y.length} targets`);
  let s = 0;
  for (let i = 0; i < f.length; i++) {
    const r = f[i]! - y[i]!;
    s += r * r;
  }
  return s / (2 * f.length);
}

/** Gradient buffers for the two layers. */
export interface Gradients {
  gW: Mat;
  gv: Float64Array;
  /** (v rᵀ) ⊙ σ'(Z) workspace, h×n. */
  G: Mat;
  /** Residual f − y, length n. */
  r: Float64Array;
}

export function allocGradients(h: number, d: number, n: number): Gradients {
  return { gW: zeros(h, d), gv: new Float64Array(h), G: zeros(h, n), r: new Float64Array(n) };
}

/**
 * G_ij = v_i r_j σ'(Z_ij) into G (h×n): the factor (v rᵀ) ⊙ σ'(Z) of the gradient of the layer
 * under the readout, one pass over the h×n buffer, from σ'(Z) when the forward pass kept it,
 * else straight from Z (training does this: σ'(Z) is never stored). Shared with the deep
 * network (src/model/deep.ts) so that its L = 1 case is the same arithmetic.
 */
export function outputLayerFactor(
  act: Activation, v: Float64Array, r: Float64Array, cache: Pick<ForwardCache, 'Z' | 'D' | 'hasDerivative'>, G: Mat,
): void {
  const h = cache.Z.rows, n = cache.Z.cols;
  const b = backend();
  if (cache.hasDerivative && b.gradFactor && h * n >= NATIVE_PASS_MIN) {
    // The same products on the BLAS threads (bit-identical to the loop below).
    b.gradFactor(cache.D.data, v, r, G.data, h, n);
  } else if (cache.hasDerivative) {
    const g = G.data, D = cache.D.data;
    for (let j = 0; j < n; j++) {
      const rj = r[j]!;
      const base = j * h;
      for (let i = 0; i < h; i++) g[base + i] = v[i]! * rj * D[base + i]!;
    }
  } else {
    derivativeOuterProduct(act, cache.Z.data, v, r, G.data, h, n);
  }
}

/**
 * Gradients of L = (1/(2n))‖f(X) − y‖² from a forward cache computed with derivatives.
 * `layers` skips the work for a layer that is not trained. Returns the loss.
 */
export function gradients(
  net: TwoLayerNet, X: Mat, y: ArrayLike<number>, cache: ForwardCache, grads: Gradients,
  layers: 'first' | 'second' | 'both' = 'both',
): number {
  const { h, d } = netDims(net);
  const n = X.cols;
  if (y.length !== n) throw new ShapeError(`gradients: X has ${n} samples, y has ${y.length}`);
  const r = grads.r;
  let loss = 0;
  for (let j = 0; j < n; j++) {
    const rj = cache.f[j]! - y[j]!;
    r[j] = rj;
    loss += rj * rj;
  }
  loss /= 2 * n;
  if (layers !== 'second') {
    outputLayerFactor(net.act, net.v, r, cache, grads.G);
    matmul(grads.G, X, { transB: true, alpha: 1 / (n * Math.sqrt(d * h)), out: grads.gW, beta: 0 });
  }
  if (layers !== 'first') {
    matvec(cache.A, r, { alpha: 1 / (n * Math.sqrt(h)), out: grads.gv, beta: 0 });
  }
  return loss;
}

/** Checks a dataset against a network before training: shapes and finiteness. */
export function checkData(op: string, net: TwoLayerNet, X: Mat, y: ArrayLike<number>): void {
  checkNet(op, net);
  if (X.rows !== net.W.cols) throw new ShapeError(`${op}: X is ${shapeOf(X)}, W is ${shapeOf(net.W)} (X must be d×n)`);
  if (y.length !== X.cols) throw new ShapeError(`${op}: X has ${X.cols} samples, y has ${y.length}`);
  assertFinite(op, 'X', X);
  assertFiniteArray(op, 'y', y);
  assertFinite(op, 'W', net.W);
  assertFiniteArray(op, 'v', net.v);
}
