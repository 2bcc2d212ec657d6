import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, activation, applyActivationBulk } from '../../src/activations';
import { loadNativeBackend } from '../../src/linalg/backend';
import { rngFor } from '../../src/random';

const native = loadNativeBackend();

describe.skipIf(!native)('native activation kernels agree with the TypeScript loops', () => {
  it('σ and σ′ within 4e-16·max(1,|value|) for every built-in activation (libm vs fdlibm-style code: ≤ 2 ulp)', () => {
    const n = 50_000; // above the native threshold, split over threads when there are several
    const src = rngFor(1, 'native-act').fillNormal(new Float64Array(n), 3);
    src[0] = 0; src[1] = -0; src[2] = 40; src[3] = -40; src[4] = 1e-300; src[5] = -1e-12;
    for (const name of ACTIVATION_NAMES) {
      const act = activation(name);
      const f = new Float64Array(n), d = new Float64Array(n);
      applyActivationBulk(act, src, f, d, n);
      const fj = new Float64Array(n), dj = new Float64Array(n);
      act.applyWithDerivative(src, fj, dj, n);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(f[i] - fj[i]) / Math.max(1, Math.abs(fj[i])), Math.abs(d[i] - dj[i]) / Math.max(1, Math.abs(dj[i])));
      }
      expect(worst, name).toBeLessThan(4e-16 * 4);
      // Without a derivative buffer only σ is written.
      const f2 = new Float64Array(n);
      applyActivationBulk(act, src, f2, undefined, n);
      expect(f2).toEqual(f);
    }
  });
});

describe('the first-layer gradient factor (v rᵀ) ⊙ σ′(Z) formed straight from Z', () => {
  it('equals the product with a stored σ′(Z) bit for bit (native) and to 1 ulp-scale (JS) for every activation', async () => {
    const { derivativeOuterProduct } = await import('../../src/activations');
    const [h, n] = [97, 211]; // h·n above the native threshold
    const rng = rngFor(2, 'grad-outer');
    const Z = rng.split('Z').fillNormal(new Float64Array(h * n), 2);
    const v = rng.split('v').fillNormal(new Float64Array(h));
    const r = rng.split('r').fillNormal(new Float64Array(n));
    for (const name of ACTIVATION_NAMES) {
      const act = activation(name);
      const A = new Float64Array(h * n), D = new Float64Array(h * n);
      applyActivationBulk(act, Z, A, D, h * n);
      const ref = new Float64Array(h * n);
      for (let j = 0; j < n; j++) for (let i = 0; i < h; i++) ref[i + j * h] = v[i] * r[j] * D[i + j * h];
      const G = new Float64Array(h * n);
      derivativeOuterProduct(act, Z, v, r, G, h, n);
      let worst = 0;
      for (let k = 0; k < G.length; k++) worst = Math.max(worst, Math.abs(G[k] - ref[k]) / Math.max(1, Math.abs(ref[k])));
      // Same σ′ formula and the same order of products on the native path: exact. Custom
      // (non-native) activations use the JS σ′ loop, within a few ulp of the fused JS one.
      expect(worst, name).toBeLessThan(native ? 1e-15 : 1e-14);
    }
  });
});

describe.skipIf(!native)('the piecewise-linear activations on the native path (two lanes, no branch)', () => {
  // One()'s expressions, entry for entry: f = x > 0 ? x : (0 | param·x), d = x > 0 ? 1 : (0 | param),
  // σ = (f − shift)·(1/scale), σ′ = d·(1/scale), the gradient factor v_i·r_j·(σ′).
  const cases: [string, number][] = [['identity', 0], ['relu', 0], ['leaky_relu', 0.01], ['normalized_relu', 0], ['normalized_leaky_relu', 0.01]];
  const pair = (base: string, x: number, param: number): [number, number] =>
    base === 'identity' ? [x, 1] : base === 'relu' ? [x > 0 ? x : 0, x > 0 ? 1 : 0] : [x > 0 ? x : param * x, x > 0 ? 1 : param];
  // An odd length (a scalar tail), every sign of zero, NaN, infinities, subnormals, and random values.
  const n = 8191;
  const src = rngFor(3, 'linear-acts').fillNormal(new Float64Array(n), 2);
  [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1e-310, -1e-310, Number.MAX_VALUE, -Number.MAX_VALUE].forEach((x, i) => { src[i * 7] = x; });
  for (const [name, param] of cases) {
    it(`${name}: σ, σ′ and (v rᵀ) ⊙ σ′ bit for bit as the scalar expressions`, async () => {
      const { derivativeOuterProduct } = await import('../../src/activations');
      const act = activation(name) as ReturnType<typeof activation> & { shift?: number; scale?: number };
      const base = name.replace('normalized_', '');
      const shift = act.shift ?? 0, inv = 1 / (act.scale ?? 1);
      const f = new Float64Array(n), d = new Float64Array(n), f2 = new Float64Array(n);
      applyActivationBulk(act, src, f, d, n);
      applyActivationBulk(act, src, f2, undefined, n);
      for (let i = 0; i < n; i++) {
        const [fi, di] = pair(base, src[i]!, param);
        expect(Object.is(f[i], (fi - shift) * inv), `σ(${src[i]}) [${i}]`).toBe(true);
        expect(Object.is(f2[i], f[i])).toBe(true);
        expect(Object.is(d[i], di * inv), `σ′(${src[i]}) [${i}]`).toBe(true);
      }
      const [hh, nn] = [191, 42]; // h odd: each column has a scalar tail
      const Z = src.subarray(0, hh * nn);
      const v = rngFor(4, 'v').fillNormal(new Float64Array(hh)), r = rngFor(5, 'r').fillNormal(new Float64Array(nn));
      const G = new Float64Array(hh * nn);
      derivativeOuterProduct(act, Z, v, r, G, hh, nn);
      for (let j = 0; j < nn; j++) {
        for (let i = 0; i < hh; i++) {
          const di = pair(base, Z[i + j * hh]!, param)[1];
          expect(Object.is(G[i + j * hh], v[i]! * r[j]! * (di * inv))).toBe(true);
        }
      }
    });
  }
});
