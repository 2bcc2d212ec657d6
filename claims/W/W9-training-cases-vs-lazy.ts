/**
 * W9 — Wang et al., Table 1 and Fig. 1: four ways of training both layers against the
 * lazy benchmark (kernel regression with the initial NTK, eq. (6)).
 *
 *   Case 1 GD η = 5; Case 2 SGD η = 0.1; Case 3 SGD η = 22; Case 4 Adam η = 0.092;
 *   batch 32 for SGD and Adam; until the training loss < 1e-5 or a cap.
 *
 * Table 1 / Fig. 1: Cases 3 and 4 reach a lower test error than lazy training, Cases 1 and
 * 2 do not; after training the spectrum of the weights is an invariant bulk in Cases 1 and
 * 2, a bulk with one spike in Case 3 and heavy-tailed in Case 4.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch (CLAIMS.md).
 * The paper's code apparently used the MSE without the ½, i.e. its η is our 2η: every case
 * whose run depends on the factor (GD, SGD) is run under both readings; Adam is invariant
 * to it. The paper calls the rates *initial* and gives no schedule: every case runs with
 * the constant rate and with a step decay ×0.1 every 100 epochs (for GD an epoch is a step).
 */
import { defineClaim, type Prediction } from 'ntk-verify';
import {
  SPECTRAL_CLASS,
  SPECTRAL_CLASS_RULES,
  TABLE1_RATES,
  type CaseId,
  type Schedule,
  caseAtRate,
  evaluateVariant,
  initialSpectra,
  lazyBenchmark,
  variantLabel,
} from 'ntk-verify/experiments';
import { notMeasuredAll } from 'ntk-verify';
import { trainingResources, wProblem, W_TABLE1_DATA } from 'ntk-verify/experiments';
import { type PowerLawFit, fitPowerLaw } from 'ntk-verify';

const setting = {
  // Paper tier n = 2000, h = 1500, d = 1000: aspect ratios d/n = 0.5, h/n = 0.75.
  n: 500,
  ...W_TABLE1_DATA,
  // Fresh noiseless test points for test error (MSE) and R²; not given by the paper.
  nTest: 2000,
  layers: 'both',
  loss: '(1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ',
  lossBelow: 1e-5,
  // Epoch cap (for GD a step cap). The paper trains to loss < 1e-5; GD at η = 5 needs
  // ≈ 5.4·n/(η·λ_min(K)) ≈ 5n steps and constant-rate SGD at η = 0.1 ≈ 8000 epochs at any n,
  // far beyond this machine. 300 epochs cover three decays of the step schedule (after them
  // the rate is 10⁻³ of the initial one). Each run reports its status (1 = hit the cap).
  maxEpochs: 300,
  schedules: ['constant', 'stepDecay'],
};

/** What Table 1 says of each case. */
const PAPER: Record<CaseId, { beatsLazy: boolean; cls: number; clsName: string }> = {
  1: { beatsLazy: false, cls: SPECTRAL_CLASS.invariant, clsName: 'invariant bulk' },
  2: { beatsLazy: false, cls: SPECTRAL_CLASS.invariant, clsName: 'invariant bulk' },
  3: { beatsLazy: true, cls: SPECTRAL_CLASS.spike, clsName: 'bulk + spike' },
  4: { beatsLazy: true, cls: SPECTRAL_CLASS.heavyTail, clsName: 'heavy tail' },
};

/** "Does not beat lazy": test error at least this fraction of lazy's (5% allowed for noise). */
const NOT_BEAT_FRACTION = 0.95;

const SCHEDULES: { schedule: Schedule; suffix: string; name: string }[] = [
  { schedule: 'constant', suffix: 'const', name: 'constant rate' },
  { schedule: 'stepDecay', suffix: 'decay', name: 'step decay' },
];

type Exp = Prediction['expected'];
/**
 * Verdicts measured where they differ from the paper (see the note), keyed `${η}_${suffix}`.
 * Paper tier (n = 2000, measured 2026-12-05 in five shards): Case 3 holds under 2η = 44 only.
 */
const EXPECTED_TEST: Record<string, Exp> = {
  // Adam with a constant rate: the loss never reaches 1e-5, test error 1.09–1.23 × lazy.
  '0.092_const': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE', paper: 'REFUTED' }, // n = 2000: 1.56 × lazy
  // n = 128: Adam's ratio scatters 0.77–1.33 over 3 trials (0.81–1.40 with the constant rate).
  // n = 500: mean 0.95, but 3 trials leave a CI that reaches above 1 (CONFIRMED on the mean alone
  // until the comparison rule asked for the CI, 2026-12-05).
  '0.092_decay': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  // η = 22 stays in the kernel regime: ratio 1.02–1.07 at n = 500 (0.90–1.02 at n = 128, a
  // mean below 1 whose CI reaches above it with the step decay).
  '22_const': { standard: 'INCONCLUSIVE', paper: 'REFUTED' }, // n = 2000: 1.03 × lazy
  '22_decay': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE', paper: 'REFUTED' },
  // 2η = 44 diverges within two epochs in every trial at n ≤ 500: no trained network, test
  // error not measured, no measured point left (see the note).
  '44_const': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  '44_decay': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
};
const EXPECTED_CLASS: Record<string, Exp> = {
  // n = 128 (d = 64): 3 outliers only in 2 of 3 trials (a "changed bulk").
  '0.092_decay': { smoke: 'INCONCLUSIVE' },
  // η = 22: no outlier at n = 500; at n = 128 one trial of three has one.
  '22_const': { smoke: 'INCONCLUSIVE', standard: 'REFUTED', paper: 'REFUTED' }, // n = 2000: invariant in every trial
  '22_decay': { smoke: 'REFUTED', standard: 'REFUTED', paper: 'REFUTED' },
  // 2η = 44 diverges: no trained spectrum to class, no measured point left.
  '44_const': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  '44_decay': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
};

// Trained observables come out of hundreds of SGD/Adam steps at large rates: rounding
// differences between BLAS builds grow along them, so fixtures compare them loosely.
const TRAINED_TOL = 1e-3;
const observables: Record<string, { label: string; fit?: boolean; fixtureRelTol?: number }> = {
  lazyTestErr: { label: 'test MSE of lazy training (initial-NTK regression, eq. (6))', fit: false },
  lazyR2: { label: 'test R² of lazy training', fit: false },
  alpha0: { label: 'power-law α of (1/h)W₀ᵀW₀ at initialisation', fit: false },
};
for (const { suffix, name } of SCHEDULES) {
  const o = (label: string) => ({ label: `${label} (${name})`, fit: false, fixtureRelTol: TRAINED_TOL });
  observables[`status_${suffix}`] = o('run status: 0 reached loss < 1e-5, 1 hit the epoch cap, 2 diverged');
  observables[`epochs_${suffix}`] = o('epochs run (a diverged run: epochs completed before the blow-up)');
  observables[`testErr_${suffix}`] = o('test MSE');
  observables[`relErr_${suffix}`] = o('test MSE / lazy test MSE (same draw)');
  observables[`r2_${suffix}`] = o('test R²');
  observables[`class_${suffix}`] = o('class of the trained (1/h)WᵀW: 0 invariant, 1 spike, 2 heavy tail, 3 changed bulk');
  observables[`inClass_${suffix}`] = o('1 if (1/h)WᵀW is in the class Table 1 gives the case');
  observables[`outliers_${suffix}`] = o(`eigenvalues of (1/h)WᵀW above ${1 + SPECTRAL_CLASS_RULES.edgeMargin}·λ_max(W₀ᵀW₀/h)`);
  observables[`alpha_${suffix}`] = o('power-law tail α of (1/h)WᵀW');
  observables[`bulkW2_${suffix}`] = o('W2(initial bulk, final bulk)/mean(initial), outliers removed');
  observables[`ckClass_${suffix}`] = o('class of the trained CK (same rules)');
}

/**
 * Observables of the trained network: a diverged run has none (its best iterate before the
 * blow-up is the initial network in every diverged run measured), so they are not measured.
 */
const TRAINED_OBSERVABLES = ['testErr', 'relErr', 'r2', 'class', 'inClass', 'outliers', 'alpha', 'bulkW2', 'ckClass'] as const;

const predictions: Prediction[] = TABLE1_RATES.flatMap((eta) => {
  const { caseId, reading } = caseAtRate(eta);
  const paper = PAPER[caseId];
  return SCHEDULES.flatMap(({ schedule, suffix }) => {
    const l = variantLabel(caseId, reading, schedule);
    const key = `${eta}_${suffix}`;
    const test: Prediction = paper.beatsLazy
      ? { kind: 'compare', left: `relErr_${suffix}`, relation: '<', right: 1, at: eta, source: 'Table 1', label: `${l}: lower test error than lazy (ratio < 1)` }
      : {
          kind: 'compare', left: `relErr_${suffix}`, relation: '>=', right: NOT_BEAT_FRACTION, at: eta, source: 'Table 1',
          label: `${l}: does not beat lazy (test error ≥ ${NOT_BEAT_FRACTION} × lazy's)`,
        };
    const cls: Prediction = {
      kind: 'compare', left: `inClass_${suffix}`, relation: '>=', right: 1, at: eta, source: 'Table 1, Fig. 1',
      label: `${l}: (1/h)WᵀW is ${paper.clsName} in every trial`,
    };
    if (EXPECTED_TEST[key] !== undefined) test.expected = EXPECTED_TEST[key];
    if (EXPECTED_CLASS[key] !== undefined) cls.expected = EXPECTED_CLASS[key];
    return [test, cls];
  });
});

export default defineClaim({
  id: 'W9',
  paper: 'W',
  source: 'Table 1, Fig. 1, eq. (6)',
  title: 'Four training cases against lazy training: test error and spectral class',
  statement:
    'Training both layers (Case 1 GD η=5, Case 2 SGD η=0.1, Case 3 SGD η=22, Case 4 Adam η=0.092, batch 32) to loss < 1e-5: ' +
    'Cases 3 and 4 reach a lower test error than kernel regression with the initial NTK (eq. (6)), Cases 1 and 2 do not; ' +
    'the trained weight spectrum is an invariant bulk in Cases 1 and 2, bulk + one spike in Case 3, heavy-tailed in Case 4.',
  expectation:
    'No exponent: per-case comparisons — small rates stay in the kernel regime (test error ≈ lazy, spectrum moves by ' +
    'O(n^{-1/2})), a large SGD rate creates a rank-one spike, Adam\'s sign-like steps move every weight by O(1).',
  setting,
  tierSetting: {
    smoke: { n: 128, nTest: 1000, maxEpochs: 150 },
    standard: { n: 500 },
    // Paper: the paper's n = 2000 under a 300-epoch cap (see `departures`).
    paper: { n: 2000, maxEpochs: 300 },
  },
  // The sweep variable is the rate η under our loss convention. The seven rates of Table 1
  // under both readings (GD 5, 10; SGD 0.1, 0.2, 22, 44; Adam 0.092) are distinct, so each
  // names one (case, reading): a job trains one case under both schedules and the lazy
  // benchmark on its own draw, jobs run in parallel, and each observable is one curve against
  // η — the table's rows. n is fixed per tier (setting n).
  sweep: {
    variable: 'eta',
    values: { smoke: [...TABLE1_RATES], standard: [...TABLE1_RATES], paper: [...TABLE1_RATES] },
    trials: { smoke: 3, standard: 3, paper: 3 },
  },
  departures: {
    paper: "the paper's n = 2000 (h = 1500, d = 1000) under the standard tier's 300-epoch cap and 3 trials, not 3000 epochs and 5: `plan` put those at ≈ 150 h of CPU on the 2-core machine the committed results come from; 300 epochs cover the step schedule's three decays, and each run records whether it hit the cap (status).",
  },
  observables,
  predictions,
  // The rate is the sweep variable; n and the epoch cap come from the tier.
  resources: (_eta, s) => trainingResources(s.n, s, s.maxEpochs),
  run: ({ x: eta, setting: s, rng, keepDetail }) => {
    const ws = s;
    const n = s.n;
    const { caseId, reading } = caseAtRate(eta);
    const p = wProblem(rng, n, ws);
    const values: Record<string, number> = {};
    const notMeasured: Record<string, string> = {};
    const meta: Record<string, string | number | boolean> = { n, d: p.dims.d, h: p.dims.h, nTest: ws.nTest ?? 0, case: caseId, reading };
    const spectra: Record<string, number[]> = {};
    const lazy = lazyBenchmark(p, `W9 n=${n}`);
    values.lazyTestErr = lazy.testError;
    values.lazyR2 = lazy.r2;
    const init = initialSpectra(p);
    const fit0 = fitPowerLaw(init.weight);
    values.alpha0 = fit0.alpha;
    meta.alphaFit0 = fitText(fit0);
    for (const { schedule, suffix } of SCHEDULES) {
      if (!(s.schedules).includes(schedule)) continue;
      const out = evaluateVariant(p, { caseId, reading, schedule }, init, {
        lossBelow: s.lossBelow, maxEpochs: s.maxEpochs, rng: rng.split('train'),
        context: `W9 n=${n} η=${eta}`,
      });
      const r = out.run;
      values[`status_${suffix}`] = r.diverged ? 2 : r.converged ? 0 : 1;
      values[`epochs_${suffix}`] = r.epochs;
      meta[`finalLoss:${suffix}`] = r.finalLoss;
      meta[`hitCap:${suffix}`] = r.hitCap;
      meta[`diverged:${suffix}`] = r.diverged;
      meta[`ms:${suffix}`] = Math.round(r.ms);
      if (r.diverged) {
        // No trained network: its test error and spectral class are not measured. The best
        // iterate before the blow-up (lowest training loss among the epoch snapshots) is
        // shown for the reader, labelled as such; it is not scored.
        Object.assign(notMeasured, notMeasuredAll(TRAINED_OBSERVABLES.map((k) => `${k}_${suffix}`), r.divergence!));
        meta[`divergence:${suffix}`] = r.divergence!;
        meta[`bestIterate:${suffix}`] =
          `epoch ${r.netEpoch}${r.netEpoch === 0 ? ' (the initial network)' : ''}: test MSE ${out.scores.testError.toPrecision(3)} ` +
          `(${(out.scores.testError / lazy.testError).toPrecision(3)} × lazy), not scored`;
        continue;
      }
      values[`testErr_${suffix}`] = out.scores.testError;
      values[`relErr_${suffix}`] = out.scores.testError / lazy.testError;
      values[`r2_${suffix}`] = out.scores.r2;
      values[`class_${suffix}`] = out.weight.code;
      values[`inClass_${suffix}`] = out.weight.code === PAPER[caseId].cls ? 1 : 0;
      values[`outliers_${suffix}`] = out.weight.outliers;
      values[`alpha_${suffix}`] = out.weight.fit.alpha;
      values[`bulkW2_${suffix}`] = out.weight.bulkW2Rel;
      values[`ckClass_${suffix}`] = out.ck.code;
      meta[`alphaFit:${suffix}`] = fitText(out.weight.fit);
      meta[`edgeRatio:${suffix}`] = out.weight.edgeRatio;
      meta[`ckOutliers:${suffix}`] = out.ck.outliers;
      meta[`ckAlpha:${suffix}`] = out.ck.fit.alpha;
      if (keepDetail) {
        const base = `(1/h)WᵀW, Case ${caseId} η=${eta}, ${suffix}`;
        spectra[`${base}@initial`] = Array.from(init.weight);
        spectra[`${base}@final`] = Array.from(out.weightSpectrum);
        meta[`mpRatio:${base}`] = p.dims.d / p.dims.h;
      }
    }
    return { values, ...(Object.keys(notMeasured).length > 0 ? { notMeasured } : {}), meta, ...(keepDetail ? { spectra } : {}) };
  },
});

function fitText(f: PowerLawFit): string {
  return `α ${f.alpha.toFixed(2)} ± ${f.sigma.toFixed(2)}, x_min ${f.xmin.toPrecision(3)}, tail ${f.tailSize} of ${f.n}, KS ${f.ks.toFixed(3)}`;
}
