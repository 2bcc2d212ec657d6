/**
 * The Table 1 cases of Wang et al. (src/experiments/settings/w-table1.ts, protocols/w-cases.ts): rate lookup, spectral
 * classes on synthetic spectra (each class reachable, so no class check is vacuous), and
 * the handling of a diverging run (scored at its best iterate, never at the blown-up weights).
 */
import { describe, expect, it } from 'vitest';
import {
  SPECTRAL_CLASS,
  STEP_DECAY,
  TABLE1_RATES,
  caseAtRate,
  caseRate,
  classifySpectrum,
  epochGrid,
  runCase,
  runWithTrajectory,
  TABLE1_CASES,
  wProblem,
  type WSetting,
} from '../../src/experiments';
import { mpQuantile } from '../../src/spectra';
import { rngFor } from '../../src/random';

const setting: WSetting = {
  dOverN: 0.5, hOverN: 0.75, student: 'normalized_tanh', teacher: 'normalized_softplus', teacherKind: 'mixture',
  tau: 0.2, noiseStd: 0.3, nTest: 200,
};

/** Deterministic MP(γ) spectrum of length d: its quantiles at (i + ½)/d. */
function mpSpectrum(d: number, gamma: number): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => mpQuantile((i + 0.5) / d, gamma));
}

describe('Table 1 rates', () => {
  it('the seven rates name one (case, reading) each; Adam has one reading', () => {
    const seen = new Set<string>();
    for (const eta of TABLE1_RATES) {
      const { caseId, reading } = caseAtRate(eta);
      expect(caseRate(TABLE1_CASES[caseId], reading)).toBe(eta);
      seen.add(`${caseId}/${reading}`);
    }
    expect(seen.size).toBe(7);
    expect(caseRate(TABLE1_CASES[4], 'doubled')).toBe(0.092);
    expect(() => caseAtRate(1)).toThrow(/not a rate/);
    expect(STEP_DECAY).toEqual({ factor: 0.1, everyEpochs: 100 });
  });

  it('epochGrid starts at 0, is increasing and stays within the cap', () => {
    const g = epochGrid(300);
    expect(g[0]).toBe(0);
    expect(g.every((e, i) => i === 0 || e > g[i - 1]!)).toBe(true);
    expect(Math.max(...g)).toBeLessThanOrEqual(300);
  });
});

describe('classifySpectrum', () => {
  const d = 200, gamma = 2 / 3;
  const s0 = mpSpectrum(d, gamma);
  const lmax = s0[d - 1]!;

  it('an unchanged spectrum is an invariant bulk', () => {
    const c = classifySpectrum(s0, s0);
    expect(c.code).toBe(SPECTRAL_CLASS.invariant);
    expect(c.outliers).toBe(0);
    expect(c.bulkW2Rel).toBe(0);
  });

  it('one eigenvalue pushed out of the bulk is a spike; the bulk without it is compared', () => {
    const s = s0.slice();
    s[d - 1] = 3 * lmax;
    const c = classifySpectrum(s0, s);
    expect(c.code).toBe(SPECTRAL_CLASS.spike);
    expect(c.outliers).toBe(1);
    expect(c.bulkW2Rel).toBeLessThan(1e-12);
  });

  it('many outliers make a heavy tail', () => {
    const s = s0.slice();
    for (let i = 0; i < 20; i++) s[d - 1 - i] = lmax * (1.2 + i) ** 1.5;
    expect(classifySpectrum(s0, s).code).toBe(SPECTRAL_CLASS.heavyTail);
  });

  it('a bulk stretched by 30% without outliers above the margin is a changed bulk', () => {
    // Scale about the smallest eigenvalue, capped just below the edge margin.
    const s = s0.map((v) => Math.min(1.04 * lmax, v * 1.3));
    const c = classifySpectrum(s0, s);
    expect(c.outliers).toBe(0);
    expect(c.bulkW2Rel).toBeGreaterThan(0.1);
    expect(c.code).toBe(SPECTRAL_CLASS.changedBulk);
  });
});

describe('runCase', () => {
  it('a diverging SGD run is scored at its best iterate, not at the blown-up weights', () => {
    const p = wProblem(rngFor('test', 'w-cases', 'diverge'), 64, setting);
    // Case 3 under the doubled reading (η = 44) diverges at this size (d = 32).
    const r = runCase(p.net, p.data.X, p.data.y, {
      caseId: 3, reading: 'doubled', schedule: 'constant', lossBelow: 1e-5, maxEpochs: 50, rng: rngFor('test', 'shuffle'),
    });
    expect(r.diverged).toBe(true);
    expect(r.converged).toBe(false);
    expect(r.hitCap).toBe(false);
    expect(r.finalLoss).toBeGreaterThan(1e3);
    expect(r.net.W.data.every(Number.isFinite)).toBe(true);
    expect(r.netEpoch).toBeLessThan(r.epochs + 1);
    let maxAbs = 0;
    for (const w of r.net.W.data) maxAbs = Math.max(maxAbs, Math.abs(w));
    expect(maxAbs).toBeLessThan(100);
  });

  it('a trajectory records epoch 0, stops at convergence and ends with the trained network', () => {
    const p = wProblem(rngFor('test', 'w-cases', 'traj'), 64, setting);
    const t = runWithTrajectory(p, { caseId: 4, reading: 'asWritten', schedule: 'stepDecay' }, epochGrid(40), {
      lossBelow: 1e-3, maxEpochs: 40, rng: rngFor('test', 'shuffle2'),
    }, (net) => net.W.data[0]!);
    expect(t.points[0]!.epoch).toBe(0);
    expect(t.points[0]!.value).toBe(p.net.W.data[0]);
    expect(t.final).toBe(t.run.net.W.data[0]);
    expect(t.points[t.points.length - 1]!.epoch).toBe(t.run.epochs);
  });
});
