import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { randomOrthonormal, randomUnitVector } from '../../src/data/data';
import {
  spikeMeasures,
  subspaceAngles,
  sweepIndependentRng,
  testError,
  weightOuterMpEdge,
} from '../../src/experiments';
import { eigvalsh, gram } from '../../src/linalg';
import { gaussianInit, predict } from '../../src/model/network';
import { rngFor } from '../../src/random';

function problem(seed: number, h = 40, d = 20, n = 60) {
  const rng = rngFor(seed, 'w-transition test');
  const net = gaussianInit(rng.split('init'), h, d, activation('normalized_tanh'));
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  return { rng, net, X, y };
}

describe('sweepIndependentRng', () => {
  it('gives the same stream for every sweep value of a trial, and different streams for different trials', () => {
    const a = sweepIndependentRng(rngFor(7, 'C', 0.5, 2)).normal();
    const b = sweepIndependentRng(rngFor(7, 'C', 44, 2)).normal();
    const c = sweepIndependentRng(rngFor(7, 'C', 44, 3)).normal();
    const e = sweepIndependentRng(rngFor(8, 'C', 44, 2)).normal();
    expect(a).toBe(b);
    expect(c).not.toBe(b);
    expect(e).not.toBe(b); // the root seed still matters
  });

  it('refuses a stream that is not a job stream', () => {
    expect(() => sweepIndependentRng(rngFor(1, 'only-two'))).toThrow(/rootSeed, claim, x, trial/);
  });
});

describe('spikeMeasures', () => {
  it('finds a planted rank-one spike along β and reports its alignment', () => {
    const { rng, net, X, y } = problem(3, 80, 30, 50);
    const beta = randomUnitVector(rng.split('beta'), 30);
    // W ← W + 10√d·a βᵀ (a random unit vector in R^h): a singular value 10√d ≈ 55 against the bulk's
    // ‖W‖ ≈ √h + √d ≈ 14, so the top right singular vector of W is β up to O((14/55)²).
    const a = randomUnitVector(rng.split('a'), 80);
    for (let j = 0; j < 30; j++) for (let i = 0; i < 80; i++) net.W.data[i + j * 80] += 10 * Math.sqrt(30) * a[i]! * beta[j]!;
    const m = spikeMeasures(net, X, y, beta, { spectra: true });
    expect(m.alignBeta).toBeGreaterThan(0.95);
    expect(m.wTop).toBeGreaterThan(2 * m.wSecond);
    // The top of the full spectrum (ascending) is λ₁, and λ₁ ≥ λ₂ ≥ the rest.
    expect(m.wSpectrum![29]).toBeCloseTo(m.wTop, 8);
    expect(m.wSpectrum![28]).toBeCloseTo(m.wSecond, 8);
    expect(m.ckSpectrum!.length).toBe(50);
    for (const v of [m.alignYck, m.alignYntk]) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('has the MP edge of W₀W₀ᵀ/d at (1 + √(h/d))² and a random W₀ near it', () => {
    expect(weightOuterMpEdge(1500, 1000)).toBeCloseTo((1 + Math.sqrt(1.5)) ** 2, 12);
    const { net } = problem(4, 600, 400, 10);
    const top = eigvalsh(gram(net.W, { trans: true, alpha: 1 / 400 }))[399]!;
    // Tracy–Widom fluctuations at this size are ≈ 1% of the edge; allow 5%.
    expect(Math.abs(top / weightOuterMpEdge(600, 400) - 1)).toBeLessThan(0.05);
  });
});

describe('subspaceAngles', () => {
  it('is 1 when the top eigenspace contains span B and ≈ m/d for a random W', () => {
    const rng = rngFor(5, 'angles');
    const d = 200, h = 300, k = 3, m = 20;
    const B = randomOrthonormal(rng.split('B'), d, k);
    const W = rng.split('W').randn(h, d);
    const rand = subspaceAngles(W, B, m);
    expect(rand.randomMeanCos2).toBeCloseTo(m / d, 15);
    expect(rand.meanCos2).toBeLessThan(4 * (m / d));
    // Plant the k directions with singular values ≈ 100√h ≈ 1700 against the bulk's ≈ √h + √d ≈ 32:
    // the top-k right singular vectors are span B up to sines ≈ 32/1700.
    const A = rng.split('A').randn(h, k);
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) for (let i = 0; i < h; i++) W.data[i + j * h] += 100 * A.data[i + c * h]! * B.data[j + c * d]!;
    const planted = subspaceAngles(W, B, m);
    expect(planted.meanCos2).toBeGreaterThan(0.999);
    expect(Math.max(...planted.angles)).toBeLessThan(0.05);
  });
});

describe('testError', () => {
  it('is the mean squared error of the network on the test points', () => {
    const { net, X } = problem(6);
    const f = predict(net, X);
    const yt = new Float64Array(f.length);
    for (let i = 0; i < yt.length; i++) yt[i] = f[i]! + (i % 2 === 0 ? 0.5 : -0.5);
    expect(testError(net, X, yt)).toBeCloseTo(0.25, 12);
  });
});
