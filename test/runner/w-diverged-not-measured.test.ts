/**
 * W9–W13 when a training run diverges: what needs a trained network is reported as not
 * measured (JobOutput.notMeasured, reason 'training diverged at step …'), never as a
 * stand-in number of the best iterate or of the last finite snapshot; the flags that record
 * *that* the run diverged (status 2, diverged 1) and what was measured before (initial
 * network, epochs/steps run) stay values.
 *
 * Each job runs the claim's own run() at a tiny size with a setting or rate that diverges
 * within a few steps, and passes its output through validateOutput (every declared
 * observable is a finite value or listed with a reason). W12's Adam case does not diverge
 * at any rate its setting allows: its test is in w12-diverged-not-measured.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimDefinition, JobOutput } from '../../src/runner/define';
import { resolvedSetting } from '../../src/runner/define';
import { validateOutput } from '../../src/runner/job';
import { rngFor } from '../../src/random';
import W9 from '../../claims/W/W9-training-cases-vs-lazy';
import W10 from '../../claims/W/W10-learning-rate-transition';
import W11 from '../../claims/W/W11-kernel-target-alignment';
import W13 from '../../claims/W/W13-multi-index-principal-angles';

const DIVERGED = /^training diverged at step \d+ \(loss .+, initial .+\)$/;

async function job(def: ClaimDefinition, x: number, overrides: Record<string, unknown>): Promise<JobOutput> {
  const out = await def.run({
    claimId: def.id, tier: 'smoke', x, trial: 0,
    setting: { ...resolvedSetting(def, 'smoke'), ...overrides },
    rng: rngFor(20231123, def.id, x, 0),
    keepDetail: true,
  });
  return validateOutput(def, out, `claim ${def.id}, x=${x}, trial 0`);
}

/** Every declared observable is exactly one of: a finite value, or not measured. */
function partition(def: ClaimDefinition, out: JobOutput): { measured: string[]; notMeasured: string[] } {
  const nm = Object.keys(out.notMeasured ?? {});
  const measured = Object.keys(out.values);
  expect([...measured, ...nm].sort()).toEqual(Object.keys(def.observables).sort());
  for (const k of measured) expect(Number.isFinite(out.values[k])).toBe(true);
  return { measured, notMeasured: nm.sort() };
}

describe('diverged runs are not measured, not stood in for', () => {
  it('W9: Case 3 at 2η = 44 (n = 64) — test error and spectral classes not measured; status 2 and epochs kept', async () => {
    const out = await job(W9, 44, { n: 64, nTest: 200, maxEpochs: 5 });
    const { notMeasured } = partition(W9, out);
    const trained = ['testErr', 'relErr', 'r2', 'class', 'inClass', 'outliers', 'alpha', 'bulkW2', 'ckClass'];
    expect(notMeasured).toEqual(['const', 'decay'].flatMap((s) => trained.map((k) => `${k}_${s}`)).sort());
    for (const s of ['const', 'decay']) {
      expect(out.values[`status_${s}`]).toBe(2);
      expect(out.values[`epochs_${s}`]).toBeGreaterThanOrEqual(0);
      expect(out.notMeasured![`testErr_${s}`]).toMatch(DIVERGED);
      // The best iterate is shown for the reader, labelled, not scored.
      expect(String(out.meta![`bestIterate:${s}`])).toMatch(/^epoch \d+.*not scored$/);
    }
    expect(out.values.lazyTestErr).toBeGreaterThan(0);
    // No "after training" spectrum of a run that did not finish.
    expect(Object.keys(out.spectra ?? {})).toEqual([]);
  });

  it('W10: a job whose own SGD run diverges reports diverged = 1 and the initial measurements only', async () => {
    // η = 500 is not the top of the smoke grid, so no divergence probe runs.
    const out = await job(W10, 500, { n: 60, nTest: 50, maxEpochs: 5 });
    const { measured, notMeasured } = partition(W10, out);
    expect(notMeasured).toEqual(['alignBeta', 'alignYck', 'alignYntk', 'ckTop', 'ckTopRatio', 'testMse', 'wSecondRatio', 'wTop', 'wTopRatio']);
    expect(measured.sort()).toEqual(['alignBeta0', 'alignYck0', 'ckEdge0', 'diverged', 'epochs', 'hitCap', 'wEdge0']);
    expect(out.values.diverged).toBe(1);
    expect(out.values.hitCap).toBe(0);
    for (const r of Object.values(out.notMeasured!)) expect(r).toMatch(DIVERGED);
    expect(Object.keys(out.spectra ?? {}).sort()).toEqual(['(1/h)WᵀW@initial', 'CK@initial']);
  });

  it('W11: Case 3 at 2η diverges — its final KTA, ratio, move and the Case 4 gap are not measured; status 2 kept', async () => {
    const out = await job(W11, 64, { maxEpochs: 3 });
    const { notMeasured } = partition(W11, out);
    expect(notMeasured).toEqual(['gap_c4_c3x2', 'ktaMove_c3x2', 'ktaRatio_c3x2', 'ktaT_c3x2']);
    expect(out.values.status_c3x2).toBe(2);
    expect(out.notMeasured!.ktaT_c3x2).toMatch(DIVERGED);
    expect(out.notMeasured!.gap_c4_c3x2).toMatch(/^Case 3 SGD η=44 \(2η\), step decay: training diverged at step \d+/);
    // The runs that trained are measured as before.
    expect(out.values.ktaT_c4).toBeGreaterThan(0);
    expect(Number.isFinite(out.values.gap_c4_c1)).toBe(true);
  });

  it('W13: a diverging GD run — its angles, test error and final loss not measured; steps kept, hitCap 0; Adam and SGD measured', async () => {
    const out = await job(W13, 100, { gd: { lr: 1e4 }, gdMaxSteps: 30, sgdMaxEpochs: 2, adamEpochs: 2, nTest: 100 });
    const { notMeasured } = partition(W13, out);
    expect(notMeasured).toEqual(['finalLoss_gd', 'maxAngle_gd', 'meanCos2_gd', 'meanDirCos2_gd', 'minAngle_gd', 'r2_gd', 'testErr_gd']);
    for (const r of Object.values(out.notMeasured!)) expect(r).toMatch(DIVERGED);
    expect(out.values.steps_gd).toBeGreaterThanOrEqual(0);
    expect(out.values.hitCap_gd).toBe(0);
    expect(out.values.diverged_gd2x).toBe(1);
    expect(out.values.testErr_adam).toBeGreaterThan(0);
    expect(out.values.hitCap_adam).toBe(1);
    // Series points only where the weights were finite.
    for (const [, pts] of Object.entries(out.series ?? {})) for (const [, v] of pts) expect(Number.isNaN(v)).toBe(false);
  });
});
