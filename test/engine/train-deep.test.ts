/**
 * train() on the deep FC network (src/model/deep.ts): at L = 1 it is the two-layer network's
 * training bit for bit (every optimizer, layer choice, minibatches with a short last batch,
 * momentum, a diverging run's snapshot); at L > 1 a step is the gradient step of
 * deepLossAndGradients block by block, per-layer rates move only their layer, and bad rate
 * lists are errors naming the counts.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type DeepNet, cloneDeepNet, deepFromTwoLayer, deepGaussianInit, deepLossAndGradients } from '../../src/model/deep';
import { cloneNet, gaussianInit, type TwoLayerNet } from '../../src/model/network';
import { rngFor } from '../../src/random';
import { type TrainConfig, train } from '../../src/train/train';

function data(d: number, n: number, seed: number) {
  const rng = rngFor(seed, 'train-deep', d, n);
  return { rng, X: rng.split('X').randn(d, n), y: rng.split('y').fillNormal(new Float64Array(n)) };
}

const flatTwo = (net: TwoLayerNet) => [...net.W.data, ...net.v];
const flatDeep = (net: DeepNet) => [...net.W.flatMap((W) => [...W.data]), ...net.v];
/** Entry by entry with Object.is (so -0 and NaN would count). */
function sameBits(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

describe('train() on a deep network with one hidden layer is the two-layer training, bit for bit', () => {
  const cases: [string, string, Partial<TrainConfig>][] = [
    ['GD, both layers', 'tanh', { optimizer: 'gd', lr: 2, layers: 'both', maxSteps: 15 }],
    ['GD, first layer', 'erf', { optimizer: 'gd', lr: { first: 3, second: 0 }, layers: 'first', maxSteps: 12 }],
    ['GD, second layer', 'relu', { optimizer: 'gd', lr: 1, layers: 'second', maxSteps: 12 }],
    ['SGD, batch 24 (short last batch), momentum 0.2', 'normalized_tanh', { optimizer: 'sgd', lr: 1.5, layers: 'both', batchSize: 24, maxEpochs: 4, momentum: 0.2 }],
    ['Adam, batch 32', 'relu', { optimizer: 'adam', lr: 0.01, layers: 'both', batchSize: 32, maxEpochs: 3 }],
    ['AdaGrad, first layer', 'softplus', { optimizer: 'adagrad', lr: 0.2, layers: 'first', batchSize: 50, maxEpochs: 2 }],
  ];
  // h·n = 64·100 ≥ the native passes' threshold: the addon's fused passes are on the path too.
  for (const [name, act, cfg] of cases) {
    it(name, () => {
      const { rng, X, y } = data(20, 100, 3);
      const two = gaussianInit(rng.split('init'), 64, 20, activation(act));
      const deep = deepFromTwoLayer(cloneNet(two));
      // The config without observers (the only network-typed field), shared by both runs.
      const full = { ...cfg, rng: rng.split('sgd'), lossBelow: 1e-12 } as Omit<TrainConfig, 'observers'>;
      const seenTwo: number[] = [], seenDeep: number[] = [];
      const a = train(two, X, y, { ...full, observers: [{ at: [1, 3], fn: (s) => seenTwo.push(s.loss) }] });
      const b = train(deep, X, y, { ...full, observers: [{ at: [1, 3], fn: (s) => seenDeep.push(s.loss) }] });
      expect(sameBits(flatDeep(b.net), flatTwo(a.net))).toBe(true);
      expect(b.lossHistory).toEqual(a.lossHistory);
      expect(sameBits(seenDeep, seenTwo)).toBe(true);
      expect([b.steps, b.epochs, b.stoppedBy]).toEqual([a.steps, a.epochs, a.stoppedBy]);
    });
  }

  it("a diverging SGD run with onDivergence 'return': the same step, loss and snapshot", () => {
    const { rng, X, y } = data(10, 60, 5);
    const two = gaussianInit(rng.split('init'), 30, 10, activation('tanh'));
    const deep = deepFromTwoLayer(cloneNet(two));
    const cfg = { optimizer: 'sgd' as const, lr: 300, layers: 'both' as const, batchSize: 20, maxEpochs: 50, rng: rng.split('sgd'), onDivergence: 'return' as const };
    const a = train(two, X, y, cfg);
    const b = train(deep, X, y, cfg);
    expect(a.divergence).toBeDefined();
    expect(b.divergence).toEqual(a.divergence);
    expect(sameBits(flatDeep(b.net), flatTwo(a.net))).toBe(true);
  });
});

describe('train() on deeper networks', () => {
  const { rng, X, y } = data(12, 40, 9);
  const net0 = deepGaussianInit(rng.split('init'), [12, 16, 12, 8], activation('erf'));

  it('one GD step is W_l ← W_l − η ∇_{W_l} L and v ← v − η ∇_v L from deepLossAndGradients, bit for bit', () => {
    const g = deepLossAndGradients(net0, X, y);
    const expected = cloneDeepNet(net0);
    const eta = 0.7;
    expected.W.forEach((W, k) => W.data.forEach((w, i) => { W.data[i] = w - eta * g.grads.W[k]!.data[i]!; }));
    expected.v.forEach((v, i) => { expected.v[i] = v - eta * g.grads.v[i]!; });
    const r = train(cloneDeepNet(net0), X, y, { optimizer: 'gd', lr: eta, layers: 'both', maxSteps: 1 });
    expect(sameBits(flatDeep(r.net), flatDeep(expected))).toBe(true);
    expect(r.lossHistory[0]!.loss).toBe(g.loss);
  });

  it('GD lowers the loss; per-layer rates move only their layer; layers: first leaves v alone', () => {
    const r = train(cloneDeepNet(net0), X, y, { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 200 });
    expect(r.finalLoss).toBeLessThan(0.5 * r.initialLoss);
    const onlyW2 = train(cloneDeepNet(net0), X, y, { optimizer: 'gd', lr: { W: [0, 0.5, 0], v: 0 }, layers: 'both', maxSteps: 5 });
    const moved = onlyW2.net.W.map((W, k) => W.data.some((w, i) => w !== net0.W[k]!.data[i]));
    expect(moved).toEqual([false, true, false]);
    expect(sameBits([...onlyW2.net.v], [...net0.v])).toBe(true);
    const first = train(cloneDeepNet(net0), X, y, { optimizer: 'sgd', lr: 0.5, layers: 'first', batchSize: 8, maxEpochs: 2, rng: rng.split('s') });
    expect(sameBits([...first.net.v], [...net0.v])).toBe(true);
    expect(first.net.W.every((W, k) => W.data.some((w, i) => w !== net0.W[k]!.data[i]))).toBe(true);
  });

  it('a rate list of the wrong length is an error naming both counts', () => {
    expect(() => train(cloneDeepNet(net0), X, y, { optimizer: 'gd', lr: { W: [0.1, 0.1], v: 0.1 }, layers: 'both', maxSteps: 1 }))
      .toThrow(/lr\.W lists 2 rates for a network of 3 hidden layers/);
    const two = gaussianInit(rng.split('two'), 5, 12, activation('tanh'));
    expect(() => train(two, X, y, { optimizer: 'gd', lr: { W: [0.1, 0.1], v: 0.1 }, layers: 'both', maxSteps: 1 }))
      .toThrow(/lr\.W lists 2 rates; the two-layer network has one hidden layer/);
    expect(() => train(cloneDeepNet(net0), X, y, { optimizer: 'gd', lr: { W: [0.1, -1, 0.1], v: 0.1 }, layers: 'both', maxSteps: 1 }))
      .toThrow(/learning rates must be finite and non-negative, got W: \[0.1, -1, 0.1\], v: 0.1/);
  });
});
