/**
 * The deep circular CNN (src/model/conv-net.ts): gradients against central finite differences
 * (L = 1…3, tiny images), chunked passes against one pass, a 1×1 image with k = 1 bit-identical
 * to the deep FC network, im2col/col2im adjoint, circular-shift equivariance of the hidden maps,
 * seeded initialisation, bad input.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type Mat, zeros } from '../../src/linalg';
import {
  type ConvNet,
  allocConvNetWorkspace,
  circularWindows,
  cloneConvNet,
  col2im,
  convNetHidden,
  convNetInit,
  convNetLossAndGradients,
  convNetPredict,
  convNetPredictor,
  im2col,
  inverseWindows,
} from '../../src/model/conv-net';
import { deepGaussianInit, deepLossAndGradients, deepPredict } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { centralDifferenceError, halfMse } from '../helpers/finite-differences';

function setup(act: string, shape: { height: number; width: number; kernel: number; channels: number[]; inChannels?: number }, n: number, seed = 1) {
  const rng = rngFor(seed, 'conv-net-test', act, shape.height, shape.width, shape.kernel, shape.channels.join('x'), n);
  const net = convNetInit(rng.split('init'), shape, activation(act));
  const X = rng.split('X').randn((shape.inChannels ?? 1) * shape.height * shape.width, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  return { net, X, y, rng };
}

/** max |FD − analytic| / max |analytic| over every parameter (central differences). */
function fdRelativeError(net: ConvNet, X: Mat, y: Float64Array, offset?: Float64Array): number {
  const o = offset ? { offset } : {};
  const { grads } = convNetLossAndGradients(net, X, y, o);
  return centralDifferenceError(net, cloneConvNet, (m) => halfMse(convNetPredict(m, X, o), y), [
    ...net.filters.map((_, l) => ({ pick: (m: ConvNet) => m.filters[l]!.data, grad: grads.filters[l]!.data })),
    { pick: (m: ConvNet) => m.v, grad: grads.v },
  ]);
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

describe('conv net: gradients', () => {
  // Central differences with ε = 1e-5 err by O(ε²) ≈ 1e-10 relative plus rounding ≈ 1e-11:
  // 1e-7 leaves room and still catches a wrong scale, a flipped window or a missing term.
  const cases: [string, { height: number; width: number; kernel: number; channels: number[]; inChannels?: number }][] = [
    ['erf', { height: 4, width: 5, kernel: 3, channels: [3] }],
    ['tanh', { height: 3, width: 4, kernel: 3, channels: [2, 3] }],
    ['erf', { height: 5, width: 3, kernel: 3, channels: [3, 2, 2] }],
    ['softplus', { height: 4, width: 4, kernel: 2, channels: [2, 2], inChannels: 2 }],
    ['sigmoid', { height: 3, width: 3, kernel: 3, channels: [2, 2, 3] }],
  ];
  for (const [act, shape] of cases) {
    it(`match central finite differences: ${act}, ${shape.height}×${shape.width}, k = ${shape.kernel}, channels ${shape.channels.join('/')} (rel. 1e-7)`, () => {
      const { net, X, y } = setup(act, shape, 4);
      const err = fdRelativeError(net, X, y);
      expect(err).toBeLessThan(1e-7);
    });
  }

  it('with the initial output subtracted (offset f_0), the same gradients as without it on shifted targets', () => {
    const { net, X, y, rng } = setup('erf', { height: 3, width: 4, kernel: 3, channels: [2, 2] }, 5);
    const offset = rng.split('off').fillNormal(new Float64Array(5));
    expect(fdRelativeError(net, X, y, offset)).toBeLessThan(1e-7);
    const a = convNetLossAndGradients(net, X, y, { offset });
    const shifted = Float64Array.from(y, (v, j) => v + offset[j]!);
    const gA = [...a.grads.filters.flatMap((F) => [...F.data]), ...a.grads.v];
    const b = convNetLossAndGradients(net, X, shifted);
    const gB = [...b.grads.filters.flatMap((F) => [...F.data]), ...b.grads.v];
    gA.forEach((g, i) => expect(Math.abs(g - gB[i]!)).toBeLessThan(1e-15 * Math.max(1, Math.abs(g)) * 10));
  });

  it('chunked passes (chunk 2 of 7 samples) agree with one pass to 1e-14 (only the order of the sums differs)', () => {
    const { net, X, y } = setup('erf', { height: 4, width: 4, kernel: 3, channels: [3, 2] }, 7);
    const one = convNetLossAndGradients(net, X, y, { workspace: allocConvNetWorkspace(net, 7, { chunk: 7 }) });
    const flatOne = [...one.grads.filters.flatMap((F) => [...F.data]), ...one.grads.v];
    const fOne = one.f.slice(), lossOne = one.loss;
    const ws = allocConvNetWorkspace(net, 7, { chunk: 2 });
    const many = convNetLossAndGradients(net, X, y, { workspace: ws });
    const flatMany = [...many.grads.filters.flatMap((F) => [...F.data]), ...many.grads.v];
    const scale = Math.max(...flatOne.map(Math.abs));
    flatOne.forEach((g, i) => expect(Math.abs(g - flatMany[i]!) / scale).toBeLessThan(1e-14));
    // Outputs are per sample, but BLAS may block a gemm of another width differently: rounding only.
    const fScale = Math.max(...Array.from(fOne, Math.abs));
    const f3 = convNetPredict(net, X, { workspace: allocConvNetWorkspace(net, 7, { chunk: 3 }) });
    fOne.forEach((f, j) => {
      expect(Math.abs(f - many.f[j]!) / fScale).toBeLessThan(1e-14);
      expect(Math.abs(f - f3[j]!) / fScale).toBeLessThan(1e-14);
    });
    expect(Math.abs(many.loss - lossOne) / lossOne).toBeLessThan(1e-14);
  });
});

describe('conv net: a 1×1 image with k = 1 is the deep FC network', () => {
  for (const [act, d, channels] of [['erf', 6, [8, 5, 7]], ['tanh', 3, [40]], ['relu', 5, [20, 30]]] as [string, number, number[]][]) {
    it(`${act}, d = ${d} input channels, channels ${channels.join('/')}: outputs, loss and gradients bit-identical`, () => {
      const rng = rngFor(7, 'conv-vs-deep', act, d);
      const n = 50;
      const conv = convNetInit(rng.split('init'), { height: 1, width: 1, kernel: 1, channels, inChannels: d }, activation(act));
      const deep = deepGaussianInit(rng.split('init'), [d, ...channels], activation(act));
      conv.filters.forEach((F, l) => expect(sameBits(F.data, deep.W[l]!.data)).toBe(true));
      expect(sameBits(conv.v, deep.v)).toBe(true);
      const X = rng.split('X').randn(d, n), y = rng.split('y').fillNormal(new Float64Array(n));
      const offset = rng.split('o').fillNormal(new Float64Array(n));
      expect(sameBits(convNetPredict(conv, X), deepPredict(deep, X))).toBe(true);
      for (const derivative of [true, false]) {
        const a = convNetLossAndGradients(conv, X, y, { offset, derivative });
        const b = deepLossAndGradients(deep, X, y, { offset, derivative });
        expect(Object.is(a.loss, b.loss)).toBe(true);
        expect(sameBits(a.f, b.f)).toBe(true);
        a.grads.filters.forEach((G, l) => expect(sameBits(G.data, b.grads.W[l]!.data), `layer ${l + 1}`).toBe(true));
        expect(sameBits(a.grads.v, b.grads.v)).toBe(true);
      }
    });
  }
});

describe('conv net: geometry', () => {
  it('col2im is the adjoint of im2col: ⟨im2col(A), D⟩ = ⟨A, col2im(D)⟩ (k = 3 and 2, non-square images)', () => {
    for (const [H, W, k, cin] of [[4, 5, 3, 2], [3, 6, 2, 3], [5, 5, 3, 1]] as const) {
      const rng = rngFor(3, 'adjoint', H, W, k);
      const P = H * W, k2 = k * k, m = 3;
      const win = circularWindows(H, W, k);
      const A = rng.split('A').randn(cin * P, m), D = rng.split('D').randn(k2 * cin, P * m);
      const pa = zeros(k2 * cin, P * m), cb = zeros(cin * P, m);
      im2col(A, cin, win, k2, pa);
      col2im(D, cin, inverseWindows(win, k2), k2, cb);
      let lhs = 0, rhs = 0;
      for (let i = 0; i < pa.data.length; i++) lhs += pa.data[i]! * D.data[i]!;
      for (let i = 0; i < cb.data.length; i++) rhs += A.data[i]! * cb.data[i]!;
      expect(Math.abs(lhs - rhs) / Math.abs(lhs)).toBeLessThan(1e-13);
    }
  });

  it('every pixel lies in exactly k² windows (circular padding), and the window is centred for odd k', () => {
    const win = circularWindows(4, 5, 3);
    const counts = new Array<number>(20).fill(0);
    for (const q of win) counts[q]!++;
    expect(counts.every((c) => c === 9)).toBe(true);
    // Position (0, 0): the window's centre (t = 4) is itself, its top-left (t = 0) is (3, 4).
    expect(win[4]).toBe(0);
    expect(win[0]).toBe(3 * 5 + 4);
  });

  it('hidden maps are equivariant under circular shifts of the image (to rounding, 1e-13)', () => {
    const H = 5, W = 6, n = 3;
    const { net, X } = setup('erf', { height: H, width: W, kernel: 3, channels: [3, 4, 2] }, n);
    const shift = (M: Mat, C: number, dr: number, dc: number): Mat => {
      const out = zeros(M.rows, M.cols);
      for (let j = 0; j < M.cols; j++) {
        for (let r = 0; r < H; r++) {
          for (let c = 0; c < W; c++) {
            const to = ((r + dr) % H) * W + ((c + dc) % W), from = r * W + c;
            for (let ch = 0; ch < C; ch++) out.data[j * M.rows + to * C + ch] = M.data[j * M.rows + from * C + ch]!;
          }
        }
      }
      return out;
    };
    const hidden = convNetHidden(net, X);
    const shifted = convNetHidden(net, shift(X, 1, 2, 5));
    hidden.forEach((Hl, l) => {
      const C = net.filters[l]!.rows;
      const expected = shift(Hl, C, 2, 5);
      let err = 0, size = 0;
      for (let i = 0; i < expected.data.length; i++) {
        err = Math.max(err, Math.abs(expected.data[i]! - shifted[l]!.data[i]!));
        size = Math.max(size, Math.abs(expected.data[i]!));
      }
      expect(err / size, `layer ${l + 1}`).toBeLessThan(1e-13);
    });
  });
});

describe('conv net: convNetPredictor', () => {
  it('gives convNetPredict\'s numbers (with and without offset), fresh arrays, across networks of one shape', () => {
    const { net, X, rng } = setup('erf', { height: 4, width: 4, kernel: 3, channels: [2, 3] }, 6);
    const other = convNetInit(rng.split('other'), { height: 4, width: 4, kernel: 3, channels: [2, 3] }, activation('erf'));
    const predict = convNetPredictor();
    const a = predict(net, X), b = predict(other, X);
    expect(sameBits(a, convNetPredict(net, X))).toBe(true);
    expect(sameBits(b, convNetPredict(other, X))).toBe(true);
    const off = rng.split('off').fillNormal(new Float64Array(6));
    expect(sameBits(predict(net, X, off), convNetPredict(net, X, { offset: off }))).toBe(true);
    expect(sameBits(a, convNetPredict(net, X))).toBe(true); // a was not overwritten by later calls
  });
});

describe('conv net: initialisation and errors', () => {
  it('the same key draws the same network; another key another', () => {
    const shape = { height: 4, width: 4, kernel: 3, channels: [4, 4] };
    const a = convNetInit(rngFor(1, 'x'), shape, activation('erf'));
    const b = convNetInit(rngFor(1, 'x'), shape, activation('erf'));
    const c = convNetInit(rngFor(2, 'x'), shape, activation('erf'));
    expect(sameBits(a.filters[1]!.data, b.filters[1]!.data) && sameBits(a.v, b.v)).toBe(true);
    expect(sameBits(a.v, c.v)).toBe(false);
    expect(a.filters.map((F) => `${F.rows}×${F.cols}`)).toEqual(['4×9', '4×36']);
    expect(a.v.length).toBe(4 * 16);
  });

  it('bad shapes name what is wrong', () => {
    const { net, X, y } = setup('erf', { height: 3, width: 3, kernel: 3, channels: [2] }, 4);
    expect(() => convNetPredict(net, zeros(8, 2))).toThrow(/reads C_0·H·W = 9 inputs/);
    expect(() => convNetLossAndGradients(net, X, y.subarray(0, 3))).toThrow(/y has 3/);
    expect(() => convNetInit(rngFor(1), { height: 2, width: 2, kernel: 3, channels: [2] }, activation('erf'))).toThrow(/does not fit/);
    expect(() => convNetInit(rngFor(1), { height: 3, width: 3, kernel: 3, channels: [0] }, activation('erf'))).toThrow(/positive integers/);
  });
});
