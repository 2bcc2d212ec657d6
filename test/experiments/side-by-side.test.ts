/**
 * src/experiments/protocols/side-by-side.ts (and early-phase.ts): the side-by-side runs of network and linear model.
 * Tolerances: 1e-10 relative where two float64 computations of the same iteration are
 * compared (tens of steps, each a few BLAS products: rounding stays near 1e-14 per step).
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import {
  clippedGap, earlyHorizon, earlyPhaseJob, hTask, linearModelSpec, naiveLinearModelSpec, optimalLinearModel, rateFromFeatures, recordGrid,
  secondLayerKernels, shareOutsideFeatureSpan, sideBySide, supUpTo,
} from '../../src/experiments';
import { linearModelGd } from '../../src/kernels/linear-model';
import { cloneNet, forward, mseLoss } from '../../src/model/network';
import { mse } from '../../src/spectra';
import { rngFor } from '../../src/random';
import { train } from '../../src/train/train';
import { relDiff } from '../helpers/relative-error';

describe('side by side (network and linear model)', () => {
  const sizes = { d: 10, n: 40, m: 30 };

  it('second-layer-only training in function space equals train(layers: second) step by step', () => {
    for (const actName of ['relu', 'erf']) {
      const task = hTask(rngFor(7, 'hdyn', actName), sizes, actName, { target: 'erfSign', nTest: 25 });
      const eta = 1.3;
      const steps = 15;
      const at = [0, 1, 2, 5, 9, 15];
      const ref = new Map<number, { tr: Float64Array; te: Float64Array }>();
      train(cloneNet(task.net), task.X, task.y, {
        optimizer: 'gd', lr: { first: 0, second: eta }, layers: 'second', maxSteps: steps,
        observers: [{ at, fn: (s) => ref.set(s.step, { tr: forward(s.net, task.X).f.slice(), te: forward(s.net, task.Xtest).f.slice() }) }],
      });
      const lin = linearModelSpec('lin', task.X, task.Xtest, task.act, 'second', task.traceSigmaSq);
      const got = new Map<number, { tr: Float64Array; te: Float64Array }>();
      sideBySide(task.net, task.X, task.y, {
        layers: 'second', lr: eta, steps, recordAt: at, linear: [lin], Xtest: task.Xtest, ytest: task.ytest,
        onNetRecord: (t, tr, te) => got.set(t, { tr: tr.slice(), te: te.slice() }),
      });
      for (const t of at.slice(1)) {
        expect(relDiff(got.get(t)!.tr, ref.get(t)!.tr)).toBeLessThan(1e-10);
        expect(relDiff(got.get(t)!.te, ref.get(t)!.te)).toBeLessThan(1e-10);
      }
    }
  });

  it('runs no GD loop of its own: its outputs are train()\'s and linearModelGd\'s and its statistics the engine\'s, to the bit', () => {
    const task = hTask(rngFor(14, 'hdyn'), sizes, 'erf', { target: 'erfSign', nTest: 20 });
    const steps = 12;
    const at = [0, 3, 7, 12];
    type Outputs = Map<number, { tr: Float64Array; te: Float64Array }>;
    for (const layers of ['first', 'both'] as const) {
      const lin = linearModelSpec('lin', task.X, task.Xtest, task.act, layers, task.traceSigmaSq);
      const eta = rateFromFeatures(lin.train, 0.25).lr;
      const net: Outputs = new Map(), model: Outputs = new Map();
      const r = sideBySide(task.net, task.X, task.y, {
        layers, lr: eta, steps, recordAt: at, linear: [lin], Xtest: task.Xtest, ytest: task.ytest,
        onNetRecord: (t, tr, te) => net.set(t, { tr: tr.slice(), te: te.slice() }),
        onLinRecord: (_, t, tr, te) => model.set(t, { tr: tr.slice(), te: te.slice() }),
      });
      const plain: Outputs = new Map();
      train(cloneNet(task.net), task.X, task.y, {
        optimizer: 'gd', lr: layers === 'first' ? { first: eta, second: 0 } : eta, layers, maxSteps: steps,
        observers: [{ at, fn: (s) => plain.set(s.step, { tr: forward(s.net, task.X).f.slice(), te: forward(s.net, task.Xtest).f.slice() }) }],
      });
      const gd = linearModelGd(lin.train, task.y, eta, steps, { testFeatures: lin.test, recordAt: at });
      for (const g of gd.records) {
        expect(model.get(g.step)!.tr).toEqual(g.train);
        expect(model.get(g.step)!.te).toEqual(g.test);
      }
      for (const t of at.slice(1)) {
        expect(net.get(t)!.tr).toEqual(plain.get(t)!.tr);
        expect(net.get(t)!.te).toEqual(plain.get(t)!.te);
      }
      for (const rec of r.records) {
        const f = net.get(rec.step)!, g = model.get(rec.step)!;
        expect(rec.netTrainLoss).toBe(mseLoss(f.tr, task.y));
        expect(rec.netTestLoss).toBe(mseLoss(f.te, task.ytest));
        expect(rec.lin.lin!.trainLoss).toBe(mseLoss(g.tr, task.y));
        expect(rec.lin.lin!.discTrain).toBe(mse(f.tr, g.tr));
        expect(rec.lin.lin!.discTest).toBe(clippedGap(f.te, g.te));
      }
    }
  });

  it('secondLayerKernels: block accumulation equals one block', () => {
    const task = hTask(rngFor(8, 'hdyn'), { d: 6, n: 12, m: 50 }, 'relu', { target: 'erfSign', nTest: 7 });
    const a = secondLayerKernels(task.net, task.X, task.Xtest, 7);
    const b = secondLayerKernels(task.net, task.X, task.Xtest, 1000);
    expect(relDiff(a.K.data, b.K.data)).toBeLessThan(1e-13);
    expect(relDiff(a.Kcross.data, b.Kcross.data)).toBeLessThan(1e-13);
    // Symmetric initialisation: f_0 ≡ 0 up to rounding.
    expect(Math.max(...a.f0.map(Math.abs))).toBeLessThan(1e-12);
  });

  it('first-layer run: zero discrepancy at t = 0, the network path matches a plain train() run', () => {
    const task = hTask(rngFor(9, 'hdyn'), sizes, 'erf', { target: 'erfSign', nTest: 20 });
    const lin = linearModelSpec('lin', task.X, task.Xtest, task.act, 'first', task.traceSigmaSq);
    const rate = rateFromFeatures(lin.train, 0.25);
    const T = earlyHorizon(sizes.d, rate.lr, 2);
    const r = sideBySide(task.net, task.X, task.y, {
      layers: 'first', lr: rate.lr, steps: T, recordAt: recordGrid(T, T, 100), linear: [lin], Xtest: task.Xtest, ytest: task.ytest,
    });
    expect(r.records[0]!.lin.lin!.discTrain).toBeLessThan(1e-28);
    const plain = cloneNet(task.net);
    train(plain, task.X, task.y, { optimizer: 'gd', lr: { first: rate.lr, second: 0 }, layers: 'first', maxSteps: T });
    expect(relDiff(forward(r.net, task.X).f, forward(plain, task.X).f)).toBeLessThan(1e-12);
    // The sup is the largest recorded value at t ≤ T.
    const s = supUpTo(r.records, T, 'lin', 'discTrain');
    expect(s).toBe(Math.max(...r.records.map((q) => q.lin.lin!.discTrain)));
    expect(s).toBeGreaterThan(0);
  });

  it('optimalLinearModel is the limit of linear-model GD from zero (rank-deficient ψ1 of erf included)', () => {
    const task = hTask(rngFor(10, 'hdyn'), { d: 5, n: 60, m: 10 }, 'erf', { target: 'erfSign', nTest: 5 });
    const lin = linearModelSpec('lin', task.X, task.Xtest, activation('erf'), 'first', task.traceSigmaSq);
    const best = optimalLinearModel(lin.train, task.y, lin.test);
    expect(best.rank).toBe(5); // the ν row of ψ1 is 0 for erf
    const rate = rateFromFeatures(lin.train, 0.45);
    const gd = linearModelGd(lin.train, task.y, rate.lr, 4000, { testFeatures: lin.test });
    expect(relDiff(gd.train, best.train)).toBeLessThan(1e-9);
    expect(relDiff(gd.test!, best.test!)).toBeLessThan(1e-9);
  });

  it('naive linear model: only the norm feature changes, to the constant ϑ0', () => {
    const task = hTask(rngFor(11, 'hdyn'), sizes, 'relu', { target: 'normDependent', nTest: 8 });
    const full = linearModelSpec('full', task.X, task.Xtest, task.act, 'both', task.traceSigmaSq);
    const naive = naiveLinearModelSpec('naive', task.X, task.Xtest, task.act, 'both', task.traceSigmaSq);
    const p = full.train.rows;
    for (let j = 0; j < sizes.n; j++) {
      for (let i = 0; i < p - 1; i++) expect(naive.train.data[j * p + i]).toBe(full.train.data[j * p + i]);
      expect(naive.train.data[j * p + p - 1]).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
      expect(full.train.data[j * p + p - 1]).not.toBe(naive.train.data[j * p + p - 1]);
    }
  });

  it('recordGrid: every step up to a small T, the steps ≤ T do not depend on the total', () => {
    expect(recordGrid(5, 5, 10)).toEqual([0, 1, 2, 3, 4, 5]);
    const a = recordGrid(100, 100, 10);
    const b = recordGrid(100, 300, 10);
    expect(b.filter((t) => t <= 100)).toEqual(a);
    expect(a[0]).toBe(0);
    expect(a[a.length - 1]).toBe(100);
    expect(b[b.length - 1]).toBe(300);
    expect(earlyHorizon(32, 2, 2)).toBe(Math.floor((2 * 32 * Math.log(32)) / 2));
  });

  it('shareOutsideFeatureSpan: 0 inside the span of the features, 1 orthogonal to it', () => {
    const task = hTask(rngFor(12, 'hdyn'), { d: 4, n: 20, m: 4 }, 'relu', { target: 'erfSign', nTest: 3 });
    const lin = linearModelSpec('lin', task.X, task.Xtest, task.act, 'first', task.traceSigmaSq);
    const zero = new Float64Array(20);
    const inside = optimalLinearModel(lin.train, task.y).train; // a vector in the row space of Ψ
    expect(shareOutsideFeatureSpan(lin.train, inside, zero)).toBeLessThan(1e-12);
    const outside = Float64Array.from(task.y, (v, i) => v - inside[i]!); // its orthogonal complement part
    expect(shareOutsideFeatureSpan(lin.train, outside, zero)).toBeGreaterThan(1 - 1e-12);
  });

  it('earlyPhaseJob: the values do not depend on keepDetail (trial 0 runs longer for plots)', () => {
    for (const layers of ['first', 'second', 'both'] as const) {
      const opts = {
        d: 12, alpha: 0.25, layers, variants: [{ key: 'relu', act: 'relu' }], rateFraction: 0.25, c: 2,
        target: 'erfSign' as const, nTest: 50, recordPoints: 5, detailHorizon: 3, context: 'test', optimal: true,
      };
      const a = earlyPhaseJob(rngFor(13, 'hdyn', layers), { ...opts, keepDetail: false });
      const b = earlyPhaseJob(rngFor(13, 'hdyn', layers), { ...opts, keepDetail: true });
      expect(b.values).toEqual(a.values);
      expect(Object.keys(b.series).length).toBeGreaterThan(0);
      expect(a.values.discTrain_relu).toBeGreaterThan(0);
    }
  });
});
