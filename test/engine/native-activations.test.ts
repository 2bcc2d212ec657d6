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
