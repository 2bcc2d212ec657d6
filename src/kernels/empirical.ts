/**
 * Empirical kernels of the two-layer network (n×n on the training set, n×n' across
 * to test points), through syrk/gemm — never an explicit Jacobian.
 *
 *   CK  = X₁ᵀX₁,  X₁ = σ(Z)/√h                                   (conjugate kernel; = Θ2 of Hu et al.)
 *   K1  = (XᵀX/d) ⊙ (1/h) σ'(Z)ᵀ diag(v)² σ'(Z)                  (first-layer NTK; = Θ1 when v = ±1)
 *   NTK = K1 + CK                                                  (both layers)
 *
 * X is d×n (columns are samples), Z = W X/√d is h×n.
 */
import { activationWeightedBulk } from '../activations';
import { backend } from '../linalg/backend';
import { gram, hadamard, matmul } from '../linalg/ops';
import { type Mat, ShapeError, isContiguous, shapeOf, zeros } from '../linalg/mat';
import { type ForwardCache, type TwoLayerNet, forward, netDims } from '../model/network';


export type KernelName = 'ck' | 'ntk1' | 'ntk';

export interface NetworkKernels {
  ck?: Mat;
  ntk1?: Mat;
  ntk?: Mat;
}

/** (1/h)·σ(Z)ᵀσ(Z) from a forward cache. */
export function ckFromCache(cache: ForwardCache, out?: Mat): Mat {
  const h = cache.A.rows;
  return gram(cache.A, { trans: true, alpha: 1 / h, ...(out ? { out, beta: 0 } : {}) });
}

/** diag(v)·σ'(Z): the rows of σ'(Z) weighted by the second-layer weights. */
export function weightedDerivative(v: Float64Array, D: Mat, out?: Mat): Mat {
  const h = D.rows, n = D.cols;
  const M = out ?? zeros(h, n);
  for (let j = 0; j < n; j++) {
    const s = D.offset + j * D.ld, t = M.offset + j * M.ld;
    for (let i = 0; i < h; i++) M.data[t + i] = v[i]! * D.data[s + i]!;
  }
  return M;
}

/** XᵀX/d, the input Gram matrix that multiplies the first-layer NTK entrywise. */
export function inputGram(X: Mat): Mat {
  return gram(X, { trans: true, alpha: 1 / X.rows });
}

/** K1 from a forward cache with derivatives; `G` (XᵀX/d) may be passed when reused. */
export function ntk1FromCache(net: TwoLayerNet, X: Mat, cache: ForwardCache, G?: Mat): Mat {
  if (!cache.hasDerivative) throw new Error('ntk1FromCache: the forward cache has no σ\'(Z)');
  const h = net.W.rows;
  const M = weightedDerivative(net.v, cache.D);
  const K = gram(M, { trans: true, alpha: 1 / h });
  const Gx = G ?? inputGram(X);
  const k = K.data, g = Gx.data;
  for (let i = 0; i < k.length; i++) k[i] *= g[i]!;
  return K;
}

/**
 * The native path of `networkKernels` (null when the backend or the activation has none):
 * Z = W X/√d, then σ(Z) and diag(v)·σ'(Z) in one pass (the latter over Z's own buffer), syrk
 * into lower triangles only, and one tiled pass for K1 ⊙ (XᵀX/d), CK + K1 and the three
 * symmetrizations. Every entry is the same operation on the same numbers as the plain path
 * below (forward, weightedDerivative, gram, the Hadamard and sum loops), so the kernels are
 * bit-identical to it (test/engine/native-passes.test.ts), with none of the strided
 * full-matrix copies.
 *
 * When the n×n outputs are at least as large as the h×n factors (n ≥ h) and CK is asked for,
 * the factors live in the outputs' memory and nothing else is allocated: Z and then
 * diag(v)σ'(Z) in CK's buffer, σ(Z) in the NTK's (Gx's). Each syrk reads a factor that no
 * later step needs and writes a buffer whose factor it has already used: diag(v)σ'(Z) → K1,
 * σ(Z) → CK (over diag(v)σ'(Z)), X → Gx (over σ(Z)). With beta = 0 BLAS does not read the
 * output (the reference BLAS contract), and the finishing pass overwrites every strict
 * upper entry, so what the buffers held before changes nothing.
 */
function networkKernelsNative(net: TwoLayerNet, X: Mat, which: readonly KernelName[]): NetworkKernels | null {
  const b = backend();
  const needD = which.includes('ntk1') || which.includes('ntk');
  if (!needD || !b.syrkLowerOnly || !b.kernelsFinish || !isContiguous(X)) return null;
  const { h, d } = netDims(net);
  if (X.rows !== d || net.v.length !== h) return null; // forward() gives the shape error
  const n = X.cols;
  const wantNtk = which.includes('ntk');
  const needCk = which.includes('ck') || wantNtk;
  const K1 = zeros(n, n), Gx = zeros(n, n);
  const CK = needCk ? zeros(n, n) : K1;
  const inPlace = needCk && n >= h;
  const Zbuf = inPlace ? CK.data : new Float64Array(h * n);
  const Abuf = inPlace ? Gx.data : new Float64Array(h * n);
  b.gemm(false, false, h, n, d, 1 / Math.sqrt(d), net.W.data, net.W.offset, net.W.ld, X.data, X.offset, X.ld, 0, Zbuf, 0, h);
  if (!activationWeightedBulk(net.act, Zbuf, Abuf, Zbuf, net.v, h, n)) return null;
  b.syrkLowerOnly(true, n, h, 1 / h, Zbuf, 0, h, 0, K1.data, 0, n);
  if (needCk) b.syrkLowerOnly(true, n, h, 1 / h, Abuf, 0, h, 0, CK.data, 0, n);
  b.syrkLowerOnly(true, n, d, 1 / d, X.data, X.offset, X.ld, 0, Gx.data, 0, n);
  b.kernelsFinish(CK.data, K1.data, Gx.data, n, wantNtk);
  const out: NetworkKernels = {};
  if (which.includes('ck')) out.ck = CK;
  if (which.includes('ntk1')) out.ntk1 = K1;
  if (wantNtk) out.ntk = Gx;
  return out;
}

/** The kernels named in `which` from one forward pass on X (d×n). */
export function networkKernels(net: TwoLayerNet, X: Mat, which: readonly KernelName[] = ['ck', 'ntk1', 'ntk']): NetworkKernels {
  const fast = networkKernelsNative(net, X, which);
  if (fast) return fast;
  const needD = which.includes('ntk1') || which.includes('ntk');
  const needCk = which.includes('ck') || which.includes('ntk');
  const cache = forward(net, X, { derivative: needD });
  const out: NetworkKernels = {};
  const ck = needCk ? ckFromCache(cache) : undefined;
  const k1 = needD ? ntk1FromCache(net, X, cache) : undefined;
  if (which.includes('ck')) out.ck = ck;
  if (which.includes('ntk1')) out.ntk1 = k1;
  if (which.includes('ntk')) {
    const K = zeros(X.cols, X.cols);
    const a = ck!.data, b = k1!.data, o = K.data;
    for (let i = 0; i < o.length; i++) o[i] = a[i]! + b[i]!;
    out.ntk = K;
  }
  return out;
}

export function conjugateKernel(net: TwoLayerNet, X: Mat): Mat {
  return networkKernels(net, X, ['ck']).ck!;
}

export function firstLayerNtk(net: TwoLayerNet, X: Mat): Mat {
  return networkKernels(net, X, ['ntk1']).ntk1!;
}

export function fullNtk(net: TwoLayerNet, X: Mat): Mat {
  return networkKernels(net, X, ['ntk']).ntk!;
}

/**
 * Cross kernels K(X, X') (n×n') between training inputs X (d×n) and test inputs X'
 * (d×n'), with the same formulas: CK(X,X') = (1/h)σ(Z)ᵀσ(Z'),
 * K1(X,X') = (XᵀX'/d) ⊙ (1/h)σ'(Z)ᵀdiag(v)²σ'(Z').
 */
export function crossKernels(
  net: TwoLayerNet, X: Mat, Xt: Mat, which: readonly KernelName[] = ['ck', 'ntk1', 'ntk'],
): NetworkKernels {
  const { h, d } = netDims(net);
  if (Xt.rows !== d) throw new ShapeError(`crossKernels: test inputs are ${shapeOf(Xt)}, need ${d} rows`);
  const needD = which.includes('ntk1') || which.includes('ntk');
  const needCk = which.includes('ck') || which.includes('ntk');
  const c = forward(net, X, { derivative: needD });
  const ct = forward(net, Xt, { derivative: needD });
  const out: NetworkKernels = {};
  const ck = needCk ? matmul(c.A, ct.A, { transA: true, alpha: 1 / h }) : undefined;
  let k1: Mat | undefined;
  if (needD) {
    // diag(v)² splits as one diag(v) on each side.
    const M = weightedDerivative(net.v, c.D);
    const Mt = weightedDerivative(net.v, ct.D);
    k1 = matmul(M, Mt, { transA: true, alpha: 1 / h });
    const G = matmul(X, Xt, { transA: true, alpha: 1 / d });
    hadamard(k1, G, k1);
  }
  if (which.includes('ck')) out.ck = ck;
  if (which.includes('ntk1')) out.ntk1 = k1;
  if (which.includes('ntk')) {
    const K = zeros(X.cols, Xt.cols);
    for (let i = 0; i < K.data.length; i++) K.data[i] = ck!.data[i]! + k1!.data[i]!;
    out.ntk = K;
  }
  return out;
}

/**
 * CK_t − CK_0 computed from activation differences, (1/h)[ΔAᵀA_t + A_0ᵀΔA] with
 * ΔA = A_t − A_0: no cancellation between two O(1) kernels. The plain difference of the
 * two kernels agrees with it to ≥ 8 digits in float64 at the sizes run (see the test
 * "kernel changes"), so the engine uses the cheaper plain difference; this is the check.
 */
export function ckChangeDirect(A0: Mat, At: Mat): Mat {
  const h = A0.rows;
  const dA = zeros(A0.rows, A0.cols);
  for (let i = 0; i < dA.data.length; i++) dA.data[i] = At.data[i]! - A0.data[i]!;
  const out = matmul(dA, At, { transA: true, alpha: 1 / h });
  matmul(A0, dA, { transA: true, alpha: 1 / h, out, beta: 1 });
  return out;
}

/** K1_t − K1_0 from derivative differences (first layer trained, v and X fixed or not). */
export function ntk1ChangeDirect(v0: Float64Array, D0: Mat, vt: Float64Array, Dt: Mat, X: Mat): Mat {
  const h = D0.rows;
  const M0 = weightedDerivative(v0, D0);
  const Mt = weightedDerivative(vt, Dt);
  const dM = zeros(h, D0.cols);
  for (let i = 0; i < dM.data.length; i++) dM.data[i] = Mt.data[i]! - M0.data[i]!;
  const out = matmul(dM, Mt, { transA: true, alpha: 1 / h });
  matmul(M0, dM, { transA: true, alpha: 1 / h, out, beta: 1 });
  return hadamard(out, inputGram(X), out);
}

/** Plain difference B − A of two equally shaped kernels. */
export function kernelDifference(A: Mat, B: Mat): Mat {
  if (A.rows !== B.rows || A.cols !== B.cols) throw new ShapeError(`kernelDifference: ${shapeOf(A)} vs ${shapeOf(B)}`);
  const out = zeros(A.rows, A.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = B.data[i]! - A.data[i]!;
  return out;
}

/** Kernel–target alignment ⟨K, yyᵀ⟩/(‖K‖_F‖y‖²) (Wang et al. eq. (15)). */
export function kernelTargetAlignment(K: Mat, y: ArrayLike<number>): number {
  const n = K.rows;
  if (K.cols !== n || y.length !== n) throw new ShapeError(`kernelTargetAlignment: K is ${shapeOf(K)}, y has ${y.length}`);
  let yKy = 0, kf = 0, yy = 0;
  for (let j = 0; j < n; j++) {
    const yj = y[j]!;
    yy += yj * yj;
    let col = 0;
    for (let i = 0; i < n; i++) {
      const k = K.data[K.offset + i + j * K.ld]!;
      col += k * y[i]!;
      kf += k * k;
    }
    yKy += yj * col;
  }
  return yKy / (Math.sqrt(kf) * yy);
}
