/**
 * A deep fully connected network in NTK parameterisation, without biases (Hu et al. §4.2 and
 * App. A; Wang et al. §6):
 *
 *   h_0 = x,   z_l = W_l h_{l−1}/√w_{l−1},   h_l = σ(z_l)   (l = 1 … L),
 *   f(x) = vᵀh_L/√w_L,
 *
 * widths w_0 = d, w_1 … w_L; W_l is w_l×w_{l−1}, v ∈ R^{w_L}. X is d×n (columns are samples),
 * so Z_l = W_l H_{l−1}/√w_{l−1} and H_l = σ(Z_l) are w_l×n. In code the layers are 0-based:
 * `net.W[k]` is W_{k+1}. L = 1 is the two-layer network of ./network.ts with the same
 * operations in the same order (same gemm/gemv calls, scalings and elementwise passes), so
 * outputs and gradients are bit-identical to it (test/model/deep.test.ts).
 *
 * Loss L = (1/(2n))‖r‖², r = f(X) − offset − y, where `offset` is optional: Hu App. A trains
 * f_t(x) − f_0(x), i.e. pass offset = f_0(X) (`deepPredict(net0, X)`); it shifts the residual
 * and leaves the Jacobian alone. Backpropagation (all through gemm):
 *
 *   G_L = (v rᵀ) ⊙ σ'(Z_L),   G_{l−1} = (W_lᵀ G_l) ⊙ σ'(Z_{l−1}),
 *   ∇_{W_l} L = G_l H_{l−1}ᵀ / (n √(w_{l−1} w_l ⋯ w_L)),   ∇_v L = H_L r/(n√w_L).
 *
 * G_l is ∂L/∂Z_l without its scale n√(w_l⋯w_L): the scales of the parameterisation are
 * collected into one alpha per gemm (for L = 1, 1/(n√(d·h)) exactly as in ./network.ts).
 *
 * For training (src/train, per-layer rates): `deepLossAndGradients(net, X, y, opts)` returns
 * `{ loss, f, grads: { W: Mat[], v: Float64Array } }`, gradients per layer, in the buffers of
 * a workspace (`allocDeepWorkspace(widths, n)`, pass it as `opts.workspace` to allocate
 * nothing per step; the next call overwrites them). `opts.trainable` skips the work of
 * layers that are not trained: their gradients are never written (zero in a fresh
 * workspace), and backpropagation stops at the lowest trained layer. An optimizer walks
 * `deepParameterBlocks(net)` and `deepGradientBlocks(grads)` (named 'W1' … 'WL', 'v', in the
 * same order): a step with per-layer rates η_b is data[i] −= η_b·grad[i] block by block.
 */
import { type Activation, applyActivationBulk } from '../activations';
import { applyToMat } from '../activations/bulk';
import { matmul, matvec } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, clone, shapeOf, zeros } from '../linalg/mat';
import type { Rng } from '../random';
import { type TwoLayerNet, outputLayerFactor } from './network';

export interface DeepNet {
  /** W[k] = W_{k+1}: w_{k+1}×w_k (W[0] is w_1×d). */
  W: Mat[];
  /** Readout, length w_L. */
  v: Float64Array;
  act: Activation;
}

/** [d, w_1, …, w_L] of a network (checks that consecutive layers fit). */
export function deepWidths(net: DeepNet): number[] {
  checkDeepNet('deepWidths', net);
  return [net.W[0]!.cols, ...net.W.map((W) => W.rows)];
}

/** Number of hidden layers L. */
export function deepDepth(net: DeepNet): number {
  return net.W.length;
}

function checkDeepNet(op: string, net: DeepNet): void {
  if (!Array.isArray(net.W) || net.W.length < 1) throw new ShapeError(`${op}: the network needs at least one hidden layer (W is empty)`);
  for (let k = 1; k < net.W.length; k++) {
    const prev = net.W[k - 1]!, W = net.W[k]!;
    if (W.cols !== prev.rows) {
      throw new ShapeError(`${op}: W${k + 1} is ${shapeOf(W)} but W${k} is ${shapeOf(prev)} (W${k + 1} must have ${prev.rows} columns)`);
    }
  }
  const last = net.W[net.W.length - 1]!;
  if (net.v.length !== last.rows) {
    throw new ShapeError(`${op}: W${net.W.length} is ${shapeOf(last)} but v has length ${net.v.length} (expected ${last.rows})`);
  }
}

function checkWidths(op: string, widths: readonly number[]): void {
  if (widths.length < 2) throw new RangeError(`${op}: widths must be [d, w_1, …, w_L] with L ≥ 1, got [${widths.join(', ')}]`);
  widths.forEach((w, k) => {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`${op}: width ${k === 0 ? 'd' : `w_${k}`} = ${w} must be a positive integer`);
  });
}

/**
 * All weights i.i.d. N(0, 1). widths = [d, w_1, …, w_L]. W_1 is drawn from the stream
 * rng.split('W') and v from rng.split('v'), as `gaussianInit` of the two-layer network does, so
 * widths [d, h] reproduce gaussianInit(rng, h, d) draw for draw; W_l (l ≥ 2) from
 * rng.split('W' + l).
 */
export function deepGaussianInit(rng: Rng, widths: readonly number[], act: Activation): DeepNet {
  checkWidths('deepGaussianInit', widths);
  const W: Mat[] = [];
  for (let l = 1; l < widths.length; l++) W.push(rng.split(l === 1 ? 'W' : `W${l}`).randn(widths[l]!, widths[l - 1]!));
  const v = rng.split('v').fillNormal(new Float64Array(widths[widths.length - 1]!));
  return { W, v, act };
}

/** The two-layer network as a deep one with L = 1 (shares W and v, copies nothing). */
export function deepFromTwoLayer(net: TwoLayerNet): DeepNet {
  return { W: [net.W], v: net.v, act: net.act };
}

export function cloneDeepNet(net: DeepNet): DeepNet {
  return { W: net.W.map((W) => clone(W)), v: net.v.slice(), act: net.act };
}

/** Buffers of one forward pass (per layer, 0-based: Z[k] = Z_{k+1}), reusable across steps. */
export interface DeepForwardCache {
  /** Z_l = W_l H_{l−1}/√w_{l−1}, w_l×n. */
  Z: Mat[];
  /** H_l = σ(Z_l), w_l×n (H_0 = X is not copied). */
  H: Mat[];
  /** σ'(Z_l), w_l×n (current only when hasDerivative). */
  D: Mat[];
  /** f(X), length n (without any offset). */
  f: Float64Array;
  hasDerivative: boolean;
}

export function allocDeepForward(widths: readonly number[], n: number): DeepForwardCache {
  checkWidths('allocDeepForward', widths);
  const hidden = widths.slice(1);
  return {
    Z: hidden.map((w) => zeros(w, n)),
    H: hidden.map((w) => zeros(w, n)),
    D: hidden.map((w) => zeros(w, n)),
    f: new Float64Array(n),
    hasDerivative: false,
  };
}

/**
 * Forward pass on X (d×n), keeping every layer's pre-activations and activations (and σ'
 * with `derivative`, computed in the same elementwise pass). Pass `cache` to reuse buffers.
 */
export function deepForward(
  net: DeepNet, X: Mat, opts: { derivative?: boolean; cache?: DeepForwardCache } = {},
): DeepForwardCache {
  checkDeepNet('deepForward', net);
  const d = net.W[0]!.cols;
  if (X.rows !== d) throw new ShapeError(`deepForward: W1 is ${shapeOf(net.W[0]!)} so X must have ${d} rows, got ${shapeOf(X)} (X is d×n)`);
  const n = X.cols;
  const L = net.W.length;
  const c = opts.cache ?? allocDeepForward(deepWidths(net), n);
  if (c.Z.length !== L) throw new ShapeError(`deepForward: cache is for ${c.Z.length} layers, the network has ${L}`);
  const deriv = opts.derivative ?? false;
  let input = X;
  for (let k = 0; k < L; k++) {
    const W = net.W[k]!;
    const Z = c.Z[k]!, H = c.H[k]!, D = c.D[k]!;
    if (Z.rows !== W.rows || Z.cols !== n) throw new ShapeError(`deepForward: cache layer ${k + 1} is ${shapeOf(Z)}, needs ${W.rows}×${n}`);
    matmul(W, input, { alpha: 1 / Math.sqrt(W.cols), out: Z, beta: 0 });
    applyActivationBulk(net.act, Z.data, H.data, deriv ? D.data : undefined, W.rows * n);
    input = H;
  }
  c.hasDerivative = deriv;
  if (c.f.length !== n) throw new ShapeError(`deepForward: cache output has length ${c.f.length}, needs ${n}`);
  const HL = c.H[L - 1]!;
  matvec(HL, net.v, { trans: true, alpha: 1 / Math.sqrt(net.v.length), out: c.f, beta: 0 });
  return c;
}

/**
 * f(X) for X d×n; with `offset` (f_0(X) of the initial network, Hu App. A), f(X) − offset.
 */
export function deepPredict(net: DeepNet, X: Mat, opts: { offset?: ArrayLike<number> } = {}): Float64Array {
  const f = deepForward(net, X).f.slice();
  const off = opts.offset;
  if (off) {
    if (off.length !== f.length) throw new ShapeError(`deepPredict: offset has length ${off.length}, X has ${f.length} samples`);
    for (let j = 0; j < f.length; j++) f[j] = f[j]! - off[j]!;
  }
  return f;
}

/** Gradient buffers (per layer) and the backpropagation workspace. */
export interface DeepGradients {
  /** ∇_{W_l} L, W[k] for W_{k+1} (same shapes as the weights). */
  W: Mat[];
  /** ∇_v L, length w_L. */
  v: Float64Array;
}

export interface DeepWorkspace {
  forward: DeepForwardCache;
  grads: DeepGradients;
  /** G_l = unscaled ∂L/∂Z_l, w_l×n each. */
  G: Mat[];
  /** Residual f − offset − y, length n. */
  r: Float64Array;
  /** f − offset, length n (written only when an offset is given). */
  centered: Float64Array;
}

/** All buffers of one forward/backward pass on n samples of a network of these widths ([d, w_1, …, w_L]). */
export function allocDeepWorkspace(widths: readonly number[], n: number): DeepWorkspace {
  checkWidths('allocDeepWorkspace', widths);
  const hidden = widths.slice(1);
  return {
    forward: allocDeepForward(widths, n),
    grads: { W: hidden.map((w, k) => zeros(w, widths[k]!)), v: new Float64Array(widths[widths.length - 1]!) },
    G: hidden.map((w) => zeros(w, n)),
    r: new Float64Array(n),
    centered: new Float64Array(n),
  };
}

/** Which parameters get gradients: trainable.W[k] for W_{k+1} (default all true), v (default true). */
export interface DeepTrainable {
  W?: readonly boolean[];
  v?: boolean;
}

export interface DeepGradientOptions {
  /** f_0(X) subtracted from the output (Hu App. A trains f_t − f_0); length n. */
  offset?: ArrayLike<number>;
  trainable?: DeepTrainable;
  /** Buffers from `allocDeepWorkspace(deepWidths(net), n)`, reused (overwritten) by each call. */
  workspace?: DeepWorkspace;
  /**
   * Keep σ'(Z_l) from the forward pass (one fused σ/σ' pass) instead of forming it during
   * backpropagation from Z_l. Default true. Both give the numbers of the two-layer network's
   * `forward(…, { derivative })` + `gradients` at L = 1.
   */
  derivative?: boolean;
}

export interface DeepLossAndGradients {
  /** (1/(2n))‖f(X) − offset − y‖². */
  loss: number;
  /** f(X) − offset, length n (a workspace buffer, overwritten by the next call: copy to keep). */
  f: Float64Array;
  grads: DeepGradients;
  workspace: DeepWorkspace;
}

function trainableLayers(op: string, L: number, t: DeepTrainable | undefined): { W: boolean[]; v: boolean } {
  const W = t?.W ? [...t.W] : new Array<boolean>(L).fill(true);
  if (W.length !== L) throw new ShapeError(`${op}: trainable.W has ${W.length} entries, the network has ${L} hidden layers`);
  return { W, v: t?.v ?? true };
}

/**
 * Forward and backward pass: the loss L = (1/(2n))‖f(X) − offset − y‖² on X (d×n), y (length
 * n) and its gradients with respect to every W_l and v (see the module comment for the
 * formulas and the workspace contract).
 */
export function deepLossAndGradients(
  net: DeepNet, X: Mat, y: ArrayLike<number>, opts: DeepGradientOptions = {},
): DeepLossAndGradients {
  const op = 'deepLossAndGradients';
  checkDeepNet(op, net);
  const n = X.cols;
  if (y.length !== n) throw new ShapeError(`${op}: X has ${n} samples, y has ${y.length}`);
  const off = opts.offset;
  if (off && off.length !== n) throw new ShapeError(`${op}: offset has length ${off.length}, X has ${n} samples`);
  const widths = deepWidths(net);
  const L = widths.length - 1;
  const ws = opts.workspace ?? allocDeepWorkspace(widths, n);
  if (ws.r.length !== n || ws.G.length !== L) {
    throw new ShapeError(`${op}: the workspace is for ${ws.G.length} layers and ${ws.r.length} samples, need ${L} and ${n}`);
  }
  const train = trainableLayers(op, L, opts.trainable);
  const c = deepForward(net, X, { derivative: opts.derivative ?? true, cache: ws.forward });
  const r = ws.r;
  let loss = 0;
  for (let j = 0; j < n; j++) {
    const rj = off ? c.f[j]! - off[j]! - y[j]! : c.f[j]! - y[j]!;
    r[j] = rj;
    loss += rj * rj;
  }
  loss /= 2 * n;
  const lowest = train.W.indexOf(true);
  if (lowest >= 0) {
    // G_L from the readout, then down to the lowest trained layer; widthProduct = w_{k}⋯w_L.
    const top = L - 1;
    outputLayerFactor(net.act, net.v, r, { Z: c.Z[top]!, D: c.D[top]!, hasDerivative: c.hasDerivative }, ws.G[top]!);
    let widthProduct = widths[L]!;
    for (let k = top; k >= lowest; k--) {
      const input = k === 0 ? X : c.H[k - 1]!;
      widthProduct *= widths[k]!;
      if (train.W[k]) {
        matmul(ws.G[k]!, input, { transB: true, alpha: 1 / (n * Math.sqrt(widthProduct)), out: ws.grads.W[k]!, beta: 0 });
      }
      if (k > lowest) {
        const below = ws.G[k - 1]!;
        matmul(net.W[k]!, ws.G[k]!, { transA: true, out: below, beta: 0 });
        multiplyByDerivative(net.act, c, k - 1, below);
      }
    }
  }
  if (train.v) {
    matvec(c.H[L - 1]!, r, { alpha: 1 / (n * Math.sqrt(widths[L]!)), out: ws.grads.v, beta: 0 });
  }
  let fOut = c.f;
  if (off) {
    fOut = ws.centered;
    for (let j = 0; j < n; j++) fOut[j] = c.f[j]! - off[j]!;
  }
  return { loss, f: fOut, grads: ws.grads, workspace: ws };
}

/** G ← G ⊙ σ'(Z_{k+1}), from the stored σ' or, without one, formed from Z in a scratch pass. */
function multiplyByDerivative(act: Activation, c: DeepForwardCache, k: number, G: Mat): void {
  const D = c.D[k]!;
  if (!c.hasDerivative) applyToMat(act, 'd1', c.Z[k]!, D);
  const g = G.data, dd = D.data;
  for (let i = 0; i < g.length; i++) g[i] = g[i]! * dd[i]!;
}

/** One named block of parameters (or of their gradients): 'W1' … 'WL', 'v'. */
export interface ParameterBlock {
  name: string;
  data: Float64Array;
}

function contiguousData(op: string, name: string, M: Mat): Float64Array {
  if (M.offset !== 0 || M.ld !== Math.max(M.rows, 1) || M.data.length !== M.rows * M.cols) {
    throw new ShapeError(`${op}: ${name} is a strided view (${shapeOf(M)}, ld ${M.ld}); an optimizer needs contiguous weights (clone it)`);
  }
  return M.data;
}

/**
 * The parameters as named flat blocks, in the order W1 … WL, v, sharing memory with the
 * network: what an optimizer with per-layer rates walks (pair it with `deepGradientBlocks`).
 */
export function deepParameterBlocks(net: DeepNet): ParameterBlock[] {
  checkDeepNet('deepParameterBlocks', net);
  return [...net.W.map((W, k) => ({ name: `W${k + 1}`, data: contiguousData('deepParameterBlocks', `W${k + 1}`, W) })), { name: 'v', data: net.v }];
}

/** The gradients as named flat blocks in the same order as `deepParameterBlocks`. */
export function deepGradientBlocks(grads: DeepGradients): ParameterBlock[] {
  return [...grads.W.map((W, k) => ({ name: `W${k + 1}`, data: W.data })), { name: 'v', data: grads.v }];
}

/** Shapes and finiteness of a dataset against a deep network, before training. */
export function checkDeepData(op: string, net: DeepNet, X: Mat, y: ArrayLike<number>): void {
  checkDeepNet(op, net);
  if (X.rows !== net.W[0]!.cols) throw new ShapeError(`${op}: X is ${shapeOf(X)}, W1 is ${shapeOf(net.W[0]!)} (X must be d×n)`);
  if (y.length !== X.cols) throw new ShapeError(`${op}: X has ${X.cols} samples, y has ${y.length}`);
  assertFinite(op, 'X', X);
  assertFiniteArray(op, 'y', y);
  net.W.forEach((W, k) => assertFinite(op, `W${k + 1}`, W));
  assertFiniteArray(op, 'v', net.v);
}
