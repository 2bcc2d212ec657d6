/**
 * Measurements of Hu et al., Prop. 4.1 (claim H13): the infinite-width NTK of the one-layer
 * circular CNN (src/kernels/cnn.ts) against a multiple of the data kernel XᵀX/d (H's XXᵀ/d;
 * X is d×n here, columns are samples).
 */
import type { Activation } from '../activations';
import { circularCnnNtk } from '../kernels/cnn';
import type { Mat } from '../linalg/mat';
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

/**
 * Θ_CNN (filter size q, both layers) against coef·XᵀX/d; Prop. 4.1 takes coef = 2ζ².
 * The n×n kernel is formed once and the difference taken in place; its operator norm by
 * Lanczos above n = 1200 (src/spectra/norms.ts), ‖XᵀX‖ through the d×d matrix XXᵀ.
 */
export function cnnVsLinear(X: Mat, act: Activation, q: number, coef: number): CnnVsLinear {
  const d = X.rows;
  const n = X.cols;
  const K = circularCnnNtk(X, act, q, { layers: 'both' });
  const G = gram(X, { trans: true, alpha: 1 / d });
  let kg = 0;
  let gg = 0;
  const k = K.data;
  const g = G.data;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const idx = i + j * n;
      if (i !== j) {
        kg += k[idx]! * g[idx]!;
        gg += g[idx]! * g[idx]!;
      }
      k[idx] = k[idx]! - coef * g[idx]!;
    }
  }
  const gap = symmetricSpectralNorm(K);
  const linNorm = Math.abs(coef) * symmetricOpNorm(gram(X, { alpha: 1 / d }));
  return { gap, linNorm, relative: gap / linNorm, fittedCoef: kg / gg };
}
