/** Relative distances the tests compare two float64 computations by. */
import { type Mat, frobenius, sub } from '../../src/linalg';

/** ‖a − b‖₂ / ‖b‖₂ over two vectors (b = 0 guarded). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

/** ‖A − B‖_F / ‖B‖_F. */
export function relErr(A: Mat, B: Mat): number {
  return frobenius(sub(A, B)) / frobenius(B);
}
