/**
 * Measurements of Hu et al., Prop. 4.1 (claim H13): the infinite-width NTK of the one-layer
 * circular CNN (src/kernels/cnn.ts) against a multiple of the data kernel XᵀX/d (H's XXᵀ/d;
 * X is d×n here, columns are samples).
 */
import type { Activation } from '../activations';
import { circularCnnNtk } from '../kernels/cnn';
import { type Mat, zeros } from '../linalg/mat';
import { gram, symmetricOpNorm } from '../linalg/ops';
import { symmetricSpectralNorm } from '../spectra';

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
