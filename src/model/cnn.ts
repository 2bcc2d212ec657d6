/**
 * The finite-width one-layer circular CNN of Hu et al., Sec. 4 (architecture as fixed in
 * claims/H/H13), in NTK parameterisation:
 *
 *   f(x) = (1/√(m d)) Σ_{r=1}^m Σ_{p=0}^{d−1} v_{r,p} φ(w_rᵀ x_[p] / √q),
 *   x_[p] = (x_p, …, x_{p+q−1}) with indices mod d (circular padding, stride 1),
 *
 * W is m×q (filters, shared over positions), V is m×d (dense readout). It exists to check the
 * infinite-width kernel of src/kernels/cnn.ts against a real network: as m → ∞ the empirical
 * NTK below converges to it at rate m^{-1/2} (tested). Inputs X are d×n (columns are samples).
 *
 * Gradients (u_{r,p}(x) = w_rᵀx_[p]/√q):
 *   ∂f/∂v_{r,p} = φ(u_{r,p})/√(md),   ∂f/∂w_r = (1/√(mdq)) Σ_p v_{r,p} φ'(u_{r,p}) x_[p].
 */
import type { Activation } from '../activations';
import { applyWithDerivativeToMat } from '../activations/bulk';
import { type CnnLayers, circularPatch } from './cnn-patches';
import { gram, matmul } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, shapeOf, zeros } from '../linalg/mat';
import type { Rng } from '../random';

export interface CircularCnn {
  /** Filters, m×q. */
  W: Mat;
  /** Readout, m×d. */
  V: Mat;
  act: Activation;
}

export function cnnDims(net: CircularCnn): { m: number; q: number; d: number } {
  return { m: net.W.rows, q: net.W.cols, d: net.V.cols };
}

/** W ~ N(0, 1) entries, V ~ N(0, 1) (or uniform ±1 with `readout: 'rademacher'`). */
export function initCircularCnn(
  rng: Rng, dims: { d: number; q: number; m: number }, act: Activation, opts: { readout?: 'gaussian' | 'rademacher' } = {},
): CircularCnn {
  const { d, q, m } = dims;
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`initCircularCnn: ${k} = ${v} must be a positive integer`);
  }
  if (q > d) throw new RangeError(`initCircularCnn: filter size q = ${q} exceeds the input dimension d = ${d}`);
  const W = rng.split('W').randn(m, q);
  const V = opts.readout === 'rademacher'
    ? { rows: m, cols: d, data: rng.split('V').rademacher(m * d), ld: m, offset: 0 }
    : rng.split('V').randn(m, d);
  return { W, V, act };
}

function checkInput(op: string, net: CircularCnn, X: Mat): void {
  const { d } = cnnDims(net);
  if (X.rows !== d) throw new ShapeError(`${op}: the network reads d = ${d} inputs, X is ${shapeOf(X)} (d×n)`);
  assertFinite(op, 'X', X);
}

/** Per position p: pre-activations U_p = W x_[p]/√q (m×n), φ(U_p) and φ'(U_p). */
function positions(net: CircularCnn, X: Mat): { P: Mat; F: Mat; D: Mat }[] {
  const { m, q, d } = cnnDims(net);
  const n = X.cols;
  const out: { P: Mat; F: Mat; D: Mat }[] = [];
  for (let p = 0; p < d; p++) {
    const P = circularPatch(X, q, p);
    const U = matmul(net.W, P, { alpha: 1 / Math.sqrt(q) });
    const F = zeros(m, n);
    const D = zeros(m, n);
    applyWithDerivativeToMat(net.act, U, F, D);
    out.push({ P, F, D });
  }
  return out;
}

/** f(X), length n. */
export function cnnForward(net: CircularCnn, X: Mat): Float64Array {
  checkInput('cnnForward', net, X);
  const { m, d } = cnnDims(net);
  const n = X.cols;
  const f = new Float64Array(n);
  const pos = positions(net, X);
  for (let p = 0; p < d; p++) {
    const F = pos[p]!.F.data;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += net.V.data[r + p * m]! * F[r + j * m]!;
      f[j] += s;
    }
  }
  const c = 1 / Math.sqrt(m * d);
  for (let j = 0; j < n; j++) f[j] *= c;
  return f;
}

/**
 * Empirical NTK of the finite network on X (n×n): Θ = J Jᵀ over the parameters of the
 * trained layers ('first' = filters W, 'second' = readout V, 'both').
 */
export function cnnEmpiricalNtk(net: CircularCnn, X: Mat, layers: CnnLayers = 'both'): Mat {
  checkInput('cnnEmpiricalNtk', net, X);
  const { m, q, d } = cnnDims(net);
  const n = X.cols;
  const pos = positions(net, X);
  const K = zeros(n, n);
  if (layers !== 'first') {
    for (const { F } of pos) gram(F, { trans: true, alpha: 1 / (m * d), out: K, beta: 1 });
  }
  if (layers !== 'second') {
    // J[r·q + t, x] = Σ_p v_{r,p} φ'(u_{r,p}(x)) x_[p]_t, then Θ1 = JᵀJ/(mdq).
    const J = zeros(m * q, n);
    for (let p = 0; p < d; p++) {
      const { P, D } = pos[p]!;
      for (let j = 0; j < n; j++) {
        for (let r = 0; r < m; r++) {
          const g = net.V.data[r + p * m]! * D.data[r + j * m]!;
          const row = r * q + j * m * q;
          for (let t = 0; t < q; t++) J.data[row + t] += g * P.data[t + j * q]!;
        }
      }
    }
    gram(J, { trans: true, alpha: 1 / (m * d * q), out: K, beta: 1 });
  }
  return K;
}
