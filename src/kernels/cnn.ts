/**
 * Infinite-width NTK of a one-layer circular CNN with a dense readout (Hu et al., Sec. 4,
 * Prop. 4.1 — architecture as fixed in claims/H/H13; see src/model/cnn.ts for the finite net):
 *
 *   f(x) = (1/√(m d)) Σ_{r=1}^m Σ_{p=0}^{d−1} v_{r,p} φ(w_rᵀ x_[p] / √q),
 *   x_[p] = (x_p, x_{p+1}, …, x_{p+q−1})  (indices mod d: circular padding, stride 1),
 *
 * w_r ~ N(0, I_q) shared across positions (the convolution), v_{r,p} independent with
 * E v² = 1. With u = wᵀx_[p]/√q, u' = wᵀx'_[p]/√q (Var a_p = ‖x_[p]‖²/q, a'_p, Cov c_p = x_[p]ᵀx'_[p]/q):
 *
 *   Θ2(x, x') = (1/d) Σ_p E[φ(u)φ(u')]              (second layer: readout v)
 *   Θ1(x, x') = (1/d) Σ_p c_p E[φ'(u)φ'(u')]         (first layer: filters w; cross-position
 *                                                      terms vanish because E v_{r,p}v_{r,p'} = δ)
 *   Θ = Θ1 + Θ2.
 *
 * Each coordinate lies in exactly q patches, so Σ_p c_p = q·xᵀx'/q·… = xᵀx': the linear part of
 * Θ for erf is 2ζ² xᵀx'/d, the fully-connected linear kernel — which is why Prop. 4.1 compares
 * with 2ζ²XXᵀ/d. (With global average pooling instead of the dense readout the linear part
 * would be the rank-one (Σx)(Σx')ᵀ-type term, not XXᵀ.)
 *
 * Hypercube inputs (all entries ±1) take a fast exact path: every patch has a_p = 1 and
 * c_p = s/q for an integer overlap s ∈ {−q, −q+2, …, q}, so the per-patch kernel is a table of
 * q+1 values and each pair costs a sliding window over d coordinates (O(n²d) integer work, no
 * transcendental calls). The general path forms each patch Gram matrix by syrk and evaluates
 * the closed forms entry by entry (O(n²d) transcendental calls). On hypercube data both paths
 * give bit-identical results (same formulas from kernels/expected.ts, same summation order;
 * tested).
 */
import type { Activation } from '../activations';
import { closedFormKind, closedFormPair } from './expected';
import { gram } from '../linalg/ops';
import { type Mat, ShapeError, assertFinite, shapeOf, zeros } from '../linalg/mat';
import { type CnnLayers, circularPatch } from '../model/cnn-patches';

export { type CnnLayers, circularPatch } from '../model/cnn-patches';

export interface CircularCnnKernelOptions {
  /** Which layers are trained (default 'both': Θ1 + Θ2). */
  layers?: CnnLayers;
  /** Force the general path even on hypercube data (for tests). */
  general?: boolean;
}

function checkArgs(op: string, X: Mat, act: Activation, q: number): void {
  if (X.rows < 1 || X.cols < 1) throw new ShapeError(`${op}: X is ${shapeOf(X)}, needs d ≥ 1 rows and n ≥ 1 columns (d×n)`);
  if (!Number.isInteger(q) || q < 1 || q > X.rows) {
    throw new RangeError(`${op}: filter size q = ${q} must be an integer in [1, d = ${X.rows}]`);
  }
  if (!closedFormKind(act)) {
    throw new Error(`${op}: activation '${act.name}' has no closed-form Gaussian kernel; the circular-CNN kernel supports erf and relu`);
  }
  assertFinite(op, 'X', X);
}

/** Whether every entry of X is exactly ±1 (hypercube data). */
export function isHypercube(X: Mat): boolean {
  for (let j = 0; j < X.cols; j++) {
    const base = X.offset + j * X.ld;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[base + i]!;
      if (v !== 1 && v !== -1) return false;
    }
  }
  return true;
}

/** Per-patch kernel value E[φφ]·[second] + c·E[φ'φ']·[first] at variances a, b and covariance c. */
function patchKernel(act: Activation, layers: CnnLayers, a: number, b: number, c: number, diag: boolean): number {
  let v = 0;
  if (layers !== 'first') v += closedFormPair(act, 'f', a, b, c, diag);
  if (layers !== 'second') v += c * closedFormPair(act, 'd1', a, b, c, diag);
  return v;
}

/**
 * The per-patch kernel on hypercube patches as a table over the overlap s = x_[p]ᵀx'_[p]:
 * entry k is the value at s = 2k − q (c = s/q, unit variances; k = q is the exact diagonal).
 */
export function hypercubePatchTable(act: Activation, q: number, layers: CnnLayers = 'both'): Float64Array {
  const T = new Float64Array(q + 1);
  for (let k = 0; k <= q; k++) T[k] = patchKernel(act, layers, 1, 1, (2 * k - q) / q, k === q);
  return T;
}

/** Θ_CNN on X (d×n, columns are samples) with filter size q: the n×n infinite-width NTK. */
export function circularCnnNtk(X: Mat, act: Activation, q: number, opts: CircularCnnKernelOptions = {}): Mat {
  checkArgs('circularCnnNtk', X, act, q);
  const layers = opts.layers ?? 'both';
  if (!opts.general && isHypercube(X)) return hypercubeKernel(X, act, q, layers);
  return generalKernel(X, act, q, layers);
}

function hypercubeKernel(X: Mat, act: Activation, q: number, layers: CnnLayers): Mat {
  const d = X.rows;
  const n = X.cols;
  const T = hypercubePatchTable(act, q, layers);
  // Samples as ±1 bytes, sample-major; products a_t = x_t x'_t extended circularly by q−1.
  const xs = new Int8Array(n * d);
  for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) xs[j * d + i] = X.data[X.offset + j * X.ld + i]!;
  const a = new Int8Array(d + q - 1);
  const out = zeros(n, n);
  const o = out.data;
  for (let i = 0; i < n; i++) {
    const bi = i * d;
    for (let j = i; j < n; j++) {
      const bj = j * d;
      for (let t = 0; t < d; t++) a[t] = xs[bi + t]! * xs[bj + t]!;
      for (let t = 0; t < q - 1; t++) a[d + t] = a[t]!;
      let s = 0;
      for (let t = 0; t < q; t++) s += a[t]!;
      let acc = T[(s + q) >> 1]!;
      for (let p = 1; p < d; p++) {
        s += a[p + q - 1]! - a[p - 1]!;
        acc += T[(s + q) >> 1]!;
      }
      const v = acc / d;
      o[i + j * n] = v;
      o[j + i * n] = v;
    }
  }
  return out;
}


function generalKernel(X: Mat, act: Activation, q: number, layers: CnnLayers): Mat {
  const d = X.rows;
  const n = X.cols;
  const out = zeros(n, n);
  const o = out.data;
  const G = zeros(n, n);
  const g = G.data;
  for (let p = 0; p < d; p++) {
    gram(circularPatch(X, q, p), { trans: true, out: G });
    for (let j = 0; j < n; j++) {
      const b = g[j + j * n]! / q;
      for (let i = 0; i <= j; i++) {
        const v = patchKernel(act, layers, g[i + i * n]! / q, b, g[i + j * n]! / q, i === j);
        o[i + j * n] += v;
      }
    }
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      const v = o[i + j * n]! / d;
      o[i + j * n] = v;
      o[j + i * n] = v;
    }
  }
  return out;
}

/**
 * Exact coefficient κ_q of xᵀx'/d in Θ_CNN on uniform hypercube data: the degree-1 Walsh
 * coefficient. With a_t = x_t x'_t i.i.d. ±1 and ρ = (1/q)Σ_{t∈patch} a_t, the per-patch kernel
 * K(ρ) has linear coefficient E[K(ρ) a_1] = E[ρ K(ρ)] in each a_t of the patch; each t lies in
 * q patches, so the coefficient of Σ_t a_t/d = xᵀx'/d is κ_q = q·E[ρ K(ρ)], ρ = (2B − q)/q,
 * B ~ Binomial(q, ½). As q → ∞, κ_q → K'(0) (= 2ζ² for erf with both layers), but at finite q
 * the cubic and higher Hermite terms feed back: ρ³ contains ((3q − 2)/q²)·ρ on the hypercube.
 */
export function hypercubeLinearCoefficient(act: Activation, q: number, layers: CnnLayers = 'both'): number {
  if (!Number.isInteger(q) || q < 1) throw new RangeError(`hypercubeLinearCoefficient: q = ${q} must be a positive integer`);
  const T = hypercubePatchTable(act, q, layers);
  // Binomial weights in log space (q may be large).
  let logw = -q * Math.LN2;
  let sum = 0;
  for (let k = 0; k <= q; k++) {
    if (k > 0) logw += Math.log((q - k + 1) / k);
    const rho = (2 * k - q) / q;
    sum += Math.exp(logw) * rho * T[k]!;
  }
  return q * sum;
}
