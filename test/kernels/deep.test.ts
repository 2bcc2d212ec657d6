/**
 * Empirical kernels of the deep FC network (src/kernels/deep.ts): against J Jᵀ from a
 * finite-difference Jacobian, against the two-layer kernels at L = 1, cross kernels, bad input.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { type Mat, frobenius, gram, sub, view, zeros } from '../../src/linalg';
import { deepConjugateKernel, deepCrossKernels, deepNetworkKernels, deepNtk } from '../../src/kernels/deep';
import { networkKernels } from '../../src/kernels/empirical';
import { type DeepNet, cloneDeepNet, deepFromTwoLayer, deepGaussianInit, deepPredict } from '../../src/model/deep';
import { gaussianInit } from '../../src/model/network';
import { rngFor } from '../../src/random';
import { relErr } from '../helpers/relative-error';
import { centralDifferenceJacobian } from '../helpers/finite-differences';

/** Jacobian of f(X) (n outputs) by central differences, one n×P block per parameter group. */
function fdJacobian(net: DeepNet, X: Mat, eps = 1e-5): { W: Mat[]; v: Mat } {
  const block = (pick: (m: DeepNet) => Float64Array): Mat => centralDifferenceJacobian(net, cloneDeepNet, (m) => deepPredict(m, X), pick, eps);
  return { W: net.W.map((_, l) => block((m) => m.W[l]!.data)), v: block((m) => m.v) };
}

describe('deep empirical NTK', () => {
  it('equals J Jᵀ of a finite-difference Jacobian, term by term (n = 5, widths ≈ 4, L = 1…3; rel. 1e-8)', () => {
    // Central differences with ε = 1e-5: O(ε²) ≈ 1e-10 truncation and ≈ 1e-11 rounding per
    // Jacobian entry; 1e-8 leaves margin and still catches a missing width factor (≥ 25%).
    const cases: [string, number[]][] = [['erf', [3, 4]], ['tanh', [3, 4, 5]], ['softplus', [4, 3, 4, 4]], ['sigmoid', [2, 5, 4, 3]]];
    for (const [name, widths] of cases) {
      const rng = rngFor(21, 'deep-kernel-fd', name);
      const net = deepGaussianInit(rng.split('init'), widths, activation(name));
      const X = rng.split('X').randn(widths[0]!, 5);
      const J = fdJacobian(net, X);
      const K = deepNetworkKernels(net, X, ['ntk', 'ck', 'layers']);
      const tag = `${name} ${widths.join('×')}`;
      expect(relErr(K.ck!, gram(J.v)), `${tag}: CK`).toBeLessThan(1e-8);
      const full = gram(J.v);
      J.W.forEach((Jk, k) => {
        expect(relErr(K.layers![k]!, gram(Jk)), `${tag}: Θ_${k + 1}`).toBeLessThan(1e-8);
        gram(Jk, { out: full, beta: 1 });
      });
      expect(relErr(K.ntk!, full), `${tag}: Θ`).toBeLessThan(1e-8);
    }
  });

  it('at L = 1 equals the two-layer kernels of empirical.ts (CK, K1 = Θ_1, NTK; rel. 1e-15 — same products, possibly other BLAS paths)', () => {
    for (const name of ['erf', 'relu', 'tanh']) {
      for (const [h, d, n] of [[6, 4, 7], [90, 20, 60]] as const) {
        const rng = rngFor(4, 'deep-kernel-L1', name, h);
        const two = gaussianInit(rng.split('init'), h, d, activation(name));
        const X = rng.split('X').randn(d, n);
        const ref = networkKernels(two, X);
        const K = deepNetworkKernels(deepFromTwoLayer(two), X, ['ntk', 'ck', 'layers']);
        const tag = `${name} h=${h}`;
        expect(relErr(K.ck!, ref.ck!), `${tag}: CK`).toBeLessThan(1e-15);
        expect(relErr(K.layers![0]!, ref.ntk1!), `${tag}: K1`).toBeLessThan(1e-15);
        expect(relErr(K.ntk!, ref.ntk!), `${tag}: NTK`).toBeLessThan(1e-15);
      }
    }
  });

  it('Θ = Σ_l Θ_l + CK; deepNtk/deepConjugateKernel are the same matrices; cross kernels reproduce the training kernel on shared points', () => {
    const rng = rngFor(5, 'deep-kernel-cross');
    const net = deepGaussianInit(rng.split('init'), [6, 20, 15, 10], activation('tanh'));
    const X = rng.split('X').randn(6, 9);
    const K = deepNetworkKernels(net, X, ['ntk', 'ck', 'layers']);
    const sum = zeros(9, 9);
    for (let i = 0; i < sum.data.length; i++) sum.data[i] = K.ck!.data[i]! + K.layers!.reduce((s, T) => s + T.data[i]!, 0);
    expect(relErr(sum, K.ntk!)).toBeLessThan(1e-15);
    expect(deepNtk(net, X).data).toEqual(K.ntk!.data);
    // The CK alone runs a forward pass without σ′, whose σ comes from another loop (within an ulp).
    expect(relErr(deepConjugateKernel(net, X), K.ck!)).toBeLessThan(1e-15);
    const Xt = view(X, 0, 3, 6, 4);
    const C = deepCrossKernels(net, X, Xt, ['ntk', 'ck', 'layers']);
    const block = (M: Mat): Mat => {
      const B = zeros(9, 4);
      for (let j = 0; j < 4; j++) for (let i = 0; i < 9; i++) B.data[i + 9 * j] = M.data[i + 9 * (j + 3)]!;
      return B;
    };
    expect(relErr(C.ntk!, block(K.ntk!))).toBeLessThan(1e-14);
    expect(relErr(C.ck!, block(K.ck!))).toBeLessThan(1e-14);
    C.layers!.forEach((T, k) => expect(relErr(T, block(K.layers![k]!)), `Θ_${k + 1}`).toBeLessThan(1e-14));
  });

  it('rejects unknown kernel names and mismatched inputs', () => {
    const rng = rngFor(6, 'deep-kernel-bad');
    const net = deepGaussianInit(rng, [3, 4, 4], activation('erf'));
    const X = rng.split('X').randn(3, 5);
    expect(() => deepNetworkKernels(net, X, ['ntk', 'nngp' as 'ck'])).toThrow(/unknown kernel 'nngp'/);
    expect(() => deepNtk(net, zeros(4, 5))).toThrow(/X must have 3 rows/);
    expect(() => deepCrossKernels(net, X, zeros(2, 5))).toThrow(/test inputs are 2×5, need 3 rows/);
  });
});
