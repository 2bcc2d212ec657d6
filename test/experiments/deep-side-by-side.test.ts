/**
 * src/experiments/protocols/deep-side-by-side.ts: the deep network (train() on y + f_0) and its
 * linear model (SGD on the same batches) side by side; the rate limit's λ_max; the relative MSE.
 * Tolerances: 1e-12 relative for two computations of the same outputs in the same order of
 * operations; 1e-9 for a power iteration stopped at a relative change of 1e-12 against LAPACK.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { convSideBySide, deepLinearModelSgd, deepLinearTopEigenvalue, deepSideBySide, relativeMse } from '../../src/experiments';
import { deepLinearCoefficients, deepLinearKernel } from '../../src/kernels/deep-linear-model';
import { topEigenvalues } from '../../src/linalg/ops';
import { cloneConvNet, convNetInit, convNetPredict } from '../../src/model/conv-net';
import { cloneDeepNet, deepGaussianInit, deepPredict } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { train } from '../../src/train/train';
import { relDiff } from '../helpers/relative-error';

describe('deep network and its linear model side by side', () => {
  const d = 10, n = 40, nt = 15, w = 24;
  const X = rngFor(2, 'X').randn(d, n), Xt = rngFor(2, 'Xt').randn(d, nt);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1));
  const act = activation('erf');
  const k = deepLinearCoefficients(act, 3);
  const net = deepGaussianInit(rngFor(2, 'init'), [d, w, w, w], act);

  it('records f_t − f_0 of train() on y + f_0, and the linear model SGD on the same batches; the input net is untouched', () => {
    const before = deepPredict(net, Xt);
    const at = [0, 3, 7, 12];
    const rng = rngFor(9, 'batches');
    const r = deepSideBySide(net, X, y, { eta: 0.5, batchSize: 16, steps: 12, recordAt: at, rng, Xtest: Xt, coefficients: k });
    expect(r.records.map((q) => q.step)).toEqual(at);
    expect(relDiff(deepPredict(net, Xt), before)).toBe(0);
    // Independent path: train a copy on y + f_0 and read f_t − f_0 at the same steps.
    const f0 = deepPredict(net, X), f0t = deepPredict(net, Xt);
    const ref = new Map<number, Float64Array>();
    train(cloneDeepNet(net), X, y.map((v, i) => v + f0[i]!), {
      optimizer: 'sgd', lr: 0.5, layers: 'both', batchSize: 16, maxSteps: 12, rng,
      observers: [{ at, fn: (s) => ref.set(s.step, deepPredict(s.net, Xt).map((v, j) => v - f0t[j]!)) }],
    });
    const lin = deepLinearModelSgd(X, y, k, 0.5, 12, { batchSize: 16, rng, Xtest: Xt, recordAt: at, diagonal: 'off-diagonal' });
    for (const [i, q] of r.records.entries()) {
      expect(relDiff(q.netTest, ref.get(q.step)!)).toBeLessThan(1e-12);
      expect(relDiff(q.linTest, lin.records[i]!.test!)).toBeLessThan(1e-12);
    }
    // Both start at 0 (initial output subtracted; f^lin_0 = 0) and have moved by step 12.
    expect(Math.max(...r.records[0]!.netTest.map(Math.abs))).toBe(0);
    expect(Math.max(...r.records[0]!.linTest.map(Math.abs))).toBe(0);
    const last = r.records[r.records.length - 1]!;
    expect(Math.max(...last.netTest.map(Math.abs))).toBeGreaterThan(1e-3);
    // Early on the two agree to well under their own size (erf, small rate).
    expect(relativeMse(r.records[1]!.netTest, r.records[1]!.linTest)).toBeLessThan(0.5);
  });

  it('λ_max of Θlin by power iteration equals LAPACK on the explicit kernel (both diagonals, ReLU has norm terms)', () => {
    for (const name of ['erf', 'relu']) {
      const kk = deepLinearCoefficients(activation(name), 2);
      for (const diagonal of ['off-diagonal', 'taylor'] as const) {
        const exact = topEigenvalues(deepLinearKernel(X, kk, { diagonal }), 1)[0]!;
        const power = deepLinearTopEigenvalue(X, kk, { diagonal, tol: 1e-13, maxIter: 5000 });
        expect(Math.abs(power - exact) / exact).toBeLessThan(1e-9);
      }
    }
  });

  it('relative MSE: 0 for equal outputs, 1 for g = 0, and refuses lengths that differ', () => {
    const f = [1, -2, 3];
    expect(relativeMse(f, f)).toBe(0);
    expect(relativeMse(f, [0, 0, 0])).toBe(1);
    expect(relativeMse([2, 0], [1, 0])).toBeCloseTo(0.25, 15);
    expect(() => relativeMse([1, 2], [1])).toThrow(/differ/);
  });
});

describe('the deep CNN and its linear model side by side (convSideBySide)', () => {
  it('records f_t − f_0 of train() on the CNN and the same linear model SGD as deepSideBySide would (4×4 images)', () => {
    const n = 30, nt = 10;
    const X = rngFor(3, 'X').randn(16, n), Xt = rngFor(3, 'Xt').randn(16, nt);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1));
    const act = activation('erf');
    const k = deepLinearCoefficients(act, 2);
    const net = convNetInit(rngFor(3, 'init'), { height: 4, width: 4, kernel: 3, channels: [3, 3] }, act);
    const at = [0, 4, 9];
    const rng = rngFor(9, 'batches');
    const r = convSideBySide(net, X, y, { eta: 0.5, batchSize: 8, steps: 9, recordAt: at, rng, Xtest: Xt, coefficients: k });
    expect(r.records.map((q) => q.step)).toEqual(at);
    const f0 = convNetPredict(net, X), f0t = convNetPredict(net, Xt);
    const ref = new Map<number, Float64Array>();
    train(cloneConvNet(net), X, y.map((v, i) => v + f0[i]!), {
      optimizer: 'sgd', lr: 0.5, layers: 'both', batchSize: 8, maxSteps: 9, rng,
      observers: [{ at, fn: (s) => ref.set(s.step, convNetPredict(s.net, Xt).map((v, j) => v - f0t[j]!)) }],
    });
    const lin = deepLinearModelSgd(X, y, k, 0.5, 9, { batchSize: 8, rng, Xtest: Xt, recordAt: at, diagonal: 'off-diagonal' });
    for (const [i, q] of r.records.entries()) {
      expect(relDiff(q.netTest, ref.get(q.step)!)).toBeLessThan(1e-12);
      expect(relDiff(q.linTest, lin.records[i]!.test!)).toBeLessThan(1e-12);
    }
    expect(Math.max(...r.records[0]!.netTest.map(Math.abs))).toBe(0);
    expect(Math.max(...r.records[2]!.netTest.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});
