/**
 * Distances between two empirical spectra (eigenvalue lists, any order, possibly of
 * different lengths), each read as the uniform probability measure on its entries — the
 * empirical spectral distribution (ESD). Used to measure how far the spectrum of a trained
 * weight Gram matrix has moved from initialisation (spectral "invariance" in the W paper).
 *
 * For measures on ℝ, W_p(μ, ν)^p = ∫_0^1 |Q_μ(u) − Q_ν(u)|^p du with Q the (left-continuous)
 * quantile functions. For empirical measures with n and m atoms, Q_a is constant on
 * ((i−1)/n, i/n] and Q_b on ((j−1)/m, j/m]; merging the breakpoints i/n and j/m on the common
 * integer grid 0..lcm(n, m) makes the integral an exact finite sum (no u-discretisation).
 * For n = m this reduces to sort-and-match: (1/n)·Σ|a_(i) − b_(i)|^p.
 */
import { checkValues, sortedCopy } from './validate';

function wassersteinPowP(fn: string, a: ArrayLike<number>, b: ArrayLike<number>, p: 1 | 2): number {
  checkValues(fn, 'a', a);
  checkValues(fn, 'b', b);
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  const n = x.length;
  const m = y.length;
  const pw = p === 1 ? (d: number) => Math.abs(d) : (d: number) => d * d;
  if (n === m) {
    let s = 0;
    for (let i = 0; i < n; i++) s += pw(x[i]! - y[i]!);
    return s / n;
  }
  // Two pointers over the merged grid {i·m/g} ∪ {j·n/g} ⊂ {0, …, lcm(n, m)}, g = gcd(n, m):
  // all positions are integers, exact while lcm(n, m) < 2^53.
  const g = gcd(n, m);
  const stepA = m / g;
  const stepB = n / g;
  const total = n * stepA;
  let i = 0;
  let j = 0;
  let pos = 0;
  let s = 0;
  while (pos < total) {
    const nextA = (i + 1) * stepA;
    const nextB = (j + 1) * stepB;
    const next = Math.min(nextA, nextB);
    s += (next - pos) * pw(x[i]! - y[j]!);
    pos = next;
    if (nextA === next) i++;
    if (nextB === next) j++;
  }
  return s / total;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Wasserstein-1 distance between the empirical measures of a and b (exact). */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return wassersteinPowP('wasserstein1', a, b, 1);
}

/** Wasserstein-2 distance between the empirical measures of a and b (exact); W₂ ≥ W₁. */
export function wasserstein2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.sqrt(wassersteinPowP('wasserstein2', a, b, 2));
}

/**
 * Kolmogorov (Kolmogorov–Smirnov two-sample) distance sup_x |F_a(x) − F_b(x)| between the
 * empirical CDFs, evaluated exactly at every distinct value (ties in either sample and
 * across samples are advanced together).
 */
export function kolmogorovDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkValues('kolmogorovDistance', 'a', a);
  checkValues('kolmogorovDistance', 'b', b);
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  const n = x.length;
  const m = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n || j < m) {
    const t = j >= m ? x[i]! : i >= n ? y[j]! : Math.min(x[i]!, y[j]!);
    while (i < n && x[i] === t) i++;
    while (j < m && y[j] === t) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}
