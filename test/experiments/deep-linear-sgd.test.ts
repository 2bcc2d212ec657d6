/**
 * src/experiments/protocols/deep-linear-sgd.ts (SGD on the deep linear model, on train()'s
 * batches) and measurements/input-span.ts (the loss split along the span of the inputs).
 * Tolerances: 1e-10 relative where two float64 computations of the same iteration are compared
 * (tens of steps of O(nd) sums in a different order: rounding near 1e-14 a step); 1e-12 for
 * one projection (an SVD and a few dot products).
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { deepLinearModelSgd, inputSpan, kernelModelSgd, lossSplit, minibatchIndices } from '../../src/experiments';
import { deepLimitCrossKernels, deepLimitNtk } from '../../src/kernels/deep-limit';
import { linearModelGdKernel } from '../../src/kernels/linear-model';
import { deepLinearModelGd } from '../../src/kernels/deep-linear-gd';
import { deepLinearCoefficients, deepLinearCrossKernel, deepLinearKernel } from '../../src/kernels/deep-linear-model';
import { type Mat, zeros } from '../../src/linalg/mat';
import { matmul } from '../../src/linalg/ops';
import { rngFor } from '../../src/random';
import { MinibatchSource } from '../../src/train/minibatches';
import { relDiff } from '../helpers/relative-error';

function gaussian(seed: string, d: number, n: number): Mat {
  return rngFor(3, seed).randn(d, n);
}

describe('deep linear model SGD (function space, train()\'s batches)', () => {
  const d = 12, n = 30, nt = 9;
  const X = gaussian('X', d, n), Xt = gaussian('Xt', d, nt);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : -1));
  // ReLU: every Taylor coefficient is non-zero (erf's norm terms vanish), so the norm part is exercised.
  const k = deepLinearCoefficients(activation('relu'), 3);

  it('with b = n equals deepLinearModelGd (both diagonals)', () => {
    for (const diagonal of ['taylor', 'off-diagonal'] as const) {
      const at = [0, 1, 4, 10];
      const gd = deepLinearModelGd(X, y, k, 0.4, 10, { Xtest: Xt, recordAt: at, diagonal });
      const sgd = deepLinearModelSgd(X, y, k, 0.4, 10, { Xtest: Xt, recordAt: at, diagonal, batchSize: n, rng: rngFor(1, 'b') });
      expect(sgd.records.map((r) => r.step)).toEqual(at);
      for (let i = 1; i < at.length; i++) {
        expect(relDiff(sgd.records[i]!.train, gd.records[i]!.train)).toBeLessThan(1e-10);
        expect(relDiff(sgd.records[i]!.test!, gd.records[i]!.test!)).toBeLessThan(1e-10);
      }
    }
  });

  it('with b < n is the kernel iteration on the batches MinibatchSource gathers (last batch smaller)', () => {
    const b = 8; // 30 = 3·8 + 6: a smaller last batch each epoch
    const eta = 0.3, steps = 9;
    const rng = rngFor(5, 'batches');
    // Identify the columns of each gathered batch by their first two entries.
    const src = new MinibatchSource(X, y, b, rng);
    const key = (M: Mat, j: number) => `${M.data[M.offset + j * M.ld]},${M.data[M.offset + j * M.ld + 1]}`;
    const index = new Map<string, number>();
    for (let j = 0; j < n; j++) index.set(key(X, j), j);
    const perEpoch = Math.ceil(n / b);
    const K = deepLinearKernel(X, k);
    const Kt = deepLinearCrossKernel(X, Xt, k); // n×nt
    const u = new Float64Array(n), ut = new Float64Array(nt);
    for (let t = 0; t < steps; t++) {
      const mb = src.gather(Math.floor(t / perEpoch), t % perEpoch);
      const B = Array.from({ length: mb.X.cols }, (_, q) => index.get(key(mb.X, q))!);
      // The protocol's batch rule gives the same columns.
      const order = rng.split(`epoch:${Math.floor(t / perEpoch)}`).shuffle(n);
      expect(minibatchIndices(order, n, b, t % perEpoch)).toEqual(B);
      const r = B.map((j) => u[j]! - y[j]!);
      const du = new Float64Array(n), dut = new Float64Array(nt);
      B.forEach((j, q) => {
        for (let i = 0; i < n; i++) du[i] += K.data[i + j * n]! * r[q]!;
        for (let i = 0; i < nt; i++) dut[i] += Kt.data[j + i * n]! * r[q]!;
      });
      for (let i = 0; i < n; i++) u[i] -= (eta / B.length) * du[i]!;
      for (let i = 0; i < nt; i++) ut[i] -= (eta / B.length) * dut[i]!;
    }
    const sgd = deepLinearModelSgd(X, y, k, eta, steps, { Xtest: Xt, batchSize: b, rng });
    expect(relDiff(sgd.train, u)).toBeLessThan(1e-10);
    expect(relDiff(sgd.test!, ut)).toBeLessThan(1e-10);
    // A different shuffling stream gives different batches, hence different predictions.
    const other = deepLinearModelSgd(X, y, k, eta, steps, { Xtest: Xt, batchSize: b, rng: rngFor(6, 'batches') });
    expect(relDiff(other.train, u)).toBeGreaterThan(1e-6);
  });

  it('refuses a batch size outside [1, n] and a missing rng', () => {
    expect(() => deepLinearModelSgd(X, y, k, 0.1, 2, { batchSize: 0, rng: rngFor(1) })).toThrow(/batchSize/);
    expect(() => deepLinearModelSgd(X, y, k, 0.1, 2, { batchSize: n + 1, rng: rngFor(1) })).toThrow(/batchSize/);
    // @ts-expect-error a missing rng is caught at run time too
    expect(() => deepLinearModelSgd(X, y, k, 0.1, 2, { batchSize: 5 })).toThrow(/rng/);
  });
});

describe('kernel-model SGD (an explicit kernel, train()\'s batches)', () => {
  const d = 10, n = 26, nt = 7;
  const X = gaussian('kX', d, n), Xt = gaussian('kXt', d, nt);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : -1));
  const k = deepLinearCoefficients(activation('relu'), 2);

  it('through the deep linear kernel it is deepLinearModelSgd on the same batches (both diagonals, a short last batch)', () => {
    for (const diagonal of ['taylor', 'off-diagonal'] as const) {
      const at = [0, 3, 7, 11];
      const K = deepLinearKernel(X, k, { diagonal }), Kc = deepLinearCrossKernel(X, Xt, k, { diagonal });
      const a = kernelModelSgd(K, y, 0.35, 11, { batchSize: 8, rng: rngFor(2, 'kb'), crossKernel: Kc, recordAt: at });
      const b = deepLinearModelSgd(X, y, k, 0.35, 11, { batchSize: 8, rng: rngFor(2, 'kb'), Xtest: Xt, recordAt: at, diagonal });
      expect(a.records.map((r) => r.step)).toEqual(at);
      for (let i = 1; i < at.length; i++) {
        expect(relDiff(a.records[i]!.train, b.records[i]!.train)).toBeLessThan(1e-10);
        expect(relDiff(a.records[i]!.test!, b.records[i]!.test!)).toBeLessThan(1e-10);
        expect(a.records[i]!.loss).toBeCloseTo(b.records[i]!.loss, 12);
      }
    }
  });

  it('with b = n it is linearModelGdKernel, the full-batch kernel GD', () => {
    const K = deepLimitNtk(X, activation('erf'), 3), Kc = deepLimitCrossKernels(X, Xt, activation('erf'), 3, ['ntk']).ntk!;
    const a = kernelModelSgd(K, y, 0.5, 9, { batchSize: n, rng: rngFor(1, 'x'), crossKernel: Kc });
    const g = linearModelGdKernel(K, y, 0.5, 9, { crossKernel: Kc });
    expect(relDiff(a.train, g.train)).toBeLessThan(1e-12);
    expect(relDiff(a.test!, g.test!)).toBeLessThan(1e-12);
    expect(a.records[1]!.loss).toBeLessThan(a.records[0]!.loss);
  });

  it('refuses a non-square kernel, a cross kernel of the wrong height, a bad batch and a diverging rate', () => {
    const K = deepLinearKernel(X, k);
    expect(() => kernelModelSgd(zeros(n, n - 1), y, 0.1, 2, { batchSize: 4, rng: rngFor(1) })).toThrow(/square/);
    expect(() => kernelModelSgd(K, y, 0.1, 2, { batchSize: 4, rng: rngFor(1), crossKernel: zeros(n - 1, 3) })).toThrow(/cross kernel is 25×3, needs 26 rows/);
    expect(() => kernelModelSgd(K, y, 0.1, 2, { batchSize: n + 1, rng: rngFor(1) })).toThrow(/batchSize/);
    expect(() => kernelModelSgd(K, y, 1e6, 400, { batchSize: 4, rng: rngFor(1) })).toThrow(/non-finite at step \d+ \(η = 1000000, batch 4\)/);
  });
});

describe('loss split along the span of the inputs (V_lin)', () => {
  it('a linear function of x lies in V_lin; the two parts add up to the loss', () => {
    const d = 6, n = 20;
    const X = gaussian('span', d, n);
    const span = inputSpan(X);
    expect(span.rank).toBe(d);
    const beta = zeros(d, 1);
    beta.data.set([0.5, -1, 2, 0, 0.3, 1]);
    const f = matmul(X, beta, { transA: true }).data; // f_j = βᵀx_j
    const zero = new Float64Array(n);
    const s = lossSplit(span, f, zero);
    expect(s.complement / s.total).toBeLessThan(1e-12);
    expect(Math.abs(s.inSpan - s.total) / s.total).toBeLessThan(1e-12);
    const y = Float64Array.from(rngFor(4, 'y').randn(n, 1).data);
    const t = lossSplit(span, f, y);
    expect(Math.abs(t.inSpan + t.complement - t.total) / t.total).toBeLessThan(1e-12);
    // The complement of f − y is that of y alone (f ∈ V_lin), and it is not empty (n > d).
    expect(Math.abs(t.complement - lossSplit(span, zero, y).complement) / t.complement).toBeLessThan(1e-10);
    expect(t.complement).toBeGreaterThan(0.1 * t.total);
  });

  it('the rank drops for collinear inputs (a repeated pixel row) and the projection is onto the smaller space', () => {
    const d = 5, n = 15;
    const X = gaussian('rank', d, n);
    for (let j = 0; j < n; j++) X.data[4 + j * d] = 2 * X.data[0 + j * d]!;
    const span = inputSpan(X);
    expect(span.rank).toBe(4);
    // Qᵀ Q = I.
    const Q = span.basis;
    const G = matmul(Q, Q, { transA: true });
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) expect(Math.abs(G.data[a + b * 4]! - (a === b ? 1 : 0))).toBeLessThan(1e-12);
  });

  it('refuses mismatched lengths', () => {
    const span = inputSpan(gaussian('m', 3, 7));
    expect(() => lossSplit(span, new Float64Array(6), new Float64Array(7))).toThrow(/7 points/);
  });
});
