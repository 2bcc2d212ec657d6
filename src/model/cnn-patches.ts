/**
 * The circular CNN's patch geometry, shared by the finite network (src/model/cnn.ts) and its
 * infinite-width kernel (src/kernels/cnn.ts): with circular padding and stride 1, the patch at
 * position p holds coordinates p, p+1, …, p+q−1 (mod d) of each input. It lives with the model
 * so that kernels depend on the model, never the reverse.
 */
import { type Mat, zeros } from '../linalg/mat';

/** Which layers are trained: the convolution ('first'), the readout ('second'), or both. */
export type CnnLayers = 'first' | 'second' | 'both';

/** Rows p, p+1, …, p+q−1 (mod d) of X (d×n): the q×n patch matrix at position p. */
export function circularPatch(X: Mat, q: number, p: number): Mat {
  const d = X.rows;
  const n = X.cols;
  const P = zeros(q, n);
  for (let j = 0; j < n; j++) {
    const src = X.offset + j * X.ld;
    for (let t = 0; t < q; t++) P.data[t + j * q] = X.data[src + ((p + t) % d)]!;
  }
  return P;
}
