/**
 * Concentration of the data: how close the inputs are to orthogonal vectors of norm √d, the
 * fact both papers' proofs start from — Hu et al.'s Claim 3.1 (H1) and the column norms of
 * Wang et al.'s Lemma B.1 (W1). X is d×n (columns are samples; H writes X as n×d, so its
 * XXᵀ (n×n) is our XᵀX).
 */
import { columns, type Mat, ShapeError, shapeOf } from '../../linalg/mat';
import { gram, matmul, topEigenvalues } from '../../linalg/ops';

/** Largest and smallest of ‖x_i‖²/d over the columns of X (d×n). */
export function columnSquaredNormsOverD(X: Mat): { max: number; min: number; mean: number } {
  const d = X.rows, n = X.cols;
  let max = -Infinity, min = Infinity, sum = 0;
  for (let j = 0; j < n; j++) {
    const base = X.offset + j * X.ld;
    let s = 0;
    for (let i = 0; i < d; i++) {
      const v = X.data[base + i]!;
      s += v * v;
    }
    s /= d;
    if (s > max) max = s;
    if (s < min) min = s;
    sum += s;
  }
  return { max, min, mean: sum / n };
}

export interface DataConcentration {
  /** max_i |‖x_i‖²/d − 1|. */
  maxNormDeviation: number;
  /** max_{i≠j} |x_iᵀx_j|/d. */
  maxInnerProduct: number;
  /** ‖XXᵀ‖ in H's n×d convention = λ_max of the d×d matrix X Xᵀ here (same nonzero spectrum). */
  gramOpNorm: number;
  /** √(log n / d), the scale of Claim 3.1. */
  scale: number;
}

/**
 * The three quantities of Claim 3.1 for X (d×n). The off-diagonal maximum is taken over
 * column blocks of the upper triangle of XᵀX/d (block × (n − j0) at a time), so n×n is
 * never held at once.
 */
export function dataConcentration(X: Mat, blockSize = 512): DataConcentration {
  const d = X.rows, n = X.cols;
  if (d < 1 || n < 2) throw new ShapeError(`dataConcentration: X must be d×n with n ≥ 2, got ${shapeOf(X)}`);
  let maxNormDeviation = 0;
  let maxInnerProduct = 0;
  for (let j0 = 0; j0 < n; j0 += blockSize) {
    const b = Math.min(blockSize, n - j0);
    // C = X_blockᵀ X_{j0..n−1} / d: b×(n − j0), entry (r, c) is sample pair (j0 + r, j0 + c);
    // pairs with both samples before j0 were seen in earlier blocks (symmetry halves the cost).
    const w = n - j0;
    const C = matmul(columns(X, j0, b), columns(X, j0, w), { transA: true, alpha: 1 / d });
    for (let c = 0; c < w; c++) {
      const base = c * b;
      for (let r = 0; r < b && r <= c; r++) {
        const v = C.data[base + r]!;
        if (r === c) {
          const dev = Math.abs(v - 1);
          if (dev > maxNormDeviation) maxNormDeviation = dev;
        } else {
          const a = Math.abs(v);
          if (a > maxInnerProduct) maxInnerProduct = a;
        }
      }
    }
  }
  const G = gram(X); // d×d, X Xᵀ
  const gramOpNorm = topEigenvalues(G, 1)[0]!;
  return { maxNormDeviation, maxInnerProduct, gramOpNorm, scale: Math.sqrt(Math.log(n) / d) };
}
