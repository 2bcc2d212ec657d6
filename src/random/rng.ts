/**
 * Keyed, splittable random streams.
 *
 * Every random draw in the suite comes from a stream named by a root seed and a list of parts,
 * e.g. rngFor(seed, 'claim-3', 2000, trial, 'W'). The stream depends on nothing else: not on the
 * order in which streams are made, on draws taken from other streams, or on the number of
 * workers. Reproducing one trial of one claim needs only its key.
 *
 * Derivation scheme (changing any step changes every number; the golden test pins it):
 *
 *   1. Canonical key: key = streamKey([rootSeed, ...parts]) = JSON.stringify of that array.
 *      Strings are quoted and numbers are not, so 'claim', 1 and '1' never collide; numbers
 *      must be finite (-0 prints as 0).
 *   2. h = FNV-1a 64 over the UTF-8 bytes of key
 *      (offset basis 0xcbf29ce484222325, prime 0x100000001b3, arithmetic mod 2^64).
 *   3. SplitMix64 seeded with h (state += 0x9e3779b97f4a7c15; z = state;
 *      z = (z ^ z>>30)·0xbf58476d1ce4e5b9; z = (z ^ z>>27)·0x94d049bb133111eb; z ^= z>>31)
 *      gives two 64-bit words s0, s1 — the 128-bit xoroshiro128+ state. FNV alone mixes poorly;
 *      the SplitMix64 finalizer spreads every key bit over the whole state. (s0, s1) = (0, 0)
 *      is impossible in practice but is replaced by (1, 0) to be safe.
 *   4. The generator is pure-rand's xoroshiro128plus (v8: a mutable object, `next()` advances
 *      in place — the fast path, no per-draw allocation), made with xoroshiro128plusFromState
 *      from [hi(s0), lo(s0), hi(s1), lo(s1)]. Each next() returns the low 32 bits of the
 *      64-bit xoroshiro128+ output s0 + s1.
 *
 * Bit quality: the lowest bits of xoroshiro128+ are weak (bit 0 is a linear-feedback sequence
 * and the next few have low linear complexity). Every consumer here therefore reads the HIGH
 * bits of each 32-bit word: uniform() takes bits 31..5 and 31..6 of two words (53 bits),
 * uniformInt() takes the top k bits with rejection, rademacher() takes bit 31. nextUint32()
 * exposes the raw word; callers wanting a few bits should shift from the top.
 *
 * split(label) is keyed, not stateful: the child of the stream (root, parts) is the stream
 * (root, [...parts, label]). It does not depend on how many draws the parent has made, and
 * calling split with the same label twice gives the same stream — use distinct labels.
 *
 * Gaussians use the Marsaglia polar method on 53-bit uniforms, caching the second value of
 * each accepted pair. It needs only sqrt (correctly rounded) and Math.log (V8's port of fdlibm,
 * identical on every platform for a given V8), so streams are bit-identical across machines.
 *
 * Speed: pure-rand's generator is a small monomorphic class that V8 inlines; a 2000×1500
 * Gaussian fill (3 M normals, ~7.6 M words) takes well under a second (see test), so there is
 * no need for a hand-written generator.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { zeros, type Mat } from '../linalg/mat';

export type KeyPart = string | number;

export interface Rng {
  /** Canonical key of this stream: streamKey([rootSeed, ...parts]). */
  readonly key: string;
  /** Raw 32-bit word in [0, 2^32). Its lowest bits are the generator's weakest. */
  nextUint32(): number;
  /** Uniform double in [0, 1): a multiple of 2^-53, 53 random bits. */
  uniform(): number;
  /** Standard Gaussian N(0, 1). */
  normal(): number;
  /** Unbiased integer in [0, n), for integer 1 ≤ n ≤ 2^32. */
  uniformInt(n: number): number;
  /** The child stream keyed by [...parts, label]; independent of draws made on this one. */
  split(label: KeyPart): Rng;
  /** buf[i] = mean + std·normal(), i = 0, 1, …  (exactly the same numbers as calling normal()). */
  fillNormal(buf: Float64Array, std?: number, mean?: number): Float64Array;
  /** rows×cols matrix of N(0, std²) entries, filled in column-major order. */
  randn(rows: number, cols: number, std?: number): Mat;
  /** Uniformly random permutation of 0..n−1 (Fisher–Yates). */
  shuffle(n: number): Int32Array;
  /** n independent ±1 values with probability 1/2 each. */
  rademacher(n: number): Float64Array;
}

const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const TWO_POW_32 = 4294967296;
const TWO_POW_26 = 67108864;
const TWO_POW_M53 = 1 / 9007199254740992;

const utf8 = new TextEncoder();

function checkPart(p: unknown, where: string): void {
  if (typeof p === 'string') return;
  if (typeof p === 'number') {
    if (!Number.isFinite(p)) throw new TypeError(`${where}: key parts must be finite numbers, got ${p}`);
    return;
  }
  throw new TypeError(`${where}: key parts must be strings or numbers, got ${typeof p}`);
}

/** Canonical, injective text form of a list of key parts (JSON array). */
export function streamKey(parts: readonly KeyPart[]): string {
  for (const p of parts) checkPart(p, 'streamKey');
  return JSON.stringify(parts);
}

/** FNV-1a 64 of the UTF-8 bytes of s, as an unsigned 64-bit BigInt. */
export function fnv1a64(s: string): bigint {
  let h = FNV_OFFSET;
  for (const b of utf8.encode(s)) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** SplitMix64 output function (the finalizer) applied to a 64-bit value. */
export function mix64(z0: bigint): bigint {
  let z = z0 & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The 128-bit generator state of a canonical key, as four 32-bit words [hi0, lo0, hi1, lo1]. */
export function stateForKey(key: string): [number, number, number, number] {
  const h = fnv1a64(key);
  let s0 = mix64(h + GOLDEN_GAMMA);
  const s1 = mix64(h + 2n * GOLDEN_GAMMA);
  if (s0 === 0n && s1 === 0n) s0 = 1n;
  const w = (x: bigint): number => Number(BigInt.asIntN(32, x));
  return [w(s0 >> 32n), w(s0), w(s1 >> 32n), w(s1)];
}

class KeyedRng implements Rng {
  readonly key: string;
  private readonly root: number | string;
  private readonly parts: readonly KeyPart[];
  private readonly gen: JumpableRandomGenerator;
  private hasSpare = false;
  private spare = 0;

  constructor(root: number | string, parts: readonly KeyPart[]) {
    this.root = root;
    this.parts = parts;
    this.key = streamKey([root, ...parts]);
    this.gen = xoroshiro128plusFromState(stateForKey(this.key));
  }

  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  uniform(): number {
    const g = this.gen;
    const a = g.next() >>> 5; // 27 high bits
    const b = g.next() >>> 6; // 26 high bits
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const g = this.gen;
    for (;;) {
      const u = 2 * ((g.next() >>> 5) * TWO_POW_26 + (g.next() >>> 6)) * TWO_POW_M53 - 1;
      const v = 2 * ((g.next() >>> 5) * TWO_POW_26 + (g.next() >>> 6)) * TWO_POW_M53 - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      this.spare = v * f;
      this.hasSpare = true;
      return u * f;
    }
  }

  uniformInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`uniformInt: n must be an integer in [1, 2^32], got ${n}`);
    }
    if (n === 1) return 0;
    // k = number of bits of n−1; draw the top k bits, reject values ≥ n (acceptance > 1/2).
    const k = 32 - Math.clz32(n - 1); // clz32 reads n−1 as uint32, so n = 2^32 gives k = 32
    const shift = 32 - k;
    const g = this.gen;
    for (;;) {
      const x = (g.next() >>> 0) >>> shift;
      if (x < n) return x;
    }
  }

  split(label: KeyPart): Rng {
    checkPart(label, 'split');
    return new KeyedRng(this.root, [...this.parts, label]);
  }

  fillNormal(buf: Float64Array, std = 1, mean = 0): Float64Array {
    const n = buf.length;
    if (n === 0) return buf;
    const g = this.gen;
    let i = 0;
    if (this.hasSpare) {
      this.hasSpare = false;
      buf[i++] = mean + std * this.spare;
    }
    while (i < n) {
      const u = 2 * ((g.next() >>> 5) * TWO_POW_26 + (g.next() >>> 6)) * TWO_POW_M53 - 1;
      const v = 2 * ((g.next() >>> 5) * TWO_POW_26 + (g.next() >>> 6)) * TWO_POW_M53 - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      buf[i++] = mean + std * (u * f);
      if (i < n) {
        buf[i++] = mean + std * (v * f);
      } else {
        this.spare = v * f;
        this.hasSpare = true;
      }
    }
    return buf;
  }

  randn(rows: number, cols: number, std = 1): Mat {
    const m = zeros(rows, cols);
    this.fillNormal(m.data, std);
    return m;
  }

  shuffle(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new RangeError(`shuffle: n must be an integer in [0, 2^31), got ${n}`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.uniformInt(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  rademacher(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`rademacher: n must be a non-negative integer, got ${n}`);
    const out = new Float64Array(n);
    const g = this.gen;
    for (let i = 0; i < n; i++) out[i] = (g.next() >>> 31) === 1 ? 1 : -1;
    return out;
  }
}

/**
 * The stream for (rootSeed, ...parts). Depends only on its arguments.
 * Example: rngFor(cfg.seed, claimId, n, trial, 'W').randn(h, d)
 */
export function rngFor(rootSeed: number | string, ...parts: KeyPart[]): Rng {
  checkPart(rootSeed, 'rngFor');
  for (const p of parts) checkPart(p, 'rngFor');
  return new KeyedRng(rootSeed, parts);
}
