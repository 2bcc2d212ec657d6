/** Matrix norms used throughout the paper statements (bounds on W − W₀, feature drift). */
import { type Mat, frobenius, opNorm, twoInfNorm } from '../linalg';
import { checkMat } from './validate';

export interface MatrixNorms {
  /** Frobenius norm ‖M‖_F. */
  fro: number;
  /** Operator (spectral) norm ‖M‖₂ = σ_max. */
  op: number;
  /** (2,∞) norm: the largest Euclidean row norm (for W h×d: the largest neuron weight norm). */
  twoInf: number;
}

/** Frobenius, operator and (2,∞) norms of M in one call. */
export function matrixNorms(M: Mat): MatrixNorms {
  checkMat('matrixNorms', 'M', M);
  return { fro: frobenius(M), op: opNorm(M), twoInf: twoInfNorm(M) };
}
