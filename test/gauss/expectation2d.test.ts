import { describe, expect, it } from 'vitest';
import { cholesky2, expectation2d, expectation2dBatch } from '../../src/gauss';

const erfPrime = (x: number) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
const relu = (x: number) => (x > 0 ? x : 0);
const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** E[erf'(u) erf'(u')] = (4/π) / √((1 + 2v1)(1 + 2v2) − 4c²)  (= (4/π) det(I + 2Σ)^{−1/2}). */
function erfPrimeKernel(v1: number, v2: number, c: number): number {
  return 4 / Math.PI / Math.sqrt((1 + 2 * v1) * (1 + 2 * v2) - 4 * c * c);
}

/** Arc-cosine kernel of degree 1: E[relu(u) relu(u')] = √(v1 v2)/(2π) (sin θ + (π − θ) cos θ). */
function arcCos1(v1: number, v2: number, c: number): number {
  const s = Math.sqrt(v1 * v2);
  const t = Math.acos(Math.max(-1, Math.min(1, c / s)));
  return (s / (2 * Math.PI)) * (Math.sin(t) + (Math.PI - t) * Math.cos(t));
}

const COVS = [
  { v1: 1, v2: 1, c: 0.3 },
  { v1: 2, v2: 0.5, c: -0.7 },
  { v1: 0.3, v2: 1.7, c: 0 },
  { v1: 1.2, v2: 0.8, c: 0.97 },
  { v1: 2, v2: 0.5, c: 1 }, // degenerate: c = √(v1 v2) exactly
  { v1: 2, v2: 0.5, c: -1 }, // degenerate, anti-correlated
  { v1: 0, v2: 1.5, c: 0 }, // u ≡ 0
];

describe('expectation2d (tensor Gauss–Hermite after a 2×2 Cholesky)', () => {
  it.each(COVS)('moments for %o: E[uu′] = c, E[u²u′²] = v1 v2 + 2c², E u² = v1', ({ v1, v2, c }) => {
    const scale = Math.max(v1 * v2, 1e-300);
    expect(Math.abs(expectation2d((x) => x, (y) => y, { v1, v2, c }) - c)).toBeLessThan(1e-14);
    expect(Math.abs(expectation2d((x) => x * x, (y) => y * y, { v1, v2, c }) - (v1 * v2 + 2 * c * c))).toBeLessThan(
      1e-14 * Math.max(1, scale),
    );
    expect(Math.abs(expectation2d((x) => x * x, () => 1, { v1, v2, c }) - v1)).toBeLessThan(1e-14);
  });

  it.each(COVS)("erf closed form E[erf′(u) erf′(u′)] for %o to 1e-14 relative", ({ v1, v2, c }) => {
    const ref = erfPrimeKernel(v1, v2, c);
    expect(relErr(expectation2d(erfPrime, erfPrime, { v1, v2, c }), ref)).toBeLessThan(1e-14);
  });

  it('cholesky2 handles exact and rounding-level degeneracy, rejects invalid covariances', () => {
    expect(cholesky2(2, 0.5, 1)[2]).toBe(0);
    expect(cholesky2(3, 3, 3 * (1 + 1e-14))[2]).toBe(0);
    expect(cholesky2(0, 2, 0)).toEqual([0, 0, Math.sqrt(2)]);
    expect(() => cholesky2(1, 1, 1.01)).toThrow(RangeError);
    expect(() => cholesky2(-1, 1, 0)).toThrow(RangeError);
    expect(() => cholesky2(1, Number.NaN, 0)).toThrow(RangeError);
  });

  it('ReLU (arc-cosine kernel): plain GH is off by ~4e-4 (kink); with kinks: [0] it is exact to 1e-14', () => {
    for (const { v1, v2, c } of [
      { v1: 1, v2: 1, c: 0.3 },
      { v1: 2, v2: 0.5, c: -0.6 },
      { v1: 2, v2: 0.5, c: 0.999999 }, // nearly degenerate: the outer panels refine around the smoothed kink
      { v1: 1.5, v2: 0.7, c: Math.sqrt(1.05) }, // degenerate
    ]) {
      const ref = arcCos1(v1, v2, c);
      expect(Math.abs(expectation2d(relu, relu, { v1, v2, c }, { kinks: [0] }) - ref)).toBeLessThan(1e-14);
    }
    // Measured: GH-160 error 3.9e-4 at (1, 1, 0.3).
    const gh = expectation2d(relu, relu, { v1: 1, v2: 1, c: 0.3 }) - arcCos1(1, 1, 0.3);
    expect(Math.abs(gh)).toBeLessThan(1e-3);
    expect(Math.abs(gh)).toBeGreaterThan(1e-5);
  });

  it('separate kinksF / kinksG: E[1{u>0} u′] = c/√(2π v1)', () => {
    // u′ = (c/v1) u + independent noise, so E[1{u>0} u′] = (c/v1) E[u 1{u>0}] = (c/v1) √v1/√(2π).
    const v1 = 1.3;
    const v2 = 0.9;
    const c = 0.5;
    const got = expectation2d((x) => (x > 0 ? 1 : 0), (y) => y, { v1, v2, c }, { kinksF: [0], kinksG: [] });
    expect(Math.abs(got - c / (Math.sqrt(v1) * Math.sqrt(2 * Math.PI)))).toBeLessThan(1e-15);
  });
});

describe('expectation2dBatch', () => {
  it('agrees with the scalar version (pruned grid: ≤ 1e-15) over many triples, scalar and vectorized integrands', () => {
    const v1: number[] = [];
    const v2: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < 40; i++) {
      const a = 0.2 + (i % 7) * 0.3;
      const b = 0.4 + (i % 5) * 0.25;
      const rho = -1 + (2 * i) / 39;
      v1.push(a);
      v2.push(b);
      c.push(rho * Math.sqrt(a * b));
    }
    const out = expectation2dBatch(erfPrime, erfPrime, v1, v2, c);
    const bulk = (src: Float64Array, o: Float64Array, n: number) => {
      for (let i = 0; i < n; i++) o[i] = erfPrime(src[i]!);
    };
    const outV = expectation2dBatch(bulk, bulk, v1, v2, c, { vectorized: true });
    for (let t = 0; t < 40; t++) {
      const ref = erfPrimeKernel(v1[t]!, v2[t]!, c[t]!);
      expect(relErr(out[t]!, ref)).toBeLessThan(1e-14);
      expect(outV[t]).toBe(out[t]);
      const scalar = expectation2d(erfPrime, erfPrime, { v1: v1[t]!, v2: v2[t]!, c: c[t]! });
      expect(Math.abs(out[t]! - scalar)).toBeLessThan(1e-15);
    }
  });

  it('E[u² u′²] over triples including degenerate ones; writes into a given out; validates lengths', () => {
    const v1 = [1, 2, 0.5, 3];
    const v2 = [1, 0.5, 0.5, 0];
    const c = [1, -1, 0.1, 0];
    const out = new Float64Array(4);
    const r = expectation2dBatch((x) => x * x, (y) => y * y, v1, v2, c, { out, pruneBelow: 0 });
    expect(r).toBe(out);
    for (let t = 0; t < 4; t++) expect(Math.abs(out[t]! - (v1[t]! * v2[t]! + 2 * c[t]! ** 2))).toBeLessThan(1e-14);
    expect(() => expectation2dBatch(Math.sin, Math.sin, [1], [1, 2], [0])).toThrow(/lengths differ/);
  });
});
