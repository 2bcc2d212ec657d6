/**
 * Gradient checks by central differences, shared by the network tests (deep FC, CNN): each
 * parameter p of each block is moved by ±eps on two copies of the network and
 * (L(+eps) − L(−eps))/(2 eps) is compared with the analytic gradient; the same differences of the
 * outputs give Jacobian blocks for the kernel tests.
 */
import { type Mat, zeros } from '../../src/linalg/mat';

/** (1/(2n))‖f − y‖², the loss every network of the engine trains. */
export function halfMse(f: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < f.length; j++) s += (f[j]! - y[j]!) ** 2;
  return s / (2 * f.length);
}

/** max |FD − analytic| / max |analytic| over every parameter of every block. */
export function centralDifferenceError<N>(
  net: N, clone: (n: N) => N, loss: (n: N) => number,
  blocks: readonly { pick: (n: N) => Float64Array; grad: Float64Array }[], eps = 1e-5,
): number {
  let maxErr = 0, maxG = 0;
  for (const { pick, grad } of blocks) {
    for (let p = 0; p < grad.length; p++) {
      const a = clone(net), b = clone(net);
      pick(a)[p] += eps;
      pick(b)[p] -= eps;
      const fd = (loss(a) - loss(b)) / (2 * eps);
      maxErr = Math.max(maxErr, Math.abs(fd - grad[p]!));
      maxG = Math.max(maxG, Math.abs(grad[p]!));
    }
  }
  return maxErr / maxG;
}

/**
 * The n×P Jacobian block of the outputs f(X) (n of them) with respect to the P entries of one
 * parameter block, by central differences: column p is (f(+eps) − f(−eps))/(2 eps).
 */
export function centralDifferenceJacobian<N>(
  net: N, clone: (n: N) => N, predict: (n: N) => ArrayLike<number>, pick: (n: N) => Float64Array, eps = 1e-5,
): Mat {
  const count = pick(net).length;
  let J: Mat | undefined;
  for (let p = 0; p < count; p++) {
    const a = clone(net), b = clone(net);
    pick(a)[p] += eps;
    pick(b)[p] -= eps;
    const fa = predict(a), fb = predict(b), n = fa.length;
    J ??= zeros(n, count);
    for (let s = 0; s < n; s++) J.data[s + p * n] = (fa[s]! - fb[s]!) / (2 * eps);
  }
  return J ?? zeros(0, 0);
}
