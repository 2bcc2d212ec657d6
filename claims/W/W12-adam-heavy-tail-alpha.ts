/**
 * W12 — Wang et al., Fig. 17(a): under Adam (Case 4 of Table 1) the power-law exponent α of
 * the tail of the weight spectrum falls during training — the tail gets heavier. Reported
 * along training with the other WeightWatcher metrics: weighted α and log α-norm.
 *
 * Spectrum: eigenvalues λ of (1/h)WᵀW (d×d). α by fitPowerLaw (continuous MLE, x_min by the
 * smallest KS distance, tail ≥ 10 eigenvalues); weighted α = α·λ_max (CLAIMS.md) and
 * WeightWatcher's α·log₁₀λ_max; log α-norm = log₁₀ Σ λ_i^α.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch. Adam is invariant
 * to a constant factor on the loss (up to its ε), so the paper's η = 0.092 is ours under either
 * reading of its loss.
 */
import { defineClaim, type Prediction } from 'ntk-verify';
import { type Schedule, epochGrid, runWithTrajectory, variantLabel, weightSpectrum } from 'ntk-verify/experiments';
import { notMeasuredAll } from 'ntk-verify';
import { trainingResources, wProblem, W_TABLE1_DATA } from 'ntk-verify/experiments';
import type { TwoLayerNet } from 'ntk-verify';
import { type PowerLawFit, alphaTimesLambdaMax, alphaTimesLogLambdaMax, fitPowerLaw, logAlphaNorm } from 'ntk-verify';

const setting = {
  ...W_TABLE1_DATA, // as W9 (Table 1)
  optimizer: 'adam',
  eta: 0.092,
  batch: 32,
  layers: 'both',
  loss: '(1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ',
  spectrum: '(1/h)WᵀW',
  lossBelow: 1e-5,
  // Epoch cap, as W9: three decays of the step schedule. Constant-rate Adam does not reach
  // the loss threshold at larger n (CLAIMS.md); its status says so.
  maxEpochs: 300,
};

const SCHEDULES: { schedule: Schedule; suffix: string; name: string }[] = [
  { schedule: 'constant', suffix: 'const', name: 'constant rate' },
  { schedule: 'stepDecay', suffix: 'decay', name: 'step decay ×0.1 / 100 epochs' },
];

interface TailMetrics {
  fit: PowerLawFit;
  lambdaMax: number;
  /** α·λ_max. */
  weighted: number;
  /** α·log₁₀ λ_max (WeightWatcher). */
  weightedLog: number;
  /** log₁₀ Σ λ^α. */
  logNorm: number;
}

function tailMetrics(net: TwoLayerNet): TailMetrics {
  const eigs = weightSpectrum(net);
  const fit = fitPowerLaw(eigs);
  const lambdaMax = eigs[eigs.length - 1]!;
  return {
    fit, lambdaMax,
    weighted: alphaTimesLambdaMax(fit.alpha, lambdaMax),
    weightedLog: alphaTimesLogLambdaMax(fit.alpha, lambdaMax),
    logNorm: logAlphaNorm(eigs, fit.alpha),
  };
}

const TOL = 1e-3; // trained observables: rounding grows along hundreds of Adam steps (see W9)
const observables: Record<string, { label: string; fit?: boolean; fixtureRelTol?: number }> = {};
const metricObservables = (suffix: string, when: string, tol?: number) => {
  const o = (label: string) => ({ label: `${label} — ${when}`, fit: false, ...(tol ? { fixtureRelTol: tol } : {}) });
  observables[`alpha_${suffix}`] = o('power-law α of (1/h)WᵀW');
  observables[`sigma_${suffix}`] = o('standard error σ of α, (α−1)/√tail');
  observables[`xmin_${suffix}`] = o('x_min of the power-law fit');
  observables[`tail_${suffix}`] = o('tail size of the power-law fit');
  observables[`ks_${suffix}`] = o('KS distance of the power-law fit');
  observables[`lmax_${suffix}`] = o('λ_max of (1/h)WᵀW');
  observables[`wAlpha_${suffix}`] = o('weighted α = α·λ_max');
  observables[`wwAlpha_${suffix}`] = o('WeightWatcher weighted α = α·log₁₀λ_max');
  observables[`logNorm_${suffix}`] = o('log α-norm = log₁₀ Σλ^α');
};
metricObservables('0', 'initialisation');
for (const { suffix, name } of SCHEDULES) {
  metricObservables(suffix, `after training, ${name}`, TOL);
  observables[`alphaRatio_${suffix}`] = { label: `α_T/α_0 — ${name}`, fit: false, fixtureRelTol: TOL };
  observables[`status_${suffix}`] = { label: `run status (0 loss < 1e-5, 1 hit the cap, 2 diverged) — ${name}`, fit: false, fixtureRelTol: TOL };
}

const predictions: Prediction[] = SCHEDULES.map(({ schedule, suffix }) => ({
  kind: 'compare' as const, left: `alphaRatio_${suffix}`, relation: '<' as const, right: 1, source: 'Fig. 17(a)',
  label: `${variantLabel(4, 'asWritten', schedule)}: α of (1/h)WᵀW falls during training (α_T/α_0 < 1)`,
  // n = 200: the ratio is below 1 on average but scatters 0.50–1.25 over 4 trials (the note).
  // Paper, constant rate (recorded after the run): every trial below 1 at n = 2000 (0.28–0.78), but α at
  // initialisation scatters 9.2–27 there, so three values leave a CI that reaches above 1.
  expected: suffix === 'const' ? { smoke: 'INCONCLUSIVE' as const, paper: 'INCONCLUSIVE' as const } : { smoke: 'INCONCLUSIVE' as const },
}));

export default defineClaim({
  id: 'W12',
  paper: 'W',
  source: 'Fig. 17(a)',
  title: 'Adam makes the weight spectrum heavy-tailed: the power-law α falls during training',
  statement:
    'Training both layers with Adam (η = 0.092, batch 32; Case 4 of Table 1), the power-law exponent α of the tail of the ' +
    'spectrum of WᵀW falls during training (a heavier tail); weighted α and log α-norm are reported along training.',
  expectation:
    'No exponent: at initialisation the spectrum is Marchenko–Pastur (a square-root edge, a large fitted α); Adam\'s sign-like ' +
    'steps move every weight by O(η) per step and build a heavy tail of large eigenvalues, so α falls.',
  setting,
  tierSetting: {
    smoke: { maxEpochs: 150 },
    // Paper: the standard tier's 300-epoch cap at the paper's sizes (see `departures`).
  },
  sweep: {
    variable: 'n',
    values: { smoke: [200], standard: [250, 500], paper: [500, 1000, 2000] },
    trials: { smoke: 4, standard: 3, paper: 3 },
  },
  departures: {
    paper: "the paper's sizes (n up to 2000, h = 1500, d = 1000 at n = 2000) under the standard tier's 300-epoch cap and 3 trials, as W9's and W11's paper tiers, not 3000 epochs and 5 trials: `plan` put those at ≈ 49 h of CPU on the 2-core machine the committed results come from. The cap covers the step schedule's three decays; α is read along the 300 epochs.",
  },
  observables,
  predictions,
  plots: [
    {
      id: 'alpha-epochs', title: 'power-law α of (1/h)WᵀW along Adam training, both schedules (largest n)',
      series: ['α against epoch (*)'], x: 'epoch', y: 'α',
    },
    {
      id: 'alpha-final', title: 'α at initialisation (dashed) and after training',
      observables: ['alpha_0', ...SCHEDULES.map((s) => `alpha_${s.suffix}`)], dashed: ['alpha_0'], y: 'α',
    },
  ],
  // The epoch cap changes with the tier.
  resources: (n, s) => trainingResources(n, s, s.maxEpochs),
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const ws = s;
    const p = wProblem(rng, n, ws);
    const values: Record<string, number> = {};
    const notMeasured: Record<string, string> = {};
    const meta: Record<string, string | number | boolean> = { d: p.dims.d, h: p.dims.h };
    const series: Record<string, [number, number][]> = {};
    const put = (suffix: string, m: TailMetrics) => {
      values[`alpha_${suffix}`] = m.fit.alpha;
      values[`sigma_${suffix}`] = m.fit.sigma;
      values[`xmin_${suffix}`] = m.fit.xmin;
      values[`tail_${suffix}`] = m.fit.tailSize;
      values[`ks_${suffix}`] = m.fit.ks;
      values[`lmax_${suffix}`] = m.lambdaMax;
      values[`wAlpha_${suffix}`] = m.weighted;
      values[`wwAlpha_${suffix}`] = m.weightedLog;
      values[`logNorm_${suffix}`] = m.logNorm;
    };
    const m0 = tailMetrics(p.net);
    put('0', m0);
    const maxEpochs = s.maxEpochs;
    const grid = epochGrid(maxEpochs);
    for (const { schedule, suffix, name } of SCHEDULES) {
      const t = runWithTrajectory(p, { caseId: 4, reading: 'asWritten', schedule }, grid, {
        lossBelow: s.lossBelow, maxEpochs, rng: rng.split('train'), context: `W12 n=${n}`,
      }, tailMetrics);
      const run = t.run;
      values[`status_${suffix}`] = run.diverged ? 2 : run.converged ? 0 : 1;
      if (run.diverged) {
        // No trained network: its tail metrics and α_T/α_0 are not measured (the series keep
        // the epochs measured before the blow-up).
        const trained = Object.keys(observables).filter((k) => k.endsWith(`_${suffix}`) && k !== `status_${suffix}`);
        Object.assign(notMeasured, notMeasuredAll(trained, run.divergence!));
        meta[`divergence:${suffix}`] = run.divergence!;
      } else {
        put(suffix, t.final);
        values[`alphaRatio_${suffix}`] = t.final.fit.alpha / m0.fit.alpha;
      }
      meta[`epochs:${suffix}`] = run.epochs;
      meta[`finalLoss:${suffix}`] = run.finalLoss;
      meta[`hitCap:${suffix}`] = run.hitCap;
      meta[`diverged:${suffix}`] = run.diverged;
      meta[`ms:${suffix}`] = Math.round(run.ms);
      if (keepDetail) {
        const curve = (f: (m: TailMetrics) => number): [number, number][] => t.points.map((q) => [q.epoch, f(q.value)]);
        series[`α against epoch (${name})`] = curve((m) => m.fit.alpha);
        series[`σ of α against epoch (${name})`] = curve((m) => m.fit.sigma);
        series[`x_min against epoch (${name})`] = curve((m) => m.fit.xmin);
        series[`tail size against epoch (${name})`] = curve((m) => m.fit.tailSize);
        series[`KS distance of the fit against epoch (${name})`] = curve((m) => m.fit.ks);
        series[`weighted α = α·λ_max against epoch (${name})`] = curve((m) => m.weighted);
        series[`α·log₁₀λ_max against epoch (${name})`] = curve((m) => m.weightedLog);
        series[`log α-norm against epoch (${name})`] = curve((m) => m.logNorm);
      }
    }
    return { values, ...(Object.keys(notMeasured).length > 0 ? { notMeasured } : {}), meta, ...(keepDetail ? { series } : {}) };
  },
});
