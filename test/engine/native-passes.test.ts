/**
 * The native elementwise passes of issue 14 (optimizer updates, the gradient factor, the fused
 * kernel passes, lower-only syrk with tiled symmetrization) do the same floating-point
 * operations on the same numbers as the TypeScript paths they replace. Each test runs the
 * engine twice on the native backend — once as it is, once with the new addon entry points
 * taken away so that the TypeScript loops run — and demands bit-identical results (Object.is
 * on every entry, so a −0 or a NaN pattern counts too). The BLAS calls are the same in both
 * runs, so any difference is the passes' own. Two BLAS threads, so the threaded split runs.
 */
import { describe, expect, it } from 'vitest';
import { activation, leakyRelu } from '../../src/activations';
import { loadNativeBackend, type LinalgBackend } from '../../src/linalg/backend';
import { gram, zeros, type Mat } from '../../src/linalg';
import { forward, gaussianInit, cloneNet, type TwoLayerNet } from '../../src/model/network';
import { networkKernels, type KernelName } from '../../src/kernels/empirical';
import { rngFor } from '../../src/random';
import { train, type TrainConfig } from '../../src/train/train';
import { useNativeThreads } from '../helpers/native';

const native = loadNativeBackend();
const PASSES = ['optimizerUpdate', 'gradFactor', 'activationWeighted', 'kernelsFinish', 'syrkLowerOnly'] as const;

/** Runs fn counting the calls of each new native pass (to show the fast path did run). */
function counting<T>(fn: () => T): { value: T; calls: Record<string, number> } {
  const b = native as unknown as Record<string, unknown>;
  const calls: Record<string, number> = {};
  const saved = PASSES.map((k) => [k, b[k]] as const);
  for (const [k, f] of saved) {
    calls[k] = 0;
    b[k] = (...args: unknown[]) => { calls[k]!++; return (f as (...a: unknown[]) => unknown)(...args); };
  }
  try {
    return { value: fn(), calls };
  } finally {
    for (const [k, f] of saved) b[k] = f;
  }
}

/** Runs fn with the new native passes removed from the backend (the TypeScript fallbacks run). */
function withoutPasses<T>(fn: () => T): T {
  const b = native as unknown as Record<string, unknown>;
  const saved = PASSES.map((k) => [k, b[k]] as const);
  for (const k of PASSES) delete b[k];
  try {
    return fn();
  } finally {
    for (const [k, f] of saved) b[k] = f;
  }
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  let bad = -1;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) { bad = i; break; }
  expect(bad, `${what}: first differing entry ${bad} (${a[bad]} vs ${b[bad]})`).toBe(-1);
}

describe.skipIf(!native)('native passes are bit-identical to the TypeScript paths', () => {
  useNativeThreads(native!);

  it('has every pass the engine looks for', () => {
    for (const k of PASSES) expect(typeof (native as unknown as Record<string, unknown>)[k], k).toBe('function');
  });

  // h·d = 76 800 entries: above the threshold where the updates split over the threads.
  const [n, d, h] = [200, 300, 256];
  const rng = rngFor(14, 'native-passes');
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));

  const cases: { name: string; cfg: TrainConfig; act: string }[] = [
    { name: 'GD', act: 'normalized_tanh', cfg: { optimizer: 'gd', lr: 0.5, layers: 'both', maxSteps: 6 } },
    { name: 'SGD b=32', act: 'normalized_tanh', cfg: { optimizer: 'sgd', lr: 0.3, layers: 'both', batchSize: 32, maxEpochs: 3, lossBelow: 1e-5 } },
    { name: 'Adam b=32', act: 'normalized_tanh', cfg: { optimizer: 'adam', lr: 1e-2, layers: 'both', batchSize: 32, maxEpochs: 3 } },
    { name: 'AdaGrad b=50', act: 'normalized_relu', cfg: { optimizer: 'adagrad', lr: 1e-1, layers: 'both', batchSize: 50, maxEpochs: 2 } },
    { name: 'SGD first layer, erf', act: 'erf', cfg: { optimizer: 'sgd', lr: 0.3, layers: 'first', batchSize: 64, maxEpochs: 2 } },
    { name: 'GD with observers', act: 'normalized_tanh', cfg: { optimizer: 'gd', lr: 0.5, layers: 'both', maxSteps: 4, observers: [{ at: [2], fn: () => {} }] } },
  ];
  for (const c of cases) {
    it(`training: ${c.name} — weights and loss history`, () => {
      const net0 = gaussianInit(rng.split(`net ${c.name}`), h, d, activation(c.act));
      const run = () => {
        const net = cloneNet(net0);
        const r = train(net, X, y, { ...c.cfg, rng: rngFor(3, 'shuffle', c.name) });
        return { net, hist: r.lossHistory.flatMap((e) => [e.step, e.loss]) };
      };
      const { value: fast, calls } = counting(run);
      expect(calls.optimizerUpdate, 'the native update ran').toBeGreaterThan(0);
      const plain = withoutPasses(run);
      sameBits(fast.net.W.data, plain.net.W.data, 'W');
      sameBits(fast.net.v, plain.net.v, 'v');
      sameBits(fast.hist, plain.hist, 'loss history');
      // The run moved the weights (an identical no-op would prove nothing).
      let moved = 0;
      for (let i = 0; i < net0.W.data.length; i++) moved = Math.max(moved, Math.abs(fast.net.W.data[i]! - net0.W.data[i]!));
      expect(moved).toBeGreaterThan(1e-6);
    });
  }

  it('the full-batch loss needs no σ′: f(X) is the same with and without it', () => {
    const net = gaussianInit(rng.split('f'), h, d, activation('normalized_tanh'));
    const a = forward(net, X, { derivative: true }).f.slice();
    const b = forward(net, X, { derivative: false }).f.slice();
    sameBits(a, b, 'f');
  });

  // leakyRelu(0.2) is no built-in of the addon: the TypeScript path runs in both.
  const custom = leakyRelu(0.2);
  const sets: KernelName[][] = [['ck', 'ntk1', 'ntk'], ['ntk'], ['ntk1'], ['ck'], ['ck', 'ntk1']];
  for (const actName of ['normalized_tanh', 'normalized_relu', 'sigmoid', 'custom']) {
    it(`kernels (${actName}): CK, K1, NTK for every request`, () => {
      const act = actName === 'custom' ? custom : activation(actName);
      const net: TwoLayerNet = gaussianInit(rng.split(`k ${actName}`), h, d, act);
      for (const which of sets) {
        const { value: fast, calls } = counting(() => networkKernels(net, X, which));
        expect(calls.kernelsFinish, `${actName} ${which}: native path taken`).toBe(actName === 'custom' || which.join() === 'ck' ? 0 : 1);
        const plain = withoutPasses(() => networkKernels(net, X, which));
        for (const k of ['ck', 'ntk1', 'ntk'] as const) {
          expect(fast[k] === undefined, `${which} ${k}`).toBe(!which.includes(k));
          if (fast[k]) sameBits(fast[k]!.data, plain[k]!.data, `${actName} ${which} ${k}`);
        }
      }
      // and they are symmetric kernels of the right size
      const K = networkKernels(net, X, ['ntk']).ntk!;
      expect([K.rows, K.cols]).toEqual([n, n]);
      for (let j = 0; j < n; j += 7) for (let i = 0; i < n; i += 5) expect(K.data[i + j * n]).toBe(K.data[j + i * n]);
    });
  }

  it('kernels at n = 640 (the finishing pass split over both threads, partial tiles): CK, K1, NTK', () => {
    const m = 640;
    const Xb = rngFor(14, 'native-passes', 'big').randn(d, m);
    const net: TwoLayerNet = gaussianInit(rng.split('k big'), h, d, activation('normalized_tanh'));
    for (const which of [['ck', 'ntk1', 'ntk'], ['ntk1']] as KernelName[][]) {
      const fast = networkKernels(net, Xb, which);
      const plain = withoutPasses(() => networkKernels(net, Xb, which));
      for (const k of which) sameBits(fast[k]!.data, plain[k]!.data, `n = ${m} ${which} ${k}`);
    }
  });

  it('syrk with tiled symmetrization equals the product computed by gemm-free reference sums to rounding, and both triangles agree', () => {
    // Sizes around the 64-wide tiles and the threading threshold (512).
    for (const m of [1, 63, 64, 65, 130, 700]) {
      const A: Mat = rngFor(5, 'syrk', m).randn(37, m);
      const C = gram(A, { trans: true, alpha: 0.5 });
      let asym = 0;
      for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) if (!Object.is(C.data[i + j * m], C.data[j + i * m])) asym++;
      expect(asym, `m = ${m}`).toBe(0);
      for (const [i, j] of [[0, 0], [m - 1, 0], [m - 1, m - 1], [Math.floor(m / 2), Math.floor(m / 3)]] as const) {
        let s = 0;
        for (let k = 0; k < 37; k++) s += A.data[k + i * 37]! * A.data[k + j * 37]!;
        expect(Math.abs(C.data[i + j * m]! - 0.5 * s)).toBeLessThan(1e-12 * Math.max(1, Math.abs(s)));
      }
    }
    const z = zeros(2, 2);
    expect(() => native!.syrk(true, 3, 2, 1, z.data, 0, 2, 0, z.data, 0, 3)).toThrow(/needs/);
  });
});
