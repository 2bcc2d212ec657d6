/**
 * Infinite-width kernels of the deep FC network (src/kernels/deep-limit.ts): L = 1 against the
 * two-layer expected kernels (H4/H5), closed forms against 2-D Gauss–Hermite, the function
 * h(a, b, c) against the matrices, ReLU's exact diagonal, and the empirical NTK converging to
 * the limit at rate width^{-1/2}.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type Mat, frobenius, gram, sub, view, zeros } from '../../src/linalg';
import { deepNetworkKernels } from '../../src/kernels/deep';
import { deepKernelFunction, deepLimitCrossKernels, deepLimitKernels, deepLimitNtk } from '../../src/kernels/deep-limit';
import { expectedKernels } from '../../src/kernels/expected';
import { deepGaussianInit } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { fitLogLog, type Point } from '../../src/stats';
import { relErr } from '../helpers/relative-error';

/** Inputs with varied norms (a = ‖x‖²/d between ~0.3 and ~3), d×n. */
function inputs(seed: number, d: number, n: number): Mat {
  const rng = rngFor(seed, 'deep-limit-inputs', d, n);
  const X = rng.split('X').randn(d, n);
  const u = rng.split('scale');
  for (let j = 0; j < n; j++) {
    const s = 0.5 + 1.2 * u.uniform();
    for (let i = 0; i < d; i++) X.data[i + j * d] *= s;
  }
  return X;
}

describe('deep infinite-width kernels at L = 1', () => {
  it('equal the two-layer expected kernels of H4/H5: Θ = Θ1* + Θ2*, CK = Θ2* — exactly (the same pair expectations, and q₂ + q₁q̇₁ is Θ2* + Θ1*·c with commuted operands)', () => {
    const X = inputs(1, 12, 30);
    for (const name of ['erf', 'relu', 'tanh', 'softplus']) {
      const act = activation(name);
      const ref = expectedKernels(X, act);
      const K = deepLimitKernels(X, act, 1, ['ntk', 'ck', 'layers']);
      expect(K.ntk!.data, `${name}: NTK`).toEqual(ref.ntk!.data);
      expect(K.layers![0]!.data, `${name}: the W_1 term is Θ1*`).toEqual(ref.ntk1!.data);
      expect(K.ck!.data, `${name}: CK`).toEqual(ref.ntk2!.data);
    }
  });
});

describe('closed forms against 2-D Gauss–Hermite', () => {
  it('erf and ReLU recursions at depth 1…4 agree with the tensor rule on random (a, b, c) to 1e-10 (relative)', () => {
    const rng = rngFor(2, 'deep-limit-triples');
    for (const name of ['erf', 'relu']) {
      const act = activation(name);
      for (let depth = 1; depth <= 4; depth++) {
        const closed = deepKernelFunction(act, depth, { method: 'closed' });
        const tensor = deepKernelFunction(act, depth, { method: 'tensor' });
        for (let t = 0; t < 4; t++) {
          const a = 0.3 + 2 * rng.uniform(), b = 0.3 + 2 * rng.uniform();
          const c = (2 * rng.uniform() - 1) * 0.95 * Math.sqrt(a * b);
          const x = closed(a, b, c), y = tensor(a, b, c);
          const tag = `${name} L=${depth} (${a.toFixed(3)}, ${b.toFixed(3)}, ${c.toFixed(3)})`;
          expect(Math.abs(x.ntk - y.ntk) / Math.abs(y.ntk), `${tag} NTK`).toBeLessThan(1e-10);
          expect(Math.abs(x.ck - y.ck) / Math.abs(y.ck), `${tag} CK`).toBeLessThan(1e-10);
          const dx = closed(a, a, a, { diagonal: true }), dy = tensor(a, a, a, { diagonal: true });
          expect(Math.abs(dx.ntk - dy.ntk) / dy.ntk, `${tag} diagonal`).toBeLessThan(1e-10);
        }
      }
    }
  });

  it('the Hermite series (tanh, softplus) agrees with the tensor rule at depth 3 (rel. 1e-10)', () => {
    const X = inputs(3, 8, 6);
    for (const name of ['tanh', 'softplus']) {
      const act = activation(name);
      const series = deepLimitKernels(X, act, 3, ['ntk', 'ck'], { method: 'series' });
      const tensor = deepLimitKernels(X, act, 3, ['ntk', 'ck'], { method: 'tensor' });
      expect(relErr(series.ntk!, tensor.ntk!), `${name} NTK`).toBeLessThan(1e-10);
      expect(relErr(series.ck!, tensor.ck!), `${name} CK`).toBeLessThan(1e-10);
    }
  });

  it('ReLU has the exact diagonal CK = a/2^L and NTK = (L+1)·a/2^L (q̇ = ½ on the diagonal)', () => {
    const h = (L: number) => deepKernelFunction(activation('relu'), L);
    for (const L of [1, 2, 3, 5]) {
      for (const a of [0.5, 1, 2.75]) {
        const v = h(L)(a, a, a, { diagonal: true });
        expect(v.ck).toBeCloseTo(a / 2 ** L, 15);
        expect(v.ntk).toBeCloseTo(((L + 1) * a) / 2 ** L, 15);
      }
    }
  });
});

describe('h(a, b, c) and the matrices', () => {
  it('every entry of deepLimitKernels is h(‖x_i‖²/d, ‖x_j‖²/d, x_iᵀx_j/d) (diagonal: h(a, a, a)), bit for bit', () => {
    const X = inputs(4, 10, 7);
    const n = X.cols;
    // a, b, c from the same Gram matrix XᵀX/d the recursion starts from.
    const G = gram(X, { trans: true, alpha: 1 / X.rows });
    for (const name of ['erf', 'tanh']) {
      const act = activation(name);
      const K = deepLimitKernels(X, act, 3);
      const h = deepKernelFunction(act, 3);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          // The matrices fill the upper triangle (row index ≤ column index) and mirror it; h is
          // symmetric in (a, b) only up to rounding, so evaluate it in that order.
          const lo = Math.min(i, j), hi = Math.max(i, j);
          const a = G.data[lo + lo * n]!, b = G.data[hi + hi * n]!, c = G.data[lo + hi * n]!;
          const v = i === j ? h(a, a, a, { diagonal: true }) : h(a, b, c);
          expect(Object.is(v.ntk, K.ntk!.data[i + j * n]), `${name} (${i}, ${j})`).toBe(true);
          expect(Object.is(v.ck, K.ck!.data[i + j * n]), `${name} (${i}, ${j}) CK`).toBe(true);
        }
      }
    }
  });

  it('cross kernels reproduce the training kernel on shared points (rel. 1e-14), and deepLimitNtk is the NTK', () => {
    const X = inputs(5, 9, 8);
    const act = activation('softplus');
    const K = deepLimitKernels(X, act, 2, ['ntk', 'ck', 'layers']);
    expect(deepLimitNtk(X, act, 2).data).toEqual(K.ntk!.data);
    // Θ = Σ_l (W_l terms) + CK, the unrolled recursion.
    const sum = zeros(8, 8);
    for (let i = 0; i < sum.data.length; i++) sum.data[i] = K.ck!.data[i]! + K.layers!.reduce((s, T) => s + T.data[i]!, 0);
    expect(relErr(sum, K.ntk!)).toBeLessThan(1e-15);
    const Xt = view(X, 0, 2, 9, 5);
    const C = deepLimitCrossKernels(X, Xt, act, 2, ['ntk', 'ck', 'layers']);
    const block = (M: Mat): Mat => {
      const B = zeros(8, 5);
      for (let j = 0; j < 5; j++) for (let i = 0; i < 8; i++) B.data[i + 8 * j] = M.data[i + 8 * (j + 2)]!;
      return B;
    };
    for (const key of ['ntk', 'ck'] as const) expect(relErr(C[key]!, block(K[key]!)), key).toBeLessThan(1e-14);
    C.layers!.forEach((T, k) => expect(relErr(T, block(K.layers![k]!)), `W${k + 1} term`).toBeLessThan(1e-14));
  });

  it('rejects bad depth, kernel names, shapes and covariances', () => {
    const act = activation('erf');
    const X = inputs(6, 4, 3);
    expect(() => deepLimitKernels(X, act, 0)).toThrow(/depth .* must be an integer ≥ 1, got 0/);
    expect(() => deepLimitKernels(X, act, 2, ['nngp' as 'ck'])).toThrow(/unknown kernel 'nngp'/);
    expect(() => deepLimitCrossKernels(X, zeros(5, 2), act, 2)).toThrow(/X is 4×3, X′ is 5×2/);
    expect(() => deepKernelFunction(act, 2)(1, 1, 1.5)).toThrow(/exceeds ab/);
    expect(() => deepKernelFunction(act, 2)(NaN, 1, 0)).toThrow(/need finite a, b ≥ 0/);
    expect(() => deepKernelFunction(activation('tanh'), 2, { method: 'closed' })(1, 1, 0)).toThrow(/no closed form for activation 'tanh'/);
    const Xn = zeros(4, 3);
    Xn.data[5] = NaN;
    expect(() => deepLimitKernels(Xn, act, 2)).toThrow(/X/);
  });
});

describe('the empirical NTK tends to the infinite-width one', () => {
  it('relative Frobenius error ∝ width^{-1/2} (fitted log-log slope −½ ± 0.15, per-layer terms ± 0.2; erf depth 3, ReLU depth 2, widths 64…1024, 6 trials each; measured NTK −0.49 and −0.46, CK −0.48 and −0.56)', () => {
    // Fluctuations of a sum over w independent units: the kernel error is O(w^{-1/2}) per
    // layer at fixed depth (the bias of the mean is O(1/w), invisible at these widths).
    const n = 8, d = 10;
    const widths = [64, 128, 256, 512, 1024];
    for (const [name, depth] of [['erf', 3], ['relu', 2]] as const) {
      const act = activation(name);
      const X = inputs(7, d, n);
      const limit = deepLimitKernels(X, act, depth, ['ntk', 'ck', 'layers']);
      const layerPoints: Point[][] = Array.from({ length: depth }, () => []);
      const points: Point[] = [];
      const ckPoints: Point[] = [];
      for (const w of widths) {
        for (let trial = 0; trial < 6; trial++) {
          const net = deepGaussianInit(rngFor(8, 'deep-limit-convergence', name, w, trial), [d, ...new Array<number>(depth).fill(w)], act);
          const K = deepNetworkKernels(net, X, ['ntk', 'ck', 'layers']);
          points.push({ x: w, y: relErr(K.ntk!, limit.ntk!), trial });
          ckPoints.push({ x: w, y: relErr(K.ck!, limit.ck!), trial });
          K.layers!.forEach((T, k) => layerPoints[k]!.push({ x: w, y: relErr(T, limit.layers![k]!), trial }));
        }
      }
      const fit = fitLogLog(points);
      const ckFit = fitLogLog(ckPoints);
      expect(Math.abs(fit.slope + 0.5), `${name} NTK slope ${fit.slope}`).toBeLessThan(0.15);
      expect(Math.abs(ckFit.slope + 0.5), `${name} CK slope ${ckFit.slope}`).toBeLessThan(0.15);
      layerPoints.forEach((p, k) => {
        // Per-layer terms are noisier (measured: erf −0.51, −0.52, −0.45; ReLU −0.33, −0.34 here,
        // while their mean over 100 networks is within the 1/√100 noise of the limit at w = 256
        // and 1024, so the limit itself is right): a wider band.
        const s = fitLogLog(p).slope;
        expect(Math.abs(s + 0.5), `${name} W${k + 1} term slope ${s}`).toBeLessThan(0.2);
      });
    }
  });
});
