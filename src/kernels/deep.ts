/**
 * Empirical kernels of the deep fully connected network (src/model/deep.ts), from per-layer
 * Gram products — never a per-sample Jacobian.
 *
 * With h_0 = x, z_l = W_l h_{l−1}/√w_{l−1}, h_l = σ(z_l), f = vᵀh_L/√w_L, the gradient of f with
 * respect to W_l is δ_l h_{l−1}ᵀ/√w_{l−1}, δ_l = ∂f/∂z_l, so
 *
 *   Θ(x, x′) = Σ_l ⟨δ_l(x), δ_l(x′)⟩ · ⟨h_{l−1}(x), h_{l−1}(x′)⟩/w_{l−1}  +  ⟨h_L(x), h_L(x′)⟩/w_L.
 *
 * The last term is the CK of the last hidden layer (the readout's part of the NTK). The
 * sensitivities backpropagate as B_L = diag(v) σ'(Z_L), B_{l−1} = (W_lᵀ B_l) ⊙ σ'(Z_{l−1})
 * (w_l×n, columns are samples, unscaled), δ_l = B_l/√(w_l ⋯ w_L), so the W_l term is
 *
 *   Θ_l = (B_lᵀB_l) ⊙ (H_{l−1}ᵀH_{l−1}) / (w_{l−1} w_l ⋯ w_L)       (n×n, one syrk each).
 *
 * At L = 1 these are the two-layer kernels of ./empirical.ts: Θ_1 = K1 (first-layer NTK), the
 * CK = Θ2, Θ = K1 + CK. X is d×n (columns are samples); cross kernels take X′ (d×n′).
 */
import { gram, hadamard, matmul } from '../linalg/ops';
import { type Mat, ShapeError, shapeOf, zeros } from '../linalg/mat';
import { type DeepForwardCache, type DeepNet, deepForward, deepWidths } from '../model/deep';

export type DeepKernelName = 'ntk' | 'ck' | 'layers';

export interface DeepNetworkKernels {
  /** Θ = Σ_l Θ_l + CK (n×n or n×n′). */
  ntk?: Mat;
  /** CK of the last hidden layer, H_LᵀH_L/w_L (the readout's NTK term). */
  ck?: Mat;
  /** Θ_l, the NTK term of W_l, one per hidden layer (layers[k] for W_{k+1}): per-layer rates weight these. */
  layers?: Mat[];
}

/** Unscaled sensitivities B_l (w_l×n) and the scales 1/(w_l ⋯ w_L) of their Gram matrices (δ_l = B_l/√(w_l⋯w_L)). */
function sensitivities(net: DeepNet, c: DeepForwardCache, widths: readonly number[]): { B: Mat[]; scale: number[] } {
  const L = net.W.length;
  const n = c.f.length;
  const B: Mat[] = new Array<Mat>(L);
  const scale: number[] = new Array<number>(L);
  const top = zeros(widths[L]!, n);
  const DL = c.D[L - 1]!.data, v = net.v, wL = widths[L]!;
  for (let j = 0; j < n; j++) {
    const base = j * wL;
    for (let i = 0; i < wL; i++) top.data[base + i] = v[i]! * DL[base + i]!;
  }
  B[L - 1] = top;
  let product = 1;
  for (let k = L - 1; k >= 0; k--) {
    product *= widths[k + 1]!;
    scale[k] = 1 / product;
    if (k > 0) {
      const below = matmul(net.W[k]!, B[k]!, { transA: true });
      hadamard(below, c.D[k - 1]!, below);
      B[k - 1] = below;
    }
  }
  return { B, scale };
}

function wants(which: readonly DeepKernelName[]): { ntk: boolean; ck: boolean; layers: boolean } {
  for (const w of which) {
    if (w !== 'ntk' && w !== 'ck' && w !== 'layers') throw new Error(`deep kernels: unknown kernel '${String(w)}' (use 'ntk', 'ck', 'layers')`);
  }
  return { ntk: which.includes('ntk'), ck: which.includes('ck'), layers: which.includes('layers') };
}

function assemble(want: ReturnType<typeof wants>, ck: Mat | undefined, terms: Mat[] | undefined): DeepNetworkKernels {
  const out: DeepNetworkKernels = {};
  if (want.ntk) {
    const K = zeros(ck!.rows, ck!.cols);
    const o = K.data;
    // CK + Θ_1 first (the two-layer order, ck + k1), then the deeper terms.
    for (let t = 0; t < terms!.length; t++) {
      const s = terms![t]!.data;
      if (t === 0) for (let i = 0; i < o.length; i++) o[i] = ck!.data[i]! + s[i]!;
      else for (let i = 0; i < o.length; i++) o[i] += s[i]!;
    }
    out.ntk = K;
  }
  if (want.ck) out.ck = ck;
  if (want.layers) out.layers = terms;
  return out;
}

/**
 * The kernels named in `which` on X (d×n), n×n: 'ntk' (all parameters), 'ck' (last hidden
 * layer), 'layers' (the W_l terms Θ_l). One forward pass and one backward sweep of gemms.
 */
export function deepNetworkKernels(
  net: DeepNet, X: Mat, which: readonly DeepKernelName[] = ['ntk', 'ck'],
): DeepNetworkKernels {
  const want = wants(which);
  const widths = deepWidths(net);
  const L = widths.length - 1;
  const needTerms = want.ntk || want.layers;
  const c = deepForward(net, X, { derivative: needTerms });
  const ck = want.ck || want.ntk ? gram(c.H[L - 1]!, { trans: true, alpha: 1 / widths[L]! }) : undefined;
  let terms: Mat[] | undefined;
  if (needTerms) {
    const { B, scale } = sensitivities(net, c, widths);
    terms = B.map((Bk, k) => {
      const K = gram(Bk, { trans: true, alpha: scale[k]! });
      const input = k === 0 ? X : c.H[k - 1]!;
      const Gin = gram(input, { trans: true, alpha: 1 / widths[k]! });
      return hadamard(K, Gin, K);
    });
  }
  return assemble(want, ck, terms);
}

/** Θ(X, X) of the deep network, n×n. */
export function deepNtk(net: DeepNet, X: Mat): Mat {
  return deepNetworkKernels(net, X, ['ntk']).ntk!;
}

/** H_LᵀH_L/w_L, the conjugate kernel of the last hidden layer, n×n. */
export function deepConjugateKernel(net: DeepNet, X: Mat): Mat {
  return deepNetworkKernels(net, X, ['ck']).ck!;
}

/** Cross kernels K(X, X′) (n×n′) between X (d×n) and X′ (d×n′), same formulas with gemm. */
export function deepCrossKernels(
  net: DeepNet, X: Mat, Xt: Mat, which: readonly DeepKernelName[] = ['ntk', 'ck'],
): DeepNetworkKernels {
  const want = wants(which);
  const widths = deepWidths(net);
  if (Xt.rows !== widths[0]) throw new ShapeError(`deepCrossKernels: test inputs are ${shapeOf(Xt)}, need ${widths[0]} rows (d×n′)`);
  const L = widths.length - 1;
  const needTerms = want.ntk || want.layers;
  const c = deepForward(net, X, { derivative: needTerms });
  const ct = deepForward(net, Xt, { derivative: needTerms });
  const ck = want.ck || want.ntk ? matmul(c.H[L - 1]!, ct.H[L - 1]!, { transA: true, alpha: 1 / widths[L]! }) : undefined;
  let terms: Mat[] | undefined;
  if (needTerms) {
    const s = sensitivities(net, c, widths);
    const st = sensitivities(net, ct, widths);
    terms = s.B.map((Bk, k) => {
      const K = matmul(Bk, st.B[k]!, { transA: true, alpha: s.scale[k]! });
      const Gin = k === 0
        ? matmul(X, Xt, { transA: true, alpha: 1 / widths[0]! })
        : matmul(c.H[k - 1]!, ct.H[k - 1]!, { transA: true, alpha: 1 / widths[k]! });
      return hadamard(K, Gin, K);
    });
  }
  return assemble(want, ck, terms);
}
