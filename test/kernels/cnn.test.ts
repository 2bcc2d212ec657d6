import { describe, expect, it } from 'vitest';
import { activation, gaussianConstants } from '../../src/activations';
import { gaussianInputs, hypercubeInputs } from '../../src/data/data';
import {
  circularCnnNtk, circularPatch, hypercubeLinearCoefficient, hypercubePatchTable, isHypercube,
} from '../../src/kernels/cnn';
import { expectedNtk } from '../../src/kernels/expected';
import { fromColumnMajor, zeros } from '../../src/linalg/mat';
import { frobenius, sub } from '../../src/linalg/ops';
import { cnnEmpiricalNtk, cnnForward, initCircularCnn } from '../../src/model/cnn';
import { rngFor } from '../../src/random';

const erf = activation('erf');
const relu = activation('relu');

function relFro(A: ReturnType<typeof zeros>, B: ReturnType<typeof zeros>): number {
  return frobenius(sub(A, B)) / frobenius(B);
}

describe('circular patches', () => {
  it('wrap around: patch p holds coordinates p, …, p+q−1 mod d', () => {
    const X = fromColumnMajor(5, 1, [10, 11, 12, 13, 14]);
    expect(Array.from(circularPatch(X, 3, 3).data)).toEqual([13, 14, 10]);
    expect(Array.from(circularPatch(X, 5, 4).data)).toEqual([14, 10, 11, 12, 13]);
  });
});

describe('infinite-width circular-CNN NTK', () => {
  it('hypercube fast path is bit-identical to the general path', () => {
    const X = hypercubeInputs(rngFor(1, 'cnn', 'fast'), 9, 40);
    expect(isHypercube(X)).toBe(true);
    for (const act of [erf, relu]) {
      for (const layers of ['first', 'second', 'both'] as const) {
        for (const q of [1, 3, 4, 9]) {
          const fast = circularCnnNtk(X, act, q, { layers });
          const slow = circularCnnNtk(X, act, q, { layers, general: true });
          expect(Array.from(fast.data)).toEqual(Array.from(slow.data));
        }
      }
    }
  });

  it('with q = d every patch is a cyclic shift and the kernel is the fully-connected Θ* (erf, ReLU; hypercube and Gaussian data)', () => {
    for (const X of [hypercubeInputs(rngFor(2, 'cnn', 'fc'), 12, 30), gaussianInputs(rngFor(3, 'cnn', 'fc'), 12, 30)]) {
      for (const act of [erf, relu]) {
        const cnn = circularCnnNtk(X, act, 12);
        const fc = expectedNtk(X, act);
        expect(relFro(cnn, fc)).toBeLessThan(1e-14);
      }
    }
  });

  it('the finite-width network\'s empirical NTK converges to it as the width grows (per layer, hypercube and Gaussian data)', () => {
    const d = 7;
    const q = 3;
    const inputs = [hypercubeInputs(rngFor(4, 'cnn', 'mc'), d, 6), gaussianInputs(rngFor(5, 'cnn', 'mc'), d, 6)];
    for (const X of inputs) {
      for (const layers of ['first', 'second', 'both'] as const) {
        const inf = circularCnnNtk(X, erf, q, { layers });
        const errs = [2000, 32000].map((m) => {
          const net = initCircularCnn(rngFor(6, 'cnn', 'mc', m, layers), { d, q, m }, erf);
          return relFro(cnnEmpiricalNtk(net, X, layers), inf);
        });
        // Monte-Carlo error ∝ m^{-1/2}: 16× the width, ~4× smaller (allow ≥ 1.8× for one draw).
        expect(errs[1]).toBeLessThan(0.025);
        expect(errs[1]).toBeLessThan(errs[0]! / 1.8);
      }
    }
  });

  it('the empirical NTK is J·Jᵀ of the network\'s parameter Jacobian (central differences)', () => {
    const d = 5;
    const q = 3;
    const m = 4;
    const X = gaussianInputs(rngFor(7, 'cnn', 'fd'), d, 3);
    const net = initCircularCnn(rngFor(8, 'cnn', 'fd'), { d, q, m }, erf);
    const params = [net.W.data, net.V.data];
    const n = X.cols;
    const rows: Float64Array[] = [];
    const h = 1e-6;
    for (const buf of params) {
      for (let k = 0; k < buf.length; k++) {
        const keep = buf[k]!;
        buf[k] = keep + h;
        const fp = cnnForward(net, X);
        buf[k] = keep - h;
        const fm = cnnForward(net, X);
        buf[k] = keep;
        rows.push(fp.map((v, j) => (v - fm[j]!) / (2 * h)));
      }
    }
    const K = zeros(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (const r of rows) s += r[i]! * r[j]!;
      K.data[i + j * n] = s;
    }
    expect(relFro(cnnEmpiricalNtk(net, X, 'both'), K)).toBeLessThan(1e-8);
  });

  it('rejects a bad filter size, an activation without closed form, non-finite inputs and a mismatched network', () => {
    const X = hypercubeInputs(rngFor(9, 'cnn', 'bad'), 6, 4);
    expect(() => circularCnnNtk(X, erf, 7)).toThrow(/filter size q = 7 .*d = 6/);
    expect(() => circularCnnNtk(X, erf, 2.5)).toThrow(/filter size/);
    expect(() => circularCnnNtk(X, activation('tanh'), 3)).toThrow(/'tanh' has no closed-form/);
    const Y = gaussianInputs(rngFor(9, 'cnn', 'nan'), 6, 4);
    Y.data[5] = Number.NaN;
    expect(() => circularCnnNtk(Y, erf, 3)).toThrow(/X/);
    const net = initCircularCnn(rngFor(9, 'cnn', 'net'), { d: 5, q: 3, m: 2 }, erf);
    expect(() => cnnEmpiricalNtk(net, X)).toThrow(/d = 5.*6×4/);
    expect(() => initCircularCnn(rngFor(9), { d: 3, q: 4, m: 2 }, erf)).toThrow(/q = 4 exceeds/);
  });
});

describe('linear coefficient of Θ_CNN on the hypercube', () => {
  it('equals the degree-1 Walsh coefficient of the kernel, computed by enumerating the whole cube (d = 6, q = 1…6)', () => {
    const d = 6;
    const N = 1 << d;
    // Θ(x, x') depends on a = x ⊙ x' only: column 0 is x' = 1, columns 1…N run over all a.
    const data = new Float64Array(d * (N + 1)).fill(1);
    for (let k = 0; k < N; k++) for (let t = 0; t < d; t++) data[(k + 1) * d + t] = (k >> t) & 1 ? 1 : -1;
    const X = fromColumnMajor(d, N + 1, data);
    for (let q = 1; q <= d; q++) {
      const K = circularCnnNtk(X, erf, q);
      let coef = 0;
      for (let k = 0; k < N; k++) {
        let S = 0;
        for (let t = 0; t < d; t++) S += data[(k + 1) * d + t]!;
        coef += K.data[k + 1]! * S; // E[g(a)·S] = coefficient of S/d
      }
      coef /= N;
      expect(hypercubeLinearCoefficient(erf, q)).toBeCloseTo(coef, 13);
    }
  });

  it('tends to 2ζ² (erf, both layers) with a 1/q correction', () => {
    const twoZeta2 = 2 * gaussianConstants(erf).zeta ** 2;
    const excess = (q: number) => hypercubeLinearCoefficient(erf, q) / twoZeta2 - 1;
    expect(excess(3)).toBeGreaterThan(0.15);
    expect(excess(3)).toBeLessThan(0.18);
    expect(Math.abs(excess(4000))).toBeLessThan(2e-4);
    // q·excess converges (the leading correction is c/q).
    expect(Math.abs((1000 * excess(1000)) / (2000 * excess(2000)) - 1)).toBeLessThan(2e-3);
  });

  it('the patch table is the erf kernel K(ρ) = (2/π)asin(2ρ/3) + ρ(4/π)/√(9 − 4ρ²) at ρ = s/q', () => {
    const T = hypercubePatchTable(erf, 4);
    for (let k = 0; k <= 4; k++) {
      const rho = (2 * k - 4) / 4;
      const K = (2 / Math.PI) * Math.asin((2 * rho) / 3) + (rho * (4 / Math.PI)) / Math.sqrt(9 - 4 * rho * rho);
      expect(T[k]).toBeCloseTo(K, 14);
    }
  });
});
