/**
 * train() on the deep circular CNN (src/model/conv-net.ts): a 1×1 image with k = 1 trains bit
 * for bit as the deep FC network (GD, SGD with momentum and a short last batch, Adam, per-layer
 * rates); on real images of a tiny size GD, SGD and Adam lower the loss; a seeded run repeats
 * itself exactly; per-layer rates and layer choices move only their blocks.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type ConvNet, cloneConvNet, convNetInit } from '../../src/model/conv-net';
import { type DeepNet, deepGaussianInit } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { type TrainConfig, train } from '../../src/train/train';

const flatConv = (net: ConvNet) => [...net.filters.flatMap((F) => [...F.data]), ...net.v];
const flatDeep = (net: DeepNet) => [...net.W.flatMap((W) => [...W.data]), ...net.v];
const sameBits = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

describe('train() on a 1×1-image CNN with k = 1 is the deep FC training, bit for bit', () => {
  const cases: [string, string, Partial<TrainConfig<DeepNet>>][] = [
    ['GD, both layers', 'tanh', { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 10 }],
    ['SGD, batch 24 (short last batch), momentum 0.2', 'erf', { optimizer: 'sgd', lr: 0.5, layers: 'both', batchSize: 24, maxEpochs: 3, momentum: 0.2 }],
    ['Adam, batch 32, per-layer rates', 'relu', { optimizer: 'adam', lr: { W: [0.01, 0.02], v: 0.005 }, layers: 'both', batchSize: 32, maxEpochs: 2 }],
    ['GD, readout only', 'erf', { optimizer: 'gd', lr: 1, layers: 'second', maxSteps: 6 }],
  ];
  for (const [name, act, cfg] of cases) {
    it(name, () => {
      const rng = rngFor(3, 'train-conv-fc', name);
      const d = 12, n = 100, channels = [40, 30];
      const X = rng.split('X').randn(d, n), y = rng.split('y').fillNormal(new Float64Array(n));
      const conv = convNetInit(rng.split('init'), { height: 1, width: 1, kernel: 1, channels, inChannels: d }, activation(act));
      const deep = deepGaussianInit(rng.split('init'), [d, ...channels], activation(act));
      const base = { ...cfg, rng: rng.split('sgd') };
      const a = train(deep, X, y, base as TrainConfig<DeepNet>);
      const b = train(conv, X, y, base as TrainConfig<ConvNet>);
      expect(sameBits(flatConv(b.net), flatDeep(a.net))).toBe(true);
      expect(b.lossHistory).toEqual(a.lossHistory);
      expect([b.steps, b.epochs, b.stoppedBy]).toEqual([a.steps, a.epochs, a.stoppedBy]);
    });
  }
});

function problem(seed: number) {
  const rng = rngFor(seed, 'train-conv');
  const H = 6, W = 6, n = 60;
  const X = rng.split('X').randn(H * W, n);
  // A target the CNN can fit: the sign of a fixed smooth function of the image.
  const y = new Float64Array(n);
  for (let j = 0; j < n; j++) y[j] = X.data[j * 36]! + X.data[j * 36 + 7]! > 0 ? 1 : -1;
  const net = convNetInit(rng.split('init'), { height: H, width: W, kernel: 3, channels: [4, 4] }, activation('erf'));
  return { rng, X, y, net };
}

describe('train() on a CNN', () => {
  const runs: [string, Partial<TrainConfig<ConvNet>>][] = [
    ['GD', { optimizer: 'gd', lr: 1, maxSteps: 40 }],
    ['SGD with momentum 0.2, batch 16', { optimizer: 'sgd', lr: 0.5, batchSize: 16, momentum: 0.2, maxEpochs: 10 }],
    ['Adam, batch 16', { optimizer: 'adam', lr: 0.02, batchSize: 16, maxEpochs: 10 }],
  ];
  for (const [name, cfg] of runs) {
    it(`${name}: the loss falls by at least 30% and a seeded rerun repeats it exactly`, () => {
      const { rng, X, y, net } = problem(1);
      const full = { layers: 'both' as const, ...cfg, rng: rng.split('batches') } as TrainConfig<ConvNet>;
      const a = train(cloneConvNet(net), X, y, full);
      const b = train(cloneConvNet(net), X, y, { ...full, rng: problem(1).rng.split('batches') });
      expect(a.finalLoss).toBeLessThan(0.7 * a.initialLoss);
      expect(sameBits(flatConv(a.net), flatConv(b.net))).toBe(true);
      expect(a.lossHistory).toEqual(b.lossHistory);
    });
  }

  it('per-layer rates: a zero rate leaves its filter bank alone; layers "second" moves only v', () => {
    const { X, y, net } = problem(2);
    const a = train(cloneConvNet(net), X, y, { optimizer: 'gd', lr: { W: [1, 0], v: 1 }, layers: 'both', maxSteps: 5 });
    expect(sameBits([...a.net.filters[1]!.data], [...net.filters[1]!.data])).toBe(true);
    expect(sameBits([...a.net.filters[0]!.data], [...net.filters[0]!.data])).toBe(false);
    const b = train(cloneConvNet(net), X, y, { optimizer: 'gd', lr: 1, layers: 'second', maxSteps: 5 });
    expect(sameBits(flatConv({ ...b.net, v: new Float64Array(0) }), flatConv({ ...net, v: new Float64Array(0) }))).toBe(true);
    expect(b.finalLoss).toBeLessThan(b.initialLoss);
    expect(() => train(cloneConvNet(net), X, y, { optimizer: 'gd', lr: { W: [1, 1, 1], v: 1 }, layers: 'both', maxSteps: 1 }))
      .toThrow(/3 rates for a network of 2 convolution layers/);
  });

  it("a diverging run with onDivergence 'return' hands back a finite snapshot", () => {
    const { X, y, net } = problem(3);
    const r = train(cloneConvNet(net), X, y, { optimizer: 'gd', lr: 1e4, layers: 'both', maxSteps: 50, onDivergence: 'return' });
    expect(r.stoppedBy).toBe('diverged');
    expect(flatConv(r.net).every(Number.isFinite)).toBe(true);
  });
});
