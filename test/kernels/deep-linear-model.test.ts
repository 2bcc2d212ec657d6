/**
 * The deep linear model (src/kernels/deep-linear-model.ts): Taylor coefficients of h by
 * Richardson-extrapolated finite differences, against Hu's constants at L = 1, against
 * forward-mode derivatives of erf's closed forms at L = 1…4, against ReLU's homogeneity; the
 * kernel against Hu's Θlin at L = 1, and as an approximation of the deep NTK as d grows.
 */
import { describe, expect, it } from 'vitest';
import { activation, gaussianConstants } from '../../src/activations';
import { type Mat, maxAbs, sub, symmetricOpNorm, view, zeros } from '../../src/linalg';
import { deepLimitKernels } from '../../src/kernels/deep-limit';
import { deepLinearCoefficients, deepLinearCrossKernel, deepLinearKernel } from '../../src/kernels/deep-linear-model';
import { deepLinearModelGd } from '../../src/kernels/deep-linear-gd';
import { linearKernel, linearModelGdKernel, stabilityLimit } from '../../src/kernels/linear-model';
import { rngFor } from '../../src/random';

/**
 * Forward-mode derivative of the erf network's h along a direction, from the closed forms
 * F = E[erf erf] = (2/π) asin(2c/S), S = √((1+2a)(1+2b)), and G = E[erf′ erf′] = (4/π) P^{−1/2},
 * P = (1+2a)(1+2b) − 4c², with their partial derivatives written out by hand.
 */
function erfDirectional(depth: number, p: { a: number; b: number; c: number }, dir: { a: number; b: number; c: number }, diagonal: boolean): { value: number; derivative: number } {
  let { a, b, c } = p;
  let da = dir.a, db = dir.b, dc = dir.c;
  let t = c, dt = dc;
  const k2 = 2 / Math.PI, k4 = 4 / Math.PI;
  for (let l = 0; l < depth; l++) {
    // Diagonal variances: a ↦ (2/π) asin(2a/(1+2a)), derivative (2/π)·2/((1+2a)²√(1−r²)).
    const diagF = (x: number): [number, number] => {
      const r = (2 * x) / (1 + 2 * x);
      return [k2 * Math.asin(r), (k2 * 2) / ((1 + 2 * x) ** 2 * Math.sqrt(1 - r * r))];
    };
    let F: number, Fa: number, Fb: number, Fc: number, G: number, Ga: number, Gb: number, Gc: number;
    if (diagonal) {
      // a = b = c: F(a, a, a) and G(a, a, a) = (4/π)(1+4a)^{−1/2} as functions of a alone.
      [F, Fa] = diagF(a);
      Fb = 0;
      Fc = 0;
      G = k4 / Math.sqrt(1 + 4 * a);
      Ga = -2 * k4 * (1 + 4 * a) ** -1.5;
      Gb = 0;
      Gc = 0;
    } else {
      const S = Math.sqrt((1 + 2 * a) * (1 + 2 * b));
      const rho = (2 * c) / S;
      const w = 1 / Math.sqrt(1 - rho * rho);
      F = k2 * Math.asin(rho);
      Fc = (k2 * w * 2) / S;
      Fa = (-k2 * w * rho) / (1 + 2 * a);
      Fb = (-k2 * w * rho) / (1 + 2 * b);
      const P = (1 + 2 * a) * (1 + 2 * b) - 4 * c * c;
      G = k4 / Math.sqrt(P);
      Ga = -k4 * (1 + 2 * b) * P ** -1.5;
      Gb = -k4 * (1 + 2 * a) * P ** -1.5;
      Gc = 4 * k4 * c * P ** -1.5;
    }
    const dF = Fa * da + Fb * db + Fc * dc;
    const dG = Ga * da + Gb * db + Gc * dc;
    const nt = F + t * G;
    dt = dF + dt * G + t * dG;
    t = nt;
    if (diagonal) {
      a = F;
      da = dF;
    } else {
      const [fa, fa1] = diagF(a);
      const [fb, fb1] = diagF(b);
      da = fa1 * da;
      db = fb1 * db;
      a = fa;
      b = fb;
      c = F;
      dc = dF;
    }
  }
  return { value: t, derivative: dt };
}

describe('deep linear-model coefficients', () => {
  it('at L = 1 are Hu et al.\'s constants: h0 = ϑ0², h_c = 2ζ², ½h_cc = (3/2)μ², h_a = ϑ0ϑ1/2, h_ab = ϑ1²/4, ½h_aa = ϑ0(ϑ2/4 − ϑ1/8)', () => {
    // First derivatives to 1e-12, second to 1e-10: Richardson removes truncation to ~1e-10·h⁽⁸⁾
    // and rounding costs ~1e-11 (module comment); measured ≤ 3e-12.
    for (const name of ['erf', 'relu', 'softplus', 'tanh', 'sigmoid']) {
      const act = activation(name);
      const k = deepLinearCoefficients(act, 1);
      const g = gaussianConstants(act);
      expect(Math.abs(k.h0 - g.theta0 ** 2), `${name} h0`).toBeLessThan(1e-14);
      expect(Math.abs(k.hc - 2 * g.zeta ** 2), `${name} hc`).toBeLessThan(1e-12);
      expect(Math.abs(k.ha - (g.theta0 * g.theta1) / 2), `${name} ha`).toBeLessThan(1e-12);
      expect(Math.abs(0.5 * k.hcc - 1.5 * g.mu ** 2), `${name} hcc`).toBeLessThan(1e-10);
      expect(Math.abs(k.hab - g.theta1 ** 2 / 4), `${name} hab`).toBeLessThan(1e-10);
      expect(Math.abs(0.5 * k.haa - g.theta0 * (g.theta2 / 4 - g.theta1 / 8)), `${name} haa`).toBeLessThan(1e-10);
    }
  });

  it('erf, depth 1…4: h_c, h_a and g′ equal forward-mode derivatives of the closed forms (1e-11)', () => {
    const act = activation('erf');
    for (let depth = 1; depth <= 4; depth++) {
      const k = deepLinearCoefficients(act, depth);
      const at = { a: 1, b: 1, c: 0 };
      const hc = erfDirectional(depth, at, { a: 0, b: 0, c: 1 }, false);
      const ha = erfDirectional(depth, at, { a: 1, b: 0, c: 0 }, false);
      const g = erfDirectional(depth, { a: 1, b: 1, c: 1 }, { a: 1, b: 1, c: 1 }, true);
      expect(Math.abs(k.h0 - hc.value), `L=${depth} h0`).toBeLessThan(1e-15);
      expect(Math.abs(k.g0 - g.value), `L=${depth} g0`).toBeLessThan(1e-14);
      expect(Math.abs(k.hc - hc.derivative), `L=${depth} hc`).toBeLessThan(1e-11);
      expect(Math.abs(k.ha - ha.derivative), `L=${depth} ha`).toBeLessThan(1e-11);
      expect(Math.abs(k.g1 - g.derivative), `L=${depth} g1`).toBeLessThan(1e-11);
      expect(hc.derivative, 'the reference is not trivially zero').toBeGreaterThan(0.3);
      expect(g.derivative).toBeGreaterThan(0.05);
    }
  });

  it('ReLU (positively homogeneous of degree 1): h_a = h0/2, h_aa + h_ab = 0, g′ = g, g″ = 0 at depth 2 and 3', () => {
    // Euler: a h_a + b h_b + c h_c = h, and h_a is homogeneous of degree 0.
    for (const depth of [2, 3]) {
      const k = deepLinearCoefficients(activation('relu'), depth);
      expect(Math.abs(k.ha - k.h0 / 2), `L=${depth}`).toBeLessThan(1e-12);
      expect(Math.abs(k.haa + k.hab), `L=${depth}`).toBeLessThan(1e-10);
      expect(Math.abs(k.g1 - k.g0)).toBeLessThan(1e-12);
      expect(Math.abs(k.g2)).toBeLessThan(1e-10);
      expect(k.h0).toBeGreaterThan(0.1);
      const ck = deepLinearCoefficients(activation('relu'), depth, { kernel: 'ck' });
      expect(Math.abs(ck.ha - ck.h0 / 2)).toBeLessThan(1e-12);
    }
  });

  it('rejects an unknown kernel, a bad step and a bad depth', () => {
    const act = activation('erf');
    expect(() => deepLinearCoefficients(act, 2, { kernel: 'nngp' as 'ck' })).toThrow(/unknown kernel 'nngp'/);
    expect(() => deepLinearCoefficients(act, 2, { step: 0.5 })).toThrow(/step must be in \(0, 1\/4\]/);
    expect(() => deepLinearCoefficients(act, 0)).toThrow(/depth/);
  });
});

describe('deep linear-model kernel', () => {
  it('at L = 1 (off-diagonal formula everywhere) is Hu\'s Θlin up to third order in the norm deviations', () => {
    // Inputs with prescribed norms ‖x‖²/d = 1 + δ_j, |δ_j| ≤ ε = 0.003: the two models differ
    // only by the cubic terms of q(s) written in δa instead of s − 1 (|coefficients| < 1), so
    // entries agree within ε³ = 2.7e-8, while a wrong second-order coefficient (error 0.01)
    // would show as 0.01·ε² = 9e-8.
    const d = 40, n = 12, eps = 0.003;
    const X = rngFor(9, 'deep-lin-hu').randn(d, n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += X.data[i + j * d]! ** 2;
      const target = 1 + eps * Math.cos(j);
      const f = Math.sqrt((target * d) / s);
      for (let i = 0; i < d; i++) X.data[i + j * d] *= f;
    }
    for (const name of ['relu', 'softplus', 'sigmoid', 'erf']) {
      const act = activation(name);
      const K = deepLinearKernel(X, deepLinearCoefficients(act, 1), { diagonal: 'off-diagonal' });
      expect(maxAbs(sub(K, linearKernel(X, act, 'both'))), name).toBeLessThan(eps ** 3);
    }
  });

  it('approximates the deep NTK better as d grows (n = d^1.5): ‖Θ* − Θlin‖_op/‖Θlin‖_op falls, and the diagonal expansion helps', () => {
    const ratios: Record<string, number[]> = {};
    for (const [name, depth] of [['erf', 3], ['relu', 2]] as const) {
      const act = activation(name);
      const k = deepLinearCoefficients(act, depth);
      ratios[name] = [];
      for (const d of [16, 32, 64]) {
        const n = Math.round(d ** 1.5);
        const X = rngFor(10, 'deep-lin-approx', d).randn(d, n);
        const T = deepLimitKernels(X, act, depth, ['ntk']).ntk!;
        const lin = deepLinearKernel(X, k);
        const off = deepLinearKernel(X, k, { diagonal: 'off-diagonal' });
        const r = symmetricOpNorm(sub(T, lin)) / symmetricOpNorm(lin);
        ratios[name]!.push(r);
        expect(r, `${name} d=${d}: the Taylor diagonal is closer than the off-diagonal formula`).toBeLessThan(symmetricOpNorm(sub(T, off)) / symmetricOpNorm(off));
      }
      const [r16, r32, r64] = ratios[name]!;
      // Measured (this seed): erf L=3 0.167 → 0.141 → 0.103 (≈ d^{-0.35}); ReLU L=2 0.021 → 0.0089 → 0.0029.
      expect(r32!, name).toBeLessThan(r16!);
      expect(r64!, name).toBeLessThan(0.75 * r16!);
    }
  });

  it('cross kernels are the off-diagonal blocks of the training kernel; traceSigmaSq moves only the constant', () => {
    const act = activation('softplus');
    const k = deepLinearCoefficients(act, 2);
    const X = rngFor(11, 'deep-lin-cross').randn(20, 9);
    const K = deepLinearKernel(X, k, { diagonal: 'off-diagonal' });
    const C = deepLinearCrossKernel(X, view(X, 0, 4, 20, 5), k);
    const B: Mat = zeros(9, 5);
    for (let j = 0; j < 5; j++) for (let i = 0; i < 9; i++) B.data[i + 9 * j] = K.data[i + 9 * (j + 4)]!;
    expect(maxAbs(sub(C, B))).toBeLessThan(1e-15);
    const K2 = deepLinearKernel(X, k, { diagonal: 'off-diagonal', traceSigmaSq: 3 * 20 });
    const shift = (0.5 * k.hcc * (60 - 20)) / 400;
    for (let i = 0; i < K.data.length; i++) expect(K2.data[i]! - K.data[i]!).toBeCloseTo(shift, 15);
    expect(() => deepLinearKernel(X, k, { traceSigmaSq: -1 })).toThrow(/traceSigmaSq must be positive/);
    expect(() => deepLinearCrossKernel(X, zeros(3, 2), k)).toThrow(/X is 20×9, X′ is 3×2/);
  });
});

describe('GD on the deep linear model without an n×n kernel', () => {
  it('follows linearModelGdKernel with deepLinearKernel and its cross kernel (rel. 1e-12 after 40 steps, both diagonal modes)', () => {
    // The same iteration with the kernel applied in another order (Xᵀ(Xr) and a 3×3 coupling
    // instead of one gemv with the n×n matrix): rounding differences only.
    const rng = rngFor(12, 'deep-lin-gd');
    const X = rng.split('X').randn(20, 60);
    const Xt = rng.split('Xt').randn(20, 15);
    const y = rng.split('y').fillNormal(new Float64Array(60));
    for (const [name, depth] of [['relu', 2], ['softplus', 3]] as const) {
      const k = deepLinearCoefficients(activation(name), depth);
      for (const diagonal of ['taylor', 'off-diagonal'] as const) {
        const K = deepLinearKernel(X, k, { diagonal });
        const eta = 0.5 * stabilityLimit(K);
        const ref = linearModelGdKernel(K, y, eta, 40, { crossKernel: deepLinearCrossKernel(X, Xt, k), recordAt: [0, 10, 40] });
        const got = deepLinearModelGd(X, y, k, eta, 40, { Xtest: Xt, diagonal, recordAt: [0, 10, 40] });
        expect(got.records.map((r) => r.step)).toEqual([0, 10, 40]);
        const rel = (a: Float64Array, b: Float64Array) => {
          let e = 0, s = 0;
          for (let i = 0; i < a.length; i++) {
            e += (a[i]! - b[i]!) ** 2;
            s += b[i]! ** 2;
          }
          return Math.sqrt(e / s);
        };
        const tag = `${name} L=${depth} ${diagonal}`;
        expect(rel(got.train, ref.train), `${tag} train`).toBeLessThan(1e-12);
        expect(rel(got.test!, ref.test!), `${tag} test`).toBeLessThan(1e-12);
        expect(Math.abs(got.records[2]!.loss - ref.records[2]!.loss) / ref.records[2]!.loss).toBeLessThan(1e-12);
        expect(got.records[2]!.loss, `${tag}: GD makes progress`).toBeLessThan(0.9 * got.records[0]!.loss);
      }
    }
    const k = deepLinearCoefficients(activation('relu'), 2);
    expect(() => deepLinearModelGd(X, y.subarray(0, 5), k, 1, 3)).toThrow(/y has length 5/);
    expect(() => deepLinearModelGd(X, y, k, 1, 3, { Xtest: zeros(3, 2) })).toThrow(/Xtest is 3×2/);
    expect(() => deepLinearModelGd(X, y, k, 1e6, 50)).toThrow(/non-finite at step/);
  });
});
