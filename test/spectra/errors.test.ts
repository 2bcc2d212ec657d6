import { describe, expect, it } from 'vitest';
import { NonFiniteError } from '../../src/linalg';
import {
  SpectraInputError,
  bbpSpikeLocation,
  kolmogorovToMp,
  mpCdf,
  mpDensity,
  mpEdges,
  mpQuantile,
  outliersAbove,
  twMargin,
  wasserstein1ToMp,
} from '../../src/spectra';

describe('input validation names the function', () => {
  it('empty spectra', () => {
    expect(() => kolmogorovToMp([], 0.5)).toThrow(/kolmogorovToMp: 'eigs' is empty/);
    expect(() => wasserstein1ToMp([], 0.5)).toThrow(/wasserstein1ToMp: 'eigs' is empty/);
    expect(() => outliersAbove([], 1)).toThrow(/outliersAbove: 'eigs' is empty/);
    expect(() => outliersAbove([], 1)).toThrow(SpectraInputError);
  });

  it('NaN and infinities', () => {
    expect(() => kolmogorovToMp([1, NaN], 0.5)).toThrow(NonFiniteError);
    expect(() => kolmogorovToMp([1, NaN], 0.5)).toThrow(/kolmogorovToMp: 'eigs' has a non-finite entry NaN at 1/);
    expect(() => mpCdf(NaN, 0.5)).toThrow(/mpCdf: 'x' must be a finite number/);
    expect(() => mpDensity(1, NaN)).toThrow(/mpDensity: 'gamma'/);
    expect(() => outliersAbove([1], NaN)).toThrow(/outliersAbove: 'edge'/);
  });

  it('out-of-domain parameters', () => {
    expect(() => mpEdges(0)).toThrow(/mpEdges: 'gamma' must be positive/);
    expect(() => mpEdges(0.5, -1)).toThrow(/mpEdges: 's2' must be positive/);
    expect(() => mpQuantile(1.5, 0.5)).toThrow(/mpQuantile: 'u' must be in \[0, 1\]/);
    expect(() => twMargin(1, 5)).toThrow(/twMargin: 'N' must be an integer ≥ 2/);
    expect(() => bbpSpikeLocation(-1, 0.5)).toThrow(/bbpSpikeLocation: 'theta'/);
    expect(() => outliersAbove([1], 0, -0.1)).toThrow(/outliersAbove: 'margin' must be non-negative/);
  });

  it('outliersAbove returns a full record (no sentinels)', () => {
    const r = outliersAbove([0.5, 3, 1, 2.5], 2, 0.25);
    expect(r.count).toBe(2);
    expect(Array.from(r.values)).toEqual([3, 2.5]);
    expect(r.threshold).toBe(2.25);
    const none = outliersAbove([0.5], 2);
    expect(none.count).toBe(0);
    expect(none.values.length).toBe(0);
  });
});
