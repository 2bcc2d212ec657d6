/**
 * The pure-TypeScript backend against naive loops and residuals (always), and against the
 * native OpenBLAS/LAPACKE backend (when the addon loads).
 *
 * Shapes and parameters come from fast-check with a fixed seed; matrix entries come from a
 * small seeded xorshift generator, so every run sees the same matrices. Tolerances are
 * stated next to each assertion with the error bound they come from; EPS is the unit
 * roundoff ×2 (Number.EPSILON = 2⁻⁵²).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinalgBackend } from '../../src/linalg/backend-types';
import { jsBackend } from '../../src/linalg/backend-js';
import { loadNativeBackend } from '../../src/linalg/backend';

const EPS = Number.EPSILON;
const native = loadNativeBackend();
const backends: [string, LinalgBackend][] = [['js', jsBackend]];
if (native) backends.push(['native', native]);

// ---------------------------------------------------------------------------------------
// Deterministic data
// ---------------------------------------------------------------------------------------

/** xorshift32 (Marsaglia 2003) mapped to [−1, 1). */
function rng(seed: number): () => number {
  let s = (seed ^ 0x5bd1e995) >>> 0 || 0x12345678;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

/** A rows×cols block at offset `off` with leading dimension max(1, rows) + pad inside a
 * buffer with `tail` guard entries after it; every entry (block and guards) is random. */
interface Block {
  buf: Float64Array;
  off: number;
  ld: number;
  rows: number;
  cols: number;
}

function block(r: () => number, rows: number, cols: number, off = 0, pad = 0, tail = 2): Block {
  const ld = Math.max(1, rows) + pad;
  const len = off + ld * Math.max(0, cols - 1) + (cols > 0 ? rows : 0) + tail;
  const buf = new Float64Array(len);
  for (let i = 0; i < len; i++) buf[i] = r();
  return { buf, off, ld, rows, cols };
}

const at = (b: Block, i: number, j: number): number => b.buf[b.off + i + j * b.ld]!;

/** True when index t of b.buf lies inside the rows×cols block. */
function inBlock(b: Block, t: number): boolean {
  const rel = t - b.off;
  if (rel < 0 || b.rows === 0 || b.cols === 0) return false;
  const j = Math.floor(rel / b.ld);
  const i = rel - j * b.ld;
  return j < b.cols && i < b.rows;
}

/** Entries outside the block must be bit-identical to the original buffer. */
function expectOutsideUnchanged(b: Block, before: Float64Array): void {
  for (let t = 0; t < b.buf.length; t++) {
    if (!inBlock(b, t) && !Object.is(b.buf[t], before[t])) {
      throw new Error(`entry ${t} outside the ${b.rows}x${b.cols} block (off ${b.off}, ld ${b.ld}) was written`);
    }
  }
}

/** Dense column-major n×n (ld = n) helpers for the decompositions. */
function dense(rows: number, cols: number, f: (i: number, j: number) => number): Float64Array {
  const a = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) a[i + j * rows] = f(i, j);
  return a;
}

/** C = op(A)·op(B) for dense column-major inputs (naive triple loop). */
function mul(
  A: Float64Array, ar: number, ac: number, ta: boolean,
  B: Float64Array, br: number, bc: number, tb: boolean,
): { C: Float64Array; rows: number; cols: number } {
  const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  if ((tb ? bc : br) !== k) throw new Error('mul: shape mismatch');
  const C = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (ta ? A[p + i * ar]! : A[i + p * ar]!) * (tb ? B[j + p * br]! : B[p + j * br]!);
      }
      C[i + j * m] = s;
    }
  }
  return { C, rows: m, cols: n };
}

function frob(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

function diffFrob(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/** Copy a block with leading dimension ld into a dense rows×cols array. */
function unpad(buf: Float64Array, ld: number, rows: number, cols: number, off = 0): Float64Array {
  return dense(rows, cols, (i, j) => buf[off + i + j * ld]!);
}

/** ‖QᵀQ − I‖_F for a dense rows×cols Q. */
function orthError(Q: Float64Array, rows: number, cols: number): number {
  const G = mul(Q, rows, cols, true, Q, rows, cols, false).C;
  for (let i = 0; i < cols; i++) G[i + i * cols]! -= 1;
  return frob(G);
}

/** Random symmetric n×n (dense, ld = n). */
function randSym(r: () => number, n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      const v = r();
      A[i + j * n] = v;
      A[j + i * n] = v;
    }
  }
  return A;
}

/** Symmetric positive definite GᵀG/k + I (eigenvalues in [1, 1 + (1 + √(n/k))²]). */
function randSpd(r: () => number, n: number): Float64Array {
  const k = n + 3;
  const G = dense(k, n, () => r());
  const A = mul(G, k, n, true, G, k, n, false).C;
  for (let i = 0; i < n * n; i++) A[i]! /= k;
  for (let i = 0; i < n; i++) A[i + i * n]! += 1;
  return A;
}

/** Embed a dense n×cols matrix in a buffer with leading dimension ld = n + pad; the padding
 * rows hold `fill`. */
function withLd(a: Float64Array, n: number, cols: number, pad: number, fill = 7.25): { buf: Float64Array; ld: number } {
  const ld = Math.max(1, n) + pad;
  const buf = new Float64Array(ld * cols).fill(fill);
  for (let j = 0; j < cols; j++) for (let i = 0; i < n; i++) buf[i + j * ld] = a[i + j * n]!;
  return { buf, ld };
}

/** Set the strict upper triangle of a dense n×n matrix to junk: LAPACK ('L') must not read it. */
function junkUpper(a: Float64Array, n: number, junk = 1e3): Float64Array {
  const b = a.slice();
  for (let j = 1; j < n; j++) for (let i = 0; i < j; i++) b[i + j * n] = junk + i - j;
  return b;
}

function catchErr(f: () => unknown): (Error & { lapackInfo?: number }) | undefined {
  try {
    f();
  } catch (e) {
    return e as Error & { lapackInfo?: number };
  }
  return undefined;
}

const FC = { seed: 42 } as const;

// ---------------------------------------------------------------------------------------
// Level 2/3 BLAS: both backends against naive loops with componentwise error bounds
// ---------------------------------------------------------------------------------------

interface GemmCase {
  ta: boolean; tb: boolean; m: number; n: number; k: number; alpha: number; beta: number;
  offA: number; padA: number; offB: number; padB: number; offC: number; padC: number; seed: number;
}

const gemmCase: fc.Arbitrary<GemmCase> = fc.record({
  ta: fc.boolean(), tb: fc.boolean(),
  m: fc.integer({ min: 0, max: 40 }), n: fc.integer({ min: 0, max: 40 }), k: fc.integer({ min: 0, max: 40 }),
  alpha: fc.constantFrom(1, -1, 0.5, 2.75, 0), beta: fc.constantFrom(0, 1, -0.5, 3),
  offA: fc.integer({ min: 0, max: 5 }), padA: fc.integer({ min: 0, max: 3 }),
  offB: fc.integer({ min: 0, max: 5 }), padB: fc.integer({ min: 0, max: 3 }),
  offC: fc.integer({ min: 0, max: 5 }), padC: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer(),
});

function gemmInputs(c: GemmCase) {
  const r = rng(c.seed);
  const A = c.ta ? block(r, c.k, c.m, c.offA, c.padA) : block(r, c.m, c.k, c.offA, c.padA);
  const B = c.tb ? block(r, c.n, c.k, c.offB, c.padB) : block(r, c.k, c.n, c.offB, c.padB);
  const C = block(r, c.m, c.n, c.offC, c.padC);
  return { A, B, C };
}

/**
 * Exact-arithmetic reference and the componentwise bound of a dot-product-based product:
 * |fl(C) − C| ≤ γ·(|α|·(|op(A)|·|op(B)|) + |β|·|C₀|) with γ = (k + 2)·EPS (k products summed,
 * one rounding for α and one for β·C₀ and the final add) — Higham, Accuracy and Stability,
 * §3.5. FMA-based kernels satisfy the same bound.
 */
function gemmReference(c: GemmCase, A: Block, B: Block, C0: Block) {
  const ref = new Float64Array(c.m * c.n);
  const bound = new Float64Array(c.m * c.n);
  const gamma = (c.k + 2) * EPS;
  for (let j = 0; j < c.n; j++) {
    for (let i = 0; i < c.m; i++) {
      let s = 0, sa = 0;
      for (let p = 0; p < c.k; p++) {
        const a = c.ta ? at(A, p, i) : at(A, i, p);
        const b = c.tb ? at(B, j, p) : at(B, p, j);
        s += a * b;
        sa += Math.abs(a * b);
      }
      const c0 = at(C0, i, j);
      ref[i + j * c.m] = c.alpha * s + (c.beta === 0 ? 0 : c.beta * c0);
      bound[i + j * c.m] = gamma * (Math.abs(c.alpha) * sa + Math.abs(c.beta * c0));
    }
  }
  return { ref, bound };
}

function runGemm(be: LinalgBackend, c: GemmCase, A: Block, B: Block, C: Block): void {
  be.gemm(c.ta, c.tb, c.m, c.n, c.k, c.alpha, A.buf, A.off, A.ld, B.buf, B.off, B.ld, c.beta, C.buf, C.off, C.ld);
}

describe.each(backends)('%s backend: BLAS against naive loops', (_name, be) => {
  it('gemm: all transposes, alpha/beta, offsets and leading dimensions', () => {
    fc.assert(
      fc.property(gemmCase, (c) => {
        const { A, B, C } = gemmInputs(c);
        const A0 = A.buf.slice(), B0 = B.buf.slice(), C0 = { ...C, buf: C.buf.slice() };
        const { ref, bound } = gemmReference(c, A, B, C0);
        runGemm(be, c, A, B, C);
        for (let j = 0; j < c.n; j++) {
          for (let i = 0; i < c.m; i++) {
            // Componentwise bound γ_(k+2)·(|α||A||B| + |βC₀|), see gemmReference.
            const err = Math.abs(at(C, i, j) - ref[i + j * c.m]!);
            if (!(err <= bound[i + j * c.m]!)) throw new Error(`C(${i},${j}) off by ${err} > ${bound[i + j * c.m]}`);
          }
        }
        // BLAS must not write outside C's block nor modify A and B: bit-exact.
        expectOutsideUnchanged(C, C0.buf);
        expect(A.buf).toEqual(A0);
        expect(B.buf).toEqual(B0);
      }),
      { ...FC, numRuns: 120 },
    );
  });

  it('gemm: beta = 0 overwrites C even when C holds NaN; k = 0 scales C by beta', () => {
    const r = rng(7);
    const A = block(r, 3, 4), B = block(r, 4, 2);
    const C = new Float64Array(6).fill(NaN);
    be.gemm(false, false, 3, 2, 4, 1, A.buf, 0, 3, B.buf, 0, 4, 0, C, 0, 3);
    // BLAS convention: beta = 0 means C is not read, so no NaN may survive (exact check).
    for (const v of C) expect(Number.isFinite(v)).toBe(true);
    const C2 = Float64Array.from([1, 2, 3, 4, 5, 6]);
    be.gemm(false, false, 3, 2, 0, 1, new Float64Array(0), 0, 3, new Float64Array(0), 0, 1, 2, C2, 0, 3);
    // k = 0: op(A)·op(B) is the zero matrix, C = 2·C exactly (one exact multiplication by 2).
    expect(Array.from(C2)).toEqual([2, 4, 6, 8, 10, 12]);
    const C3 = Float64Array.from([1, 2]);
    be.gemm(false, false, 0, 2, 3, 1, new Float64Array(0), 0, 1, new Float64Array(6), 0, 3, 0, C3, 0, 1);
    // m = 0: nothing to compute, nothing written (exact).
    expect(Array.from(C3)).toEqual([1, 2]);
  });

  it('syrk: both trans, both triangles written and exactly symmetric', () => {
    fc.assert(
      fc.property(
        fc.record({
          tr: fc.boolean(), n: fc.integer({ min: 0, max: 45 }), k: fc.integer({ min: 0, max: 40 }),
          alpha: fc.constantFrom(1, -2, 0.5), beta: fc.constantFrom(0, 1, 0.25),
          offA: fc.integer({ min: 0, max: 4 }), padA: fc.integer({ min: 0, max: 3 }),
          offC: fc.integer({ min: 0, max: 4 }), padC: fc.integer({ min: 0, max: 3 }), seed: fc.integer(),
        }),
        (c) => {
          const r = rng(c.seed);
          const A = c.tr ? block(r, c.k, c.n, c.offA, c.padA) : block(r, c.n, c.k, c.offA, c.padA);
          const C = block(r, c.n, c.n, c.offC, c.padC);
          // Make C₀ symmetric so that beta·C₀ is well defined for both triangles.
          for (let j = 0; j < c.n; j++) for (let i = j + 1; i < c.n; i++) C.buf[C.off + j + i * C.ld] = at(C, i, j);
          const C0 = C.buf.slice(), A0 = A.buf.slice();
          be.syrk(c.tr, c.n, c.k, c.alpha, A.buf, A.off, A.ld, c.beta, C.buf, C.off, C.ld);
          const gamma = (c.k + 2) * EPS;
          for (let j = 0; j < c.n; j++) {
            for (let i = 0; i < c.n; i++) {
              let s = 0, sa = 0;
              for (let p = 0; p < c.k; p++) {
                const x = c.tr ? at(A, p, i) * at(A, p, j) : at(A, i, p) * at(A, j, p);
                s += x;
                sa += Math.abs(x);
              }
              const c0 = C0[C.off + i + j * C.ld]!;
              const ref = c.alpha * s + (c.beta === 0 ? 0 : c.beta * c0);
              // Same componentwise dot-product bound as gemm: γ_(k+2)·(|α|Σ|a||b| + |βc₀|).
              const err = Math.abs(at(C, i, j) - ref);
              const bound = gamma * (Math.abs(c.alpha) * sa + Math.abs(c.beta * c0));
              if (!(err <= bound)) throw new Error(`C(${i},${j}) off by ${err} > ${bound}`);
              // Both triangles written: the result is exactly symmetric (one triangle is a copy).
              if (at(C, i, j) !== at(C, j, i)) throw new Error(`C(${i},${j}) ≠ C(${j},${i})`);
            }
          }
          expectOutsideUnchanged(C, C0);
          expect(A.buf).toEqual(A0);
        },
      ),
      { ...FC, numRuns: 80 },
    );
  });

  it('syrk: n = 150 spans several column blocks (both trans)', () => {
    const n = 150, k = 70;
    const r = rng(150);
    for (const tr of [false, true]) {
      const A = tr ? block(r, k, n, 3, 2) : block(r, n, k, 3, 2);
      const C = block(r, n, n, 1, 1);
      const C0 = C.buf.slice();
      be.syrk(tr, n, k, 1, A.buf, A.off, A.ld, 0, C.buf, C.off, C.ld);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          let s = 0, sa = 0;
          for (let p = 0; p < k; p++) {
            const x = tr ? at(A, p, i) * at(A, p, j) : at(A, i, p) * at(A, j, p);
            s += x;
            sa += Math.abs(x);
          }
          // Componentwise dot-product bound γ_(k+2)·Σ|a||b| (beta = 0: C₀ not read).
          const err = Math.abs(at(C, i, j) - s);
          if (!(err <= (k + 2) * EPS * sa)) throw new Error(`C(${i},${j}) off by ${err}`);
        }
      }
      expectOutsideUnchanged(C, C0);
    }
  });

  it('gemv: both trans, increments and offsets', () => {
    fc.assert(
      fc.property(
        fc.record({
          tr: fc.boolean(), m: fc.integer({ min: 0, max: 50 }), n: fc.integer({ min: 0, max: 50 }),
          alpha: fc.constantFrom(1, -1.5, 0), beta: fc.constantFrom(0, 1, 2),
          offA: fc.integer({ min: 0, max: 4 }), padA: fc.integer({ min: 0, max: 3 }),
          offx: fc.integer({ min: 0, max: 3 }), incx: fc.integer({ min: 1, max: 3 }),
          offy: fc.integer({ min: 0, max: 3 }), incy: fc.integer({ min: 1, max: 3 }), seed: fc.integer(),
        }),
        (c) => {
          const r = rng(c.seed);
          const A = block(r, c.m, c.n, c.offA, c.padA);
          const lx = c.tr ? c.m : c.n, ly = c.tr ? c.n : c.m;
          const x = Float64Array.from({ length: c.offx + Math.max(0, lx - 1) * c.incx + 1 + 2 }, () => r());
          const y = Float64Array.from({ length: c.offy + Math.max(0, ly - 1) * c.incy + 1 + 2 }, () => r());
          const y0 = y.slice(), x0 = x.slice();
          be.gemv(c.tr, c.m, c.n, c.alpha, A.buf, A.off, A.ld, x, c.offx, c.incx, c.beta, y, c.offy, c.incy);
          const len = c.tr ? c.m : c.n;
          for (let t = 0; t < ly; t++) {
            let s = 0, sa = 0;
            for (let p = 0; p < len; p++) {
              const v = (c.tr ? at(A, p, t) : at(A, t, p)) * x[c.offx + p * c.incx]!;
              s += v;
              sa += Math.abs(v);
            }
            const yi = y0[c.offy + t * c.incy]!;
            const ref = c.alpha * s + (c.beta === 0 ? 0 : c.beta * yi);
            // Dot-product bound γ_(len+2)·(|α|Σ|a||x| + |βy₀|).
            const bound = (len + 2) * EPS * (Math.abs(c.alpha) * sa + Math.abs(c.beta * yi));
            expect(Math.abs(y[c.offy + t * c.incy]! - ref)).toBeLessThanOrEqual(bound);
          }
          // Entries of y off the stride, and x, are untouched (exact).
          for (let t = 0; t < y.length; t++) {
            const rel = t - c.offy;
            if (rel < 0 || rel % c.incy !== 0 || rel / c.incy >= ly) expect(y[t]).toBe(y0[t]);
          }
          expect(x).toEqual(x0);
        },
      ),
      { ...FC, numRuns: 100 },
    );
  });

  it('gemv and syrk: beta = 0 overwrites NaN', () => {
    const y = new Float64Array(3).fill(NaN);
    be.gemv(false, 3, 2, 1, Float64Array.from([1, 2, 3, 4, 5, 6]), 0, 3, Float64Array.from([1, -1]), 0, 1, 0, y, 0, 1);
    // Small integers: every operation is exact.
    expect(Array.from(y)).toEqual([-3, -3, -3]);
    const C = new Float64Array(4).fill(NaN);
    be.syrk(false, 2, 1, 1, Float64Array.from([1, 2]), 0, 2, 0, C, 0, 2);
    expect(Array.from(C)).toEqual([1, 2, 2, 4]); // exact integer arithmetic
  });
});

describe('js backend: speed', () => {
  it('500×500×500 gemm in well under a few seconds, and correct', () => {
    const n = 500;
    const r = rng(500);
    const A = Float64Array.from({ length: n * n }, () => r());
    const B = Float64Array.from({ length: n * n }, () => r());
    for (const [ta, tb] of [[false, false], [true, true]] as const) {
      const C = new Float64Array(n * n);
      const t0 = performance.now();
      jsBackend.gemm(ta, tb, n, n, n, 1, A, 0, n, B, 0, n, 0, C, 0, n);
      const ms = performance.now() - t0;
      // ~1–2 GFlop/s expected from the blocked kernel (0.1–0.3 s); 3 s leaves room for a
      // slow, shared CI core but still catches an unblocked or per-element-getter kernel.
      expect(ms).toBeLessThan(3000);
      // Spot-check a few entries against a plain dot product: γ_(n+2)·Σ|a||b| bound.
      for (const [i, j] of [[0, 0], [n - 1, n - 1], [123, 457], [499, 3]] as const) {
        let s = 0, sa = 0;
        for (let p = 0; p < n; p++) {
          const v = (ta ? A[p + i * n]! : A[i + p * n]!) * (tb ? B[j + p * n]! : B[p + j * n]!);
          s += v;
          sa += Math.abs(v);
        }
        expect(Math.abs(C[i + j * n]! - s)).toBeLessThanOrEqual((n + 2) * EPS * sa);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
// LAPACK-style routines: both backends against residuals
// ---------------------------------------------------------------------------------------

/**
 * Backward-stable dense factorisations have residuals ≤ p(n)·EPS·‖A‖ with p a low-degree
 * polynomial; in practice p(n) ≈ n or smaller. We allow 64·n·EPS: a safety factor of ~64
 * over the usual n·EPS while still ~10⁹× below what a wrong algorithm produces.
 */
const stableTol = (n: number): number => 64 * Math.max(1, n) * EPS;

/** Residuals of an eigen-decomposition: ‖AV − VΛ‖_F/‖A‖_F and ‖VᵀV − I‖_F. */
function eigResiduals(A: Float64Array, n: number, V: Float64Array, cols: number, w: ArrayLike<number>) {
  const AV = mul(A, n, n, false, V, n, cols, false).C;
  for (let j = 0; j < cols; j++) for (let i = 0; i < n; i++) AV[i + j * n]! -= V[i + j * n]! * w[j]!;
  return { res: frob(AV) / Math.max(frob(A), Number.MIN_VALUE), orth: orthError(V, n, cols) };
}

/** A symmetric matrix with repeated eigenvalues: H·diag(d)·H, H a Householder reflector. */
function clustered(r: () => number, n: number): { A: Float64Array; eig: number[] } {
  const v = Array.from({ length: n }, () => r());
  const vv = v.reduce((s, x) => s + x * x, 0);
  const H = dense(n, n, (i, j) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv);
  const d = Array.from({ length: n }, (_, i) => Math.floor((3 * i) / n) - 1); // −1, 0, 1 each ~n/3 times
  const HD = dense(n, n, (i, j) => H[i + j * n]! * d[j]!);
  const A = mul(HD, n, n, false, H, n, n, false).C;
  for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) A[j + i * n] = A[i + j * n]!; // exact symmetry
  return { A, eig: [...d].sort((a, b) => a - b) };
}

describe.each(backends)('%s backend: decompositions against residuals', (_name, be) => {
  it('syevd: ascending values, A·V = V·Λ, VᵀV = I; reads only the lower triangle', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.integer(), (n, pad, seed) => {
        const A = randSym(rng(seed), n);
        const { buf, ld } = withLd(junkUpper(A, n), n, n, pad);
        const w = new Float64Array(n);
        be.syevd(n, buf, ld, w, true);
        for (let i = 1; i < n; i++) expect(w[i]!).toBeGreaterThanOrEqual(w[i - 1]!); // ascending, exact
        const V = unpad(buf, ld, n, n);
        const { res, orth } = eigResiduals(A, n, V, n, w);
        // Backward stability of the symmetric eigensolver (see stableTol).
        expect(res).toBeLessThanOrEqual(stableTol(n));
        expect(orth).toBeLessThanOrEqual(stableTol(n));
        // Values-only call gives the same spectrum: both are within p(n)·EPS·‖A‖ of the exact
        // values (Weyl), so within twice that of each other.
        const { buf: b2, ld: ld2 } = withLd(A, n, n, pad);
        const w2 = new Float64Array(n);
        be.syevd(n, b2, ld2, w2, false);
        expect(diffFrob(w, w2)).toBeLessThanOrEqual(2 * stableTol(n) * frob(A));
      }),
      { ...FC, numRuns: 40 },
    );
  });

  it('syevd: repeated eigenvalues still give an orthonormal basis', () => {
    const n = 30;
    const { A, eig } = clustered(rng(3), n);
    const buf = A.slice();
    const w = new Float64Array(n);
    be.syevd(n, buf, n, w, true);
    const { res, orth } = eigResiduals(A, n, buf, n, w);
    // Residual and orthonormality are backward-stability quantities; they do not degrade
    // with eigenvalue multiplicity (only individual vectors become non-unique).
    expect(res).toBeLessThanOrEqual(stableTol(n));
    expect(orth).toBeLessThanOrEqual(stableTol(n));
    // Known spectrum ∈ {−1, 0, 1}; ‖A‖_2 = 1 so the Weyl bound is stableTol·1 (plus the
    // rounding in forming H·D·H, a few EPS·n).
    for (let i = 0; i < n; i++) expect(Math.abs(w[i]! - eig[i]!)).toBeLessThanOrEqual(2 * stableTol(n));
  });

  it('syevr: ranges il..iu match the full spectrum; Z columns are eigenvectors', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n }), fc.integer(), fc.integer({ min: 0, max: 2 }))),
        ([n, a, b, seed, pad]) => {
          const il = Math.min(a, b), iu = Math.max(a, b), cnt = iu - il + 1;
          const A = randSym(rng(seed), n);
          const full = new Float64Array(n);
          be.syevd(n, A.slice(), n, full, false);
          const { buf, ld } = withLd(junkUpper(A, n), n, n, pad);
          const w = new Float64Array(n);
          const ldz = n + pad;
          const Z = new Float64Array(ldz * cnt);
          const found = be.syevr(n, buf, ld, il, iu, w, Z, ldz, true);
          expect(found).toBe(cnt);
          // Both are within the Weyl bound p(n)·EPS·‖A‖_F of the exact eigenvalues.
          for (let t = 0; t < cnt; t++) {
            expect(Math.abs(w[t]! - full[il - 1 + t]!)).toBeLessThanOrEqual(2 * stableTol(n) * frob(A));
          }
          const { res, orth } = eigResiduals(A, n, unpad(Z, ldz, n, cnt), cnt, w);
          expect(res).toBeLessThanOrEqual(stableTol(n)); // backward stability (stableTol)
          expect(orth).toBeLessThanOrEqual(stableTol(n));
        },
      ),
      { ...FC, numRuns: 40 },
    );
  });

  it('gesdd: thin SVD, descending non-negative values, A = U·S·Vᵀ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 }), fc.integer(),
        (m, n, pad, seed) => {
          const mn = Math.min(m, n);
          const A = dense(m, n, rng(seed));
          const { buf, ld } = withLd(A, m, n, pad);
          const s = new Float64Array(mn);
          const ldu = m + pad, ldvt = mn + pad;
          const U = new Float64Array(ldu * mn), VT = new Float64Array(ldvt * n);
          be.gesdd(m, n, buf, ld, s, U, ldu, VT, ldvt, true);
          for (let i = 0; i < mn; i++) {
            expect(s[i]!).toBeGreaterThanOrEqual(0); // exact property of any SVD routine
            if (i > 0) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!); // descending, exact
          }
          const Ud = unpad(U, ldu, m, mn), VTd = unpad(VT, ldvt, mn, n);
          const US = dense(m, mn, (i, j) => Ud[i + j * m]! * s[j]!);
          const R = mul(US, m, mn, false, VTd, mn, n, false).C;
          // Backward-stable SVD: ‖A − U·S·Vᵀ‖_F ≤ p(max(m,n))·EPS·‖A‖_F (stableTol).
          expect(diffFrob(R, A) / frob(A)).toBeLessThanOrEqual(stableTol(Math.max(m, n)));
          expect(orthError(Ud, m, mn)).toBeLessThanOrEqual(stableTol(Math.max(m, n)));
          const V = dense(n, mn, (i, j) => VTd[j + i * mn]!);
          expect(orthError(V, n, mn)).toBeLessThanOrEqual(stableTol(Math.max(m, n)));
          // Values-only call: the same values within twice the Weyl bound p·EPS·‖A‖_F.
          const s2 = new Float64Array(mn);
          be.gesdd(m, n, A.slice(), m, s2, new Float64Array(0), 1, new Float64Array(0), 1, false);
          expect(diffFrob(s, s2)).toBeLessThanOrEqual(2 * stableTol(Math.max(m, n)) * frob(A));
        },
      ),
      { ...FC, numRuns: 40 },
    );
  });

  it('posv / potrf / potrs: SPD solves; A becomes its lower Cholesky factor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer(),
        (n, nrhs, pad, seed) => {
          const r = rng(seed);
          const A = randSpd(r, n);
          const B = dense(n, nrhs, r);
          // posv
          const { buf: Ab, ld } = withLd(junkUpper(A, n), n, n, pad);
          const Ab0 = Ab.slice();
          const { buf: Bb, ld: ldb } = withLd(B, n, nrhs, pad);
          be.posv(n, nrhs, Ab, ld, Bb, ldb);
          const X = unpad(Bb, ldb, n, nrhs);
          const AX = mul(A, n, n, false, X, n, nrhs, false).C;
          // Cholesky solve is backward stable: ‖AX − B‖ ≤ p(n)·EPS·‖A‖‖X‖ (stableTol).
          expect(diffFrob(AX, B)).toBeLessThanOrEqual(stableTol(n) * frob(A) * frob(X));
          const L = dense(n, n, (i, j) => (i >= j ? Ab[i + j * ld]! : 0));
          const LLt = mul(L, n, n, false, L, n, n, true).C;
          // Cholesky backward error: ‖LLᵀ − A‖ ≤ p(n)·EPS·‖A‖ (stableTol).
          expect(diffFrob(LLt, A)).toBeLessThanOrEqual(stableTol(n) * frob(A));
          for (let i = 0; i < n; i++) expect(Ab[i + i * ld]!).toBeGreaterThan(0); // LAPACK's L has positive diagonal
          // dposv leaves the strict upper triangle (and the ld padding) as it was: exact.
          for (let j = 0; j < n; j++) for (let i = 0; i < ld; i++) if (i < j || i >= n) expect(Ab[i + j * ld]).toBe(Ab0[i + j * ld]);
          // potrf + potrs reproduce posv: same algorithm family, so the factors agree to
          // κ(A)·p(n)·EPS (κ ≤ ~5 for randSpd); we allow stableTol·‖A‖ absolute.
          const { buf: Fb, ld: ldf } = withLd(junkUpper(A, n), n, n, pad);
          be.potrf(n, Fb, ldf);
          for (let j = 0; j < n; j++) {
            for (let i = 0; i < n; i++) {
              if (i < j) expect(Fb[i + j * ldf]).toBe(0); // potrf zeroes the strict upper triangle
              else expect(Math.abs(Fb[i + j * ldf]! - Ab[i + j * ld]!)).toBeLessThanOrEqual(stableTol(n) * frob(A));
            }
          }
          const { buf: B2, ld: ldb2 } = withLd(B, n, nrhs, pad);
          be.potrs(n, nrhs, Fb, ldf, B2, ldb2);
          const X2 = unpad(B2, ldb2, n, nrhs);
          // Forward error of a backward-stable solve ≤ κ(A)·p(n)·EPS; κ(randSpd) ≤ ~5.
          expect(diffFrob(X2, X)).toBeLessThanOrEqual(10 * stableTol(n) * frob(X));
        },
      ),
      { ...FC, numRuns: 40 },
    );
  });

  it('gesv: LU solves with partial pivoting', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer(),
        (n, nrhs, pad, seed) => {
          const r = rng(seed);
          const A = dense(n, n, r);
          const B = dense(n, nrhs, r);
          const { buf: Ab, ld } = withLd(A, n, n, pad);
          const { buf: Bb, ld: ldb } = withLd(B, n, nrhs, pad);
          be.gesv(n, nrhs, Ab, ld, Bb, ldb);
          const X = unpad(Bb, ldb, n, nrhs);
          const AX = mul(A, n, n, false, X, n, nrhs, false).C;
          // GEPP is backward stable up to the growth factor ρ (tiny for random matrices):
          // ‖AX − B‖ ≤ p(n)·ρ·EPS·‖A‖‖X‖; stableTol covers p(n)·ρ.
          expect(diffFrob(AX, B)).toBeLessThanOrEqual(stableTol(n) * frob(A) * frob(X));
        },
      ),
      { ...FC, numRuns: 40 },
    );
  });

  it('not positive definite / singular: Error with positive lapackInfo = failing order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.nat(), fc.integer(), (n, pRaw, seed) => {
        const p = pRaw % n;
        // Leading minors 1..p are SPD; A[p,p] = −1 makes the pivot at p equal −1 − ‖L[p,:p]‖² < 0,
        // so LAPACK's info (first failing order) is exactly p + 1.
        const A = randSpd(rng(seed), n);
        A[p + p * n] = -1;
        for (const op of ['posv', 'potrf'] as const) {
          const e = catchErr(() =>
            op === 'posv' ? be.posv(n, 1, A.slice(), n, new Float64Array(n), n) : be.potrf(n, A.slice(), n));
          expect(e).toBeInstanceOf(Error);
          expect(e!.lapackInfo).toBe(p + 1);
          expect(e!.message).toMatch(new RegExp(`^${op} failed`));
        }
        // Column p zero: the elimination keeps it zero, so U(p,p) = 0 exactly: info = p + 1.
        const G = dense(n, n, rng(seed + 1));
        for (let i = 0; i < n; i++) G[i + p * n] = 0;
        const e = catchErr(() => be.gesv(n, 1, G, n, new Float64Array(n), n));
        expect(e).toBeInstanceOf(Error);
        expect(e!.lapackInfo).toBe(p + 1);
        expect(e!.message).toMatch(/^gesv failed/);
      }),
      { ...FC, numRuns: 30 },
    );
  });

  it('NaN input: Error with LAPACKE negative lapackInfo (argument position)', () => {
    const nanA = Float64Array.from([NaN, 0, 0, 1]);
    const cases: [string, () => unknown, number][] = [
      ['syevd', () => be.syevd(2, nanA.slice(), 2, new Float64Array(2), true), -5],
      ['syevr', () => be.syevr(2, nanA.slice(), 2, 1, 2, new Float64Array(2), new Float64Array(4), 2, true), -6],
      ['gesdd', () => be.gesdd(2, 2, nanA.slice(), 2, new Float64Array(2), new Float64Array(4), 2, new Float64Array(4), 2, true), -5],
      ['posv', () => be.posv(2, 1, nanA.slice(), 2, new Float64Array(2), 2), -5],
      ['gesv', () => be.gesv(2, 1, nanA.slice(), 2, new Float64Array(2), 2), -4],
      ['gesv', () => be.gesv(2, 1, Float64Array.from([1, 0, 0, 1]), 2, Float64Array.from([1, NaN]), 2), -7],
      ['potrf', () => be.potrf(2, nanA.slice(), 2), -4],
      ['potrs', () => be.potrs(2, 1, Float64Array.from([1, 0, 0, 1]), 2, Float64Array.from([NaN, 1]), 2), -7],
    ];
    for (const [op, f, info] of cases) {
      const e = catchErr(f);
      expect(e, op).toBeInstanceOf(Error);
      expect(e!.lapackInfo, op).toBe(info);
      expect(e!.message).toMatch(new RegExp(`^${op} failed`));
    }
  });
});

// ---------------------------------------------------------------------------------------
// Argument validation: clear RangeErrors naming the operation and argument
// ---------------------------------------------------------------------------------------

const f64 = (n: number): Float64Array => new Float64Array(n);

/** Each case: the call, and the message it must produce (exactly, on every backend). */
const badCalls: [string, (b: LinalgBackend) => unknown, string | RegExp][] = [
  ['gemm A too short', (b) => b.gemm(false, false, 2, 2, 2, 1, f64(3), 0, 2, f64(4), 0, 2, 0, f64(4), 0, 2),
    "gemm: 'A' of 2x2 (offset 0, ld 2) needs 4 elements, buffer has 3"],
  ['gemm transposed A too short', (b) => b.gemm(true, false, 3, 2, 2, 1, f64(5), 0, 2, f64(4), 0, 2, 0, f64(6), 0, 3),
    "gemm: 'A' of 2x3 (offset 0, ld 2) needs 6 elements, buffer has 5"],
  ['gemm B offset past end', (b) => b.gemm(false, false, 2, 2, 2, 1, f64(4), 0, 2, f64(4), 1, 2, 0, f64(4), 0, 2),
    "gemm: 'B' of 2x2 (offset 1, ld 2) needs 5 elements, buffer has 4"],
  ['gemm ldc < m', (b) => b.gemm(false, false, 2, 2, 2, 1, f64(4), 0, 2, f64(4), 0, 2, 0, f64(4), 0, 1),
    "gemm: leading dimension of 'C' (1) is smaller than its row count (2)"],
  ['gemm negative m', (b) => b.gemm(false, false, -1, 2, 2, 1, f64(4), 0, 2, f64(4), 0, 2, 0, f64(4), 0, 2),
    /^gemm: argument 'm' must be a non-negative 32-bit integer, got -1/],
  ['gemm fractional k', (b) => b.gemm(false, false, 2, 2, 1.5, 1, f64(4), 0, 2, f64(4), 0, 2, 0, f64(4), 0, 2),
    /^gemm: argument 'k' must be a non-negative 32-bit integer, got 1\.5/],
  ['gemm Float32Array', (b) => b.gemm(false, false, 1, 1, 1, 1, new Float32Array(1) as unknown as Float64Array, 0, 1, f64(1), 0, 1, 0, f64(1), 0, 1),
    "gemm: argument 'A' must be a Float64Array"],
  ['syrk C too short', (b) => b.syrk(false, 3, 2, 1, f64(6), 0, 3, 0, f64(8), 0, 3),
    "syrk: 'C' of 3x3 (offset 0, ld 3) needs 9 elements, buffer has 8"],
  ['syrk lda < k (trans)', (b) => b.syrk(true, 2, 3, 1, f64(6), 0, 2, 0, f64(4), 0, 2),
    "syrk: leading dimension of 'A' (2) is smaller than its row count (3)"],
  ['gemv zero increment', (b) => b.gemv(false, 2, 2, 1, f64(4), 0, 2, f64(2), 0, 0, 0, f64(2), 0, 1),
    'gemv: increments must be positive'],
  ['gemv x too short', (b) => b.gemv(false, 2, 3, 1, f64(6), 0, 2, f64(4), 0, 2, 0, f64(2), 0, 1),
    "gemv: vector 'x' too short for length 3"],
  ['gemv y too short', (b) => b.gemv(true, 2, 3, 1, f64(6), 0, 2, f64(2), 0, 1, 0, f64(3), 1, 1),
    "gemv: vector 'y' too short for length 3"],
  ['syevd lda < n', (b) => b.syevd(3, f64(9), 2, f64(3), true),
    "syevd: leading dimension of 'A' (2) is smaller than its row count (3)"],
  ['syevd w too short', (b) => b.syevd(3, f64(9), 3, f64(2), true), "syevd: eigenvalue buffer 'w' shorter than n"],
  ['syevr bad range', (b) => b.syevr(3, f64(9), 3, 2, 4, f64(3), f64(9), 3, true), 'syevr: index range [2, 4] outside [1, 3]'],
  ['syevr il = 0', (b) => b.syevr(3, f64(9), 3, 0, 1, f64(3), f64(9), 3, true), 'syevr: index range [0, 1] outside [1, 3]'],
  ['syevr w too short', (b) => b.syevr(3, f64(9), 3, 1, 1, f64(1), f64(3), 3, true),
    "syevr: eigenvalue buffer 'w' must hold n values (LAPACK uses it as workspace)"],
  ['syevr Z too short', (b) => b.syevr(3, f64(9), 3, 1, 2, f64(3), f64(5), 3, true),
    "syevr: 'Z' of 3x2 (offset 0, ld 3) needs 6 elements, buffer has 5"],
  ['gesdd s too short', (b) => b.gesdd(3, 2, f64(6), 3, f64(1), f64(6), 3, f64(4), 2, true),
    "gesdd: singular value buffer 's' shorter than min(m, n)"],
  ['gesdd U too short', (b) => b.gesdd(3, 2, f64(6), 3, f64(2), f64(5), 3, f64(4), 2, true),
    "gesdd: 'U' of 3x2 (offset 0, ld 3) needs 6 elements, buffer has 5"],
  ['gesdd ldvt < min(m,n)', (b) => b.gesdd(3, 2, f64(6), 3, f64(2), f64(6), 3, f64(4), 1, true),
    "gesdd: leading dimension of 'VT' (1) is smaller than its row count (2)"],
  ['posv B too short', (b) => b.posv(2, 2, f64(4), 2, f64(3), 2),
    "posv: 'B' of 2x2 (offset 0, ld 2) needs 4 elements, buffer has 3"],
  ['gesv A too short', (b) => b.gesv(3, 1, f64(8), 3, f64(3), 3),
    "gesv: 'A' of 3x3 (offset 0, ld 3) needs 9 elements, buffer has 8"],
  ['potrf lda < n', (b) => b.potrf(3, f64(9), 1), "potrf: leading dimension of 'A' (1) is smaller than its row count (3)"],
  ['potrs L too short', (b) => b.potrs(2, 1, f64(3), 2, f64(2), 2),
    "potrs: 'L' of 2x2 (offset 0, ld 2) needs 4 elements, buffer has 3"],
];

describe.each(backends)('%s backend: argument validation', (_name, be) => {
  it.each(badCalls)('%s → RangeError with a clear message', (_label, call, msg) => {
    const e = catchErr(() => call(be));
    expect(e).toBeInstanceOf(RangeError);
    if (typeof msg === 'string') expect(e!.message).toBe(msg);
    else expect(e!.message).toMatch(msg);
  });

  it('empty problems are accepted without touching anything', () => {
    // n = 0 / m = 0: nothing to read or write; a zero-length buffer and ld = 0 are fine.
    be.gemm(false, false, 0, 0, 0, 1, f64(0), 0, 0, f64(0), 0, 0, 0, f64(0), 0, 0);
    be.syrk(false, 0, 3, 1, f64(0), 0, 0, 0, f64(0), 0, 0);
    be.syevd(0, f64(0), 0, f64(0), true);
    expect(be.syevr(0, f64(0), 0, 1, 1, f64(0), f64(0), 0, true)).toBe(0);
    be.gesdd(0, 3, f64(0), 0, f64(0), f64(0), 0, f64(0), 0, true);
    be.posv(0, 1, f64(0), 0, f64(0), 0);
    be.gesv(0, 1, f64(0), 0, f64(0), 0);
    be.potrf(0, f64(0), 0);
    be.potrs(0, 1, f64(0), 0, f64(0), 0);
  });
});

describe('js backend: specifics', () => {
  it('describe / threads', () => {
    expect(jsBackend.name).toBe('js');
    expect(jsBackend.describe()).toEqual({ blas: 'pure TypeScript (ml-matrix decompositions)', corename: 'none' });
    jsBackend.setThreads(4);
    expect(jsBackend.getThreads()).toBe(1); // single-threaded; setThreads is a no-op
  });

  it('posv with nrhs = 0 still factors A (LAPACK dposv semantics) and reports non-SPD', () => {
    const A = Float64Array.from([4, 2, 0, 5]);
    jsBackend.posv(2, 0, A, 2, f64(0), 2);
    expect(Array.from(A)).toEqual([2, 1, 0, 2]); // exact: L = [[2,0],[1,2]], upper untouched
    const e = catchErr(() => jsBackend.posv(2, 0, Float64Array.from([1, 2, 2, 1]), 2, f64(0), 2));
    expect(e?.lapackInfo).toBe(2);
  });

  it('gemm with k = 0 scales C by beta even when lda < m (A is m×0, never read)', () => {
    const C = Float64Array.from([1, 2, 3, 4]);
    jsBackend.gemm(false, false, 2, 2, 0, 1, f64(0), 0, 0, f64(0), 0, 0, 3, C, 0, 2);
    expect(Array.from(C)).toEqual([3, 6, 9, 12]); // exact small-integer arithmetic
  });

  it('alpha = 0: A and B are not referenced (NaN in them does not reach C), as in reference BLAS', () => {
    const nanA = Float64Array.from([NaN, 1, 1, Infinity]);
    const C = Float64Array.from([1, 2, 3, 4]);
    jsBackend.gemm(false, false, 2, 2, 2, 0, nanA, 0, 2, nanA, 0, 2, 2, C, 0, 2);
    expect(Array.from(C)).toEqual([2, 4, 6, 8]); // exact: C = 2·C
    const S = Float64Array.from([1, 2, 2, 1]);
    jsBackend.syrk(true, 2, 2, 0, nanA, 0, 2, 1, S, 0, 2);
    expect(Array.from(S)).toEqual([1, 2, 2, 1]); // exact: beta = 1, alpha = 0
    const y = Float64Array.from([1, 2]);
    jsBackend.gemv(false, 2, 2, 0, nanA, 0, 2, Float64Array.from([NaN, 1]), 0, 1, 0.5, y, 0, 1);
    expect(Array.from(y)).toEqual([0.5, 1]); // exact: y = y/2
  });

  it('gemv with an empty A scales y by beta; beta = 0 overwrites NaN', () => {
    const y = Float64Array.from([NaN, 2]);
    jsBackend.gemv(true, 0, 2, 1, f64(0), 0, 1, f64(0), 0, 1, 0, y, 0, 1);
    expect(Array.from(y)).toEqual([0, 0]);
    const y2 = Float64Array.from([1, 2]);
    jsBackend.gemv(true, 0, 2, 1, f64(0), 0, 1, f64(0), 0, 1, 3, y2, 0, 1);
    expect(Array.from(y2)).toEqual([3, 6]);
  });
});

// ---------------------------------------------------------------------------------------
// Parity: js and native agree
// ---------------------------------------------------------------------------------------

describe.skipIf(!native)('js vs native parity', () => {
  const nb = native!;

  it('gemm: same inputs, results within twice the componentwise bound, same untouched entries', () => {
    fc.assert(
      fc.property(gemmCase, (c) => {
        const x = gemmInputs(c);
        const C0 = x.C.buf.slice();
        const { bound } = gemmReference(c, x.A, x.B, x.C);
        const Cj = { ...x.C, buf: C0.slice() }, Cn = { ...x.C, buf: C0.slice() };
        runGemm(jsBackend, c, x.A, x.B, Cj);
        runGemm(nb, c, x.A, x.B, Cn);
        for (let t = 0; t < C0.length; t++) {
          if (!inBlock(x.C, t)) {
            expect(Cj.buf[t]).toBe(Cn.buf[t]); // untouched by both: exact
            continue;
          }
          const rel = t - x.C.off, j = Math.floor(rel / x.C.ld), i = rel - j * x.C.ld;
          // Each is within the componentwise bound of the exact result, so within 2× of each other.
          expect(Math.abs(Cj.buf[t]! - Cn.buf[t]!)).toBeLessThanOrEqual(2 * bound[i + j * c.m]!);
        }
      }),
      { ...FC, numRuns: 80 },
    );
  });

  it('gemm: a larger product with every transpose (300×200×270)', () => {
    const m = 300, n = 200, k = 270;
    const r = rng(11);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const A = Float64Array.from({ length: m * k + 7 }, () => r());
      const B = Float64Array.from({ length: k * n + 5 }, () => r());
      const lda = ta ? k : m, ldb = tb ? n : k;
      const Cj = Float64Array.from({ length: m * n }, () => r()), Cn = Cj.slice();
      jsBackend.gemm(ta, tb, m, n, k, -0.75, A, 7, lda, B, 5, ldb, 0.5, Cj, 0, m);
      nb.gemm(ta, tb, m, n, k, -0.75, A, 7, lda, B, 5, ldb, 0.5, Cn, 0, m);
      // Normwise form of the dot-product bound: ‖ΔC‖_F ≤ 2·(k+2)·EPS·(|α|‖A‖_F‖B‖_F + |β|‖C₀‖_F).
      const bound = 2 * (k + 2) * EPS * (0.75 * frob(A) * frob(B) + 0.5 * frob(Cj));
      expect(diffFrob(Cj, Cn)).toBeLessThanOrEqual(bound);
    }
  });

  it('syrk and gemv agree', () => {
    fc.assert(
      fc.property(
        fc.boolean(), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 3 }), fc.integer(),
        (tr, n, k, inc, seed) => {
          const r = rng(seed);
          const A = tr ? block(r, k, n, 2, 1) : block(r, n, k, 2, 1);
          const C = block(r, n, n, 1, 2);
          for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) C.buf[C.off + j + i * C.ld] = at(C, i, j);
          const Cj = C.buf.slice(), Cn = C.buf.slice();
          jsBackend.syrk(tr, n, k, 1.5, A.buf, A.off, A.ld, -1, Cj, C.off, C.ld);
          nb.syrk(tr, n, k, 1.5, A.buf, A.off, A.ld, -1, Cn, C.off, C.ld);
          // Normwise dot-product bound, twice (both within it of the exact result).
          const bS = 2 * (k + 2) * EPS * (1.5 * frob(A.buf) ** 2 + frob(C.buf));
          expect(diffFrob(Cj, Cn)).toBeLessThanOrEqual(bS);
          // gemv on the same A, viewed as rows×cols.
          const rows = A.rows, cols = A.cols;
          const lx = tr ? rows : cols, ly = tr ? cols : rows;
          const x = Float64Array.from({ length: Math.max(0, lx - 1) * inc + 1 }, () => r());
          const yj = Float64Array.from({ length: Math.max(0, ly - 1) * inc + 1 }, () => r()), yn = yj.slice();
          jsBackend.gemv(tr, rows, cols, 2, A.buf, A.off, A.ld, x, 0, inc, 0.5, yj, 0, inc);
          nb.gemv(tr, rows, cols, 2, A.buf, A.off, A.ld, x, 0, inc, 0.5, yn, 0, inc);
          const bV = 2 * (Math.max(rows, cols) + 2) * EPS * (2 * frob(A.buf) * frob(x) + 0.5 * frob(yj));
          expect(diffFrob(yj, yn)).toBeLessThanOrEqual(bV);
        },
      ),
      { ...FC, numRuns: 60 },
    );
  });

  it('syevd: eigenvalues agree; eigenvectors agree up to sign where the gap allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 45 }), fc.integer(), (n, seed) => {
        const A = randSym(rng(seed), n);
        const nA = frob(A);
        const Vj = junkUpper(A, n), Vn = junkUpper(A, n);
        const wj = f64(n), wn = f64(n);
        jsBackend.syevd(n, Vj, n, wj, true);
        nb.syevd(n, Vn, n, wn, true);
        for (let i = 0; i < n; i++) {
          // Weyl: each backend's λ_i is within its backward error p(n)·EPS·‖A‖_F of the exact one.
          expect(Math.abs(wj[i]! - wn[i]!)).toBeLessThanOrEqual(2 * stableTol(n) * nA);
          const gap = Math.min(
            i > 0 ? wn[i]! - wn[i - 1]! : Infinity,
            i < n - 1 ? wn[i + 1]! - wn[i]! : Infinity,
          );
          if (gap < 1e-6 * nA) continue; // vectors of (nearly) repeated eigenvalues are not unique
          let dot = 0;
          for (let t = 0; t < n; t++) dot += Vj[t + i * n]! * Vn[t + i * n]!;
          // Davis–Kahan: sin∠(v_js, v_native) ≤ (‖r_js‖ + ‖r_native‖)/gap ≤ 2·p(n)·EPS·‖A‖_F/gap,
          // and 1 − |cos| ≤ sin².
          const sinBound = (2 * stableTol(n) * nA) / gap;
          expect(1 - Math.abs(dot)).toBeLessThanOrEqual(Math.max(sinBound * sinBound, 4 * EPS * n));
          // Same bound on sin itself; + 4√(n·EPS) because √(1 − cos²) evaluated in floating point
          // has an error of order √EPS when cos ≈ 1 (cancellation), whatever the true angle.
          expect(Math.sqrt(Math.max(0, 1 - dot * dot))).toBeLessThanOrEqual(sinBound + 4 * Math.sqrt(EPS * n));
        }
      }),
      { ...FC, numRuns: 40 },
    );
  });

  it('syevd: a larger matrix (n = 120) agrees', () => {
    const n = 120;
    const A = randSym(rng(120), n);
    const wj = f64(n), wn = f64(n);
    const Vj = A.slice(), Vn = A.slice();
    jsBackend.syevd(n, Vj, n, wj, true);
    nb.syevd(n, Vn, n, wn, true);
    // Weyl bound, twice (see stableTol).
    expect(diffFrob(wj, wn)).toBeLessThanOrEqual(2 * stableTol(n) * frob(A));
    expect(eigResiduals(A, n, Vj, n, wj).res).toBeLessThanOrEqual(stableTol(n)); // backward stability
  });

  it('syevr: values agree with native syevr for random ranges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n }), fc.integer())),
        ([n, a, b, seed]) => {
          const il = Math.min(a, b), iu = Math.max(a, b), cnt = iu - il + 1;
          const A = randSym(rng(seed), n);
          const wj = f64(n), wn = f64(n), Zj = f64(n * cnt), Zn = f64(n * cnt);
          expect(jsBackend.syevr(n, A.slice(), n, il, iu, wj, Zj, n, true)).toBe(cnt);
          expect(nb.syevr(n, A.slice(), n, il, iu, wn, Zn, n, true)).toBe(cnt);
          for (let t = 0; t < cnt; t++) {
            // Weyl bound, twice (see stableTol).
            expect(Math.abs(wj[t]! - wn[t]!)).toBeLessThanOrEqual(2 * stableTol(n) * frob(A));
          }
          // Both sets of vectors span eigen-directions: residuals (backward stability).
          expect(eigResiduals(A, n, Zj, cnt, wj).res).toBeLessThanOrEqual(stableTol(n));
          expect(eigResiduals(A, n, Zn, cnt, wn).res).toBeLessThanOrEqual(stableTol(n));
        },
      ),
      { ...FC, numRuns: 30 },
    );
  });

  it('gesdd: singular values agree; singular vectors agree up to sign where the gap allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 45 }), fc.integer({ min: 1, max: 45 }), fc.integer(), (m, n, seed) => {
        const mn = Math.min(m, n);
        const A = dense(m, n, rng(seed));
        const nA = frob(A);
        const run = (be: LinalgBackend) => {
          const s = f64(mn), U = f64(m * mn), VT = f64(mn * n);
          be.gesdd(m, n, A.slice(), m, s, U, m, VT, mn, true);
          return { s, U, VT };
        };
        const j = run(jsBackend), nn = run(nb);
        const tol = stableTol(Math.max(m, n));
        for (let i = 0; i < mn; i++) {
          // Weyl for singular values: |σ̂_i − σ_i| ≤ ‖ΔA‖ ≤ p·EPS·‖A‖_F per backend.
          expect(Math.abs(j.s[i]! - nn.s[i]!)).toBeLessThanOrEqual(2 * tol * nA);
          const gap = Math.min(
            i > 0 ? nn.s[i - 1]! - nn.s[i]! : Infinity,
            i < mn - 1 ? nn.s[i]! - nn.s[i + 1]! : Infinity,
            m !== n ? nn.s[i]! : Infinity, // a zero σ pairs with the complement in the larger space
          );
          if (gap < 1e-6 * nA) continue;
          let du = 0, dv = 0;
          for (let t = 0; t < m; t++) du += j.U[t + i * m]! * nn.U[t + i * m]!;
          for (let t = 0; t < n; t++) dv += j.VT[i + t * mn]! * nn.VT[i + t * mn]!;
          // Wedin: sin∠ ≤ 2·p·EPS·‖A‖_F/gap for both factors; the sign is shared by u and v.
          // The additive 4√(n·EPS): √(1 − cos²) evaluated in floating point has an error of
          // order √EPS when cos ≈ 1 (cancellation), whatever the true angle.
          const sinBound = (2 * tol * nA) / gap + 4 * Math.sqrt(EPS * Math.max(m, n));
          expect(Math.sqrt(Math.max(0, 1 - du * du))).toBeLessThanOrEqual(sinBound);
          expect(Math.sqrt(Math.max(0, 1 - dv * dv))).toBeLessThanOrEqual(sinBound);
          expect(Math.sign(du)).toBe(Math.sign(dv)); // u_i v_iᵀ is unique: flips come in pairs
        }
      }),
      { ...FC, numRuns: 40 },
    );
  });

  it('posv / potrf / potrs / gesv: solutions and factors agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 45 }), fc.integer({ min: 1, max: 3 }), fc.integer(), (n, nrhs, seed) => {
        const r = rng(seed);
        const S = randSpd(r, n);
        const G = dense(n, n, r);
        const B = dense(n, nrhs, r);
        // κ of each matrix from the (already tested) js SVD, to scale the forward-error bound.
        const cond = (M: Float64Array) => {
          const s = f64(n);
          jsBackend.gesdd(n, n, M.slice(), n, s, f64(0), 1, f64(0), 1, false);
          return s[0]! / s[n - 1]!;
        };
        const kS = cond(S), kG = cond(G);
        // Forward error of a backward-stable solve: ‖X̂ − X‖/‖X‖ ≤ κ·p(n)·EPS per backend.
        const fwd = (k: number) => 2 * k * stableTol(n);

        const posv = (be: LinalgBackend) => {
          const A = junkUpper(S, n), X = B.slice();
          be.posv(n, nrhs, A, n, X, n);
          return { A, X };
        };
        const pj = posv(jsBackend), pn = posv(nb);
        expect(diffFrob(pj.X, pn.X)).toBeLessThanOrEqual(fwd(kS) * frob(pn.X));
        // Cholesky factor perturbation ‖ΔL‖/‖L‖ ≤ κ·p(n)·EPS (Sun 1991); whole buffer incl.
        // the untouched upper triangle (bit-identical there).
        expect(diffFrob(pj.A, pn.A)).toBeLessThanOrEqual(fwd(kS) * frob(pn.A));

        const potrf = (be: LinalgBackend) => {
          const L = junkUpper(S, n);
          be.potrf(n, L, n);
          const X = B.slice();
          be.potrs(n, nrhs, L, n, X, n);
          return { L, X };
        };
        const fj = potrf(jsBackend), fn = potrf(nb);
        expect(diffFrob(fj.L, fn.L)).toBeLessThanOrEqual(fwd(kS) * frob(fn.L)); // as for posv's factor
        expect(diffFrob(fj.X, fn.X)).toBeLessThanOrEqual(fwd(kS) * frob(fn.X));
        // Mixed: js potrs on the native factor, and the other way round (same forward bound).
        const Xm = B.slice();
        jsBackend.potrs(n, nrhs, fn.L, n, Xm, n);
        expect(diffFrob(Xm, fn.X)).toBeLessThanOrEqual(fwd(kS) * frob(fn.X));

        const gesv = (be: LinalgBackend) => {
          const X = B.slice();
          be.gesv(n, nrhs, G.slice(), n, X, n);
          return X;
        };
        const gj = gesv(jsBackend), gn = gesv(nb);
        // GEPP forward error ≤ κ·ρ·p(n)·EPS; ρ (growth) is O(1) for random matrices.
        expect(diffFrob(gj, gn)).toBeLessThanOrEqual(fwd(kG) * frob(gn));
      }),
      { ...FC, numRuns: 40 },
    );
  });

  it('error behaviour is the same: messages for bad arguments, lapackInfo for failures', () => {
    for (const [label, call] of badCalls) {
      const ej = catchErr(() => call(jsBackend)), en = catchErr(() => call(nb));
      expect(ej?.constructor, label).toBe(en?.constructor);
      // Exact message equality except for the integer checks, where the native addon prints
      // the offending double with six decimals (std::to_string).
      if (!/must be a non-negative/.test(en!.message)) expect(ej!.message, label).toBe(en!.message);
    }
    const r = rng(99);
    for (let n = 1; n <= 12; n++) {
      for (let p = 0; p < n; p++) {
        const A = randSpd(r, n);
        A[p + p * n] = -1; // pivot p is ≤ −1: both report info = p + 1 (see above)
        const ej = catchErr(() => jsBackend.potrf(n, A.slice(), n));
        const en = catchErr(() => nb.potrf(n, A.slice(), n));
        expect(ej?.lapackInfo).toBe(en?.lapackInfo);
        const G = dense(n, n, r);
        for (let i = 0; i < n; i++) G[i + p * n] = 0; // exactly zero pivot at p
        const gj = catchErr(() => jsBackend.gesv(n, 1, G.slice(), n, f64(n), n));
        const gn = catchErr(() => nb.gesv(n, 1, G.slice(), n, f64(n), n));
        expect(gj?.lapackInfo).toBe(gn?.lapackInfo);
      }
    }
  });

  it('beta = 0 NaN overwrite and posv upper triangle behave identically', () => {
    const run = (be: LinalgBackend) => {
      const C = f64(6).fill(NaN);
      be.gemm(true, false, 3, 2, 2, 1, Float64Array.from([1, 2, 3, 4, 5, 6]), 0, 2, Float64Array.from([1, 0, 0, 1]), 0, 2, 0, C, 0, 3);
      const A = Float64Array.from([4, 2, 99, 5]), Bv = Float64Array.from([2, 3]);
      be.posv(2, 1, A, 2, Bv, 2);
      return { C: Array.from(C), A: Array.from(A) };
    };
    const j = run(jsBackend), nn = run(nb);
    expect(j.C).toEqual(nn.C); // small integers: exact in any summation order
    expect(j.A).toEqual(nn.A); // L = [[2,0],[1,2]] exact; 99 left in the upper triangle by both
  });
});
