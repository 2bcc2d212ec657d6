/**
 * §6's real-data problem and its training protocol (W15) on a small draw: Fashion-MNIST
 * Pullover vs Coat, n = 64, 4×4-pooled (d = 49), two hidden ReLU layers of width 32. A missing
 * data set fails with the loader's message (as test/data/real-data.test.ts), never a skip.
 */
import { describe, expect, it } from 'vitest';
import {
  W_REAL_DATA, convNetFanIns, convNetNtkSpectrum, realDataRates, signAccuracy, trainRealData, trainRealDataConv, wRealDataProblem,
} from '../../src/experiments';
import { activation } from '../../src/activations';
import { cloneConvNet, convNetInit } from '../../src/model/conv-net';
import { cloneDeepNet, deepPredict } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { train } from '../../src/train/train';

const setting = { ...W_REAL_DATA, pool: 4, nTest: 200, widthOverN: 0.5 };
const problem = () => wRealDataProblem(rngFor(11, 'W15 test', 64, 0), 64, setting);

describe('wRealDataProblem', () => {
  it('draws two balanced classes of d = (28/pool)² pixels and a network of widths [d, w, w], w = widthOverN·n', () => {
    const p = problem();
    expect(p.widths).toEqual([49, 32, 32]);
    expect(p.data.X.rows).toBe(49);
    expect(p.data.X.cols).toBe(64);
    expect(p.data.Xtest.cols).toBe(200);
    expect(p.data.y.reduce((s, v) => s + v, 0)).toBe(0); // balanced: 32 of each ±1
    expect(p.net.W.map((W) => [W.rows, W.cols])).toEqual([[32, 49], [32, 32]]);
    // Same stream, same draw (data and init come from the job's rng only).
    const q = problem();
    expect(Array.from(q.net.v)).toEqual(Array.from(p.net.v));
    expect(Array.from(q.data.y)).toEqual(Array.from(p.data.y));
  });
});

describe('trainRealData', () => {
  it('GD: the run of train() itself, with accuracies recorded at epoch 0, every recordEvery epochs and the last', () => {
    const p = problem();
    const v0 = Array.from(p.net.v);
    const run = trainRealData(p, 'gd', 'pytorch', { epochs: 6, recordEvery: 4, rng: rngFor(1, 'b'), context: 'test' });
    expect(Array.from(p.net.v)).toEqual(v0); // p.net is left untouched
    expect(run.rates).toEqual(realDataRates('gd', 'pytorch', p.widths));
    expect(run.trainAccuracy.map(([e]) => e)).toEqual([0, 4, 6]);
    expect(run.testAccuracy.map(([e]) => e)).toEqual([0, 4, 6]);
    expect(run.trainAccuracy[2]![1]).toBe(run.finalTrainAccuracy);
    expect(run.testAccuracy[2]![1]).toBe(run.finalTestAccuracy);
    expect(run.trainAccuracy[0]![1]).toBe(signAccuracy(deepPredict(p.net, p.data.X), p.data.y));
    // The same six GD steps through train() directly: identical weights.
    const direct = train(cloneDeepNet(p.net), p.data.X, p.data.y, { optimizer: 'gd', lr: run.rates, layers: 'both', maxEpochs: 6 });
    expect(Array.from(run.net.v)).toEqual(Array.from(direct.net.v));
    expect(Array.from(run.net.W[0]!.data)).toEqual(Array.from(direct.net.W[0]!.data));
  });

  it('SGD: ⌈n/32⌉ = 2 steps an epoch with momentum 0.2; recorded at epoch boundaries', () => {
    const p = problem();
    const run = trainRealData(p, 'sgd', 'pytorch', { epochs: 3, recordEvery: 1, rng: rngFor(1, 'b'), context: 'test' });
    expect(run.outcome.steps).toBe(6);
    expect(run.trainAccuracy.map(([e]) => e)).toEqual([0, 1, 2, 3]);
    const direct = train(cloneDeepNet(p.net), p.data.X, p.data.y, {
      optimizer: 'sgd', lr: run.rates, layers: 'both', batchSize: 32, momentum: 0.2, maxEpochs: 3, rng: rngFor(1, 'b'),
    });
    expect(Array.from(run.net.v)).toEqual(Array.from(direct.net.v));
  });

  it('Adam (PyTorch reading, η·√fan-in ≈ 0.006) fits the 64 training points within 20 epochs', () => {
    const p = problem();
    const run = trainRealData(p, 'adam', 'pytorch', { epochs: 20, rng: rngFor(2, 'b'), context: 'test' });
    expect(run.diverged).toBe(false);
    // 40 Adam steps move each weight by up to ≈ 0.24 (O(1) weights): a random net (about chance,
    // 0.48 here) to a clearly better fit of its training set (measured 0.78).
    expect(run.outcome.finalLoss).toBeLessThan(0.7 * run.outcome.initialLoss); // measured 0.56 → 0.34
    expect(run.finalTrainAccuracy).toBeGreaterThan(0.75);
    expect(run.trainAccuracy[0]![1]).toBeLessThan(0.65);
  });
});

describe('trainRealDataConv', () => {
  it('trains a copy of a CNN with rates from its fan-ins (k²·C_in per filter bank, C·H·W for v): the run of train() itself', () => {
    const p = problem();
    const cnn = convNetInit(rngFor(5, 'cnn'), { height: 7, width: 7, kernel: 3, channels: [3, 3] }, activation('relu'));
    expect(convNetFanIns(cnn)).toEqual([9, 27, 3 * 49]);
    const v0 = Array.from(cnn.v);
    const run = trainRealDataConv({ data: p.data, net: cnn }, 'adam', 'pytorch', { epochs: 4, recordEvery: 2, rng: rngFor(1, 'b'), context: 'test' });
    expect(Array.from(cnn.v)).toEqual(v0);
    expect(run.rates).toEqual(realDataRates('adam', 'pytorch', [9, 27, 147]));
    expect(run.trainAccuracy.map(([e]) => e)).toEqual([0, 2, 4]);
    const direct = train(cloneConvNet(cnn), p.data.X, p.data.y, {
      optimizer: 'adam', lr: run.rates, layers: 'both', batchSize: 32, maxEpochs: 4, rng: rngFor(1, 'b'),
    });
    expect(Array.from(run.net.v)).toEqual(Array.from(direct.net.v));
    expect(run.outcome.finalLoss).toBeLessThan(run.outcome.initialLoss);
    // The NTK spectrum: n eigenvalues, ascending, non-negative up to rounding.
    const sp = convNetNtkSpectrum(run.net, p.data.X);
    expect(sp.length).toBe(64);
    expect(sp[0]!).toBeGreaterThan(-1e-10 * sp[63]!);
    expect(sp.every((v, i) => i === 0 || v >= sp[i - 1]!)).toBe(true);
  });
});
