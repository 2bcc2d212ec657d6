import { describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import {
  deepNtkSpectrum, realDataRates, signAccuracy, spectrumChange, W_REAL_DATA_OPTIMIZERS,
} from '../../src/experiments';
import { deepNtk } from '../../src/kernels/deep';
import { trace } from '../../src/linalg';
import { deepGaussianInit } from '../../src/model/deep';
import { rngFor } from '../../src/random';
import { fitPowerLaw } from '../../src/spectra';

describe('signAccuracy', () => {
  it('counts outputs with the sign of their ±1 label; a zero output is wrong', () => {
    expect(signAccuracy([0.3, -2, 0, 5], [1, -1, 1, -1])).toBe(0.5);
    expect(signAccuracy([1e-300], [1])).toBe(1);
    expect(signAccuracy([-1e-300], [1])).toBe(0);
  });

  it('refuses labels other than ±1, NaN outputs and mismatched lengths', () => {
    expect(() => signAccuracy([1], [0])).toThrow(/label 0 is 0/);
    expect(() => signAccuracy([Number.NaN], [1])).toThrow(/NaN/);
    expect(() => signAccuracy([1, 2], [1])).toThrow(/2 outputs and 1 labels/);
  });
});

describe('spectrumChange', () => {
  it('is zero for the same spectrum in another order, with no outliers', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const c = spectrumChange(a, [...a].reverse());
    expect(c.w2).toBe(0);
    expect(c.relW2).toBe(0);
    expect(c.outliers).toBe(0);
    expect(c.edgeRatio).toBe(1);
    expect(c.fit.alpha).toBe(c.fit0.alpha);
  });

  it('W2 of a shifted spectrum is the shift; relW2 divides by the initial population sd', () => {
    const a = Array.from({ length: 20 }, (_, i) => i + 1); // sd = √((20² − 1)/12)
    const c = spectrumChange(a, a.map((x) => x + 0.5));
    expect(c.w2).toBeCloseTo(0.5, 14);
    expect(c.relW2).toBeCloseTo(0.5 / Math.sqrt(399 / 12), 14);
  });

  it('counts final eigenvalues above (1 + margin)·λ_max(initial) as outliers', () => {
    const a = Array.from({ length: 30 }, (_, i) => 1 + i / 29); // λ_max = 2
    const b = [...a.slice(0, 27), 2.09, 2.2, 5]; // 2.09 < 2.1 = 1.05·2: not an outlier
    const c = spectrumChange(a, b);
    expect(c.outliers).toBe(2);
    expect(c.edgeRatio).toBe(2.5);
    expect(spectrumChange(a, b, { edgeMargin: 0 }).outliers).toBe(3);
  });

  it('reads a heavier tail as a smaller α: a Pareto sample with α = 2 against one with α = 4', () => {
    const rng = rngFor(3, 'pareto');
    const u = Array.from({ length: 400 }, () => rng.uniform());
    const pareto = (alpha: number) => u.map((x) => (1 - x) ** (-1 / (alpha - 1))); // density ∝ x^{−α}, x ≥ 1
    const c = spectrumChange(pareto(4), pareto(2));
    // MLE on 400 points with x_min chosen by KS: σ ≈ (α−1)/√tail, a few tenths at most.
    expect(c.fit0.alpha).toBeGreaterThan(3.3);
    expect(c.fit0.alpha).toBeLessThan(4.7);
    expect(c.fit.alpha).toBeGreaterThan(1.7);
    expect(c.fit.alpha).toBeLessThan(2.3);
    expect(c.fit.alpha).toBeLessThan(c.fit0.alpha);
  });

  it('refuses spectra of different lengths or with a non-finite value', () => {
    expect(() => spectrumChange([1, 2, 3], [1, 2])).toThrow(/3 and 2 eigenvalues/);
    expect(() => spectrumChange([1, 2, Number.NaN], [1, 2, 3])).toThrow(/non-finite/);
  });
});

describe('deepNtkSpectrum', () => {
  it('is the ascending spectrum of the deep NTK: n non-negative values summing to its trace', () => {
    const rng = rngFor(5, 'deep spectrum');
    const X = rng.split('X').randn(12, 30);
    const net = deepGaussianInit(rng.split('init'), [12, 40, 40], activation('relu'));
    const s = deepNtkSpectrum(net, X);
    expect(s.length).toBe(30);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThanOrEqual(s[i - 1]!);
    expect(s[0]!).toBeGreaterThan(-1e-10); // PSD up to rounding of an O(1)-entry 30×30 matrix
    const sum = s.reduce((a, b) => a + b, 0);
    const tr = trace(deepNtk(net, X));
    expect(Math.abs(sum - tr) / tr).toBeLessThan(1e-12); // eigenvalue sum = trace to rounding
    expect(fitPowerLaw(s, { minTail: 5 }).tailSize).toBeGreaterThanOrEqual(5);
  });
});

describe('realDataRates', () => {
  const widths = [196, 300, 300];

  it('as written: the printed rate on every layer', () => {
    expect(realDataRates('gd', 'asWritten', widths)).toEqual({ W: [8e-3, 8e-3], v: 8e-3 });
    expect(realDataRates('adam', 'asWritten', widths)).toEqual({ W: [1e-3, 1e-3], v: 1e-3 });
  });

  it('PyTorch reading: 2η·fan-in for GD and SGD, η·√fan-in for Adam', () => {
    const gd = realDataRates('gd', 'pytorch', widths);
    expect(gd.W).toEqual([2 * 8e-3 * 196, 2 * 8e-3 * 300]);
    expect(gd.v).toBe(2 * 8e-3 * 300);
    const sgd = realDataRates('sgd', 'pytorch', widths);
    expect(sgd.W[0]).toBe(2 * W_REAL_DATA_OPTIMIZERS.sgd.eta * 196);
    const adam = realDataRates('adam', 'pytorch', widths);
    expect(adam.W).toEqual([1e-3 * Math.sqrt(196), 1e-3 * Math.sqrt(300)]);
    expect(adam.v).toBe(1e-3 * Math.sqrt(300));
  });

  it('refuses widths without a hidden layer', () => {
    expect(() => realDataRates('gd', 'pytorch', [10])).toThrow(/widths/);
  });
});
