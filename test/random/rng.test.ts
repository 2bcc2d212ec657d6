import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fnv1a64, mix64, rngFor, stateForKey, streamKey, type KeyPart } from '../../src/random';

// ---------------------------------------------------------------------------------------------
// Helpers written for the tests from their textbook definitions.

/** Reference xoroshiro128+ (a = 24, b = 16, c = 37) on BigInt; returns the low 32 output bits. */
function referenceXoroshiro(state: readonly number[], count: number): number[] {
  const M = (1n << 64n) - 1n;
  const u = (x: number): bigint => BigInt(x >>> 0);
  let s0 = (u(state[0]!) << 32n) | u(state[1]!);
  let s1 = (u(state[2]!) << 32n) | u(state[3]!);
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (64n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((s0 + s1) & 0xffffffffn));
    s1 ^= s0;
    s0 = rotl(s0, 24n) ^ s1 ^ ((s1 << 16n) & M);
    s1 = rotl(s1, 37n);
  }
  return out;
}

/**
 * Standard normal CDF. erf(x) = (2/√π)·e^{−x²}·Σ_{n≥0} 2^n x^{2n+1} / (1·3·5···(2n+1)):
 * all terms positive, so no cancellation; accurate to ~1e-15 absolute for |z| ≤ 8.
 */
function normalCdf(z: number): number {
  if (z < -8) return 0;
  if (z > 8) return 1;
  const x = Math.abs(z) / Math.SQRT2;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500 && term > 1e-17 * sum; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

const keyPart: fc.Arbitrary<KeyPart> = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1e6, max: 1e6 }));

// ---------------------------------------------------------------------------------------------

describe('stream keys', () => {
  it('streamKey is canonical JSON and tells strings from numbers', () => {
    expect(streamKey(['claim-1', 2000, 3, 'W'])).toBe('["claim-1",2000,3,"W"]');
    expect(streamKey([1])).not.toBe(streamKey(['1']));
    expect(streamKey(['a,b'])).not.toBe(streamKey(['a', 'b']));
    expect(streamKey([-0])).toBe(streamKey([0]));
  });

  it('rejects non-finite numbers and non-primitive parts', () => {
    expect(() => streamKey([NaN])).toThrow(/finite/);
    expect(() => rngFor(1, Infinity)).toThrow(/finite/);
    expect(() => rngFor(NaN)).toThrow(/finite/);
    expect(() => rngFor(1, {} as unknown as string)).toThrow(/strings or numbers/);
    expect(() => rngFor(1).split(NaN)).toThrow(/finite/);
  });

  it('hash building blocks match published test vectors', () => {
    // FNV-1a 64 of "" is the offset basis; of "a" it is 0xaf63dc4c8601ec8c.
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    // First SplitMix64 output for seed 0.
    expect(mix64(0x9e3779b97f4a7c15n)).toBe(0xe220a8397b1dcdafn);
  });

  it('the generator is xoroshiro128+ as documented (checked against a BigInt reference)', () => {
    const key = streamKey([7, 'reference']);
    const r = rngFor(7, 'reference');
    const ref = referenceXoroshiro(stateForKey(key), 2000);
    for (let i = 0; i < ref.length; i++) expect(r.nextUint32()).toBe(ref[i]);
  });
});

describe('golden values (these numbers pin the derivation scheme)', () => {
  // Computed once from this implementation. If this test fails, the scheme changed: every
  // stream in the suite — and every stored result — now differs. Change it only deliberately.
  it('rngFor(20240601, "golden", 3, "W")', () => {
    const r = rngFor(20240601, 'golden', 3, 'W');
    expect(r.key).toBe('[20240601,"golden",3,"W"]');
    expect(stateForKey(r.key)).toEqual([663343652, -1021922652, -8054334, 876146607]);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([
      4149191251, 261902775, 3674005838, 31843086,
    ]);
    expect([r.uniform(), r.uniform()]).toEqual([0.5609332830890575, 0.3247802391831931]);
    expect([r.normal(), r.normal(), r.normal()]).toEqual([
      -1.3717263946829175, -0.5396513133484175, 1.5258362907481964,
    ]);
    expect(r.uniformInt(10)).toBe(4);
    expect(Array.from(r.shuffle(6))).toEqual([3, 2, 4, 1, 5, 0]);
    expect(Array.from(r.rademacher(6))).toEqual([-1, -1, -1, -1, 1, 1]);
  });
});

describe('reproducibility and independence', () => {
  it('same key gives bit-identical matrices', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(keyPart, { maxLength: 4 }), (seed, parts) => {
        const a = rngFor(seed, ...parts).randn(7, 5, 0.3);
        const b = rngFor(seed, ...parts).randn(7, 5, 0.3);
        return sameBits(a.data, b.data);
      }),
      { numRuns: 200 },
    );
  });

  it('string and numeric root seeds are distinct streams', () => {
    expect(rngFor(1).nextUint32()).not.toBe(rngFor('1').nextUint32());
  });

  it('different trial, purpose, size or root seed give different streams', () => {
    const base = rngFor(42, 'claim-A', 100, 0, 'W').randn(10, 10).data;
    const variants = [
      rngFor(42, 'claim-A', 100, 1, 'W'),
      rngFor(42, 'claim-A', 100, 0, 'X'),
      rngFor(42, 'claim-A', 101, 0, 'W'),
      rngFor(42, 'claim-B', 100, 0, 'W'),
      rngFor(43, 'claim-A', 100, 0, 'W'),
      rngFor(42, 'claim-A', 100, 0),
      rngFor(42, 'claim-A', 100, 0, 'W', 'extra'),
    ];
    const all = [base, ...variants.map((r) => r.randn(10, 10).data)];
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        expect(sameBits(all[i]!, all[j]!)).toBe(false);
        // Not just different: no shared values at all (shifted copies would share most).
        const set = new Set(all[i]);
        expect(Array.from(all[j]!).filter((v) => set.has(v)).length).toBe(0);
      }
    }
  });

  it('distinct keys never collide in their first word over many trials', () => {
    const seen = new Set<string>();
    for (let trial = 0; trial < 5000; trial++) {
      const r = rngFor(0, 'collide', trial);
      seen.add(`${r.nextUint32()}:${r.nextUint32()}`);
    }
    expect(seen.size).toBe(5000);
  });

  it('streams do not depend on creation order or on draws from other streams', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        (trials, junk) => {
          const forward = trials.map((t) => rngFor(9, 'order', t, 'W').randn(4, 3).data);
          // Reverse order, with interleaved draws on unrelated and sibling streams.
          const other = rngFor(9, 'order', 'other');
          const backward = new Map<number, Float64Array>();
          for (const t of [...trials].reverse()) {
            for (let k = 0; k < junk; k++) other.normal();
            const r = rngFor(9, 'order', t, 'W');
            backward.set(t, r.randn(4, 3).data);
          }
          return trials.every((t, i) => sameBits(forward[i]!, backward.get(t)!));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('split is keyed: independent of parent draws and of the order children are made', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 30 }),
        (labels, junk) => {
          const parent1 = rngFor('root', 'claim', 5);
          const a = labels.map((l) => parent1.split(l).randn(3, 2).data);
          const parent2 = rngFor('root', 'claim', 5);
          for (let k = 0; k < junk; k++) parent2.uniform();
          const b = [...labels].reverse().map((l) => parent2.split(l).randn(3, 2).data).reverse();
          const c = labels.map((l) => rngFor('root', 'claim', 5, l).randn(3, 2).data);
          return labels.every((_, i) => sameBits(a[i]!, b[i]!) && sameBits(a[i]!, c[i]!));
        },
      ),
      { numRuns: 100 },
    );
    const p = rngFor(1, 'p');
    expect(p.split('x').key).toBe('[1,"p","x"]');
    expect(p.split('x').split(2).key).toBe('[1,"p","x",2]');
  });

  it('fillNormal gives exactly the numbers of successive normal() calls, across odd lengths', () => {
    const r1 = rngFor(3, 'fill');
    const r2 = rngFor(3, 'fill');
    const lengths = [1, 3, 0, 2, 5, 1, 1, 4];
    for (const n of lengths) {
      const buf = r1.fillNormal(new Float64Array(n), 2.5, -1);
      const expected = new Float64Array(n);
      for (let i = 0; i < n; i++) expected[i] = -1 + 2.5 * r2.normal();
      expect(sameBits(buf, expected)).toBe(true);
    }
  });

  it('randn fills column-major with the given std', () => {
    const m = rngFor(5, 'randn').randn(3, 4, 0.5);
    expect([m.rows, m.cols, m.ld, m.offset, m.data.length]).toEqual([3, 4, 3, 0, 12]);
    const flat = rngFor(5, 'randn').fillNormal(new Float64Array(12), 0.5);
    expect(sameBits(m.data, flat)).toBe(true);
    expect(rngFor(5, 'randn').randn(0, 4).data.length).toBe(0);
  });
});

describe('distributions', () => {
  it('uniform lies in [0, 1) on a 2^-53 grid', () => {
    const r = rngFor(11, 'uniform');
    let min = 1;
    let max = 0;
    let sum = 0;
    let bad = 0;
    const N = 200_000;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1) || !Number.isInteger(u * 2 ** 53)) bad++;
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
    }
    expect(bad).toBe(0);
    expect(min).toBeLessThan(1e-4);
    expect(max).toBeGreaterThan(1 - 1e-4);
    // Mean of U(0,1) has sd 1/sqrt(12N); allow 5 sd.
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(5 / Math.sqrt(12 * N));
  });

  it('normal moments over 1e6 draws', () => {
    // With N iid N(0,1) draws the sample mean has sd 1/√N and the sample variance has sd
    // √(2/(N−1)) ≈ √(2/N). A 5-sd band would be exceeded with probability < 1e-6 by a correct
    // generator (the seed is fixed, so the test is deterministic; the band only has to be
    // wide enough that a correct scheme is not rejected when the scheme is changed).
    const N = 1_000_000;
    const x = rngFor(12, 'moments').fillNormal(new Float64Array(N));
    let mean = 0;
    for (let i = 0; i < N; i++) mean += x[i]!;
    mean /= N;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let i = 0; i < N; i++) {
      const d = x[i]! - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    const variance = m2 / (N - 1);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    // Skewness has sd √(6/N), excess kurtosis √(24/N).
    const skew = m3 / N / Math.pow(m2 / N, 1.5);
    const kurt = m4 / N / Math.pow(m2 / N, 2) - 3;
    expect(Math.abs(skew)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(kurt)).toBeLessThan(5 * Math.sqrt(24 / N));
  });

  it('Kolmogorov–Smirnov against the normal CDF at N = 1e5', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    const N = 100_000;
    const x = rngFor(13, 'ks').fillNormal(new Float64Array(N)).sort();
    let D = 0;
    for (let i = 0; i < N; i++) {
      const F = normalCdf(x[i]!);
      D = Math.max(D, (i + 1) / N - F, F - i / N);
    }
    // Asymptotic 1% critical value of the KS statistic: 1.628/√N.
    expect(D).toBeLessThan(1.63 / Math.sqrt(N));
  });

  it('Kolmogorov–Smirnov for uniform at N = 1e5', () => {
    const N = 100_000;
    const r = rngFor(14, 'ks-uniform');
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = r.uniform();
    x.sort();
    let D = 0;
    for (let i = 0; i < N; i++) D = Math.max(D, (i + 1) / N - x[i]!, x[i]! - i / N);
    expect(D).toBeLessThan(1.63 / Math.sqrt(N));
  });

  it('uniformInt stays in range, handles the extremes, and is unbiased for n = 3', () => {
    const r = rngFor(15, 'int');
    expect(r.uniformInt(1)).toBe(0);
    for (let i = 0; i < 1000; i++) {
      const v = r.uniformInt(2 ** 32);
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
      const w = r.uniformInt(1000);
      expect(Number.isInteger(w) && w >= 0 && w < 1000).toBe(true);
    }
    for (const bad of [0, -1, 1.5, 2 ** 32 + 1, NaN]) expect(() => r.uniformInt(bad)).toThrow(RangeError);
    // Chi-square with 2 degrees of freedom; 0.1% critical value 13.8.
    const N = 300_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < N; i++) counts[r.uniformInt(3)]!++;
    const chi2 = counts.reduce((s, c) => s + (c - N / 3) ** 2 / (N / 3), 0);
    expect(chi2).toBeLessThan(13.8);
  });

  it('shuffle returns a permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const p = rngFor(seed, 'perm').shuffle(n);
        const sorted = Array.from(p).sort((a, b) => a - b);
        return p instanceof Int32Array && p.length === n && sorted.every((v, i) => v === i);
      }),
      { numRuns: 200 },
    );
    expect(() => rngFor(1).shuffle(-1)).toThrow(RangeError);
  });

  it('shuffle is roughly uniform over the 24 permutations of 4', () => {
    // Chi-square with 23 degrees of freedom; 0.1% critical value 49.7.
    const r = rngFor(16, 'perm-uniform');
    const N = 48_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const k = Array.from(r.shuffle(4)).join('');
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    const e = N / 24;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - e) ** 2 / e;
    expect(chi2).toBeLessThan(49.7);
  });

  it('rademacher gives ±1 with balanced signs', () => {
    const N = 200_000;
    const s = rngFor(17, 'rad').rademacher(N);
    let sum = 0;
    let bad = 0;
    for (const v of s) {
      if (v !== 1 && v !== -1) bad++;
      sum += v;
    }
    expect(bad).toBe(0);
    // The sum has sd √N.
    expect(Math.abs(sum)).toBeLessThan(5 * Math.sqrt(N));
    expect(rngFor(17, 'rad').rademacher(0).length).toBe(0);
  });
});

describe('speed', () => {
  it('fills a 2000×1500 Gaussian matrix well under a second', () => {
    const r = rngFor(18, 'speed');
    r.randn(200, 150); // warm-up
    const t0 = performance.now();
    const m = r.randn(2000, 1500);
    const ms = performance.now() - t0;
    console.log(`randn(2000, 1500): ${ms.toFixed(1)} ms`);
    expect(m.data.length).toBe(3_000_000);
    expect(ms).toBeLessThan(1000);
  });
});
