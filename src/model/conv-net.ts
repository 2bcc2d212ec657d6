/**
 * A deep 2-D circular convolutional network in NTK parameterisation, without biases (Hu et al.
 * §4.2 and App. A: a 4-hidden-layer CNN with circular padding, 256 channels, erf; Wang et al. §6
 * train "a small CNN"). Not the one-layer 1-D CNN of ./cnn.ts (H13): L convolution layers on
 * H×W images, stride 1, k×k filters, then a dense readout.
 *
 *   h_0 = x (C_0 channels, P = H·W positions),
 *   z_l[c, p] = Σ_{t, c′} W_l[c, (t, c′)] · h_{l−1}[c′, p + o_t] / √(C_{l−1}·k²),   h_l = σ(z_l),
 *   f(x) = Σ_{c, p} v[c, p] · h_L[c, p] / √(C_L·P),
 *
 * where o_t runs over the k×k window offsets (di, dj) ∈ {−⌊(k−1)/2⌋, …}² and positions are taken
 * mod H and mod W (circular padding). Weights W_l (C_l × k²·C_{l−1}) and v are i.i.d. N(0, 1).
 *
 * Readout: a dense linear layer over the flattened last feature map, scaled by 1/√(C_L·H·W).
 * Hu App. A's text (as far as we could check it: the paper is not in the sources this project
 * reaches, only its description in issue 15 and CLAIMS.md) fixes the depth, channels, circular
 * padding and erf but not the readout; we choose the flatten + dense readout because (i) it is
 * the architecture H13 uses for Hu's Prop. 4.1 — with it the degree-1 part of the CNN's kernel
 * is c·xᵀx′/d, the same linear model as the FC network, whereas global average pooling would
 * make that part rank one; (ii) it keeps the NTK parameterisation's 1/√fan-in on every layer.
 *
 * Layout (column-major Mats, as the rest of the engine). Inputs X are (C_0·H·W)×n, a column per
 * sample, entry c + C_0·p with p = row·W + col (for C_0 = 1: the image's pixels row by row, the
 * layout of src/data/two-class.ts). A layer's feature maps for m samples are the (C·P)×m matrix
 * of the same layout, which is also the C×(P·m) matrix whose column p + P·j is position p of
 * sample j: the convolution is then one gemm, Z_l = W_l · im2col(H_{l−1}) / √(C_{l−1}k²), with
 * im2col's (k²·C_{l−1})×(P·m) patch matrix holding entry c′ + C_{l−1}·t of column (p, j) =
 * h_{l−1}[c′, p + o_t] of sample j. Filter columns follow the same (t, c′) order.
 *
 * Backward (loss L = (1/(2n))‖f − offset − y‖², offset = f_0(X) for Hu's f_t − f_0):
 *   G_L = (v rᵀ) ⊙ σ′(Z_L)                       ((C_L·P)×m, unscaled as in ./deep.ts),
 *   ∇W_l = G_l · im2col(H_{l−1})ᵀ · α_l,          one gemm C_l × (P·m) × k²C_{l−1},
 *   G_{l−1} = col2im(W_lᵀ G_l) ⊙ σ′(Z_{l−1}),     col2im the adjoint of im2col (a gather),
 * with the scales collected into α_l = 1/(n·√(C_L P · F_L ⋯ F_l)), F_l = k²C_{l−1} (the fan-in),
 * as ./deep.ts collects them. A 1×1 image with k = 1 and C_0 = d input channels is the deep FC
 * network of ./deep.ts, operation for operation (same gemm/gemv calls, scalings, elementwise
 * passes): outputs and gradients are bit-identical to it (test/model/conv-net.test.ts).
 *
 * Memory: the samples go through in chunks of at most `chunk` (default: as many as keep the
 * largest patch matrix under CHUNK_DOUBLES entries); gradients are summed over chunks with
 * beta = 1 in the gemms. With one chunk the arithmetic is the unchunked one; with several the
 * sums run in another order (deterministic for a given chunk size).
 */
import { type Activation, applyActivationBulk } from '../activations';
import { applyToMat } from '../activations/bulk';
import { matmul, matvec } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, assertFiniteArray, clone, shapeOf, zeros } from '../linalg/mat';
import type { Rng } from '../random';
import { outputLayerFactor } from './network';

export interface ConvNet {
  /** Image height and width, and the filter side k. */
  height: number;
  width: number;
  kernel: number;
  /** filters[l]: C_{l+1} × (k²·C_l), column c′ + C_l·t (t the window offset, row-major in the window). */
  filters: Mat[];
  /** Readout over the flattened last feature map, length C_L·H·W, entry c + C_L·p. */
  v: Float64Array;
  act: Activation;
}

/** Default bound on a chunk's patch matrix (entries): 2^22 doubles = 32 MB. */
export const CHUNK_DOUBLES = 1 << 22;

export interface ConvNetShape {
  height: number;
  width: number;
  kernel: number;
  /** C_0, the input channels (1 for a grey image). */
  inChannels: number;
  /** C_1 … C_L. */
  channels: number[];
}

/** The net's geometry: sizes, channels [C_0, …, C_L], fan-ins F_l = k²C_{l−1}. */
export function convNetShape(net: ConvNet): ConvNetShape {
  checkConvNet('convNetShape', net);
  const k2 = net.kernel * net.kernel;
  return {
    height: net.height, width: net.width, kernel: net.kernel,
    inChannels: net.filters[0]!.cols / k2, channels: net.filters.map((F) => F.rows),
  };
}

/** Input dimension C_0·H·W. */
export function convNetInputDim(net: ConvNet): number {
  const s = convNetShape(net);
  return s.inChannels * s.height * s.width;
}

function checkConvNet(op: string, net: ConvNet): void {
  const { height: H, width: W, kernel: k } = net;
  for (const [name, v] of [['height', H], ['width', W], ['kernel', k]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${name} = ${v} must be a positive integer`);
  }
  if (k > H || k > W) throw new RangeError(`${op}: a ${k}×${k} filter does not fit a ${H}×${W} image`);
  if (!Array.isArray(net.filters) || net.filters.length < 1) throw new ShapeError(`${op}: the network needs at least one convolution layer`);
  const k2 = k * k;
  let cin = net.filters[0]!.cols / k2;
  if (!Number.isInteger(cin) || cin < 1) throw new ShapeError(`${op}: filter bank 1 is ${shapeOf(net.filters[0]!)}, its columns must be k²·C_0 = ${k2}·C_0`);
  net.filters.forEach((F, l) => {
    if (F.cols !== k2 * cin) throw new ShapeError(`${op}: filter bank ${l + 1} is ${shapeOf(F)}, needs ${k2 * cin} columns (k² × ${cin} channels)`);
    cin = F.rows;
  });
  if (net.v.length !== cin * H * W) throw new ShapeError(`${op}: v has length ${net.v.length}, needs C_L·H·W = ${cin * H * W}`);
}

/**
 * Weights i.i.d. N(0, 1): filters[0] from rng.split('W'), filters[l] from rng.split('W' + (l+1)),
 * v from rng.split('v'), as deepGaussianInit draws a deep FC network (so a 1×1 image with k = 1
 * draws that network's weights exactly).
 */
export function convNetInit(
  rng: Rng, shape: { height: number; width: number; kernel: number; channels: readonly number[]; inChannels?: number }, act: Activation,
): ConvNet {
  const cin = shape.inChannels ?? 1;
  const k2 = shape.kernel * shape.kernel;
  const ch = shape.channels;
  if (ch.length < 1) throw new RangeError('convNetInit: channels must list C_1 … C_L, L ≥ 1');
  for (const c of [cin, ...ch]) if (!Number.isInteger(c) || c < 1) throw new RangeError(`convNetInit: channel counts must be positive integers, got [${[cin, ...ch].join(', ')}]`);
  const filters: Mat[] = [];
  let prev = cin;
  ch.forEach((c, l) => {
    filters.push(rng.split(l === 0 ? 'W' : `W${l + 1}`).randn(c, k2 * prev));
    prev = c;
  });
  const v = rng.split('v').fillNormal(new Float64Array(prev * shape.height * shape.width));
  const net: ConvNet = { height: shape.height, width: shape.width, kernel: shape.kernel, filters, v, act };
  checkConvNet('convNetInit', net);
  return net;
}

export function cloneConvNet(net: ConvNet): ConvNet {
  return { ...net, filters: net.filters.map((F) => clone(F)), v: net.v.slice() };
}

/** Copies src's weights into dst (same shape). */
export function copyConvNet(src: ConvNet, dst: ConvNet): void {
  src.filters.forEach((F, l) => clone(F, dst.filters[l]!));
  dst.v.set(src.v);
}

/**
 * Circular window table: src[p·k² + t] = the position (row + di mod H)·W + (col + dj mod W)
 * that offset t = a·k + b, (di, dj) = (a, b) − ⌊(k−1)/2⌋, reads for output position p.
 */
export function circularWindows(height: number, width: number, kernel: number): Int32Array {
  const k2 = kernel * kernel, P = height * width, half = Math.floor((kernel - 1) / 2);
  const src = new Int32Array(P * k2);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const p = r * width + c;
      for (let a = 0; a < kernel; a++) {
        const rr = (((r + a - half) % height) + height) % height;
        for (let b = 0; b < kernel; b++) {
          const cc = (((c + b - half) % width) + width) % width;
          src[p * k2 + a * kernel + b] = rr * width + cc;
        }
      }
    }
  }
  return src;
}

/**
 * im2col: from feature maps A ((cin·P)×m, any offset/ld) to the (k²·cin)×(P·m) patch matrix
 * `out` (contiguous): out[c′ + cin·t, p + P·j] = A[c′ + cin·src[p·k² + t], j]. A window row
 * that does not wrap around the image's side is one contiguous run of k·cin values in both.
 */
export function im2col(A: Mat, cin: number, windows: Int32Array, k2: number, out: Mat): void {
  const P = windows.length / k2, m = A.cols, F = k2 * cin;
  if (A.rows !== cin * P || out.rows !== F || out.cols !== P * m) {
    throw new ShapeError(`im2col: maps ${shapeOf(A)} with ${cin} channels and ${P} positions, patches ${shapeOf(out)}`);
  }
  const k = Math.round(Math.sqrt(k2)), run = k * cin;
  const a = A.data, o = out.data;
  for (let j = 0; j < m; j++) {
    const aBase = A.offset + j * A.ld;
    let col = out.offset + j * P * out.ld;
    for (let p = 0; p < P; p++, col += out.ld) {
      const w = p * k2;
      for (let r = 0; r < k; r++) {
        const t0 = r * k, first = windows[w + t0]!;
        const d = col + t0 * cin;
        if (windows[w + t0 + k - 1]! === first + k - 1) {
          // No wrap along this window row: one run of k·cin values.
          const s = aBase + first * cin;
          for (let e = 0; e < run; e++) o[d + e] = a[s + e]!;
        } else {
          for (let t = t0; t < t0 + k; t++) {
            const s = aBase + windows[w + t]! * cin, dt = col + t * cin;
            for (let c = 0; c < cin; c++) o[dt + c] = a[s + c]!;
          }
        }
      }
    }
  }
}

/**
 * The inverse window table: inv[q·k² + t] = the output position p whose window reads position
 * q at offset t (unique: each offset is a circular shift).
 */
export function inverseWindows(windows: Int32Array, k2: number): Int32Array {
  const inv = new Int32Array(windows.length);
  const P = windows.length / k2;
  for (let p = 0; p < P; p++) for (let t = 0; t < k2; t++) inv[windows[p * k2 + t]! * k2 + t] = p;
  return inv;
}

/**
 * col2im, the adjoint of im2col, written as a gather: out[c′ + cin·q, j] =
 * Σ_t D[c′ + cin·t, inv(q, t) + P·j] (summed over t in order), times deriv[c′ + cin·q, j] when
 * given (the ⊙ σ′ of backpropagation, fused: each entry is written once). With k² = 1 the
 * windows are the identity: a copy (times σ′), the arithmetic of the deep FC network.
 */
export function col2im(D: Mat, cin: number, inv: Int32Array, k2: number, out: Mat, deriv?: Float64Array): void {
  const P = inv.length / k2, m = out.cols;
  if (out.rows !== cin * P || D.rows !== k2 * cin || D.cols !== P * m) {
    throw new ShapeError(`col2im: patches ${shapeOf(D)}, maps ${shapeOf(out)} with ${cin} channels and ${P} positions`);
  }
  const o = out.data, g = D.data, ld = D.ld;
  for (let j = 0; j < m; j++) {
    const oBase = out.offset + j * out.ld;
    const dBase = D.offset + j * P * ld;
    for (let q = 0; q < P; q++) {
      const w = q * k2, oq = oBase + q * cin;
      for (let c = 0; c < cin; c++) {
        let sum = g[dBase + inv[w]! * ld + c]!;
        for (let t = 1; t < k2; t++) sum += g[dBase + inv[w + t]! * ld + t * cin + c]!;
        o[oq + c] = deriv ? sum * deriv[oq - out.offset + c]! : sum;
      }
    }
  }
}

/** Buffers for passes over chunks of at most `chunk` samples (reused across calls). */
export interface ConvNetWorkspace {
  chunk: number;
  windows: Int32Array;
  inverse: Int32Array;
  /** Per layer, (C_l·P)×chunk: Z_l, σ(Z_l), σ′(Z_l) (current only after a pass with derivatives), G_l. */
  Z: Mat[];
  H: Mat[];
  D: Mat[];
  G: Mat[];
  /** Per layer, the F_l×(P·chunk) patch matrix of its input (kept from the forward pass for the gradient). */
  patches: Float64Array[];
  /** Scratch (max_l F_l)×(P·chunk) for W_lᵀG_l. */
  dpatches: Float64Array;
  /** Gradients, shapes of the weights. */
  grads: { filters: Mat[]; v: Float64Array };
  /** Per-sample outputs f (length n, grown on demand), residual and f − offset. */
  f: Float64Array;
  r: Float64Array;
  centered: Float64Array;
  hasDerivative: boolean;
}

/** The chunk size a workspace for n samples uses by default: the largest patch matrix stays under CHUNK_DOUBLES. */
export function defaultConvChunk(net: ConvNet, n: number): number {
  const s = convNetShape(net);
  const P = s.height * s.width, k2 = s.kernel * s.kernel;
  const widest = Math.max(...[s.inChannels, ...s.channels].map((c) => c * k2), ...s.channels);
  return Math.max(1, Math.min(n, Math.floor(CHUNK_DOUBLES / (P * widest))));
}

/** Buffers for passes over n samples (in chunks of `chunk`, default defaultConvChunk). */
export function allocConvNetWorkspace(net: ConvNet, n: number, opts: { chunk?: number } = {}): ConvNetWorkspace {
  const s = convNetShape(net);
  const chunk = opts.chunk ?? defaultConvChunk(net, n);
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`allocConvNetWorkspace: chunk = ${chunk} must be a positive integer`);
  const m = Math.min(chunk, Math.max(n, 1));
  const P = s.height * s.width, k2 = s.kernel * s.kernel;
  const fans = [s.inChannels, ...s.channels.slice(0, -1)].map((c) => c * k2);
  const maps = () => s.channels.map((c) => zeros(c * P, m));
  const windows = circularWindows(s.height, s.width, s.kernel);
  return {
    chunk: m, windows, inverse: inverseWindows(windows, k2),
    Z: maps(), H: maps(), D: maps(), G: maps(),
    patches: fans.map((F) => new Float64Array(F * P * m)), dpatches: new Float64Array(Math.max(...fans.slice(1), 1) * P * m),
    grads: { filters: net.filters.map((F) => zeros(F.rows, F.cols)), v: new Float64Array(net.v.length) },
    f: new Float64Array(n), r: new Float64Array(n), centered: new Float64Array(n), hasDerivative: false,
  };
}

/** A Mat header over the front of a buffer (rows×cols, contiguous). */
function over(data: Float64Array, rows: number, cols: number): Mat {
  return { rows, cols, data, ld: Math.max(rows, 1), offset: 0 };
}

/** The first `cols` columns of a workspace map (a contiguous prefix). */
function prefix(M: Mat, cols: number): Mat {
  return cols === M.cols ? M : { rows: M.rows, cols, data: M.data, ld: M.ld, offset: 0 };
}

/** The (C·P)×m map as the C×(P·m) matrix the convolution gemm reads and writes. */
function asChannels(M: Mat, C: number): Mat {
  return { rows: C, cols: (M.rows / C) * M.cols, data: M.data, ld: C, offset: M.offset };
}

function checkInput(op: string, net: ConvNet, X: Mat): ConvNetShape {
  const s = convNetShape(net);
  const d = s.inChannels * s.height * s.width;
  if (X.rows !== d) throw new ShapeError(`${op}: the network reads C_0·H·W = ${d} inputs (${s.inChannels}×${s.height}×${s.width}), X is ${shapeOf(X)} (d×n)`);
  return s;
}

function checkWorkspace(op: string, net: ConvNet, ws: ConvNetWorkspace, n: number): void {
  const s = convNetShape(net);
  const P = s.height * s.width;
  if (ws.Z.length !== s.channels.length || ws.Z.some((Z, l) => Z.rows !== s.channels[l]! * P) || ws.windows.length !== P * s.kernel * s.kernel) {
    throw new ShapeError(`${op}: the workspace was made for another network shape`);
  }
  if (ws.f.length !== n) throw new ShapeError(`${op}: the workspace is for ${ws.f.length} samples, X has ${n}`);
}

/**
 * The forward pass of one chunk (columns j0 … j0+m−1 of X, m ≤ ws.chunk) into the workspace's
 * layer buffers (Z, H, D and each layer's input patches, first m columns), and its outputs into
 * ws.f[j0 …]. σ′ with `derivative`. For kernels (src/kernels/conv-net.ts) and the passes below.
 */
export function convNetForwardChunk(net: ConvNet, X: Mat, j0: number, m: number, ws: ConvNetWorkspace, derivative: boolean): void {
  const k2 = net.kernel * net.kernel, P = net.height * net.width;
  let input: Mat = { rows: X.rows, cols: m, data: X.data, ld: X.ld, offset: X.offset + j0 * X.ld };
  let cin = net.filters[0]!.cols / k2;
  for (let l = 0; l < net.filters.length; l++) {
    const Wl = net.filters[l]!;
    const Z = prefix(ws.Z[l]!, m), H = prefix(ws.H[l]!, m), D = prefix(ws.D[l]!, m);
    const patches = over(ws.patches[l]!, Wl.cols, P * m);
    im2col(input, cin, ws.windows, k2, patches);
    matmul(Wl, patches, { alpha: 1 / Math.sqrt(Wl.cols), out: asChannels(Z, Wl.rows), beta: 0 });
    applyActivationBulk(net.act, Z.data, H.data, derivative ? D.data : undefined, Z.rows * m);
    input = H;
    cin = Wl.rows;
  }
  const out = ws.f.subarray(j0, j0 + m);
  matvec(input, net.v, { trans: true, alpha: 1 / Math.sqrt(net.v.length), out, beta: 0 });
}

/** Chunk boundaries [j0, m] over n samples. */
function chunks(n: number, chunk: number): [number, number][] {
  const out: [number, number][] = [];
  for (let j0 = 0; j0 < n; j0 += chunk) out.push([j0, Math.min(chunk, n - j0)]);
  return out;
}

/**
 * f(X) for X (C_0·H·W)×n; with `offset` (f_0(X), Hu App. A), f(X) − offset. Pass a workspace
 * (allocConvNetWorkspace(net, n)) to allocate nothing; the returned array is then ws.f.
 */
export function convNetPredict(net: ConvNet, X: Mat, opts: { offset?: ArrayLike<number>; workspace?: ConvNetWorkspace } = {}): Float64Array {
  checkInput('convNetPredict', net, X);
  const n = X.cols;
  const ws = opts.workspace ?? allocConvNetWorkspace(net, n);
  checkWorkspace('convNetPredict', net, ws, n);
  for (const [j0, m] of chunks(n, ws.chunk)) convNetForwardChunk(net, X, j0, m, ws, false);
  ws.hasDerivative = false;
  const f = opts.workspace ? ws.f : ws.f.slice();
  const off = opts.offset;
  if (off) {
    if (off.length !== n) throw new ShapeError(`convNetPredict: offset has length ${off.length}, X has ${n} samples`);
    for (let j = 0; j < n; j++) f[j] = f[j]! - off[j]!;
  }
  return f;
}

/**
 * A predict function that keeps one workspace per input matrix it has seen (by identity), so
 * that repeated evaluation on the same X (observers along training) allocates nothing after
 * the first call. Returns a fresh array each call (f(X), or f(X) − offset). For one network
 * shape: a workspace made for another shape is replaced.
 */
export function convNetPredictor(): (net: ConvNet, X: Mat, offset?: ArrayLike<number>) => Float64Array {
  const cache = new Map<Mat, ConvNetWorkspace>();
  return (net, X, offset) => {
    let ws = cache.get(X);
    const P = net.height * net.width;
    if (!ws || ws.Z.length !== net.filters.length || ws.Z.some((Z, l) => Z.rows !== net.filters[l]!.rows * P)) {
      ws = allocConvNetWorkspace(net, X.cols);
      cache.set(X, ws);
    }
    const f = convNetPredict(net, X, { workspace: ws }).slice();
    if (offset) {
      if (offset.length !== f.length) throw new ShapeError(`convNetPredict: offset has length ${offset.length}, X has ${f.length} samples`);
      for (let j = 0; j < f.length; j++) f[j] = f[j]! - offset[j]!;
    }
    return f;
  };
}

/**
 * Every hidden layer's feature maps σ(Z_l) on X, as (C_l·H·W)×n matrices (entry c + C_l·p per
 * column): for tests and inspection (allocates all of them).
 */
export function convNetHidden(net: ConvNet, X: Mat): Mat[] {
  const s = checkInput('convNetHidden', net, X);
  const n = X.cols, P = s.height * s.width;
  const ws = allocConvNetWorkspace(net, n);
  const out = s.channels.map((c) => zeros(c * P, n));
  for (const [j0, m] of chunks(n, ws.chunk)) {
    convNetForwardChunk(net, X, j0, m, ws, false);
    out.forEach((H, l) => H.data.set(ws.H[l]!.data.subarray(0, H.rows * m), j0 * H.rows));
  }
  return out;
}

export interface ConvNetGradientOptions {
  /** f_0(X) subtracted from the output (Hu App. A trains f_t − f_0); length n. */
  offset?: ArrayLike<number>;
  /** Which parameters get gradients: filters (all conv layers, default true), v (default true). */
  trainable?: { filters?: boolean; v?: boolean };
  /** allocConvNetWorkspace(net, n): reused (overwritten) by each call. */
  workspace?: ConvNetWorkspace;
  /** Keep σ′ from the forward pass (one fused σ/σ′ pass); default true. */
  derivative?: boolean;
}

export interface ConvNetLossAndGradients {
  /** (1/(2n))‖f(X) − offset − y‖². */
  loss: number;
  /** f(X) − offset (a workspace buffer: copy to keep). */
  f: Float64Array;
  grads: { filters: Mat[]; v: Float64Array };
  workspace: ConvNetWorkspace;
}

/**
 * Loss L = (1/(2n))‖f(X) − offset − y‖² on X ((C_0·H·W)×n), y (length n), and its gradients
 * with respect to every filter bank and v (module comment), chunk by chunk.
 */
export function convNetLossAndGradients(net: ConvNet, X: Mat, y: ArrayLike<number>, opts: ConvNetGradientOptions = {}): ConvNetLossAndGradients {
  const op = 'convNetLossAndGradients';
  const s = checkInput(op, net, X);
  const n = X.cols;
  if (y.length !== n) throw new ShapeError(`${op}: X has ${n} samples, y has ${y.length}`);
  const off = opts.offset;
  if (off && off.length !== n) throw new ShapeError(`${op}: offset has length ${off.length}, X has ${n} samples`);
  const ws = opts.workspace ?? allocConvNetWorkspace(net, n);
  checkWorkspace(op, net, ws, n);
  const trainFilters = opts.trainable?.filters ?? true, trainV = opts.trainable?.v ?? true;
  const deriv = opts.derivative ?? true;
  const L = net.filters.length, k2 = net.kernel * net.kernel, P = s.height * s.width;
  const cins = [s.inChannels, ...s.channels];
  let loss = 0;
  for (const [j0, m] of chunks(n, ws.chunk)) {
    const beta = j0 === 0 ? 0 : 1;
    convNetForwardChunk(net, X, j0, m, ws, deriv);
    const r = ws.r.subarray(j0, j0 + m);
    for (let j = 0; j < m; j++) {
      const fj = ws.f[j0 + j]!;
      const rj = off ? fj - off[j0 + j]! - y[j0 + j]! : fj - y[j0 + j]!;
      r[j] = rj;
      loss += rj * rj;
    }
    if (trainFilters) {
      const top = L - 1;
      outputLayerFactor(net.act, net.v, r, { Z: prefix(ws.Z[top]!, m), D: prefix(ws.D[top]!, m), hasDerivative: deriv }, prefix(ws.G[top]!, m));
      let fanProduct = net.v.length;
      for (let l = top; l >= 0; l--) {
        const Wl = net.filters[l]!;
        fanProduct *= Wl.cols;
        const patches = over(ws.patches[l]!, Wl.cols, P * m);
        const Gl = asChannels(prefix(ws.G[l]!, m), Wl.rows);
        matmul(Gl, patches, { transB: true, alpha: 1 / (n * Math.sqrt(fanProduct)), out: ws.grads.filters[l]!, beta });
        if (l > 0) {
          const dp = over(ws.dpatches, Wl.cols, P * m);
          matmul(Wl, Gl, { transA: true, out: dp, beta: 0 });
          const D = prefix(ws.D[l - 1]!, m);
          if (!deriv) applyToMat(net.act, 'd1', prefix(ws.Z[l - 1]!, m), D);
          col2im(dp, cins[l]!, ws.inverse, k2, prefix(ws.G[l - 1]!, m), D.data);
        }
      }
    }
    if (trainV) {
      matvec(prefix(ws.H[L - 1]!, m), r, { alpha: 1 / (n * Math.sqrt(net.v.length)), out: ws.grads.v, beta });
    }
  }
  ws.hasDerivative = deriv;
  loss /= 2 * n;
  let fOut = ws.f;
  if (off) {
    fOut = ws.centered;
    for (let j = 0; j < n; j++) fOut[j] = ws.f[j]! - off[j]!;
  }
  return { loss, f: fOut, grads: ws.grads, workspace: ws };
}

/** Shapes and finiteness of a dataset against a ConvNet, before training. */
export function checkConvNetData(op: string, net: ConvNet, X: Mat, y: ArrayLike<number>): void {
  checkInput(op, net, X);
  if (y.length !== X.cols) throw new ShapeError(`${op}: X has ${X.cols} samples, y has ${y.length}`);
  assertFinite(op, 'X', X);
  assertFiniteArray(op, 'y', y);
  net.filters.forEach((F, l) => assertFinite(op, `filters ${l + 1}`, F));
  assertFiniteArray(op, 'v', net.v);
}

/** True for a ConvNet (the networks train() takes are told apart by their fields). */
export function isConvNet(net: object): net is ConvNet {
  return Array.isArray((net as { filters?: unknown }).filters);
}
