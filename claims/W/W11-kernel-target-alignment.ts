/**
 * W11 — Wang et al., Fig. 3(a) and eq. (15): the kernel-target alignment of the conjugate
 * kernel, KTA = ⟨CK, yyᵀ⟩/(‖CK‖_F‖y‖²) on the training set, rises during training in Cases 3
 * (SGD, large rate) and 4 (Adam), barely moves in Case 1 (GD), and ends largest in Case 4.
 *
 * The cases are those of Table 1 (W9, src/experiments/settings/w-table1.ts), both layers trained.
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch; the paper's code
 * apparently used the MSE without the ½, so its η is our 2η (CLAIMS.md).
 */
import { defineClaim, type Prediction } from 'ntk-verify';
import {
  type CaseId,
  type RateReading,
  epochGrid,
  runWithTrajectory,
  variantLabel,
} from 'ntk-verify/experiments';
import { notMeasuredAll } from 'ntk-verify';
import { trainingResources, wProblem, W_TABLE1_DATA } from 'ntk-verify/experiments';
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
  schedule: 'stepDecay' as const,
};

/** The runs: Case 1 at 2η = 10 (the larger reading: the harder test of "barely moves"), Case 3 under both readings, Case 4. */
const RUNS: { key: string; caseId: CaseId; reading: RateReading }[] = [
  { key: 'c1', caseId: 1, reading: 'doubled' },
  { key: 'c3x1', caseId: 3, reading: 'asWritten' },
  { key: 'c3x2', caseId: 3, reading: 'doubled' },
  { key: 'c4', caseId: 4, reading: 'asWritten' },
];
const label = (r: (typeof RUNS)[number]) => variantLabel(r.caseId, r.reading, setting.schedule);

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
  // 2η = 44 diverges in every trial at n ≤ 1000: final KTA not measured, no point left (see the
  // note and W9). At the paper's n = 2000 it converges (63 epochs) and KTA rises 4.4×: CONFIRMED.
  { ...rises('c3x2', label(RUNS[2]!)), expected: { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' } },
  rises('c4', label(RUNS[3]!)),
  {
    kind: 'compare', left: 'ktaMove_c1', relation: '<', right: BARELY, source: 'Fig. 3(a)',
    label: `${label(RUNS[0]!)}: KTA barely moves (|KTA_T/KTA_0 − 1| < ${BARELY})`,
    // Measured: GD raises KTA by about a third at n ≤ 1000 and by 0.22–0.24 at the paper's n = 2000,
    // where its 300 steps leave the training loss at 0.09 (see the note). Paper: recorded after the run.
    expected: { smoke: 'REFUTED', standard: 'REFUTED', paper: 'REFUTED' },
  },
  { kind: 'compare', left: 'gap_c4_c1', relation: '>', right: 0, source: 'Fig. 3(a)', label: 'final KTA: Case 4 > Case 1' },
  { kind: 'compare', left: 'gap_c4_c3x1', relation: '>', right: 0, source: 'Fig. 3(a)', label: 'final KTA: Case 4 > Case 3 (η)' },
  {
    kind: 'compare', left: 'gap_c4_c3x2', relation: '>', right: 0, source: 'Fig. 3(a)', label: 'final KTA: Case 4 > Case 3 (2η)',
    // Case 3 at 2η diverges in every trial at n ≤ 1000: no final KTA to compare (see the note); CONFIRMED at n = 2000.
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
    // Paper: the standard tier's 300-epoch cap at the paper's sizes (see `departures`).
  },
  sweep: {
    variable: 'n',
    values: { smoke: [128], standard: [250, 500], paper: [500, 1000, 2000] },
    trials: { smoke: 5, standard: 3, paper: 3 },
  },
  departures: {
    paper: "the paper's sizes (n up to 2000, h = 1500, d = 1000 at n = 2000) under the standard tier's 300-epoch cap and 3 trials, as W9's paper tier, not 3000 epochs and 5 trials: `plan` put those at ≈ 39 h of CPU on the 2-core machine the committed results come from. The cap covers the step schedule's three decays; a run that reaches it says so (status = 1), and Case 1 (GD) reaches it: its KTA is read after 300 steps, not after 3000.",
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
  // The epoch cap changes with the tier.
  resources: (n, s) => trainingResources(n, s, s.maxEpochs),
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const ws = s;
    const p = wProblem(rng, n, ws);
    const { X, y } = p.data;
    const values: Record<string, number> = {};
    const meta: Record<string, string | number | boolean> = { d: p.dims.d, h: p.dims.h };
    const series: Record<string, [number, number][]> = {};
    const kta0 = kta(p.net, X, y);
    values.kta0 = kta0;
    const maxEpochs = s.maxEpochs;
    const grid = epochGrid(maxEpochs);
    const finals: Record<string, number> = {};
    const notMeasured: Record<string, string> = {};
    const reasons: Record<string, string> = {};
    for (const r of RUNS) {
      const t = runWithTrajectory(p, { caseId: r.caseId, reading: r.reading, schedule: s.schedule }, grid, {
        lossBelow: s.lossBelow, maxEpochs, rng: rng.split('train'), context: `W11 n=${n}`,
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
