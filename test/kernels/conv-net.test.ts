/**
 * Empirical kernels of the deep circular CNN (src/kernels/conv-net.ts): against J Jᵀ of a
 * finite-difference Jacobian term by term, blocked against one block, a 1×1 image with k = 1
 * against the deep FC network's kernels, and the FC Hadamard formula shown wrong for a CNN.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type Mat, frobenius, gram, hadamard, sub, zeros } from '../../src/linalg';
import { convNetKernels, convNetNtk } from '../../src/kernels/conv-net';
import { deepNetworkKernels } from '../../src/kernels/deep';
import { type ConvNet, cloneConvNet, convNetHidden, convNetInit, convNetPredict } from '../../src/model/conv-net';
import { deepGaussianInit } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { relErr } from '../helpers/relative-error';
import { centralDifferenceJacobian } from '../helpers/finite-differences';

/** n×count Jacobian blocks of f(X) by central differences, one per filter bank and one for v. */
function fdJacobian(net: ConvNet, X: Mat, eps = 1e-5): { filters: Mat[]; v: Mat } {
  const block = (pick: (m: ConvNet) => Float64Array): Mat => centralDifferenceJacobian(net, cloneConvNet, (m) => convNetPredict(m, X), pick, eps);
  return { filters: net.filters.map((_, l) => block((m) => m.filters[l]!.data)), v: block((m) => m.v) };
}

describe('conv net empirical NTK', () => {
  it('equals J Jᵀ of a finite-difference Jacobian, term by term (tiny images, L = 1…3; rel. 1e-8)', () => {
    // Central differences with ε = 1e-5: O(ε²) ≈ 1e-10 truncation, ≈ 1e-11 rounding per entry;
    // 1e-8 still catches a wrong fan-in factor or a position pairing left out.
    const cases: [string, { height: number; width: number; kernel: number; channels: number[] }][] = [
      ['erf', { height: 3, width: 4, kernel: 3, channels: [3] }],
      ['tanh', { height: 4, width: 3, kernel: 3, channels: [2, 3] }],
      ['erf', { height: 4, width: 4, kernel: 3, channels: [2, 2, 3] }],
      ['softplus', { height: 3, width: 3, kernel: 2, channels: [3, 2] }],
    ];
    for (const [act, shape] of cases) {
      const rng = rngFor(21, 'conv-kernel-fd', act, shape.channels.join('x'));
      const net = convNetInit(rng.split('init'), shape, activation(act));
      const X = rng.split('X').randn(shape.height * shape.width, 5);
      const J = fdJacobian(net, X);
      const K = convNetKernels(net, X, ['ntk', 'ck', 'layers']);
      const tag = `${act} ${shape.height}×${shape.width} ${shape.channels.join('/')}`;
      expect(relErr(K.ck!, gram(J.v)), `${tag}: CK`).toBeLessThan(1e-8);
      const full = gram(J.v);
      J.filters.forEach((Jl, l) => {
        expect(relErr(K.layers![l]!, gram(Jl)), `${tag}: Θ_${l + 1}`).toBeLessThan(1e-8);
        gram(Jl, { out: full, beta: 1 });
      });
      expect(relErr(K.ntk!, full), `${tag}: Θ`).toBeLessThan(1e-8);
    }
  });

  it('in blocks of 3 samples (off-diagonal blocks recomputed) equals one block to 1e-14', () => {
    const rng = rngFor(3, 'conv-kernel-blocks');
    const net = convNetInit(rng.split('init'), { height: 4, width: 5, kernel: 3, channels: [3, 4] }, activation('erf'));
    const X = rng.split('X').randn(20, 8);
    const one = convNetKernels(net, X, ['ntk', 'ck', 'layers'], { block: 8 });
    const many = convNetKernels(net, X, ['ntk', 'ck', 'layers'], { block: 3 });
    expect(relErr(many.ntk!, one.ntk!)).toBeLessThan(1e-14);
    expect(relErr(many.ck!, one.ck!)).toBeLessThan(1e-14);
    many.layers!.forEach((T, l) => expect(relErr(T, one.layers![l]!)).toBeLessThan(1e-14));
    // Symmetric exactly: the lower blocks are copies of the upper ones, the diagonal ones syrk's.
    const K = many.ntk!;
    let asym = 0;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) asym = Math.max(asym, Math.abs(K.data[i + 8 * j]! - K.data[j + 8 * i]!));
    expect(asym).toBe(0);
    expect(convNetNtk(net, X).data).toEqual(one.ntk!.data);
  });

  it('a 1×1 image with k = 1 gives the deep FC network\'s kernels (rel. 1e-14: same sums, other products)', () => {
    for (const act of ['erf', 'relu']) {
      const rng = rngFor(9, 'conv-kernel-fc', act);
      const d = 6, channels = [10, 7, 9];
      const conv = convNetInit(rng.split('init'), { height: 1, width: 1, kernel: 1, channels, inChannels: d }, activation(act));
      const deep = deepGaussianInit(rng.split('init'), [d, ...channels], activation(act));
      const X = rng.split('X').randn(d, 12);
      const a = convNetKernels(conv, X, ['ntk', 'ck', 'layers']);
      const b = deepNetworkKernels(deep, X, ['ntk', 'ck', 'layers']);
      expect(relErr(a.ck!, b.ck!)).toBeLessThan(1e-14);
      a.layers!.forEach((T, l) => expect(relErr(T, b.layers![l]!), `${act} Θ_${l + 1}`).toBeLessThan(1e-14));
      expect(relErr(a.ntk!, b.ntk!)).toBeLessThan(1e-14);
    }
  });

  it('the FC per-layer Hadamard formula is wrong for shared filters (a one-layer CNN on 4×4 images)', () => {
    // FC formula for the filter bank: (BᵀB) ⊙ (PᵀP) with the sensitivities and patches of each
    // sample flattened over positions: it drops the position pairs p ≠ p′ of the true Gram.
    const rng = rngFor(4, 'conv-kernel-hadamard');
    const net = convNetInit(rng.split('init'), { height: 4, width: 4, kernel: 3, channels: [5] }, activation('erf'));
    const X = rng.split('X').randn(16, 6);
    const K = convNetKernels(net, X, ['layers']).layers![0]!;
    const H1 = convNetHidden(net, X)[0]!;
    // A stand-in with the FC shape: (flattened maps' Gram) ⊙ (inputs' Gram), scaled alike.
    const fc = hadamard(gram(H1, { trans: true }), gram(X, { trans: true }));
    const scale = frobenius(K) / frobenius(fc);
    const scaled = zeros(6, 6);
    for (let i = 0; i < 36; i++) scaled.data[i] = fc.data[i]! * scale;
    expect(relErr(scaled, K)).toBeGreaterThan(0.01);
  });
});
