import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, activation } from '../../src/activations';
import { frobenius, gram, zeros, type Mat, eigvalsh, isSymmetric, view, sub } from '../../src/linalg';
import {
  allocGradients,
  cloneNet,
  forward,
  gaussianInit,
  gradients,
  mseLoss,
  predict,
  symmetricInit,
  type TwoLayerNet,
} from '../../src/model/network';
import {
  ckChangeDirect,
  crossKernels,
  kernelDifference,
  kernelTargetAlignment,
  networkKernels,
  ntk1ChangeDirect,
} from '../../src/kernels/empirical';
import { rngFor } from '../../src/random';
import { train } from '../../src/train/train';
import { relErr } from '../helpers/relative-error';

function setup(name: string, h: number, d: number, n: number, seed = 1) {
  const rng = rngFor(seed, 'test', name, h, d, n);
  const act = activation(name);
  const net = gaussianInit(rng.split('init'), h, d, act);
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  return { net, X, y };
}

/** Explicit Jacobian of f(X) w.r.t. (vec W column-major, v): n × (h·d + h). */
function jacobian(net: TwoLayerNet, X: Mat): { JW: Mat; Jv: Mat } {
  const h = net.W.rows, d = net.W.cols, n = X.cols;
  const JW = zeros(n, h * d), Jv = zeros(n, h);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < h; i++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += net.W.data[i + k * h] * X.data[k + s * d];
      z /= Math.sqrt(d);
      Jv.data[s + i * n] = net.act.sigma(z) / Math.sqrt(h);
      const c = (net.v[i] * net.act.d1(z)) / Math.sqrt(h * d);
      for (let k = 0; k < d; k++) JW.data[s + (i + k * h) * n] = c * X.data[k + s * d];
    }
  }
  return { JW, Jv };
}

describe('two-layer network', () => {
  it('symmetric init gives f_0 ≡ 0 exactly (paired rows cancel in the same order of operations)', () => {
    const rng = rngFor(3, 'sym');
    const net = symmetricInit(rng, 10, 7, activation('erf'));
    const X = rng.split('X').randn(7, 25);
    const f = predict(net, X);
    // gemv sums v_i σ_i over i; the two halves hold x and −x, but summation order may
    // interleave other terms, so allow a rounding-level residue relative to the terms' size.
    for (const fi of f) expect(Math.abs(fi)).toBeLessThan(1e-15);
    expect(() => symmetricInit(rng, 9, 7, activation('erf'))).toThrow(/width must be even/);
  });

  it('gradients match central finite differences for every activation (rel. 1e-6: FD error O(ε²) with ε = 1e-5)', () => {
    for (const name of ACTIVATION_NAMES) {
      const { net, X, y } = setup(name, 6, 4, 9);
      // Avoid ReLU kinks: the FD step must not straddle a zero pre-activation.
      const cache = forward(net, X, { derivative: true });
      const g = allocGradients(6, 4, 9);
      gradients(net, X, y, cache, g, 'both');
      const lossAt = (m: TwoLayerNet) => mseLoss(predict(m, X), y);
      const eps = 1e-5;
      let maxErr = 0, maxG = 0;
      const check = (arr: (m: TwoLayerNet) => Float64Array, grad: Float64Array) => {
        for (let p = 0; p < grad.length; p++) {
          const a = cloneNet(net), b = cloneNet(net);
          arr(a)[p] += eps;
          arr(b)[p] -= eps;
          const fd = (lossAt(a) - lossAt(b)) / (2 * eps);
          maxErr = Math.max(maxErr, Math.abs(fd - grad[p]));
          maxG = Math.max(maxG, Math.abs(grad[p]));
        }
      };
      check((m) => m.W.data, g.gW.data);
      check((m) => m.v, g.gv);
      expect(maxErr / maxG, name).toBeLessThan(name.includes('relu') ? 1e-4 : 1e-6);
    }
  });

  it('rejects mismatched shapes with a message naming both shapes', () => {
    const { net } = setup('tanh', 5, 3, 4);
    expect(() => forward(net, zeros(4, 2))).toThrow(/W is 5×3 so X must have 3 rows, got 4×2/);
  });
});

describe('empirical kernels', () => {
  it('every NTK equals J Jᵀ from an explicit Jacobian (rel. 1e-13: same sums, different order)', () => {
    for (const name of ['tanh', 'relu', 'erf', 'softplus', 'normalized_tanh']) {
      const { net, X } = setup(name, 7, 5, 6);
      const { JW, Jv } = jacobian(net, X);
      const K = networkKernels(net, X);
      expect(relErr(K.ntk1!, gram(JW)), name).toBeLessThan(1e-13);
      expect(relErr(K.ck!, gram(Jv)), name).toBeLessThan(1e-13);
      const full = gram(JW);
      gram(Jv, { out: full, beta: 1 });
      expect(relErr(K.ntk!, full), name).toBeLessThan(1e-13);
    }
  });

  it('CK, K1 and NTK are symmetric PSD (λ_min ≥ −1e-12·λ_max)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 15 }),
        fc.constantFrom('tanh', 'relu', 'sigmoid'), (h, d, n, name) => {
          const { net, X } = setup(name, h, d, n, h * 1000 + d * 10 + n);
          const K = networkKernels(net, X);
          for (const M of [K.ck!, K.ntk1!, K.ntk!]) {
            expect(isSymmetric(M)).toBe(true);
            const ev = eigvalsh(M);
            expect(ev[0]).toBeGreaterThanOrEqual(-1e-12 * Math.max(ev[n - 1], 1e-300));
          }
        }),
      { seed: 5, numRuns: 30 },
    );
  });

  it('cross kernels agree with the training kernel on shared points (rel. 1e-14)', () => {
    const { net, X } = setup('tanh', 9, 4, 8);
    const Xt = view(X, 0, 2, 4, 3);
    const K = networkKernels(net, X);
    const C = crossKernels(net, X, Xt);
    for (const key of ['ck', 'ntk1', 'ntk'] as const) {
      const full = K[key]!;
      const cross = C[key]!;
      expect(cross.rows).toBe(8);
      expect(cross.cols).toBe(3);
      for (let j = 0; j < 3; j++)
        for (let i = 0; i < 8; i++)
          expect(Math.abs(cross.data[i + j * 8] - full.data[i + (j + 2) * 8])).toBeLessThan(1e-14 * frobenius(full));
    }
  });

  it('kernel changes: the plain difference keeps ≥ 8 digits of the direct (activation-difference) formula in float64', () => {
    // DESIGN.md principle 1: compute K_t − K_0 both ways at the largest size run here and
    // show ≥ 8 correct digits, then use the cheaper plain difference in the engine.
    const n = 400, h = 480, d = 240;
    const { net, X, y } = setup('normalized_relu', h, d, n, 9);
    const net0 = cloneNet(net);
    const c0 = forward(net0, X, { derivative: true });
    const K0 = networkKernels(net0, X, ['ck', 'ntk1']);
    train(net, X, y, { optimizer: 'gd', lr: 1, layers: 'first', maxSteps: 3 });
    const ct = forward(net, X, { derivative: true });
    const Kt = networkKernels(net, X, ['ck', 'ntk1']);
    const plainCk = kernelDifference(K0.ck!, Kt.ck!);
    const directCk = ckChangeDirect(c0.A, ct.A);
    const plainK1 = kernelDifference(K0.ntk1!, Kt.ntk1!);
    const directK1 = ntk1ChangeDirect(net0.v, c0.D, net.v, ct.D, X);
    // The change itself is small compared with the kernel (this is what makes float32 fail).
    expect(frobenius(directCk) / frobenius(K0.ck!)).toBeLessThan(0.05);
    expect(relErr(plainCk, directCk)).toBeLessThan(1e-8);
    expect(relErr(plainK1, directK1)).toBeLessThan(1e-8);
  });

  it('kernel-target alignment is 1 for K = yyᵀ and invariant to scaling K', () => {
    const y = Float64Array.from([1, -2, 0.5]);
    const K = zeros(3, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) K.data[i + 3 * j] = y[i] * y[j];
    expect(kernelTargetAlignment(K, y)).toBeCloseTo(1, 14);
    const K2 = zeros(3, 3);
    for (let i = 0; i < 9; i++) K2.data[i] = 5 * K.data[i];
    expect(kernelTargetAlignment(K2, y)).toBeCloseTo(1, 14);
  });
});
