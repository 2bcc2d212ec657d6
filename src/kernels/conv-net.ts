/**
 * Empirical kernels of the deep circular CNN (src/model/conv-net.ts): the NTK Θ(X, X), its
 * per-layer terms and the CK of the last hidden layer. X is (C_0·H·W)×n (columns are samples).
 *
 * Why not the FC network's per-layer Hadamard formula (./deep.ts, Θ_l = (B_lᵀB_l) ⊙ (H_{l−1}ᵀH_{l−1})):
 * that identity rests on ∂f/∂W_l being ONE outer product δ_l h_{l−1}ᵀ per sample. A filter bank
 * is shared over the P positions, so its per-sample gradient is a SUM of outer products,
 *
 *   G_l(x) = ∂f/∂W_l = Σ_p δ_l(x)[:, p] ⊗ patch_{l−1}(x)[:, p] / √F_l     (C_l × F_l, F_l = k²C_{l−1}),
 *
 * and ⟨G_l(x), G_l(x′)⟩ = Σ_{p,p′} ⟨δ(x)_p, δ(x′)_{p′}⟩⟨patch(x)_p, patch(x′)_{p′}⟩ couples every
 * pair of positions: it is not a Hadamard product of two n×n Grams. So each sample's G_l is
 * formed (one C_l × P × F_l gemm per sample), stacked as the columns of J_l (C_l·F_l × n), and
 * Θ_l = J_lᵀJ_l (syrk). The readout's term is the CK ⟨h_L(x), h_L(x′)⟩/(C_L·P) of the flattened
 * last feature maps (v is not shared, so there the Gram is exact).
 *
 * Memory stays bounded: the samples go in blocks of b (default: a block's J and maps within
 * BLOCK_DOUBLES entries); with several blocks, block (a, a) is a syrk and (a, b > a) a gemm of
 * two blocks' J, recomputing block b's forward/backward for each a (O((n/b)²/2) passes).
 *
 * Sensitivities are unscaled as in the gradient pass: B_L = v ⊙ σ′(Z_L), B_{l−1} =
 * col2im(W_lᵀB_l) ⊙ σ′(Z_{l−1}), ∂f/∂Z_l = B_l/√(C_L P·F_L⋯F_{l+1}), so Θ_l carries the scale
 * 1/(C_L P · F_L ⋯ F_l).
 */
import { matmul, gram } from '../linalg/ops';
import { type Mat, ShapeError, shapeOf, zeros } from '../linalg/mat';
import {
  type ConvNet,
  type ConvNetWorkspace,
  allocConvNetWorkspace,
  col2im,
  convNetForwardChunk,
  convNetShape,
} from '../model/conv-net';
import { outputLayerFactor } from '../model/network';

/** Default bound on one block's features (J of every layer and the last maps), in entries: 2^24 = 128 MB. */
export const BLOCK_DOUBLES = 1 << 24;

export type ConvKernelName = 'ntk' | 'ck' | 'layers';

export interface ConvNetKernels {
  /** Θ = CK + Σ_l Θ_l, n×n. */
  ntk?: Mat;
  /** CK of the last hidden layer, h_Lᵀh_L/(C_L·H·W) (the readout's NTK term). */
  ck?: Mat;
  /** Θ_l, the NTK term of filter bank l (layers[l] for filters[l]). */
  layers?: Mat[];
}

interface BlockFeatures {
  /** Per layer, (C_l·F_l)×m: column j is vec(Σ_p B_l(x_j)[:, p] patch_{l−1}(x_j)[:, p]ᵀ), unscaled. */
  J: Mat[];
  /** The last feature maps, (C_L·P)×m. */
  A: Mat;
}

/** Forward and sensitivity pass of samples j0 … j0+m−1, into fresh J and A (module comment). */
function blockFeatures(net: ConvNet, X: Mat, j0: number, m: number, ws: ConvNetWorkspace, needJ: boolean): BlockFeatures {
  const s = convNetShape(net);
  const L = net.filters.length, P = s.height * s.width, k2 = s.kernel * s.kernel;
  const cins = [s.inChannels, ...s.channels];
  convNetForwardChunk(net, X, j0, m, ws, needJ);
  const top = ws.H[L - 1]!;
  const A = zeros(top.rows, m);
  A.data.set(top.data.subarray(0, top.rows * m));
  if (!needJ) return { J: [], A };
  const cols = (M: Mat): Mat => ({ rows: M.rows, cols: m, data: M.data, ld: M.ld, offset: 0 });
  const ones = new Float64Array(m).fill(1);
  outputLayerFactor(net.act, net.v, ones, { Z: cols(ws.Z[L - 1]!), D: cols(ws.D[L - 1]!), hasDerivative: true }, cols(ws.G[L - 1]!));
  const J: Mat[] = new Array<Mat>(L);
  for (let l = L - 1; l >= 0; l--) {
    const Wl = net.filters[l]!, C = Wl.rows, F = Wl.cols;
    const Jl = zeros(C * F, m);
    const G = ws.G[l]!.data, Pt = ws.patches[l]!;
    for (let j = 0; j < m; j++) {
      // B_l(x_j) is C×P (ld C) at offset j·C·P; its patches F×P (ld F) at offset j·F·P.
      matmul(
        { rows: C, cols: P, data: G, ld: C, offset: j * C * P },
        { rows: F, cols: P, data: Pt, ld: F, offset: j * F * P },
        { transB: true, out: { rows: C, cols: F, data: Jl.data, ld: C, offset: j * C * F }, beta: 0 },
      );
    }
    J[l] = Jl;
    if (l > 0) {
      const dp: Mat = { rows: F, cols: P * m, data: ws.dpatches, ld: F, offset: 0 };
      matmul(Wl, { rows: C, cols: P * m, data: G, ld: C, offset: 0 }, { transA: true, out: dp, beta: 0 });
      col2im(dp, cins[l]!, ws.inverse, k2, cols(ws.G[l - 1]!), ws.D[l - 1]!.data);
    }
  }
  return { J, A };
}

function wants(which: readonly ConvKernelName[]): { ntk: boolean; ck: boolean; layers: boolean } {
  for (const w of which) {
    if (w !== 'ntk' && w !== 'ck' && w !== 'layers') throw new Error(`conv net kernels: unknown kernel '${String(w)}' (use 'ntk', 'ck', 'layers')`);
  }
  return { ntk: which.includes('ntk'), ck: which.includes('ck'), layers: which.includes('layers') };
}

/** Copies the (r0, c0) block's transpose into (c0, r0) of a square matrix. */
function mirror(K: Mat, r0: number, rows: number, c0: number, cols: number): void {
  const n = K.ld, d = K.data;
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) d[(c0 + j) + (r0 + i) * n] = d[(r0 + i) + (c0 + j) * n]!;
}

/**
 * The kernels named in `which` on X ((C_0·H·W)×n), n×n: 'ntk' (every parameter), 'ck' (the
 * readout's term), 'layers' (Θ_l per filter bank). `block` overrides the samples per block.
 */
export function convNetKernels(
  net: ConvNet, X: Mat, which: readonly ConvKernelName[] = ['ntk', 'ck'], opts: { block?: number } = {},
): ConvNetKernels {
  const want = wants(which);
  const s = convNetShape(net);
  const d = s.inChannels * s.height * s.width;
  if (X.rows !== d) throw new ShapeError(`convNetKernels: the network reads ${d} inputs, X is ${shapeOf(X)} (d×n)`);
  const n = X.cols, L = net.filters.length, R = net.v.length;
  const needJ = want.ntk || want.layers;
  const perSample = R + (needJ ? net.filters.reduce((a, F) => a + F.rows * F.cols, 0) : 0);
  const b = Math.max(1, Math.min(n, opts.block ?? Math.floor(BLOCK_DOUBLES / perSample)));
  const ws = allocConvNetWorkspace(net, n, { chunk: b });
  // scale[l] = 1/(C_L P · F_L ⋯ F_l).
  const scale: number[] = new Array<number>(L);
  let product = R;
  for (let l = L - 1; l >= 0; l--) { product *= net.filters[l]!.cols; scale[l] = 1 / product; }
  const ck = zeros(n, n);
  const terms = needJ ? net.filters.map(() => zeros(n, n)) : [];
  const blocks: [number, number][] = [];
  for (let j0 = 0; j0 < n; j0 += b) blocks.push([j0, Math.min(b, n - j0)]);
  for (let ia = 0; ia < blocks.length; ia++) {
    const [a0, ma] = blocks[ia]!;
    const fa = blockFeatures(net, X, a0, ma, ws, needJ);
    const sq = (K: Mat): Mat => ({ rows: ma, cols: ma, data: K.data, ld: n, offset: a0 + a0 * n });
    gram(fa.A, { trans: true, alpha: 1 / R, out: sq(ck), beta: 0 });
    fa.J.forEach((J, l) => gram(J, { trans: true, alpha: scale[l]!, out: sq(terms[l]!), beta: 0 }));
    for (let ib = ia + 1; ib < blocks.length; ib++) {
      const [b0, mb] = blocks[ib]!;
      const fb = blockFeatures(net, X, b0, mb, ws, needJ);
      const off = (K: Mat): Mat => ({ rows: ma, cols: mb, data: K.data, ld: n, offset: a0 + b0 * n });
      matmul(fa.A, fb.A, { transA: true, alpha: 1 / R, out: off(ck), beta: 0 });
      mirror(ck, a0, ma, b0, mb);
      fa.J.forEach((J, l) => {
        matmul(J, fb.J[l]!, { transA: true, alpha: scale[l]!, out: off(terms[l]!), beta: 0 });
        mirror(terms[l]!, a0, ma, b0, mb);
      });
    }
  }
  const out: ConvNetKernels = {};
  if (want.ntk) {
    const K = zeros(n, n), o = K.data;
    // CK + Θ_1 first, then the deeper terms (the order of ./deep.ts).
    for (let i = 0; i < o.length; i++) o[i] = ck.data[i]! + terms[0]!.data[i]!;
    for (let l = 1; l < L; l++) { const t = terms[l]!.data; for (let i = 0; i < o.length; i++) o[i] += t[i]!; }
    out.ntk = K;
  }
  if (want.ck) out.ck = ck;
  if (want.layers) out.layers = terms;
  return out;
}

/** Θ(X, X) of the CNN, n×n. */
export function convNetNtk(net: ConvNet, X: Mat): Mat {
  return convNetKernels(net, X, ['ntk']).ntk!;
}
