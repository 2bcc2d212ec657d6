import { describe, expect, it } from 'vitest';
import { activation, gaussianConstants } from '../../src/activations';
import { expectedKernels } from '../../src/kernels/expected';
import {
  featureCount,
  linearCrossKernel,
  linearFeatures,
  linearKernel,
  linearModelConstants,
  linearModelGd,
  linearModelGdKernel,
  stabilityLimit,
  stabilityLimitFeatures,
} from '../../src/kernels/linear-model';
import { kernelRegression, lazyRegression } from '../../src/kernels/lazy';
import { crossKernels } from '../../src/kernels/empirical';
import { gaussianInit } from '../../src/model/network';
import {
  eigvalsh,
  fromRows,
  gram,
  matmul,
  matvec,
  maxAbs,
  topEigenvalues,
  zeros,
} from '../../src/linalg';
import { rngFor } from '../../src/random';

function maxDiff(A: ArrayLike<number>, B: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < A.length; i++) m = Math.max(m, Math.abs(A[i]! - B[i]!));
  return m;
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

const LAYERS = ['first', 'second', 'both'] as const;

describe('features and kernels of the linear models', () => {
  it('ΨᵀΨ equals the direct kernel (and Ψᵀ Ψ′ the cross kernel) to 1e-13', () => {
    const rng = rngFor(1, 'linear-kernel');
    const d = 16, n = 30, nt = 7;
    // Non-isotropic norms so that q(x) (the ‖x‖ feature) is not constant.
    const X = rng.split('X').randn(d, n, 1.2);
    const Xt = rng.split('Xt').randn(d, nt, 0.8);
    for (const name of ['erf', 'relu', 'softplus', 'tanh']) {
      const act = activation(name);
      for (const which of LAYERS) {
        for (const opts of [{}, { traceSigmaSq: 1.7 * d }]) {
          const P = linearFeatures(X, act, which, opts);
          expect(P.rows).toBe(featureCount(d, which));
          expect(P.cols).toBe(n);
          const K = linearKernel(X, act, which, opts);
          const PtP = gram(P, { trans: true });
          // Same sums in a different order (syrk of X plus rank-one terms vs syrk of Ψ):
          // rounding only, relative to the largest entry.
          expect(maxDiff(K.data, PtP.data), `${name} ${which}`).toBeLessThan(1e-13 * maxAbs(K));
          const Pt = linearFeatures(Xt, act, which, opts);
          const Kc = linearCrossKernel(X, Xt, act, which, opts);
          const PtPc = matmul(P, Pt, { transA: true });
          expect(maxDiff(Kc.data, PtPc.data), `${name} ${which} cross`).toBeLessThan(1e-13 * maxAbs(Kc));
        }
      }
      // Θlin = Θlin1 + Θlin2 (the both-layer model is the sum of the two one-layer kernels).
      const sum = linearKernel(X, act, 'first');
      const k2 = linearKernel(X, act, 'second');
      for (let t = 0; t < sum.data.length; t++) sum.data[t] += k2.data[t]!;
      expect(maxDiff(sum.data, linearKernel(X, act, 'both').data)).toBeLessThan(1e-13 * maxAbs(sum));
    }
  });

  it('constants: erf has ν = ϑ = 0; ReLU ζ = ½, ν = ϑ0 = ϑ1 = 1/√(2π), ϑ2 = 0; ν scales with √(Tr Σ²/d)', () => {
    const d = 8;
    const e = linearModelConstants(activation('erf'), d);
    // Quadrature constants (gaussianConstants): rounding-level accuracy.
    expect(Math.abs(e.zeta - 2 / Math.sqrt(3 * Math.PI))).toBeLessThan(1e-14);
    for (const v of [e.nu, e.theta0, e.theta1, e.theta2]) expect(Math.abs(v)).toBeLessThan(1e-14);
    const r = linearModelConstants(activation('relu'), d);
    const s = 1 / Math.sqrt(2 * Math.PI);
    expect(Math.abs(r.zeta - 0.5)).toBeLessThan(1e-14);
    for (const v of [r.nu, r.theta0, r.theta1]) expect(Math.abs(v - s)).toBeLessThan(1e-14);
    expect(Math.abs(r.theta2)).toBeLessThan(1e-14);
    const r2 = linearModelConstants(activation('relu'), d, { traceSigmaSq: 4 * d });
    expect(Math.abs(r2.nu - 2 * s)).toBeLessThan(1e-14);
    // Precomputed constants are used as given.
    const g = gaussianConstants(activation('softplus'));
    expect(linearModelConstants(activation('softplus'), d, { constants: g }).theta2).toBe(g.theta2);
  });

  it('feature layout: ψ2 of a column with ‖x‖/√d = s has q = ϑ0 + ϑ1(s−1) + ϑ2(s−1)²', () => {
    const d = 4;
    const X = fromRows([[2, 0], [0, 1], [0, 0], [0, 0]]); // s = 1 and s = ½
    const act = activation('softplus');
    const k = linearModelConstants(act, d);
    const P = linearFeatures(X, act, 'second');
    // Exact formulas evaluated in the same order: equality to a few ulps.
    expect(Math.abs(P.data[5]! - k.theta0)).toBeLessThan(1e-15);
    const t = -0.5;
    expect(Math.abs(P.data[6 + 5]! - (k.theta0 + k.theta1 * t + k.theta2 * t * t))).toBeLessThan(1e-15);
    expect(Math.abs(P.data[4]! - k.nu / Math.sqrt(2 * d))).toBeLessThan(1e-15);
    expect(Math.abs(P.data[0]! - (k.zeta * 2) / Math.sqrt(d))).toBeLessThan(1e-15);
    const P1 = linearFeatures(X, act, 'first');
    expect(P1.rows).toBe(d + 1);
    expect(Math.abs(P1.data[4]! - k.nu / Math.sqrt(d))).toBeLessThan(1e-15);
    expect(() => linearFeatures(X, act, 'middle' as 'first')).toThrow(/which/);
  });
});

/** max |λ| of a symmetric operator by Lanczos with full reorthogonalisation (test helper). */
function lanczosAbsMax(apply: (x: Float64Array, out: Float64Array) => void, n: number, seed: string): number {
  const rng = rngFor(7, 'lanczos', seed);
  const V: Float64Array[] = [];
  let v = rng.fillNormal(new Float64Array(n));
  const nv = norm(v);
  for (let i = 0; i < n; i++) v[i] /= nv;
  const alpha: number[] = [];
  const beta: number[] = [];
  const w = new Float64Array(n);
  let prev = NaN;
  for (let k = 0; k < Math.min(150, n); k++) {
    V.push(v);
    apply(v, w);
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i]! * v[i]!;
    alpha.push(a);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of V) {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i]! * q[i]!;
        for (let i = 0; i < n; i++) w[i] -= s * q[i]!;
      }
    }
    const b = norm(w);
    const m = alpha.length;
    const T = zeros(m, m);
    for (let i = 0; i < m; i++) {
      T.data[i + i * m] = alpha[i]!;
      if (i + 1 < m) T.data[i + 1 + i * m] = T.data[i + (i + 1) * m] = beta[i]!;
    }
    const ev = eigvalsh(T);
    const cur = Math.max(Math.abs(ev[0]!), Math.abs(ev[m - 1]!));
    if (Math.abs(cur - prev) <= 1e-7 * cur || b < 1e-14 * cur) return cur;
    prev = cur;
    beta.push(b);
    v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = w[i]! / b;
  }
  return prev;
}

describe('Θlin is the leading part of Θ* (Hu et al., Props. D.4, D.9)', () => {
  it('‖Θ* − Θlin‖/‖Θlin‖ shrinks from d = 32 to d = 256 with n = d^1.5 (erf, ReLU; first and second layer)', () => {
    // Measured (seed below): d = 32, 64, 128, 256 →
    //   erf  first 0.114 0.088 0.067 0.049   second 0.114 0.075 0.055 0.040
    //   ReLU first 0.220 0.137 0.093 0.068   second 0.0083 0.0025 0.0008 0.0003
    // ‖Θ* − Θlin‖ stays O(1) (the diagonal mismatch) while ‖Θlin‖ = Θ(n/d) = Θ(√d) grows
    // (ReLU second layer: ‖Θlin2‖ ≈ ‖qqᵀ‖ ≈ n/(2π)). ‖Θ* − Θlin‖ by Lanczos on v ↦ Θ*v − Ψᵀ(Ψv)
    // (agrees with a dense eigensolver to 1e-10 at d ≤ 128); ‖Θlin‖ = λ_max(ΨΨᵀ), (d+2)×(d+2).
    const ratios: Record<string, number[]> = {};
    for (const d of [32, 64, 128, 256]) {
      const n = Math.round(d ** 1.5);
      const X = rngFor(2024, 'lead', d).randn(d, n);
      for (const name of ['erf', 'relu']) {
        const act = activation(name);
        const E = expectedKernels(X, act, ['ntk1', 'ntk2']);
        for (const [which, key] of [['first', 'ntk1'], ['second', 'ntk2']] as const) {
          const P = linearFeatures(X, act, which);
          const T = E[key]!;
          const tmp = new Float64Array(P.rows);
          const linNorm = topEigenvalues(gram(P), 1)[0]!;
          const diff = lanczosAbsMax((x, out) => {
            matvec(T, x, { out, beta: 0 });
            matvec(P, x, { out: tmp, beta: 0 });
            matvec(P, tmp, { trans: true, alpha: -1, out, beta: 1 });
          }, n, `${name}-${which}-${d}`);
          (ratios[`${name} ${which}`] ??= []).push(diff / linNorm);
        }
      }
    }
    for (const [label, r] of Object.entries(ratios)) {
      // Monotone decrease at each doubling of d, and by at least 30% over the factor 8 in d
      // (measured: factor 0.31–0.43 for three series and 0.04 for ReLU second layer).
      for (let i = 1; i < r.length; i++) expect(r[i]!, `${label} at step ${i}: ${r.join(', ')}`).toBeLessThan(r[i - 1]!);
      expect(r[r.length - 1]! / r[0]!, label).toBeLessThan(0.7);
    }
  });
});

describe('GD on the linear model (Hu et al., Claim C.1)', () => {
  const d = 20, n = 40, nt = 9;
  const rng = rngFor(2, 'linear-gd');
  const X = rng.split('X').randn(d, n);
  const Xt = rng.split('Xt').randn(d, nt);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  const act = activation('relu');

  it('u(t) − y = (I − (η/n)K)^t (u(0) − y) to 1e-10, from β = 0 and from a nonzero β0', () => {
    for (const which of LAYERS) {
      const P = linearFeatures(X, act, which);
      const K = gram(P, { trans: true });
      const eta = 0.9 * stabilityLimit(K);
      for (const beta0 of [undefined, rng.split(`b0-${which}`).fillNormal(new Float64Array(P.rows))]) {
        const steps = 60;
        const res = linearModelGd(P, y, eta, steps, { recordAt: 'every', ...(beta0 ? { beta0 } : {}) });
        expect(res.records.length).toBe(steps + 1);
        // Propagate e(t) = (I − (η/n)K) e(t−1) with e(0) = u(0) − y.
        const e = new Float64Array(n);
        for (let i = 0; i < n; i++) e[i] = res.records[0]!.train[i]! - y[i]!;
        const e0 = norm(e);
        const tmp = new Float64Array(n);
        let worst = 0;
        for (let t = 1; t <= steps; t++) {
          matvec(K, e, { out: tmp, beta: 0 });
          for (let i = 0; i < n; i++) e[i] -= (eta / n) * tmp[i]!;
          const u = res.records[t]!.train;
          let m = 0;
          for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(u[i]! - y[i]! - e[i]!));
          worst = Math.max(worst, m);
        }
        // Both recursions are contractions (η < 2n/λ_max) so rounding does not grow: relative
        // 1e-10 to ‖u(0) − y‖ is ~10⁵ ulps of slack (measured ~1e-15).
        expect(worst, which).toBeLessThan(1e-10 * e0);
        expect(res.records[0]!.step).toBe(0);
      }
    }
  });

  it('‖u(t) − y‖ is non-increasing for η < 2n/‖K‖ and grows above it', () => {
    const P = linearFeatures(X, act, 'both');
    const lim = stabilityLimitFeatures(P);
    // The two ways of computing the limit agree (λ_max of ΨᵀΨ vs of ΨΨᵀ).
    expect(Math.abs(lim - stabilityLimit(gram(P, { trans: true }))) / lim).toBeLessThan(1e-12);
    const res = linearModelGd(P, y, 0.99 * lim, 300, { recordAt: 'every' });
    let prev = Infinity;
    for (const r of res.records) {
      const nr = Math.sqrt(2 * n * r.loss);
      // Each mode contracts by |1 − ηλ/n| ≤ 0.98; slack 1e-12 relative for rounding.
      expect(nr).toBeLessThanOrEqual(prev * (1 + 1e-12));
      prev = nr;
    }
    const bad = linearModelGd(P, y, 1.2 * lim, 200, { recordAt: [0, 200] });
    // Above the limit the top mode grows by |1 − 1.2·2| = 1.4 per step.
    expect(bad.records[1]!.loss).toBeGreaterThan(1e6 * bad.records[0]!.loss);
    expect(() => linearModelGd(P, y, 50 * lim, 5000)).toThrow(/non-finite/);
  });

  it('the kernel (function-space) dynamics equal the feature dynamics, train and test', () => {
    for (const which of LAYERS) {
      const P = linearFeatures(X, act, which);
      const Pt = linearFeatures(Xt, act, which);
      const K = linearKernel(X, act, which);
      const Kc = linearCrossKernel(X, Xt, act, which);
      const eta = 0.5 * stabilityLimit(K);
      const at = [0, 1, 7, 50, 120];
      const f = linearModelGd(P, y, eta, 120, { testFeatures: Pt, recordAt: at, recordBeta: true });
      const k = linearModelGdKernel(K, y, eta, 120, { crossKernel: Kc, recordAt: at });
      expect(f.records.map((r) => r.step)).toEqual(at);
      for (let i = 0; i < at.length; i++) {
        // Same linear recursion in two parametrisations: rounding differences only.
        const scale = norm(y);
        expect(maxDiff(f.records[i]!.train, k.records[i]!.train), which).toBeLessThan(1e-10 * scale);
        expect(maxDiff(f.records[i]!.test!, k.records[i]!.test!), which).toBeLessThan(1e-10 * scale);
        // Test predictions are Ψ'ᵀβ_t.
        const ut = matvec(Pt, f.records[i]!.beta!, { trans: true });
        expect(maxDiff(ut, f.records[i]!.test!)).toBeLessThan(1e-13 * scale);
      }
      expect(maxDiff(f.train, k.train)).toBeLessThan(1e-10 * norm(y));
      expect(maxDiff(f.test!, k.test!)).toBeLessThan(1e-10 * norm(y));
    }
  });

  it('validates its arguments', () => {
    const P = linearFeatures(X, act, 'first');
    expect(() => linearModelGd(P, y.subarray(1), 0.1, 3)).toThrow(/length/);
    expect(() => linearModelGd(P, y, -1, 3)).toThrow(/rate/);
    expect(() => linearModelGd(P, y, 0.1, 2.5)).toThrow(/steps/);
    expect(() => linearModelGdKernel(zeros(3, 4), y, 0.1, 3)).toThrow(/square/);
  });
});

describe('lazy training (Wang et al., eq. (6))', () => {
  const d = 10, n = 15, nt = 6, h = 300;
  const rng = rngFor(4, 'lazy');
  const X = rng.split('X').randn(d, n);
  const Xt = rng.split('Xt').randn(d, nt);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  // Gaussian init, so f_0 ≠ 0 and its part of the formula is exercised.
  const net = gaussianInit(rng.split('net'), h, d, activation('erf'));

  it('interpolates the training data (f̂(X) = y)', () => {
    for (const kernel of ['ntk', 'ntk1', 'ck'] as const) {
      const res = lazyRegression(net, X, y, Xt, { kernel });
      // A Cholesky solve of a kernel with condition number ≲ 1e4: relative error ≲ 1e-12.
      expect(maxDiff(res.train, y) / norm(y), kernel).toBeLessThan(1e-8);
      expect(maxDiff(res.f0Train, y)).toBeGreaterThan(0.1);
    }
  });

  it('equals the t → ∞ limit of GD on the linearised model', () => {
    const res = lazyRegression(net, X, y, Xt);
    const Kc = crossKernels(net, X, Xt, ['ntk']).ntk!;
    const ev = eigvalsh(res.K);
    const lmin = ev[0]!, lmax = ev[n - 1]!;
    const eta = (1.5 * n) / lmax;
    // The slowest mode contracts by (1 − η λ_min/n) per step: take enough steps for 1e-14.
    const steps = Math.ceil(Math.log(1e-14) / Math.log(1 - (eta * lmin) / n));
    expect(steps).toBeLessThan(200_000);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = y[i]! - res.f0Train[i]!;
    // GD in function space on the residual, from u(0) = 0 (= the linearised network's change).
    const g = linearModelGdKernel(res.K, r, eta, steps, { crossKernel: Kc, recordAt: [] });
    const gdTest = g.test!.map((v, i) => v + res.f0Test[i]!);
    // Both converge to K(x,X)K⁻¹r; the remaining gap is the 1e-14 GD transient plus the
    // solve's rounding amplified by κ(K): 1e-8 relative to ‖f̂(X')‖.
    expect(maxDiff(gdTest, res.test) / norm(res.test)).toBeLessThan(1e-8);
    expect(maxDiff(g.train, r) / norm(r)).toBeLessThan(1e-8);
  });

  it('reports a kernel that is not positive definite, and a ridge fixes it', () => {
    const K = fromRows([[1, 2, 0], [2, 1, 0], [0, 0, 1]]); // eigenvalues −1, 1, 3
    expect(() => kernelRegression(K, [1, 2, 3])).toThrow(/n = 3, smallest eigenvalue -1\.000e\+0/);
    const ok = kernelRegression(K, [1, 2, 3], undefined, { ridge: 2 });
    // (K + 2I)α = r: check the residual of the solve.
    const Ka = matvec(K, ok.alpha);
    for (let i = 0; i < 3; i++) expect(Math.abs(Ka[i]! + 2 * ok.alpha[i]! - (i + 1))).toBeLessThan(1e-14);
    expect(() => lazyRegression(net, X, y.subarray(1), Xt)).toThrow(/samples/);
  });

  it('a ridge shrinks towards f_0 (train predictions no longer interpolate)', () => {
    const res = lazyRegression(net, X, y, Xt, { ridge: 1 });
    const e = maxDiff(res.train, y);
    expect(e).toBeGreaterThan(1e-3);
  });
});
