import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  activation,
  applyToMat,
  applyWithDerivativeToMat,
  leakyRelu,
  normalized,
  type Activation,
} from '../../src/activations';
import { fromColumnMajor, view, zeros } from '../../src/linalg/mat';

const ALL: Activation[] = [...ACTIVATION_NAMES.map((n) => activation(n)), leakyRelu(0.1), activation('normalized_leaky_relu(0.2)')];
const SEED = 424242;

/** Inputs in [−6, 6], kept 1e-3 away from kinks so a finite-difference stencil never straddles one. */
function pointsFor(act: Activation) {
  return fc
    .double({ min: -6, max: 6, noNaN: true })
    .filter((x) => act.kinks.every((k) => Math.abs(x - k) > 1e-3));
}

describe('derivatives against central finite differences (fast-check, fixed seed)', () => {
  // Central difference with step h: truncation h²|σ'''|/6 ≈ 2e-11 and rounding ≈ ε|σ|/h ≈ 1e-10·(1+|σ|)
  // at h = 1e-5 (σ'), and ≈ 2e-9 + 2e-12 at h = 1e-4 (σ'' from σ'). Tolerances: 1e-8·(1+|σ|), 1e-7.
  it.each(ALL.map((a) => [a.name, a] as const))('%s: σ′ and σ″', (_name, act) => {
    fc.assert(
      fc.property(pointsFor(act), (x) => {
        const h1 = 1e-5;
        const fd1 = (act.sigma(x + h1) - act.sigma(x - h1)) / (2 * h1);
        expect(Math.abs(fd1 - act.d1(x))).toBeLessThan(1e-8 * (1 + Math.abs(act.sigma(x))));
        const h2 = 1e-4;
        const fd2 = (act.d1(x + h2) - act.d1(x - h2)) / (2 * h2);
        expect(Math.abs(fd2 - act.d2(x))).toBeLessThan(1e-7);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('bulk kernels', () => {
  const xs = new Float64Array(2001);
  for (let i = 0; i < xs.length; i++) xs[i] = -40 + (80 * i) / (xs.length - 1) + (i % 3) * 1e-3;
  xs[1000] = 0; // the kink itself
  xs[1001] = 1e-12; // tiny arguments: no cancellation in fused tanh
  xs[1002] = -3e-9;
  // Fused loops share one exp()/expm1() between σ and σ′ and so round differently from the
  // scalar methods (e.g. tanh as −m/(2+m) with m = expm1(−2|x|) vs Math.tanh): allow 1e-15
  // relative (≈ 4.5 ulp), plus an absolute 1e-300 for subnormal tails (erf′ near |x| = 27).
  const agree = (a: number, b: number) =>
    Math.abs(a - b) <= 1e-15 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;

  it.each(ALL.map((a) => [a.name, a] as const))('%s: apply(f|d1|d2), applyWithDerivative, applyAll = scalar', (_n, act) => {
    const n = xs.length;
    const f = new Float64Array(n);
    const d1 = new Float64Array(n);
    const d2 = new Float64Array(n);
    const g = new Float64Array(n);
    const g1 = new Float64Array(n);
    const g2 = new Float64Array(n);
    expect(act.apply('f', xs, f)).toBe(f);
    act.apply('d1', xs, d1);
    act.apply('d2', xs, d2);
    // Collect mismatches (one expect per check keeps the test fast).
    const bad: string[] = [];
    const check = (what: string, i: number, a: number, b: number) => {
      if (!agree(a, b) || !Number.isFinite(a)) bad.push(`${what} at x=${xs[i]}: ${a} vs ${b}`);
    };
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      check('f', i, f[i]!, act.sigma(x));
      check('d1', i, d1[i]!, act.d1(x));
      check('d2', i, d2[i]!, act.d2(x));
    }
    act.applyWithDerivative(xs, g, g1);
    for (let i = 0; i < n; i++) {
      check('fused f', i, g[i]!, f[i]!);
      check('fused d1', i, g1[i]!, d1[i]!);
    }
    act.applyAll(xs, g, g1, g2);
    for (let i = 0; i < n; i++) {
      check('all f', i, g[i]!, f[i]!);
      check('all d1', i, g1[i]!, d1[i]!);
      check('all d2', i, g2[i]!, d2[i]!);
    }
    // In place, and a prefix only (n argument).
    const buf = Float64Array.from(xs);
    act.apply('f', buf, buf, 10);
    for (let i = 0; i < 10; i++) check('in-place f', i, buf[i]!, f[i]!);
    expect(buf[10]).toBe(xs[10]);
    const inF = Float64Array.from(xs);
    const outD = new Float64Array(n);
    act.applyWithDerivative(inF, inF, outD);
    for (let i = 0; i < n; i++) {
      check('in-place fused f', i, inF[i]!, f[i]!);
      check('in-place fused d1', i, outD[i]!, d1[i]!);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('rejects a short output or n beyond the input', () => {
    const act = activation('tanh');
    expect(() => act.apply('f', new Float64Array(5), new Float64Array(4))).toThrow(RangeError);
    expect(() => act.apply('f', new Float64Array(5), new Float64Array(9), 6)).toThrow(RangeError);
    expect(() => act.apply('d3' as 'f', new Float64Array(2), new Float64Array(2))).toThrow(/unknown derivative kind/);
  });

  it('applyToMat / applyWithDerivativeToMat handle contiguous matrices and views', () => {
    const act = activation('softplus');
    const A = fromColumnMajor(4, 3, Float64Array.from({ length: 12 }, (_, i) => i - 5.5));
    const out = zeros(4, 3);
    applyToMat(act, 'f', A, out);
    for (let i = 0; i < 12; i++) expect(out.data[i]).toBe(act.sigma(A.data[i]!));
    const V = view(A, 1, 1, 2, 2);
    const outF = zeros(2, 2);
    const outD = zeros(2, 2);
    applyWithDerivativeToMat(act, V, outF, outD);
    expect(outF.data[0]).toBe(act.sigma(A.data[1 + 4]!));
    expect(outD.data[3]).toBeCloseTo(act.d1(A.data[2 + 8]!), 15);
    expect(() => applyToMat(act, 'f', A, zeros(3, 4))).toThrow(/shapes differ/);
  });
});

describe('conventions and tails', () => {
  it("ReLU'(0) = 0, ReLU''= 0; leaky ReLU'(0) = slope", () => {
    const r = activation('relu');
    expect(r.d1(0)).toBe(0);
    expect(r.d1(1e-300)).toBe(1);
    expect(r.d2(3)).toBe(0);
    expect(r.kinks).toEqual([0]);
    expect(r.smooth).toBe(false);
    const l = activation('leaky_relu');
    expect(l.d1(0)).toBe(0.01);
    expect(l.sigma(-2)).toBe(-0.02);
    expect(leakyRelu(0.1).d1(-1)).toBe(0.1);
  });

  it('no cancellation or overflow in the tails', () => {
    const t = activation('tanh');
    // sech²(20) = 4e^{−40}/(1+e^{−40})²: computed directly, not as 1 − tanh².
    expect(t.d1(20) / (4 * Math.exp(-40))).toBeCloseTo(1, 14);
    expect(t.d1(400)).toBe(0);
    const s = activation('sigmoid');
    expect(s.sigma(-800)).toBe(0);
    expect(s.sigma(800)).toBe(1);
    expect(s.sigma(-40) / Math.exp(-40)).toBeCloseTo(1, 14);
    const sp = activation('softplus');
    expect(sp.sigma(800)).toBe(800);
    expect(sp.sigma(-800)).toBe(0);
    expect(sp.sigma(-40) / Math.exp(-40)).toBeCloseTo(1, 14);
    expect(sp.sigma(0)).toBeCloseTo(Math.LN2, 16);
    expect(activation('erf').d1(30)).toBe(0);
  });
});

describe('registry', () => {
  it('knows the seven base activations and their normalized variants', () => {
    expect(ACTIVATION_NAMES).toEqual([
      'erf', 'tanh', 'relu', 'leaky_relu', 'softplus', 'sigmoid', 'identity',
      'normalized_erf', 'normalized_tanh', 'normalized_relu', 'normalized_leaky_relu',
      'normalized_softplus', 'normalized_sigmoid', 'normalized_identity',
    ]);
    for (const n of ACTIVATION_NAMES) expect(activation(n).name).toBe(n);
    expect(activation('relu', { normalized: true })).toBe(activation('normalized_relu'));
    expect(activation('leaky_relu(0.1)').name).toBe('leaky_relu(0.1)');
    expect(activation('leaky_relu', { slope: 0.1 }).d1(-1)).toBe(0.1);
    expect(activation('normalized_leaky_relu(0.2)').name).toBe('normalized_leaky_relu(0.2)');
  });

  it('an unknown name throws an Error listing the known names', () => {
    expect(() => activation('gelu')).toThrow(/unknown activation 'gelu'; known: erf, tanh, relu, leaky_relu, softplus, sigmoid, identity, normalized_erf/);
    expect(() => activation('normalized_gelu')).toThrow(/known:/);
    expect(() => activation('leaky_relu(abc)')).toThrow(/not a number/);
    expect(() => activation('tanh', { slope: 0.2 })).toThrow(/only to leaky_relu/);
  });

  it('normalized(σ): shift and scale from the closed forms where known; derivatives scale by 1/b', () => {
    const nr = normalized(activation('relu'));
    expect(nr.shift).toBe(1 / Math.sqrt(2 * Math.PI));
    expect(nr.scale).toBeCloseTo(Math.sqrt(0.5 - 1 / (2 * Math.PI)), 16);
    expect(nr.sigma(2)).toBeCloseTo((2 - nr.shift) / nr.scale, 15);
    expect(nr.d1(2)).toBeCloseTo(1 / nr.scale, 15);
    expect(nr.base).toBe(activation('relu'));
    expect(normalized(activation('erf')).scale).toBeCloseTo(Math.sqrt((2 / Math.PI) * Math.asin(2 / 3)), 16);
    expect(normalized(activation('identity')).scale).toBe(1);
  });
});
