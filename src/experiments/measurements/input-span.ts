/**
 * A loss split along the span of the inputs (Hu et al. §4.2, Figs. 3–4): on n′ points with
 * inputs X (d×n′, columns are samples), V_lin ⊂ R^{n′} is the span of the d vectors
 * (x_1[i], …, x_{n′}[i]), i = 1 … d — the row space of X, the column space of Xᵀ: every
 * linear function x ↦ βᵀx evaluated on the n′ points lies in it. A residual r = f − y on those
 * points splits orthogonally, r = P r + (I − P) r, and so does the loss:
 *
 *   (1/(2n′))‖r‖² = (1/(2n′))‖P r‖² + (1/(2n′))‖(I − P) r‖².
 *
 * A model linear in x (f^lin(x) = βᵀx) moves only P r: its loss on V_lin^⊥ stays at
 * (1/(2n′))‖(I − P) y‖² from f^lin = 0 on; a network that learns beyond the linear model
 * lowers it. P = Q Qᵀ, Q (n′×r) the right singular vectors of X whose singular values exceed
 * `relTol`·s_max (images are rank-deficient: pooled border pixels are nearly collinear), so
 * r = rank ≤ min(d, n′).
 */
import { type Mat, ShapeError, assertFinite, assertFiniteArray, fromColumnMajor, shapeOf } from '../../linalg/mat';
import { svd } from '../../linalg/ops';

export interface InputSpan {
  /** n′×r, orthonormal columns spanning V_lin. */
  basis: Mat;
  /** dim V_lin (numerical rank of X at relTol). */
  rank: number;
  /** n′, the number of points. */
  points: number;
}

export interface LossSplit {
  /** (1/(2n′))‖r‖². */
  total: number;
  /** (1/(2n′))‖P r‖²: the loss on V_lin. */
  inSpan: number;
  /** (1/(2n′))‖(I − P) r‖²: the loss on its complement. */
  complement: number;
}

/**
 * V_lin for the inputs X (d×n′): an orthonormal basis of the row space of X. `relTol`
 * (default 1e-10) is the singular-value cutoff relative to the largest.
 */
export function inputSpan(X: Mat, opts: { relTol?: number } = {}): InputSpan {
  assertFinite('inputSpan', 'X', X);
  if (X.rows < 1 || X.cols < 1) throw new ShapeError(`inputSpan: X must be a non-empty d×n matrix, got ${shapeOf(X)}`);
  const relTol = opts.relTol ?? 1e-10;
  if (!(relTol >= 0 && relTol < 1)) throw new RangeError(`inputSpan: relTol must be in [0, 1), got ${relTol}`);
  const n = X.cols;
  const { s, Vt } = svd(X);
  const cut = relTol * (s[0] ?? 0);
  let rank = 0;
  while (rank < s.length && s[rank]! > cut && s[rank]! > 0) rank++;
  // Q = first `rank` rows of Vt, transposed (n′×rank, column-major).
  const data = new Float64Array(n * rank);
  for (let k = 0; k < rank; k++) {
    for (let j = 0; j < n; j++) data[j + k * n] = Vt.data[k + j * Vt.ld]!;
  }
  return { basis: fromColumnMajor(n, rank, data), rank, points: n };
}

/** The loss of predictions f against targets y on the span's points, split along V_lin (module comment). */
export function lossSplit(span: InputSpan, f: ArrayLike<number>, y: ArrayLike<number>): LossSplit {
  const n = span.points;
  if (f.length !== n || y.length !== n) {
    throw new ShapeError(`lossSplit: the span is over ${n} points, f has length ${f.length} and y ${y.length}`);
  }
  assertFiniteArray('lossSplit', 'f', f);
  assertFiniteArray('lossSplit', 'y', y);
  const r = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    r[j] = f[j]! - y[j]!;
    total += r[j]! * r[j]!;
  }
  // ‖P r‖² = ‖Qᵀ r‖² (Q orthonormal): one pass per basis vector.
  const Q = span.basis.data;
  let inSpan = 0;
  for (let k = 0; k < span.rank; k++) {
    let c = 0;
    const base = k * n;
    for (let j = 0; j < n; j++) c += Q[base + j]! * r[j]!;
    inSpan += c * c;
  }
  // The complement as the difference, floored at 0 (rounding can leave −1e-16·total).
  const complement = Math.max(0, total - inSpan);
  return { total: total / (2 * n), inSpan: inSpan / (2 * n), complement: complement / (2 * n) };
}
