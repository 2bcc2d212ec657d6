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
