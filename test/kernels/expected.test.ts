import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { forward, symmetricInit } from '../../src/model/network';
import { networkKernels } from '../../src/kernels/empirical';
import {
  expectedCrossKernels,
  expectedKernels,
  expectedNtk,
  expectedNtk1,
  expectedNtk2,
  hasClosedForm,
  pairExpectation,
} from '../../src/kernels/expected';
import { type Mat, eigvalsh, gram, maxAbs, view, clone } from '../../src/linalg';
import { rngFor } from '../../src/random';

/** d×n Gaussian inputs whose columns are rescaled so a = ‖x‖²/d spreads over [lo, hi]. */
function spreadInputs(seed: string, d: number, n: number, lo = 0.3, hi = 2): Mat {
  const rng = rngFor(11, 'expected-test', seed, d, n);
  const X = rng.split('X').randn(d, n);
  const u = rng.split('scale');
  for (let j = 0; j < n; j++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += X.data[i + j * d]! ** 2;
    const target = lo + (hi - lo) * u.uniform();
    const f = Math.sqrt((target * d) / ss);
    for (let i = 0; i < d; i++) X.data[i + j * d] *= f;
  }
  return X;
}

function maxDiff(A: Mat, B: Mat): number {
  let m = 0;
  for (let i = 0; i < A.data.length; i++) m = Math.max(m, Math.abs(A.data[i]! - B.data[i]!));
  return m;
}

describe('closed forms (erf, ReLU) against 2-D quadrature', () => {
  it('agree on random covariance triples, including near-degenerate ones', () => {
    const rng = rngFor(3, 'closed-vs-quad');
    const triples: [number, number, number][] = [[1, 1, 0], [1, 1, 0.999999], [0.5, 2, -0.99], [2.5, 0.2, 0.4]];
    for (let t = 0; t < 12; t++) {
      const a = 0.2 + 2.8 * rng.uniform(), b = 0.2 + 2.8 * rng.uniform();
      const rho = -0.98 + 1.96 * rng.uniform();
      triples.push([a, b, rho]);
    }
    for (const name of ['erf', 'relu']) {
      const act = activation(name);
      expect(hasClosedForm(act)).toBe(true);
      for (const [a, b, rho] of triples) {
        const c = rho * Math.sqrt(a * b);
        for (const kind of ['f', 'd1'] as const) {
          const closed = pairExpectation(act, kind, a, b, c, 'closed');
          const quad = pairExpectation(act, kind, a, b, c, 'tensor');
          // Both sides are accurate to ~1e-15 (erf: 480-node Gauss–Hermite per dimension, smooth
          // integrand; ReLU: kink-aware composite rule); values are O(1). Measured max 1.4e-15
          // (including the nearly degenerate ρ = 0.999999); 1e-13 leaves room for rounding.
          expect(Math.abs(closed - quad), `${name} ${kind} a=${a} b=${b} ρ=${rho}`).toBeLessThan(1e-13);
        }
      }
    }
  });

  it('are exact on the diagonal (c² = aa′)', () => {
    const X = spreadInputs('diag', 9, 7);
    const d = 9;
    for (const name of ['erf', 'relu']) {
      const act = activation(name);
      const K1 = expectedNtk1(X, act);
      const K2 = expectedNtk2(X, act);
      for (let j = 0; j < 7; j++) {
        let ss = 0;
        for (let i = 0; i < d; i++) ss += X.data[i + j * d]! ** 2;
        const a = ss / d;
        // Closed forms at ρ = 1: erf E φ'² = (4/π)/√(1+4a), E erf² = (2/π) asin(2a/(1+2a));
        // ReLU E relu² = a/2, P(u > 0) = ½. Relative 1e-14: the same few roundings either way
        // (a itself comes from syrk here and a plain sum there).
        const e1 = name === 'erf' ? (4 / Math.PI) / Math.sqrt(1 + 4 * a) * a : 0.5 * a;
        const e2 = name === 'erf' ? (2 / Math.PI) * Math.asin((2 * a) / (1 + 2 * a)) : 0.5 * a;
        expect(Math.abs(K1.data[j + j * 7]! - e1)).toBeLessThan(1e-14 * Math.abs(e1));
        expect(Math.abs(K2.data[j + j * 7]! - e2)).toBeLessThan(1e-14 * Math.abs(e2));
      }
    }
  });
});

describe('Hermite-series (Mehler) method', () => {
  it('reproduces the closed forms for erf and ReLU', () => {
    const X = spreadInputs('series-closed', 12, 40);
    for (const name of ['erf', 'relu']) {
      const act = activation(name);
      const A = expectedKernels(X, act, ['ntk1', 'ntk2'], { method: 'closed' });
      const B = expectedKernels(X, act, ['ntk1', 'ntk2'], { method: 'series' });
      // Measured ≤ 1e-15; the series is truncated at relative 1e-15 and its 1-D coefficients are
      // accurate to ~1e-16 (kink-aware rule for ReLU). Entries are O(1): absolute 1e-13.
      expect(maxDiff(A.ntk1!, B.ntk1!)).toBeLessThan(1e-13);
      expect(maxDiff(A.ntk2!, B.ntk2!)).toBeLessThan(1e-13);
    }
  });

  it('matches the 2-D tensor rule for tanh, softplus, sigmoid, normalized tanh, leaky ReLU', () => {
    const X = spreadInputs('series-tensor', 8, 10);
    // One zero column (u ≡ 0) and one exact duplicate (ρ = 1 off the diagonal: tensor fallback).
    for (let i = 0; i < 8; i++) {
      X.data[i + 3 * 8] = 0;
      X.data[i + 7 * 8] = X.data[i + 5 * 8]!;
    }
    for (const name of ['tanh', 'softplus', 'sigmoid', 'normalized_tanh', 'leaky_relu']) {
      const act = activation(name);
      expect(hasClosedForm(act)).toBe(false);
      const S = expectedKernels(X, act, ['ntk1', 'ntk2']);
      const T = expectedKernels(X, act, ['ntk1', 'ntk2'], { method: 'tensor' });
      // Variances a ≤ 2 here, where the 480-node tensor rule is accurate to ~1e-15 for these
      // integrands (expected.ts documents the measurements); 1e-12 absolute on O(1) entries.
      expect(maxDiff(S.ntk1!, T.ntk1!), `${name} Θ1*`).toBeLessThan(1e-12);
      expect(maxDiff(S.ntk2!, T.ntk2!), `${name} Θ2*`).toBeLessThan(1e-12);
      // The duplicate pair equals the diagonal entry (exactly the same Gaussian pair) to rounding.
      expect(Math.abs(S.ntk2!.data[5 + 7 * 10]! - S.ntk2!.data[5 + 5 * 10]!)).toBeLessThan(1e-13);
    }
  });

  it('handles near-duplicate samples (|ρ| → 1) through the fallback, consistently', () => {
    const d = 6;
    const X = spreadInputs('near-dup', d, 4, 0.8, 1.2);
    for (let i = 0; i < d; i++) X.data[i + 3 * d] = X.data[i + 2 * d]! * 1.01 + (i === 0 ? 1e-3 : 0);
    const act = activation('tanh');
    const S = expectedNtk2(X, act);
    const T = expectedNtk2(X, act, { method: 'tensor' });
    // Same 1e-12 budget as above: the near-duplicate pair is routed to the tensor rule.
    expect(maxDiff(S, T)).toBeLessThan(1e-12);
  });
});

describe('structure', () => {
  it('kernels are symmetric PSD, Θ* = Θ1* + Θ2*, and cross kernels agree with blocks', () => {
    const X = spreadInputs('structure', 10, 24);
    for (const name of ['erf', 'relu', 'softplus']) {
      const act = activation(name);
      const all = expectedKernels(X, act);
      for (const K of [all.ntk1!, all.ntk2!, all.ntk!]) {
        // Exactly symmetric: only i ≤ j is computed, then mirrored.
        let asym = 0;
        for (let i = 0; i < 24; i++) for (let j = 0; j < 24; j++) asym = Math.max(asym, Math.abs(K.data[i + j * 24]! - K.data[j + i * 24]!));
        expect(asym).toBe(0);
        const ev = eigvalsh(K);
        // Gram matrices of a feature map: eigenvalues ≥ 0 up to rounding (≈ n·ε·‖K‖).
        expect(ev[0]!).toBeGreaterThan(-1e-12 * ev[ev.length - 1]!);
      }
      const sum = expectedNtk(X, act);
      // Exact: the same two matrices added entrywise.
      let sumErr = 0;
      for (let t = 0; t < sum.data.length; t++) sumErr = Math.max(sumErr, Math.abs(sum.data[t]! - (all.ntk1!.data[t]! + all.ntk2!.data[t]!)));
      expect(sumErr).toBe(0);
      const A = view(X, 0, 0, 10, 9), B = view(X, 0, 9, 10, 15);
      const cr = expectedCrossKernels(A, B, act, ['ntk1', 'ntk2']);
      // Cross kernels use a gemm-based c and a plain-sum a instead of syrk: rounding-level
      // differences only (closed forms clamp ρ; the series is the same truncation).
      for (const [key, full] of [['ntk1', all.ntk1!], ['ntk2', all.ntk2!]] as const) {
        const C = cr[key]!;
        let e = 0;
        for (let j = 0; j < 15; j++) for (let i = 0; i < 9; i++) e = Math.max(e, Math.abs(C.data[i + j * 9]! - full.data[i + (9 + j) * 24]!));
        expect(e, `${name} ${key}`).toBeLessThan(1e-14);
      }
    }
  });

  it('rejects bad input', () => {
    const X = spreadInputs('bad', 4, 3);
    expect(() => expectedNtk2(X, activation('tanh'), { method: 'closed' })).toThrow(/no closed form/);
    expect(() => expectedCrossKernels(X, spreadInputs('bad2', 5, 3), activation('erf'))).toThrow(/d×n/);
    const Y = clone(X);
    Y.data[2] = NaN;
    expect(() => expectedNtk1(Y, activation('erf'))).toThrow(/non-finite/);
  });
});

describe('Monte Carlo: empirical kernels of a wide network converge to the expected ones', () => {
  it('width m = 20000 (symmetric init): every entry within 5 standard errors', () => {
    const d = 10, n = 6, m = 20000;
    for (const name of ['erf', 'relu']) {
      const act = activation(name);
      const rng = rngFor(5, 'mc', name);
      const X = rng.split('X').randn(d, n);
      const net = symmetricInit(rng.split('net'), m, d, act);
      const emp = networkKernels(net, X, ['ntk1', 'ck']);
      const ex = expectedKernels(X, act, ['ntk1', 'ntk2']);
      // Standard errors from the sample itself. Under the symmetric init rows r and r + m/2 are
      // equal and v_r² = 1, so each kernel entry is a mean of m/2 iid terms
      // φ(z_ri)φ(z_rj) (resp. φ'(z_ri)φ'(z_rj)·c_ij): SE = sd/√(m/2) ≈ sd·0.01. A 5-SE band
      // fails with probability ~6e-7 per entry (42 entries) — and the seed is fixed.
      const cache = forward(net, X, { derivative: true });
      const G = gram(X, { trans: true, alpha: 1 / d });
      const half = m / 2;
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          for (const kind of ['ck', 'ntk1'] as const) {
            const M = kind === 'ck' ? cache.A : cache.D;
            const c = kind === 'ck' ? 1 : G.data[i + j * n]!;
            let s = 0, s2 = 0;
            for (let r = 0; r < half; r++) {
              const p = M.data[r + i * m]! * M.data[r + j * m]! * c;
              s += p;
              s2 += p * p;
            }
            const mean = s / half;
            const se = Math.sqrt(Math.max(s2 / half - mean * mean, 0) / half);
            const e = kind === 'ck' ? emp.ck! : emp.ntk1!;
            const x = kind === 'ck' ? ex.ntk2! : ex.ntk1!;
            const diff = Math.abs(e.data[i + j * n]! - x.data[i + j * n]!);
            worst = Math.max(worst, diff / se);
            expect(diff, `${name} ${kind} (${i},${j})`).toBeLessThan(5 * se + 1e-12);
          }
        }
      }
      // Sanity of the scale: the errors are O(1/√m), i.e. the largest is a few SE, not ≪ 1 SE.
      expect(worst).toBeGreaterThan(0.5);
      // And in absolute terms the deviation is O(1/√m): below 6/√(m/2) ≈ 0.06 (entries are O(1)).
      expect(maxAbs(sub2(emp.ck!, ex.ntk2!))).toBeLessThan(6 / Math.sqrt(half));
    }
  });
});

function sub2(A: Mat, B: Mat): Mat {
  const C = clone(A);
  for (let i = 0; i < C.data.length; i++) C.data[i] -= B.data[i]!;
  return C;
}

describe('performance', () => {
  it('n = 2000: closed form (erf) and Hermite series (tanh) take seconds', () => {
    const X = rngFor(9, 'perf').randn(100, 2000);
    let t = performance.now();
    const K = expectedKernels(X, activation('erf'), ['ntk1', 'ntk2']);
    const tErf = performance.now() - t;
    t = performance.now();
    const T = expectedKernels(X, activation('tanh'), ['ntk1', 'ntk2']);
    const tTanh = performance.now() - t;
    // Measured on the 2-core dev machine: ≈ 0.3 s (erf) and ≈ 1 s (tanh). Generous bound
    // (10 s) so a loaded machine does not fail; a per-pair tensor rule would take minutes.
    expect(tErf).toBeLessThan(10_000);
    expect(tTanh).toBeLessThan(10_000);
    expect(Number.isFinite(K.ntk1!.data[12345]!) && Number.isFinite(T.ntk2!.data[54321]!)).toBe(true);
  });
});
