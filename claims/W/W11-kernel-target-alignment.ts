/**
 * W11 — Wang et al., Fig. 3(a) and eq. (15): the kernel-target alignment of the conjugate
 * kernel, KTA = ⟨CK, yyᵀ⟩/(‖CK‖_F‖y‖²) on the training set, rises during training in Cases 3
 * (SGD, large rate) and 4 (Adam), barely moves in Case 1 (GD), and ends largest in Case 4.
 *
 * The cases are those of Table 1 (W9, src/experiments/w-cases.ts), both layers trained.
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch; the paper's code
 * apparently used the MSE without the ½, so its η is our 2η (CLAIMS.md).
 */
import { defineClaim, type Prediction } from 'ntk-verify';
import {
  type CaseId,
  type RateReading,
  type Schedule,
  epochGrid,
  runWithTrajectory,
  variantLabel,
} from 'ntk-verify/experiments';
import { notMeasuredAll } from 'ntk-verify';
import { type WSetting, trainingResources, wProblem, W_TABLE1_DATA } from 'ntk-verify/experiments';
import { conjugateKernel, kernelTargetAlignment } from 'ntk-verify';
import type { TwoLayerNet } from 'ntk-verify';

const setting = {
  ...W_TABLE1_DATA, // as W9 (Table 1)
  layers: 'both',
  loss: '(1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ',
  kernel: 'CK = σ(Z)ᵀσ(Z)/h on the training set; y = training labels (with noise)',
  lossBelow: 1e-5,
  // Epoch cap (GD: step cap), as W9: three decays of the step schedule.
  maxEpochs: 300,
  // The step decay (×0.1 every 100 epochs): the schedule under which Adam converges (CLAIMS.md);
  // W9 reports both schedules.
  schedule: 'stepDecay',
};

/** The runs: Case 1 at 2η = 10 (the larger reading: the harder test of "barely moves"), Case 3 under both readings, Case 4. */
const RUNS: { key: string; caseId: CaseId; reading: RateReading }[] = [
  { key: 'c1', caseId: 1, reading: 'doubled' },
  { key: 'c3x1', caseId: 3, reading: 'asWritten' },
  { key: 'c3x2', caseId: 3, reading: 'doubled' },
  { key: 'c4', caseId: 4, reading: 'asWritten' },
];
const label = (r: (typeof RUNS)[number]) => variantLabel(r.caseId, r.reading, setting.schedule as Schedule);

/** "Rises": the final KTA is at least this multiple of the initial one. */
const RISE = 1.1;
/** "Barely moves": |KTA_T/KTA_0 − 1| below this. */
const BARELY = 0.1;

const TOL = 1e-3; // trained observables: see W9 (rounding grows along long SGD/Adam runs)
const observables: Record<string, { label: string; fit?: boolean; fixtureRelTol?: number }> = {
  kta0: { label: 'KTA of CK₀ (initialisation)', fit: false },
};
for (const r of RUNS) {
  const l = label(r);
  observables[`ktaT_${r.key}`] = { label: `final KTA of CK — ${l}`, fit: false, fixtureRelTol: TOL };
  observables[`ktaRatio_${r.key}`] = { label: `KTA_T / KTA_0 — ${l}`, fit: false, fixtureRelTol: TOL };
  observables[`ktaMove_${r.key}`] = { label: `|KTA_T / KTA_0 − 1| — ${l}`, fit: false, fixtureRelTol: TOL };
  observables[`status_${r.key}`] = { label: `run status (0 loss < 1e-5, 1 hit the cap, 2 diverged) — ${l}`, fit: false, fixtureRelTol: TOL };
}
observables.gap_c4_c1 = { label: 'KTA_T(Case 4) − KTA_T(Case 1)', fit: false, fixtureRelTol: TOL };
observables.gap_c4_c3x1 = { label: 'KTA_T(Case 4) − KTA_T(Case 3, η)', fit: false, fixtureRelTol: TOL };
observables.gap_c4_c3x2 = { label: 'KTA_T(Case 4) − KTA_T(Case 3, 2η)', fit: false, fixtureRelTol: TOL };

const rises = (key: string, l: string): Prediction => ({
  kind: 'compare', left: `ktaRatio_${key}`, relation: '>=', right: RISE, source: 'Fig. 3(a)',
  label: `${l}: KTA rises (KTA_T ≥ ${RISE}·KTA_0)`,
});

const predictions: Prediction[] = [
  rises('c3x1', label(RUNS[1]!)),
  // 2η = 44 diverges in every trial at n ≤ 500: final KTA not measured, no point left (see the
  // note and W9); the paper tier was not run.
  { ...rises('c3x2', label(RUNS[2]!)), expected: { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' } },
  rises('c4', label(RUNS[3]!)),
  {
    kind: 'compare', left: 'ktaMove_c1', relation: '<', right: BARELY, source: 'Fig. 3(a)',
    label: `${label(RUNS[0]!)}: KTA barely moves (|KTA_T/KTA_0 − 1| < ${BARELY})`,
    // Measured: GD raises KTA by about a third (see the note).
    expected: { smoke: 'REFUTED', standard: 'REFUTED' },
  },
  { kind: 'compare', left: 'gap_c4_c1', relation: '>', right: 0, source: 'Fig. 3(a)', label: 'final KTA: Case 4 > Case 1' },
  { kind: 'compare', left: 'gap_c4_c3x1', relation: '>', right: 0, source: 'Fig. 3(a)', label: 'final KTA: Case 4 > Case 3 (η)' },
  {
    kind: 'compare', left: 'gap_c4_c3x2', relation: '>', right: 0, source: 'Fig. 3(a)', label: 'final KTA: Case 4 > Case 3 (2η)',
    // Case 3 at 2η diverges in every trial at n ≤ 500: no final KTA to compare (see the note).
    expected: { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  },
];

function kta(net: TwoLayerNet, X: Parameters<typeof conjugateKernel>[1], y: Float64Array): number {
  return kernelTargetAlignment(conjugateKernel(net, X), y);
}

export default defineClaim({
  id: 'W11',
  paper: 'W',
  source: 'Fig. 3(a), eq. (15)',
  title: 'Kernel-target alignment of the CK rises under large-rate SGD and Adam, not under GD',
  statement:
    'Along training of both layers (Table 1 cases), KTA(CK) = ⟨CK, yyᵀ⟩/(‖CK‖_F‖y‖²) rises in Cases 3 (SGD η=22) and 4 (Adam), ' +
    'barely moves in Case 1 (GD η=5), and ends largest in Case 4.',
  expectation:
    'No exponent: in the kernel regime CK moves by O(1) in Frobenius norm against ‖CK‖_F = Θ(n), so KTA stays put; feature ' +
    'learning (a spike aligned with β, or Adam\'s heavy tail) adds a low-rank part aligned with y, so KTA grows.',
  setting,
  tierSetting: {
    smoke: { maxEpochs: 150 },
    paper: { maxEpochs: 3000 },
  },
  sweep: {
    variable: 'n',
    values: { smoke: [128], standard: [250, 500], paper: [500, 1000, 2000] },
    trials: { smoke: 5, standard: 3, paper: 5 },
  },
  observables,
  predictions,
  plots: [
    {
      id: 'kta-epochs', title: 'KTA of CK along training, every case (largest n)',
      series: ['KTA(CK) against epoch — *'], x: 'epoch', y: 'KTA(CK)',
    },
    {
      id: 'kta-final', title: 'final KTA of CK, every case, against its initial value (dashed)',
      observables: ['kta0', ...RUNS.map((r) => `ktaT_${r.key}`)], dashed: ['kta0'], y: 'KTA(CK)',
    },
  ],
  note: [
    'Measured at the standard tier (n = 250 and 500, 3 trials, step decay, cap 300 epochs; comparisons at n = 500): KTA₀ = ' +
      '0.048–0.057. Case 4 (Adam) jumps to ≈ 0.34 within 5 epochs and ends at 0.466–0.470 (× 8.2–9.8): rises, and ends largest ' +
      '(Case 4 − Case 1 = 0.396, − Case 3 (η) = 0.374, paired CIs far from 0): CONFIRMED. Case 3 at η = 22 jumps within the ' +
      'first 5 epochs and ends at 0.093–0.095 (× 1.66–1.95): CONFIRMED — although its weight spectrum keeps an invariant bulk ' +
      '(W9): the alignment grows through directions that stay inside the bulk.',
    'Disagrees: Case 1 (GD, 2η = 10, capped at 300 steps, training loss 0.020–0.024 there) does not "barely move": KTA rises smoothly from 0.057 to 0.074 within ' +
      'the first ~100 steps, × 1.30–1.43 (|KTA_T/KTA_0 − 1| = 0.36 on average, 95% CI [0.20, 0.53] against the 0.1 threshold): ' +
      'REFUTED. The ratio does not shrink from n = 250 (× 1.29–1.45) to 500, so it is no small-size effect. In absolute terms ' +
      'the change is +0.02 against Adam\'s +0.41, which is presumably what the figure calls "barely moves"; the thresholds ' +
      '(rises: KTA_T ≥ 1.1·KTA_0; barely moves: |KTA_T/KTA_0 − 1| < 0.1) were fixed before measuring and are kept.',
    'Case 3 at 2η = 44 diverges within two epochs in every trial at n ≤ 500 (W9 explains why: the rate is 2.2–2.7× the ' +
      'linear stability limit of a batch step at these d; standard: loss > 10⁶× initial at step 8–16 at n = 250, step 32 at ' +
      'n = 500; smoke: step 8). A diverged run has no trained network, so its final KTA, KTA_T/KTA_0, |KTA_T/KTA_0 − 1| and ' +
      'the gap to Case 4 are not measured (status_c3x2 = 2 records the divergence; the series keeps the KTA measured before ' +
      'it): "KTA rises" for Case 3 at 2η and "final KTA: Case 4 > Case 3 (2η)" are INCONCLUSIVE at smoke and standard, with ' +
      'no measured point left. (They used to read REFUTED and CONFIRMED because the best iterate before the blow-up — the ' +
      'initial network, KTA_T/KTA_0 = 1 exactly — stood in for the trained network: both judged an untrained network.) The ' +
      'paper tier (n ≥ 1000, where W9\'s spot check sees it catapult instead) keeps the paper\'s expected verdicts; a trial ' +
      'that diverges there is not measured.',
    'Smoke (n = 128, 5 trials, cap 150 epochs) gives the same verdicts.',
  ].join('\n'),
  // The epoch cap changes with the tier.
  resources: (n, s) => trainingResources(n, s as unknown as WSetting, s.maxEpochs as number),
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const ws = s as unknown as WSetting;
    const p = wProblem(rng, n, ws);
    const { X, y } = p.data;
    const values: Record<string, number> = {};
    const meta: Record<string, string | number | boolean> = { d: p.dims.d, h: p.dims.h };
    const series: Record<string, [number, number][]> = {};
    const kta0 = kta(p.net, X, y);
    values.kta0 = kta0;
    const maxEpochs = s.maxEpochs as number;
    const grid = epochGrid(maxEpochs);
    const finals: Record<string, number> = {};
    const notMeasured: Record<string, string> = {};
    const reasons: Record<string, string> = {};
    for (const r of RUNS) {
      const t = runWithTrajectory(p, { caseId: r.caseId, reading: r.reading, schedule: s.schedule as Schedule }, grid, {
        lossBelow: s.lossBelow as number, maxEpochs, rng: rng.split('train'), context: `W11 n=${n}`,
      }, (net) => kta(net, X, y));
      const run = t.run;
      if (run.diverged) {
        // No trained network, so no final KTA: not measured (the best iterate before the
        // blow-up is not scored). The KTA series keeps the epochs measured before it.
        Object.assign(notMeasured, notMeasuredAll([`ktaT_${r.key}`, `ktaRatio_${r.key}`, `ktaMove_${r.key}`], run.divergence!));
        reasons[r.key] = `${label(r)}: ${run.divergence!}`;
        meta[`divergence:${r.key}`] = run.divergence!;
      } else {
        finals[r.key] = t.final;
        values[`ktaT_${r.key}`] = t.final;
        values[`ktaRatio_${r.key}`] = t.final / kta0;
        values[`ktaMove_${r.key}`] = Math.abs(t.final / kta0 - 1);
      }
      values[`status_${r.key}`] = run.diverged ? 2 : run.converged ? 0 : 1;
      meta[`epochs:${r.key}`] = run.epochs;
      meta[`finalLoss:${r.key}`] = run.finalLoss;
      meta[`hitCap:${r.key}`] = run.hitCap;
      meta[`diverged:${r.key}`] = run.diverged;
      meta[`ms:${r.key}`] = Math.round(run.ms);
      if (keepDetail) series[`KTA(CK) against epoch — ${label(r)}`] = t.points.map((q) => [q.epoch, q.value]);
    }
    for (const k of ['c1', 'c3x1', 'c3x2'] as const) {
      const gap = `gap_c4_${k}`;
      if (finals.c4 !== undefined && finals[k] !== undefined) values[gap] = finals.c4 - finals[k];
      else notMeasured[gap] = [reasons.c4, reasons[k]].filter((w) => w !== undefined).join('; ');
    }
    return { values, ...(Object.keys(notMeasured).length > 0 ? { notMeasured } : {}), meta, ...(keepDetail ? { series } : {}) };
  },
});
