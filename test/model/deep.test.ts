/**
 * The deep fully connected network (src/model/deep.ts): gradients against central finite
 * differences, L = 1 bit-identical to the two-layer network, the offset f − f_0, trainable
 * subsets, bad input.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { backend } from '../../src/linalg/backend';
import { type Mat, view, zeros } from '../../src/linalg';
import {
  type DeepNet,
  allocDeepWorkspace,
  checkDeepData,
  cloneDeepNet,
  deepForward,
  deepFromTwoLayer,
  deepGradientBlocks,
  deepParameterBlocks,
  deepGaussianInit,
  deepLossAndGradients,
  deepPredict,
  deepWidths,
} from '../../src/model/deep';
import { NATIVE_PASS_MIN, allocGradients, forward, gaussianInit, gradients } from '../../src/model/network';
import { rngFor } from '../../src/random';
import { centralDifferenceError, halfMse } from '../helpers/finite-differences';

function setup(name: string, widths: number[], n: number, seed = 1) {
  const rng = rngFor(seed, 'deep-test', name, widths.join('x'), n);
  const act = activation(name);
  const net = deepGaussianInit(rng.split('init'), widths, act);
  const X = rng.split('X').randn(widths[0]!, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  return { net, X, y, rng };
}

/** max |FD − analytic| / max |analytic| over every parameter (central differences). */
function fdRelativeError(net: DeepNet, X: Mat, y: Float64Array, offset?: Float64Array): number {
  const o = offset ? { offset } : {};
  const { grads } = deepLossAndGradients(net, X, y, o);
  return centralDifferenceError(net, cloneDeepNet, (m) => halfMse(deepPredict(m, X, o), y), [
    ...net.W.map((_, k) => ({ pick: (m: DeepNet) => m.W[k]!.data, grad: grads.W[k]!.data })),
    { pick: (m: DeepNet) => m.v, grad: grads.v },
  ]);
}

function expectBitIdentical(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  let mismatches = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) mismatches++;
  expect(mismatches, `${what}: entries that are not bit-identical`).toBe(0);
}

describe('deep network: gradients', () => {
  it('match central finite differences for smooth activations, L = 1…4 and several widths (rel. 1e-7)', () => {
    // Central differences with ε = 1e-5 err by O(ε²·L''') ≈ 1e-10 relative plus rounding
    // ≈ 1e-16/ε ≈ 1e-11: 1e-7 leaves room and still catches a wrong scale or a missing term.
    const cases: [string, number[]][] = [
      ['erf', [4, 6]],
      ['tanh', [3, 5, 4]],
      ['softplus', [5, 3, 6, 4]],
      ['sigmoid', [4, 7, 3, 5, 6]],
      ['normalized_tanh', [6, 4, 4, 4]],
      ['erf', [2, 9, 2, 9]],
    ];
    for (const [name, widths] of cases) {
      const { net, X, y } = setup(name, widths, 7);
      expect(fdRelativeError(net, X, y), `${name} ${widths.join('×')}`).toBeLessThan(1e-7);
    }
  });

  it('with an offset (f − f_0, Hu App. A): the loss and gradients use f − offset − y, and match finite differences', () => {
    const { net, X, y, rng } = setup('tanh', [5, 6, 6], 8);
    const net0 = deepGaussianInit(rng.split('other'), [5, 6, 6], net.act);
    const f0 = deepPredict(net0, X);
    expect(fdRelativeError(net, X, y, f0)).toBeLessThan(1e-7);
    // At the initial network itself f − f_0 ≡ 0: exactly when the forward pass evaluates σ alone
    // (derivative: false), as deepPredict does; the fused σ/σ′ pass of the TypeScript loops
    // computes σ by another formula, within an ulp, so there |f − f_0| is at rounding level.
    const exact = deepLossAndGradients(net0, X, y, { offset: f0, derivative: false });
    for (const fj of exact.f) expect(fj).toBe(0);
    const at0 = deepLossAndGradients(net0, X, y, { offset: f0 });
    for (const fj of at0.f) expect(Math.abs(fj)).toBeLessThan(1e-15);
    expect(at0.loss).toBeCloseTo(y.reduce((s, t) => s + t * t, 0) / (2 * y.length), 15);
    // The offset shifts the residual only: gradients at offset o equal those at targets y + o.
    const yShift = y.map((t, j) => t + f0[j]!);
    const a = deepLossAndGradients(net, X, y, { offset: f0 });
    const b = deepLossAndGradients(net, X, yShift);
    for (let k = 0; k < 2; k++) {
      const ga = a.grads.W[k]!.data, gb = b.grads.W[k]!.data;
      for (let i = 0; i < ga.length; i++) expect(Math.abs(ga[i]! - gb[i]!)).toBeLessThan(1e-14);
    }
  });

  it('trainable subsets: untrained layers are never written, trained ones equal the full gradients', () => {
    const { net, X, y } = setup('erf', [4, 5, 6, 3], 9);
    const full = deepLossAndGradients(net, X, y);
    const fullW = full.grads.W.map((W) => W.data.slice());
    const fullV = full.grads.v.slice();
    const ws = allocDeepWorkspace(deepWidths(net), 9);
    const part = deepLossAndGradients(net, X, y, { workspace: ws, trainable: { W: [false, true, false], v: false } });
    expect(part.loss).toBe(full.loss);
    expectBitIdentical(part.grads.W[1]!.data, fullW[1]!, 'W2');
    for (const k of [0, 2]) for (const g of part.grads.W[k]!.data) expect(g).toBe(0);
    for (const g of part.grads.v) expect(g).toBe(0);
    // Reusing the workspace for every layer overwrites the buffers with the full gradients.
    deepLossAndGradients(net, X, y, { workspace: ws });
    ws.grads.W.forEach((W, k) => expectBitIdentical(W.data, fullW[k]!, `W${k + 1}`));
    expectBitIdentical(ws.grads.v, fullV, 'v');
  });

  it('σ′ formed during backpropagation (derivative: false) agrees with the stored σ′ (rel. 1e-14)', () => {
    // The two paths compute σ′ with different loops (fused σ/σ′ pass vs σ′ alone): ulp-level.
    const { net, X, y } = setup('softplus', [6, 40, 30, 20], 120);
    const a = deepLossAndGradients(net, X, y);
    const aW = a.grads.W.map((W) => W.data.slice());
    const b = deepLossAndGradients(net, X, y, { derivative: false });
    b.grads.W.forEach((W, k) => {
      let err = 0, size = 0;
      for (let i = 0; i < W.data.length; i++) {
        err = Math.max(err, Math.abs(W.data[i]! - aW[k]![i]!));
        size = Math.max(size, Math.abs(aW[k]![i]!));
      }
      expect(err / size, `W${k + 1}`).toBeLessThan(1e-14);
    });
  });
});

describe('deep network: parameter blocks for an optimizer', () => {
  it('a GD step with per-layer rates over the blocks lowers the loss, and moves only the layers with a rate', () => {
    const { net, X, y } = setup('tanh', [5, 8, 8, 6], 20);
    const before = net.W.map((W) => W.data.slice());
    const { loss, grads } = deepLossAndGradients(net, X, y);
    const params = deepParameterBlocks(net), gs = deepGradientBlocks(grads);
    expect(params.map((b) => b.name)).toEqual(['W1', 'W2', 'W3', 'v']);
    expect(gs.map((b) => b.name)).toEqual(['W1', 'W2', 'W3', 'v']);
    params.forEach((b, k) => expect(b.data.length).toBe(gs[k]!.data.length));
    const rates: Record<string, number> = { W1: 0.5, W2: 0, W3: 0.5, v: 0.5 };
    params.forEach((b, k) => {
      for (let i = 0; i < b.data.length; i++) b.data[i] -= rates[b.name]! * gs[k]!.data[i]!;
    });
    expect(net.W[1]!.data).toEqual(before[1]);
    expect(net.W[0]!.data).not.toEqual(before[0]);
    // A small step along −∇: the loss falls by about η‖∇‖² (first order).
    expect(deepLossAndGradients(net, X, y).loss).toBeLessThan(loss);
    // A strided view of the right shape (ld = rows + 1) cannot be walked as one flat block.
    const W1 = net.W[0]!;
    const strided = view(zeros(W1.rows + 1, W1.cols), 0, 0, W1.rows, W1.cols);
    expect(() => deepParameterBlocks({ ...net, W: [strided, ...net.W.slice(1)] })).toThrow(/W1 is a strided view \(8×5, ld 9\)/);
  });
});

describe('deep network at L = 1 is the two-layer network, bit for bit', () => {
  it('same init stream, same outputs, same gradients (Object.is on every entry), in both σ′ modes, small and native-sized', () => {
    const hasNative = !!backend().gradFactor;
    // (h, d, n): h·n below and above NATIVE_PASS_MIN, where the elementwise passes move into the addon.
    const sizes: [number, number, number][] = [[7, 5, 9], [80, 30, Math.ceil(NATIVE_PASS_MIN / 80) + 3]];
    for (const name of ['erf', 'tanh', 'relu', 'softplus', 'normalized_relu']) {
      for (const [h, d, n] of sizes) {
        const rng = rngFor(11, 'deep-vs-two-layer', name, h, d, n);
        const act = activation(name);
        const two = gaussianInit(rng.split('init'), h, d, act);
        const deep = deepGaussianInit(rng.split('init'), [d, h], act);
        const tag = `${name} h=${h} d=${d} n=${n}${hasNative ? ' (native)' : ''}`;
        expectBitIdentical(deep.W[0]!.data, two.W.data, `${tag}: W`);
        expectBitIdentical(deep.v, two.v, `${tag}: v`);
        const X = rng.split('X').randn(d, n);
        const y = rng.split('y').fillNormal(new Float64Array(n));
        for (const derivative of [true, false]) {
          const cache = forward(two, X, { derivative });
          const g = allocGradients(h, d, n);
          const loss = gradients(two, X, y, cache, g, 'both');
          const out = deepLossAndGradients(deep, X, y, { derivative });
          expectBitIdentical(out.f, cache.f, `${tag} σ′ ${derivative}: f`);
          expect(Object.is(out.loss, loss), `${tag}: loss`).toBe(true);
          expectBitIdentical(out.grads.W[0]!.data, g.gW.data, `${tag} σ′ ${derivative}: ∇W`);
          expectBitIdentical(out.grads.v, g.gv, `${tag} σ′ ${derivative}: ∇v`);
        }
        // deepFromTwoLayer wraps the same arrays: the same forward pass.
        expectBitIdentical(deepPredict(deepFromTwoLayer(two), X), forward(two, X).f, `${tag}: deepFromTwoLayer`);
      }
    }
  });
});

describe('deep network: forward and bad input', () => {
  it('keeps every layer: Z_l = W_l H_{l−1}/√w_{l−1}, H_l = σ(Z_l), f = vᵀH_L/√w_L (checked entry by entry, rel. 1e-14)', () => {
    const { net, X } = setup('tanh', [3, 4, 5], 6);
    const c = deepForward(net, X, { derivative: true });
    // Independent scalar evaluation of one sample.
    for (let s = 0; s < 6; s++) {
      let h = Array.from({ length: 3 }, (_, i) => X.data[i + 3 * s]!);
      net.W.forEach((W, k) => {
        const z = Array.from({ length: W.rows }, (_, i) => h.reduce((t, hj, j) => t + W.data[i + j * W.rows]! * hj, 0) / Math.sqrt(W.cols));
        z.forEach((zi, i) => {
          expect(Math.abs(c.Z[k]!.data[i + s * W.rows]! - zi)).toBeLessThan(1e-14 * (1 + Math.abs(zi)));
          expect(Math.abs(c.D[k]!.data[i + s * W.rows]! - net.act.d1(zi))).toBeLessThan(1e-14);
        });
        h = z.map((zi) => net.act.sigma(zi));
      });
      const f = h.reduce((t, hi, i) => t + net.v[i]! * hi, 0) / Math.sqrt(5);
      expect(Math.abs(c.f[s]! - f)).toBeLessThan(1e-14 * (1 + Math.abs(f)));
    }
  });

  it('rejects wrong shapes, lengths, widths and non-finite data with messages naming them', () => {
    const { net, X, y } = setup('erf', [4, 5, 3], 6);
    expect(() => deepForward(net, zeros(5, 6))).toThrow(/W1 is 5×4 so X must have 4 rows, got 5×6/);
    expect(() => deepLossAndGradients(net, X, y.subarray(0, 5))).toThrow(/X has 6 samples, y has 5/);
    expect(() => deepLossAndGradients(net, X, y, { offset: new Float64Array(4) })).toThrow(/offset has length 4/);
    expect(() => deepLossAndGradients(net, X, y, { trainable: { W: [true] } })).toThrow(/trainable.W has 1 entries, the network has 2/);
    expect(() => deepLossAndGradients(net, X, y, { workspace: allocDeepWorkspace([4, 5, 3], 7) })).toThrow(/workspace is for 2 layers and 7 samples/);
    expect(() => deepPredict({ ...net, W: [net.W[0]!, zeros(3, 4)] }, X)).toThrow(/W2 is 3×4 but W1 is 5×4/);
    expect(() => deepPredict({ ...net, v: new Float64Array(4) }, X)).toThrow(/W2 is 3×5 but v has length 4/);
    expect(() => deepPredict({ ...net, W: [] }, X)).toThrow(/at least one hidden layer/);
    expect(() => deepGaussianInit(rngFor(1), [4], net.act)).toThrow(/widths must be \[d, w_1, …, w_L\]/);
    expect(() => deepGaussianInit(rngFor(1), [4, 0, 3], net.act)).toThrow(/width w_1 = 0 must be a positive integer/);
    const bad = cloneDeepNet(net);
    bad.W[1]!.data[2] = NaN;
    expect(() => checkDeepData('train', bad, X, y)).toThrow(/W2/);
    const Xn = zeros(4, 6);
    Xn.data[3] = Infinity;
    expect(() => checkDeepData('train', net, Xn, y)).toThrow(/X/);
  });
});
