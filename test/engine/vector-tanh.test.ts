/**
 * The native tanh takes σ = tanh and σ′ = sech² four lanes at a time (native/vec_tanh.cc:
 * fdlibm's expm1 with the fused multiply-adds of libm's FMA build, for the non-positive
 * arguments −2|x| the activation needs). The claim is bit-identity with the scalar libm path
 * it replaces, not closeness: every test here runs the same call with the lanes on and forced
 * off and compares every bit (Object.is, so −0 and NaN count). The arguments cover every
 * branch of expm1 (|x| below 2⁻⁵⁴, up to ln2/2, to 1.5 ln2, to 56 ln2, beyond), each branch
 * edge and its neighbours one ulp away, subnormals, ±0, ±∞ and NaN, and a few million ordinary
 * values; lengths that are not multiples of the four lanes or of the 256-entry blocks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { loadNativeBackend } from '../../src/linalg/backend';
import { networkKernels } from '../../src/kernels/empirical';
import { cloneNet, forward, gaussianInit } from '../../src/model/network';
import { rngFor } from '../../src/random';
import { train } from '../../src/train/train';
import { useNativeThreads } from '../helpers/native';

const native = loadNativeBackend();
const TANH = 3; // the addon's id for tanh

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  let bad = -1;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) { bad = i; break; }
  expect(bad, `${what}: first differing entry ${bad} (${a[bad]} vs ${b[bad]})`).toBe(-1);
}

/** Runs fn with the lanes on, then forced off; returns both results. */
function bothWays<T>(fn: () => T): { lanes: T; scalar: T } {
  expect(native!.vectorMath!(false), 'lanes on').toBe(true);
  const lanes = fn();
  native!.vectorMath!(true);
  try {
    return { lanes, scalar: fn() };
  } finally {
    native!.vectorMath!(false);
  }
}

/** Arguments on every branch of expm1(−2|x|), and ordinary ones. */
function argumentsOfEveryKind(): Float64Array {
  const xs: number[] = [];
  const bits = new DataView(new ArrayBuffer(8));
  const fromHigh = (hi: number) => { bits.setUint32(0, hi); bits.setUint32(4, 0); return bits.getFloat64(0); };
  const nextUp = (x: number) => { bits.setFloat64(0, x); bits.setBigUint64(0, bits.getBigUint64(0) + 1n); return bits.getFloat64(0); };
  const nextDown = (x: number) => { bits.setFloat64(0, x); bits.setBigUint64(0, bits.getBigUint64(0) - 1n); return bits.getFloat64(0); };
  // Branch edges of |x| = 2|z| in expm1 (on the high word of |x|), as values of z.
  for (const hi of [0x3c900000, 0x3fd62e42, 0x3fd62e43, 0x3ff0a2b1, 0x3ff0a2b2, 0x40436879, 0x4043687a, 0x40862e42]) {
    const e = fromHigh(hi) / 2;
    for (const v of [nextDown(e), e, nextUp(e), nextDown(2 * e), 2 * e, nextUp(2 * e)]) xs.push(v, -v);
  }
  xs.push(0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, 1e300, -1e300, 18.4, 19.1, 20, 27);
  const rng = rngFor(14, 'vector-tanh');
  const g = rng.split('normal').fillNormal(new Float64Array(1 << 20));
  for (const s of [0.05, 1, 3, 12]) for (let i = 0; i < g.length; i += 4) xs.push(g[i]! * s);
  const u = rng.split('uniform').fillNormal(new Float64Array(1 << 19));
  for (let i = 0; i < u.length; i++) xs.push(40 * Math.tanh(u[i]!)); // spread over (−40, 40)
  const m = rng.split('magnitudes').fillNormal(new Float64Array(1 << 18));
  for (let i = 0; i < m.length; i++) xs.push(Math.sign(m[i]!) * Math.exp(-700 + 707 * (0.5 + 0.5 * Math.tanh(m[i]! * 3))));
  xs.push(1, 2, 3); // an odd length: the tail after the last full block of four
  return Float64Array.from(xs);
}

describe.skipIf(!native?.vectorMath)('tanh four lanes at a time = the scalar libm path, bit for bit', () => {
  useNativeThreads(native!);

  it('the lanes are on where the CPU has AVX2 and FMA (the load-time self-check passed)', () => {
    let cpu = '';
    try { cpu = readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux */ }
    const hasLanes = / avx2( |$)/m.test(cpu) && / fma( |$)/m.test(cpu);
    if (hasLanes) expect(native!.vectorMath!(), 'vec_tanh.cc found a difference with libm, or was not built').toBe(true);
  });

  const z = argumentsOfEveryKind();
  const n = z.length;

  it(`σ and σ′ over ${n} arguments (normalized and plain)`, () => {
    for (const [shift, scale] of [[0, 1], [0.013, 0.627]] as const) {
      const r = bothWays(() => {
        const F = new Float64Array(n), D = new Float64Array(n), F2 = new Float64Array(n);
        native!.activation!(TANH, z, F, D, n, 0, shift, scale);
        native!.activation!(TANH, z, F2, null, n, 0, shift, scale);
        return { F, D, F2 };
      });
      sameBits(r.lanes.F, r.scalar.F, `σ (shift ${shift})`);
      sameBits(r.lanes.D, r.scalar.D, `σ′ (shift ${shift})`);
      sameBits(r.lanes.F2, r.scalar.F, `σ without σ′ (shift ${shift})`);
    }
    // Not vacuous: the arguments do reach tanh's saturation and its linear range.
    const F = new Float64Array(n);
    native!.activation!(TANH, z, F, null, n, 0, 0, 1);
    expect(F.some((f) => f === 1) && F.some((f, i) => f === z[i] && f !== 0)).toBe(true);
  });

  it('the gradient factor (v rᵀ) ⊙ σ′(Z) and the kernels\' σ(Z), diag(v)σ′(Z) (in place too)', () => {
    const h = 257, cols = Math.floor(n / h);
    const Z = z.subarray(0, h * cols);
    const rng = rngFor(14, 'vector-tanh', 'factors');
    const v = rng.split('v').fillNormal(new Float64Array(h));
    const r = rng.split('r').fillNormal(new Float64Array(cols));
    const res = bothWays(() => {
      const G = new Float64Array(h * cols), F = new Float64Array(h * cols), M = new Float64Array(h * cols);
      native!.activationGradOuter!(TANH, Z, v, r, G, h, cols, 0, 0.627);
      native!.activationWeighted!(TANH, Z, F, M, h, cols, v, 0, 0.013, 0.627);
      const Zc = Z.slice(), F2 = new Float64Array(h * cols);
      native!.activationWeighted!(TANH, Zc, F2, Zc, h, cols, v, 0, 0.013, 0.627);
      return { G, F, M, F2, M2: Zc };
    });
    for (const k of ['G', 'F', 'M', 'F2', 'M2'] as const) sameBits(res.lanes[k], res.scalar[k], k);
    sameBits(res.lanes.M2, res.lanes.M, 'in place = out of place');
  });

  it('training (GD and SGD, normalized tanh) and the kernels: same weights, losses and kernels', () => {
    const [nn, d, h] = [300, 120, 200];
    const rng = rngFor(14, 'vector-tanh', 'engine');
    const X = rng.split('X').randn(d, nn);
    const y = rng.split('y').fillNormal(new Float64Array(nn));
    const net0 = gaussianInit(rng.split('net'), h, d, activation('normalized_tanh'));
    const res = bothWays(() => {
      const gd = cloneNet(net0), sgd = cloneNet(net0);
      const a = train(gd, X, y, { optimizer: 'gd', lr: 0.5, layers: 'both', maxSteps: 5 });
      const b = train(sgd, X, y, { optimizer: 'sgd', lr: 0.3, layers: 'both', batchSize: 32, maxEpochs: 2, rng: rngFor(3, 'shuffle') });
      const k = networkKernels(net0, X);
      return {
        W: Float64Array.from([...gd.W.data, ...sgd.W.data]),
        loss: Float64Array.from([...a.lossHistory, ...b.lossHistory].map((e) => e.loss)),
        f: forward(gd, X).f,
        K: Float64Array.from([...k.ck!.data, ...k.ntk1!.data, ...k.ntk!.data]),
      };
    });
    for (const k of ['W', 'loss', 'f', 'K'] as const) sameBits(res.lanes[k], res.scalar[k], k);
  });
});
