/**
 * Resumable training (src/train/checkpoints.ts): a run killed right after any save and run again
 * ends bit-identical to a run never stopped — weights, loss history, stop reason, divergence
 * snapshot and what its observers gathered — for GD (both layers, second layer only), SGD with
 * momentum and a short last batch killed mid-epoch, Adam under a rate schedule, AdaGrad, a deep
 * network and a CNN. A finished run comes back from its save without a step; a save of another
 * run is ignored; a run with an observer that cannot save never writes; a damaged file is
 * reported and ignored; a job's runs take one file each, in call order.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type ConvNet, cloneConvNet, convNetInit } from '../../src/model/conv-net';
import { type DeepNet, cloneDeepNet, deepGaussianInit } from '../../src/model/deep';
import { cloneNet, gaussianInit, type TwoLayerNet } from '../../src/model/network';
import { rngFor } from '../../src/random';
import {
  type SavedTraining,
  type TrainCheckpoint,
  checkpointProgress,
  fileCheckpoint,
  earlierAttemptsCost,
  withTrainingCheckpoints,
} from '../../src/train/checkpoints';
import { type Observer, type TrainConfig, type TrainOutcome, type TrainableNet, train } from '../../src/train/train';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

class Killed extends Error {}

/** A checkpoint in memory that saves after every step and "kills" the run right after save number `killAfter`. */
function memoryCheckpoint(killAfter = Infinity): TrainCheckpoint & { saves: number; last?: SavedTraining } {
  const c = {
    everyMs: 0,
    saves: 0,
    last: undefined as SavedTraining | undefined,
    load: () => (c.last ? structuredClone(c.last) : undefined),
    save: (s: SavedTraining) => {
      c.last = structuredClone(s);
      c.saves++;
      if (c.saves === killAfter) throw new Killed(`killed after save ${killAfter}`);
    },
  };
  return c;
}

/** Records (step, loss, first weight) every `every` steps; saves and restores what it gathered. */
function recorder<N extends TrainableNet>(every: number, first: (net: N) => number): Observer<N> & { seen: number[][]; calls: number } {
  const o = {
    seen: [] as number[][],
    calls: 0,
    at: (t: number) => t % every === 0,
    fn: (s: { step: number; loss: number; net: N }) => { o.calls++; o.seen.push([s.step, s.loss, first(s.net)]); },
    state: { save: () => o.seen, restore: (v: unknown) => { o.seen = structuredClone(v as number[][]); } },
  };
  return o;
}

const params = (net: TrainableNet): number[] => {
  if ('filters' in net) return [...net.filters.flatMap((F) => [...F.data]), ...net.v];
  if (Array.isArray(net.W)) return [...(net as DeepNet).W.flatMap((W) => [...W.data]), ...net.v];
  return [...(net as TwoLayerNet).W.data, ...net.v];
};
const sameBits = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

function expectSameRun<N extends TrainableNet>(a: TrainOutcome<N>, b: TrainOutcome<N>, oa: { seen: number[][] }, ob: { seen: number[][] }) {
  expect(sameBits(params(a.net), params(b.net))).toBe(true);
  expect(b.steps).toBe(a.steps);
  expect(b.epochs).toBe(a.epochs);
  expect(b.stoppedBy).toBe(a.stoppedBy);
  expect(Object.is(b.finalLoss, a.finalLoss)).toBe(true);
  expect(Object.is(b.initialLoss, a.initialLoss)).toBe(true);
  expect(b.lossHistory).toEqual(a.lossHistory);
  expect(ob.seen).toEqual(oa.seen);
  expect(b.divergence).toEqual(a.divergence);
}

/**
 * Trains once without a stop, then again killed after save `killAt` and resumed with a fresh
 * network and observer (as a rerun of the job would), and compares.
 */
function killAndResume<N extends TrainableNet>(make: () => N, X: Parameters<typeof train>[1], y: Float64Array, cfg: TrainConfig<N>, killAt: number) {
  const first = (net: N) => params(net)[0]!;
  const o0 = recorder<N>(3, first);
  const whole = train(make(), X, y, { ...cfg, observers: [o0], checkpoint: false } as TrainConfig<N>);
  const ck = memoryCheckpoint(killAt);
  const o1 = recorder<N>(3, first);
  expect(() => train(make(), X, y, { ...cfg, observers: [o1], checkpoint: ck } as TrainConfig<N>)).toThrow(Killed);
  expect(ck.last!.done).toBe(false);
  const o2 = recorder<N>(3, first);
  const resumed = train(make(), X, y, { ...cfg, observers: [o2], checkpoint: ck } as TrainConfig<N>);
  expectSameRun(whole, resumed, o0, o2);
  // The rerun did only the steps after the save (its observer saw none of the earlier ones).
  const savedStep = o2.seen.length - o2.calls;
  expect(o2.calls).toBeLessThan(o0.calls);
  expect(savedStep).toBeGreaterThan(0);
  return { whole, resumed, ck };
}

function twoLayer(d: number, n: number, h: number, act: string, seed = 1) {
  const rng = rngFor(seed, 'train-checkpoints', d, n);
  const net = gaussianInit(rng.split('init'), h, d, activation(act));
  return { rng, X: rng.split('X').randn(d, n), y: rng.split('y').fillNormal(new Float64Array(n)), make: () => cloneNet(net) };
}

describe('a run killed after a save and run again is bit-identical to one never stopped', () => {
  // h·n = 64·90 is past the native passes' threshold: the addon's fused passes are on the path.
  const p = twoLayer(12, 90, 64, 'tanh');
  const cases: [string, TrainConfig, number][] = [
    ['GD, both layers', { optimizer: 'gd', lr: 2, layers: 'both', maxSteps: 25 }, 11],
    ['GD, second layer only (fixed features)', { optimizer: 'gd', lr: 1, layers: 'second', maxSteps: 20 }, 7],
    ['GD, first layer, stopped by a loss threshold', { optimizer: 'gd', lr: { first: 4, second: 0 }, layers: 'first', maxSteps: 400, relLossBelow: 0.5 }, 5],
    ['SGD, momentum 0.2, batch 20 (short last batch), killed mid-epoch', { optimizer: 'sgd', lr: 0.8, layers: 'both', batchSize: 20, maxEpochs: 6, momentum: 0.2, rng: p.rng.split('b') }, 12],
    ['Adam, batch 32, step decay', { optimizer: 'adam', lr: 0.02, layers: 'both', batchSize: 32, maxEpochs: 8, lossEvery: 2, rng: p.rng.split('b'), lrSchedule: (e) => (e >= 4 ? 0.1 : 1) }, 13],
    ['AdaGrad, first layer, batch 45', { optimizer: 'adagrad', lr: 0.3, layers: 'first', batchSize: 45, maxEpochs: 7, rng: p.rng.split('b') }, 6],
  ];
  for (const [name, cfg, killAt] of cases) it(name, () => { killAndResume(p.make, p.X, p.y, cfg, killAt); });

  it('a diverging run with a snapshot (onDivergence return): the same blow-up and the same snapshot', () => {
    const { whole, resumed } = killAndResume(p.make, p.X, p.y, { optimizer: 'gd', lr: 400, layers: 'both', maxSteps: 60, onDivergence: 'return', snapshot: 'best', snapshotEvery: 2 }, 2);
    expect(whole.stoppedBy).toBe('diverged');
    expect(resumed.divergence!.snapshotStep).toBe(whole.divergence!.snapshotStep);
  });

  it('a deep network (3 hidden layers, Adam, per-layer rates)', () => {
    const rng = rngFor(2, 'train-checkpoints-deep');
    const net = deepGaussianInit(rng.split('init'), [10, 24, 24, 24], activation('erf'));
    const X = rng.split('X').randn(10, 50), y = rng.split('y').fillNormal(new Float64Array(50));
    killAndResume<DeepNet>(() => cloneDeepNet(net), X, y,
      { optimizer: 'adam', lr: { W: [0.01, 0.02, 0.01], v: 0.01 }, layers: 'both', batchSize: 16, maxEpochs: 5, rng: rng.split('b') }, 9);
  });

  it('a CNN (SGD with momentum)', () => {
    const rng = rngFor(3, 'train-checkpoints-conv');
    const net = convNetInit(rng.split('init'), { height: 5, width: 5, kernel: 3, channels: [3, 3] }, activation('erf'));
    const X = rng.split('X').randn(25, 40), y = rng.split('y').fillNormal(new Float64Array(40));
    killAndResume<ConvNet>(() => cloneConvNet(net), X, y,
      { optimizer: 'sgd', lr: 0.3, layers: 'both', batchSize: 16, maxEpochs: 4, momentum: 0.2, rng: rng.split('b') }, 5);
  });
});

describe('what a checkpoint does not resume', () => {
  const p = twoLayer(8, 40, 16, 'erf', 5);
  const cfg: TrainConfig = { optimizer: 'gd', lr: 2, layers: 'both', maxSteps: 12 };

  it('a finished run comes back from its save without a step, the same result', () => {
    const ck = memoryCheckpoint();
    const o1 = recorder<TwoLayerNet>(2, (n) => n.v[0]!);
    const a = train(p.make(), p.X, p.y, { ...cfg, observers: [o1], checkpoint: ck });
    expect(ck.last!.done).toBe(true);
    const o2 = recorder<TwoLayerNet>(2, (n) => n.v[0]!);
    const b = train(p.make(), p.X, p.y, { ...cfg, observers: [o2], checkpoint: ck });
    expect(o2.calls).toBe(0);
    expectSameRun(a, b, o1, o2);
  });

  it('a save of another run (another rate, other data, other starting weights) is ignored', () => {
    const ck = memoryCheckpoint();
    train(p.make(), p.X, p.y, { ...cfg, lr: 1, observers: [], checkpoint: ck });
    const fresh = train(p.make(), p.X, p.y, { ...cfg, checkpoint: false });
    const o = recorder<TwoLayerNet>(1, (n) => n.v[0]!);
    const again = train(p.make(), p.X, p.y, { ...cfg, observers: [o], checkpoint: ck });
    expect(o.calls).toBe(13); // steps 0…12: trained from the start
    expect(sameBits(params(again.net), params(fresh.net))).toBe(true);
    const y2 = p.y.map((v) => v + 1);
    const ck2 = memoryCheckpoint();
    train(p.make(), p.X, p.y, { ...cfg, checkpoint: ck2 });
    const other = recorder<TwoLayerNet>(1, (n) => n.v[0]!);
    train(p.make(), p.X, y2, { ...cfg, observers: [other], checkpoint: ck2 });
    expect(other.calls).toBe(13);
    const shifted = p.make();
    shifted.v[0]! += 1e-12;
    const third = recorder<TwoLayerNet>(1, (n) => n.v[0]!);
    train(shifted, p.X, p.y, { ...cfg, observers: [third], checkpoint: ck2 });
    expect(third.calls).toBe(13);
  });

  it('a run with an observer that cannot save what it gathered never writes a checkpoint', () => {
    const ck = memoryCheckpoint();
    train(p.make(), p.X, p.y, { ...cfg, observers: [{ fn: () => {} }], checkpoint: ck });
    expect(ck.saves).toBe(0);
  });

  it('a run shorter than the save interval never writes', () => {
    const file = path.join(tmp, 'short', 'train-0.ckpt');
    train(p.make(), p.X, p.y, { ...cfg, checkpoint: fileCheckpoint(file, 60_000) });
    expect(existsSync(file)).toBe(false);
  });

  it('a damaged file is reported, ignored, and overwritten by the next save', () => {
    const file = path.join(tmp, 'damaged', 'train-0.ckpt');
    const warnings: string[] = [];
    const ck = fileCheckpoint(file, 0, (l) => warnings.push(l));
    train(p.make(), p.X, p.y, { ...cfg, checkpoint: ck });
    writeFileSync(file, 'not a checkpoint');
    const fresh = train(p.make(), p.X, p.y, { ...cfg, checkpoint: false });
    const again = train(p.make(), p.X, p.y, { ...cfg, checkpoint: ck });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/train-0\.ckpt is unreadable .*training from the start/);
    expect(sameBits(params(again.net), params(fresh.net))).toBe(true);
    expect(ck.load()!.done).toBe(true);
    // A run that picks up its save says so (the log of a resumed job shows it).
    train(p.make(), p.X, p.y, { ...cfg, checkpoint: ck });
    expect(warnings[1]).toMatch(/^training resumes from its finished run \(12 steps\): .*train-0\.ckpt$/);
  });
});

describe("a job's runs: one file each, in call order", () => {
  const p = twoLayer(8, 40, 16, 'erf', 7);
  /** A job of two runs; the second is killed after its 4th step's save on the first attempt. */
  function job(killSecondAt: number | undefined) {
    const a = train(p.make(), p.X, p.y, { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 8 });
    const steps: number[] = [];
    const o: Observer = {
      fn: (s) => { if (s.step === killSecondAt) throw new Killed('killed'); steps.push(s.step); },
      state: { save: () => steps.slice(), restore: (v) => { steps.splice(0, steps.length, ...(v as number[])); } },
    };
    const b = train(p.make(), p.X, p.y, { optimizer: 'sgd', lr: 0.5, layers: 'both', batchSize: 16, maxEpochs: 3, rng: p.rng.split('b'), observers: [o] });
    return { a: params(a.net), b: params(b.net), steps };
  }

  it('a rerun takes the finished first run from its file and resumes the second', () => {
    const dir = path.join(tmp, 'job');
    const whole = job(undefined);
    expect(() => withTrainingCheckpoints(dir, () => job(5), 0)).toThrow(Killed);
    expect(readdirSync(dir).sort()).toEqual(['cost.json', 'train-0.ckpt', 'train-0.ckpt.json', 'train-1.ckpt', 'train-1.ckpt.json']);
    // What the killed attempt had spent at its last save: a rerun adds it to its own time.
    const first = earlierAttemptsCost(dir);
    expect(first.cpuMs).toBeGreaterThan(0);
    expect(first.wallMs).toBeGreaterThan(0);
    // The sidecars say how far each run got (what `plan` reports): the first finished, the second saved after step 4.
    expect(checkpointProgress(dir)).toMatchObject([{ run: 0, done: true, step: 8, maxSteps: 8 }, { run: 1, done: false, step: 4, maxSteps: 9 }]);
    const again = withTrainingCheckpoints(dir, () => job(undefined), 0);
    expect(sameBits(again.a, whole.a)).toBe(true);
    expect(sameBits(again.b, whole.b)).toBe(true);
    expect(again.steps).toEqual(whole.steps);
    // The rerun's saves carry the first attempt's cost forward and add its own.
    const both = earlierAttemptsCost(dir);
    expect(both.cpuMs).toBeGreaterThan(first.cpuMs);
    expect(both.wallMs).toBeGreaterThan(first.wallMs);
    // No folder, or an unreadable file: nothing earlier.
    expect(earlierAttemptsCost(path.join(tmp, 'none'))).toEqual({ cpuMs: 0, wallMs: 0 });
    writeFileSync(path.join(dir, 'cost.json'), '{"cpuMs": "x"');
    expect(earlierAttemptsCost(dir)).toEqual({ cpuMs: 0, wallMs: 0 });
  });

  it('outside a job, train() saves nothing', () => {
    const before = readdirSync(tmp).length;
    job(undefined);
    expect(readdirSync(tmp).length).toBe(before);
  });
});
