/**
 * Kernel gaps: how far a network's kernel is from its expected (infinite-width) kernel and
 * from the linear model's kernel, in operator norm — Hu, Xiao, Adlam, Pennington (2020),
 * Props. D.3, D.4, D.8, D.9 (H2–H5) and, for the one-layer circular CNN, Prop. 4.1 (H13).
 *
 * Inputs X are d×n (columns are samples; H writes X as n×d, so its XXᵀ (n×n) is our XᵀX).
 */
import type { Activation } from '../../activations';
import { circularCnnNtk } from '../../kernels/cnn';
import { conjugateKernel, firstLayerNtk, kernelDifference } from '../../kernels/empirical';
import { type ExpectedKernelName, expectedKernels } from '../../kernels/expected';
import { type LinearModelLayers, type LinearModelOptions, linearFeatures, linearKernel } from '../../kernels/linear-model';
import { type Mat, ShapeError, shapeOf, zeros } from '../../linalg/mat';
import { gram, symmetricOpNorm, topEigenvalues } from '../../linalg/ops';
import type { TwoLayerNet } from '../../model/network';
import { symmetricSpectralNorm } from '../../spectra';
import { lanczosTopEigen } from '../../spectra/lanczos';

// ------------------------------------------------------------------ the two-layer network (Props. D.3, D.4, D.8, D.9)

/** ‖A − B‖_op for symmetric n×n A, B (dense solve below 1200, Lanczos above). */
export function symmetricDistance(A: Mat, B: Mat): number {
  if (A.rows !== B.rows || A.cols !== B.cols) throw new ShapeError(`symmetricDistance: ${shapeOf(A)} vs ${shapeOf(B)}`);
  return symmetricSpectralNorm(kernelDifference(B, A)); // A − B
}

/**
 * ‖Θlin‖_op of a linear-model kernel through its features Ψ (p×n, p = d + 1 or d + 2):
 * the p×p matrix ΨΨᵀ has the same nonzero spectrum as ΨᵀΨ = Θlin, at O(p²n) cost.
 */
export function linearKernelNorm(X: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {}): number {
  const Psi = linearFeatures(X, act, which, opts);
  return topEigenvalues(gram(Psi), 1)[0]!;
}

export interface KernelGap {
  /** ‖Θ − Θlin‖_op. */
  gap: number;
  /** ‖Θlin‖_op. */
  linNorm: number;
  /** gap / linNorm. */
  relative: number;
}

/** ‖Θ − Θlin‖_op and its ratio to ‖Θlin‖_op, Θlin the layer's linear-model kernel on X. */
export function gapToLinear(Theta: Mat, X: Mat, act: Activation, which: LinearModelLayers, opts: LinearModelOptions = {}): KernelGap {
  const L = linearKernel(X, act, which, opts);
  const gap = symmetricDistance(Theta, L);
  const linNorm = linearKernelNorm(X, act, which, opts);
  return { gap, linNorm, relative: gap / linNorm };
}

/**
 * Prop. D.4 / D.9: the expected kernels Θ1*, Θ2* against Θlin1, Θlin2 on X (d×n) for one
 * activation. Θ* by closed forms (erf, ReLU) or the Hermite-series method (others).
 */
export function expectedVsLinear(
  X: Mat, act: Activation, opts: LinearModelOptions = {},
): { first: KernelGap; second: KernelGap } {
  const which: ExpectedKernelName[] = ['ntk1', 'ntk2'];
  const K = expectedKernels(X, act, which);
  return {
    first: gapToLinear(K.ntk1!, X, act, 'first', opts),
    second: gapToLinear(K.ntk2!, X, act, 'second', opts),
  };
}

/** Prop. D.8: the empirical second-layer NTK Θ2(W) = (1/m)φ(WX/√d)ᵀφ(WX/√d) against Θlin2, and λ_max(Θ2). */
export function secondLayerVsLinear(
  net: TwoLayerNet, X: Mat, opts: LinearModelOptions = {},
): KernelGap & { topEigenvalue: number } {
  const Theta2 = conjugateKernel(pairedHalf(net), X);
  const g = gapToLinear(Theta2, X, net.act, 'second', opts);
  return { ...g, topEigenvalue: topEigenvalue(Theta2) };
}

/** Prop. D.3: ‖Θ1(W) − Θ1*‖_op and ‖Θ1*‖_op. */
export function firstLayerVsExpected(net: TwoLayerNet, X: Mat): { gap: number; expectedNorm: number } {
  const Theta1 = firstLayerNtk(pairedHalf(net), X);
  const star = expectedKernels(X, net.act, ['ntk1']).ntk1!;
  return { gap: symmetricDistance(Theta1, star), expectedNorm: topEigenvalue(star) };
}

/**
 * λ_max of a symmetric matrix: dsyevr below 1200, else one Lanczos run for the top end
 * (relative accuracy 1e-10; the dense solve if Lanczos does not converge). For a PSD kernel
 * this is its operator norm, at a fraction of symmetricSpectralNorm's cost (which also runs
 * Lanczos on −K, whose bottom edge converges slowly).
 */
export function topEigenvalue(K: Mat): number {
  const n = K.rows;
  if (K.cols !== n) throw new ShapeError(`topEigenvalue: K is ${shapeOf(K)}, not square`);
  if (n < 1200) return topEigenvalues(K, 1)[0]!;
  const r = lanczosTopEigen(K, n, 1, { tol: 1e-10, skipSymmetryCheck: true });
  return r.converged ? r.values[0]! : topEigenvalues(K, 1)[0]!;
}

/**
 * Under the symmetric initialisation (rows r and r + m/2 equal, |v_r| = |v_{r+m/2}|) the
 * kernels Θ1 (which sees v_r² only) and Θ2 = CK of the width-m network equal those of the
 * width-m/2 network of the first m/2 rows: (1/m)Σ_{r≤m} = (2/m)Σ_{r≤m/2}. Returns that
 * half network (half the gemm/syrk cost), or `net` itself when the rows are not paired.
 */
export function pairedHalf(net: TwoLayerNet): TwoLayerNet {
  const m = net.W.rows, d = net.W.cols;
  if (m % 2 !== 0) return net;
  const h = m / 2;
  const W = net.W.data, ld = net.W.ld, o = net.W.offset;
  for (let r = 0; r < h; r++) if (Math.abs(net.v[r]!) !== Math.abs(net.v[r + h]!)) return net;
  for (let j = 0; j < d; j++) {
    const c = o + j * ld;
    for (let r = 0; r < h; r++) if (W[c + r] !== W[c + r + h]) return net;
  }
  const Wh = zeros(h, d);
  for (let j = 0; j < d; j++) Wh.data.set(W.subarray(o + j * ld, o + j * ld + h), j * h);
  return { W: Wh, v: net.v.slice(0, h), act: net.act };
}
// ------------------------------------------------------------------ the circular CNN (Prop. 4.1)
// The infinite-width NTK of the one-layer circular CNN (src/kernels/cnn.ts) against a multiple
// of the data kernel XᵀX/d (H's XXᵀ/d).

export interface CnnVsLinear {
  /** ‖Θ_CNN − coef·XᵀX/d‖_op. */
  gap: number;
  /** ‖coef·XᵀX/d‖_op. */
  linNorm: number;
  /** gap / linNorm. */
  relative: number;
  /**
   * Least-squares coefficient of XᵀX/d in Θ_CNN over the off-diagonal entries: the linear
   * coefficient the kernel actually has on these data (compare with `coef`).
   */
  fittedCoef: number;
}

/** One comparison: Θ_CNN at filter size q against coef·XᵀX/d. */
export interface CnnCase {
  q: number;
  coef: number;
}

/**
 * Θ_CNN (both layers) against coef·XᵀX/d for each case; Prop. 4.1 takes coef = 2ζ².
 * XᵀX/d is formed once and each distinct q's n×n kernel once (the kernel and its Lanczos
 * norms are the cost of a job), the difference in a work buffer; its operator norm by
 * Lanczos above n = 1200 (src/spectra/norms.ts), ‖XᵀX‖ through the d×d matrix XXᵀ.
 */
export function cnnVsLinear(X: Mat, act: Activation, cases: readonly CnnCase[]): CnnVsLinear[] {
  const d = X.rows;
  const n = X.cols;
  const G = gram(X, { trans: true, alpha: 1 / d });
  const g = G.data;
  const gramNorm = symmetricOpNorm(gram(X, { alpha: 1 / d }));
  const D = zeros(n, n);
  const out: CnnVsLinear[] = new Array(cases.length);
  for (const q of new Set(cases.map((c) => c.q))) {
    const k = circularCnnNtk(X, act, q, { layers: 'both' }).data;
    let kg = 0;
    let gg = 0;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const idx = i + j * n;
        if (i !== j) {
          kg += k[idx]! * g[idx]!;
          gg += g[idx]! * g[idx]!;
        }
      }
    }
    cases.forEach((c, at) => {
      if (c.q !== q) return;
      for (let idx = 0; idx < n * n; idx++) D.data[idx] = k[idx]! - c.coef * g[idx]!;
      const gap = symmetricSpectralNorm(D);
      const linNorm = Math.abs(c.coef) * gramNorm;
      out[at] = { gap, linNorm, relative: gap / linNorm, fittedCoef: kg / gg };
    });
  }
  return out;
}
