import { type Mat, zeros } from '../../src/linalg/mat';

/** Deterministic entries in [−½, ½) for tests (a tiny LCG; the engine's RNG is tested elsewhere). */
export function lcgMat(rows: number, cols: number, seed: number): Mat {
  const m = zeros(rows, cols);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < m.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    m.data[i] = s / 2 ** 32 - 0.5;
  }
  return m;
}
