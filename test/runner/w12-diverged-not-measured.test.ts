/**
 * W12 when its Adam run diverges. Case 4 (Adam, η = 0.092) does not diverge at any size run
 * and its rate is fixed by Table 1, so the divergence is simulated: runWithTrajectory is
 * wrapped to report the constant-rate run as diverged (the real run still trains). The claim
 * must then list that run's tail metrics and α_T/α_0 as not measured, keep status = 2, and
 * measure the other schedule and the initial spectrum as usual.
 */
import { describe, expect, it, vi } from 'vitest';
import { resolvedSetting } from '../../src/runner/define';
import { validateOutput } from '../../src/runner/job';
import { rngFor } from '../../src/random';

const REASON = 'training diverged at step 3 (loss 1.00e+9, initial 0.500)';

vi.mock('../../src/experiments/protocols/w-cases', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/experiments/protocols/w-cases')>();
  return {
    ...real,
    runWithTrajectory: ((...args: Parameters<typeof real.runWithTrajectory>) => {
      const t = real.runWithTrajectory(...args);
      if (args[1].schedule !== 'constant') return t;
      return { ...t, run: { ...t.run, diverged: true, divergence: REASON, converged: false, hitCap: false } };
    }) as typeof real.runWithTrajectory,
  };
});

describe('W12 with a diverged Adam run', () => {
  it('reports the tail metrics of the diverged run as not measured, status 2, the other run measured', async () => {
    const { default: W12 } = await import('../../claims/W/W12-adam-heavy-tail-alpha');
    const x = 100;
    const out = validateOutput(W12, await W12.run({
      claimId: 'W12', tier: 'smoke', x, trial: 0, setting: { ...resolvedSetting(W12, 'smoke'), maxEpochs: 3 },
      rng: rngFor(20231123, 'W12', x, 0), keepDetail: false,
    }), 'claim W12, n=100, trial 0');
    const metrics = ['alpha', 'sigma', 'xmin', 'tail', 'ks', 'lmax', 'wAlpha', 'wwAlpha', 'logNorm', 'alphaRatio'];
    expect(Object.keys(out.notMeasured ?? {}).sort()).toEqual(metrics.map((k) => `${k}_const`).sort());
    for (const r of Object.values(out.notMeasured!)) expect(r).toBe(REASON);
    expect(out.values.status_const).toBe(2);
    for (const k of metrics) {
      expect(Number.isFinite(out.values[`${k}_decay`])).toBe(true);
      if (k !== 'alphaRatio') expect(Number.isFinite(out.values[`${k}_0`])).toBe(true);
    }
  });
});
