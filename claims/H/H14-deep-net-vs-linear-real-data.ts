/**
 * H14 — Hu et al. §4.2 and App. A, Figs. 3–4, on real data: a 4-hidden-layer fully connected
 * erf network (NTK parameterisation, no biases) trained by vanilla SGD (batch 500) on two
 * classes, with its initial output subtracted, and "the corresponding linear model" — the
 * network's kernel Taylor-expanded to a linear model on the inputs (§4.1) — trained with the same
 * rate, the same batches and the same steps. On test points: the relative MSE
 * E‖f_t − f^lin_t‖²/E‖f_t‖² stays small up to a step T_agree and then grows; the test loss on
 * V_lin (the span of the test inputs) agrees until then; the network later learns what lies in
 * V_lin^⊥, where the linear model cannot move.
 *
 * Data (the paper: CIFAR-10 cats vs horses and MNIST; CIFAR-10 is not in the registries this
 * project reaches): MNIST 4 vs 9 and Fashion-MNIST Pullover vs Coat, each image standardised
 * (mean 0, variance 1: ‖x‖²/d = 1) and 2×2 average-pooled, d = 196 (the paper pools CIFAR to
 * 8×8×3 = 192). Loss (1/(2n))‖f − f_0 − y‖², minibatch (1/(2b))Σ_B, y = ±1; W ← W − η∇L for every
 * layer. For erf the kernel's Taylor expansion has no constant or norm terms (h is odd in
 * c = xᵀx′/d), so f^lin(x) = βᵀx·√(h_c/d): a linear model on the pixels.
 * Rate: η = ρ·2n/λ_max(Θlin); T_agree = 1000 steps at ρ = ¼, scaled by the rate (the note says why).
 *
 * The CNN (issue 15 item 5; Hu App. A): next to the FC network, a 4-hidden-layer 2-D circular CNN
 * (3×3 filters, stride 1, circular padding, erf, NTK parameterisation, dense readout over the
 * flattened last maps; src/model/conv-net.ts) of C = w·cnnChannelRatio channels, on the same
 * images pooled cnnPool×cnnPool, trained the same way (SGD, f − f_0, η = ρ·2n/λ_max(Θlin) on its own
 * inputs, T_agree as above). Its linear model is the FC one, Θlin = h_c·xᵀx′/d with the same h_c:
 * with a dense readout the CNN's kernel at each position follows the FC recursion on window
 * averages, whose first-order term in c sums to h_c·xᵀx′/d (every pixel lies in k² windows; the
 * note derives it). Its observables end in `_cnn`.
 */
import {
  activation, convNetInit, deepGaussianInit, deepLimitCrossKernels, deepLimitNtk, deepLinearCoefficients, defineClaim, loadFashionMnist, loadMnist,
  notMeasuredAll, twoClassDataset,
} from 'ntk-verify';
import type { ImageSet, JobOutput, PlotDeclaration, Prediction, Rng } from 'ntk-verify';
import {
  type DeepSideBySideResult, convSideBySide, deepLinearRateLimit, deepSideBySide, inputSpan, kernelModelSgd, lossSplit, relativeMse,
} from 'ntk-verify/experiments';

const setting = {
  activation: 'erf',
  depth: 4,
  network: 'fully connected, NTK parameterisation, no biases; f_t − f_0 trained (App. A)',
  optimizer: 'vanilla SGD (no momentum), every layer at rate η',
  batchSize: 500,
  // η = rateFraction · 2n/λ_max(Θlin) (the linear model's full-batch GD limit on the training set).
  rateFraction: 0.25,
  // T_agree = tAgreeAtQuarter · (¼ / rateFraction) steps: 1000 steps at ρ = ¼, the same η·T at other rates.
  tAgreeAtQuarter: 1000,
  // Training runs endFactor · T_agree steps (the "then grows" part).
  endFactor: 2,
  // Records per T_agree (evenly spaced), and as many again after it.
  recordPoints: 20,
  pool: 2,
  linearModel: 'Θlin = h_c·xᵀx′/d off the diagonal and on it (Hu\'s Θlin convention); h_c from deepLinearCoefficients(erf, 4)',
  mnistClasses: '4 (y = +1) vs 9 (y = −1)',
  mnistTrain: 1500,
  mnistTest: 400,
  fashionClasses: 'Pullover (y = +1) vs Coat (y = −1)',
  fashionTrain: 4000,
  fashionTest: 1000,
  // "Small": sup of the relative MSE over the recorded steps in (0, T_agree].
  relTol: 0.25,
  // "Agree": sup_{t ≤ T_agree} |L^V_net − L^V_lin| ≤ vlinTol · L^V(0), on the test points.
  vlinTol: 0.1,
  // "Learns little outside V_lin early": the network's V_lin^⊥ test loss at T_agree ≥ perpFlat × its initial value.
  perpFlat: 0.9,
  testOutputs: 3,
  loss: '(1/(2n))‖f − f_0 − y‖², minibatch (1/(2b))Σ_B',
  cnn: '4 conv layers (erf), k×k filters, stride 1, circular padding, NTK parameterisation, no biases, dense readout /√(C·H·W)',
  // Channels C = max(1, round(w·cnnChannelRatio)) at FC width w (4 … 32 at the paper tier; Hu's 256
  // on 14×14 images would be ≈ 1,600 h of CPU here: the note says so).
  cnnChannelRatio: 1 / 16,
  cnnKernel: 3,
  // k×k pooling of the CNN's images: 28/cnnPool sides (7×7 at every tier, for compute).
  cnnPool: 4,
  // The CNN's SGD batch (the FC's 500 except at smoke) and the data sets it runs on.
  cnnBatchSize: 500,
  cnnDatasets: 'mnist,fashion',
};

type Setting = typeof setting;

const DATASETS = [
  { key: 'mnist', name: 'MNIST 4 vs 9' },
  { key: 'fashion', name: 'Fashion-MNIST Pullover vs Coat' },
] as const;
type DataKey = (typeof DATASETS)[number]['key'];

// The image sets, loaded once per process (0.4 s for MNIST, about 1 s for Fashion-MNIST).
let mnist: ImageSet | undefined;
let fashion: { train: ImageSet; test: ImageSet } | undefined;

/** The data set's two classes, pooled `pool`×`pool` (the same images for any pool: the split depends on rng only). */
function dataFor(key: DataKey, s: Setting, rng: Rng, pool = s.pool) {
  if (key === 'mnist') {
    mnist ??= loadMnist();
    return twoClassDataset(mnist, { classes: [4, 9], nTrain: s.mnistTrain, nTest: s.mnistTest, rng, pool });
  }
  fashion ??= loadFashionMnist();
  return twoClassDataset(fashion, { classes: ['Pullover', 'Coat'], nTrain: s.fashionTrain, nTest: s.fashionTest, rng, pool });
}

const cnnChannels = (width: number, s: Setting) => Math.max(1, Math.round(width * s.cnnChannelRatio));
const cnnRuns = (s: Setting, key: DataKey) => s.cnnDatasets.split(',').includes(key);

function tAgree(s: Setting): number {
  return Math.round((s.tAgreeAtQuarter * 0.25) / s.rateFraction);
}

/** 0, then `points` evenly spaced steps up to T, and `points·(endFactor − 1)` more up to the end. */
function grid(T: number, end: number, points: number): number[] {
  const out = new Set<number>([0, T, end]);
  const per = T / points;
  for (let t = per; t < end; t += per) out.add(Math.round(t));
  return [...out].filter((t) => t <= end).sort((a, b) => a - b);
}

/** The two networks: the FC one (no suffix, as before the CNN came) and the CNN (`_cnn`). */
const MODELS = [{ suffix: '', name: 'FC', tag: '' }, { suffix: '_cnn', name: 'CNN', tag: ' CNN' }] as const;
type Model = (typeof MODELS)[number];

const perData = (key: string, dataName: string, m: Model) => {
  const name = m.suffix ? `${dataName}, CNN` : dataName;
  const o = (stem: string) => `${key}${stem}${m.suffix}`;
  return {
    [o('RelT')]: { label: `${name}: relative MSE E‖f_t − f^lin_t‖²/E‖f_t‖² at T_agree (test)` },
    [o('RelSup')]: { label: `${name}: sup over (0, T_agree] of the relative MSE`, fit: false },
    [o('RelEnd')]: { label: `${name}: relative MSE at the last step`, fit: false },
    [o('VlinGap')]: { label: `${name}: sup_{t≤T_agree} |L^V_net − L^V_lin| / L^V(0) (test loss on V_lin)`, fit: false },
    [o('PerpT')]: { label: `${name}: network's V_lin^⊥ test loss at T_agree / at t = 0 (the linear model's stays 1)`, fit: false },
    [o('PerpEnd')]: { label: `${name}: network's V_lin^⊥ test loss at the last step / at t = 0`, fit: false },
    [o('TestNetEnd')]: { label: `${name}: network's test loss at the last step`, fit: false },
    [o('TestLinEnd')]: { label: `${name}: linear model's test loss at the last step`, fit: false },
  };
};

/**
 * The FC network's gap to its linear model, split in two: the network against the model of its
 * exact infinite-width NTK Θ∞ (no Taylor expansion; kernelModelSgd on the same batches), which
 * finite-width theory puts at O(1/w) in relative MSE, and that NTK model against the Taylor
 * linear model, which no width changes (a property of the data and the kernel).
 */
const ntkSplit = (key: string, name: string) => ({
  [`${key}RelNtkT`]: { label: `${name}: relative MSE E‖f_t − f^∞_t‖²/E‖f_t‖² at T_agree, network vs its infinite-width NTK model (test)` },
  [`${key}TaylorGapT`]: { label: `${name}: relative MSE E‖f^∞_t − f^lin_t‖²/E‖f^∞_t‖² at T_agree, infinite-width NTK model vs its Taylor linear model (no width in it)`, fit: false },
});

const observables = Object.assign(
  {}, ...MODELS.flatMap((m) => DATASETS.map((d) => perData(d.key, d.name, m))), ...DATASETS.map((d) => ntkSplit(d.key, d.name)),
) as Record<string, { label: string; fit?: boolean }>;

// Expected verdicts where they are not CONFIRMED (measured at smoke and standard, 2026-12-04; paper
// not run: extrapolated from the standard tier's widths 64 and 128). The note explains each.
type Verdicts = { smoke?: 'REFUTED' | 'INCONCLUSIVE'; standard?: 'REFUTED' | 'INCONCLUSIVE'; paper?: 'REFUTED' | 'INCONCLUSIVE' };
const EXPECTED: Record<string, Verdicts> = {
  'mnist:agree': { standard: 'REFUTED' }, // one narrow trial (w = 16) passes 0.25 at t = 50
  'mnist:vlin': { standard: 'REFUTED' }, // the same trial
  'mnist:perpFlat': { smoke: 'REFUTED', standard: 'REFUTED', paper: 'REFUTED' },
  'mnist:beyond': { smoke: 'REFUTED', standard: 'REFUTED' }, // w = 16, trial 0
  'fashion:agree': { smoke: 'REFUTED', standard: 'REFUTED' }, // w = 16 and 32
  'fashion:vlin': { smoke: 'REFUTED', standard: 'REFUTED', paper: 'REFUTED' },
  'fashion:perpFlat': { smoke: 'REFUTED', standard: 'REFUTED', paper: 'REFUTED' },
  'fashion:beyond': { smoke: 'REFUTED' },
  // The CNN (measured at smoke and standard, 2026-12-04; the paper tier not run). At smoke it runs
  // on MNIST only (batch 100, C = 1 and 2), so its Fashion-MNIST checks have no case there. At
  // standard `agree` and `grows` fail only at C = 1 (w = 16); `vlin` at C = 1 and in one trial at
  // C = 2 (MNIST) and C = 8 (Fashion); `perpFlat` at every C ≥ 2, as for the FC network.
  'mnist:agree_cnn': { smoke: 'REFUTED', standard: 'REFUTED' },
  'mnist:vlin_cnn': { smoke: 'REFUTED', standard: 'REFUTED' },
  'mnist:perpFlat_cnn': { smoke: 'REFUTED', standard: 'REFUTED' },
  'mnist:grows_cnn': { smoke: 'REFUTED', standard: 'REFUTED' }, // C = 1: the relative MSE falls after T_agree
  'fashion:agree_cnn': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  'fashion:vlin_cnn': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  'fashion:perpFlat_cnn': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  'fashion:grows_cnn': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  // The network against its infinite-width NTK model (measured at smoke and standard, 2026-12-05;
  // paper not run): it falls with the width, but as w^{−0.6} (MNIST) and w^{−0.5} (Fashion), not 1/w.
  'mnist:ntkSlope': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  'fashion:ntkSlope': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  'fashion:beyond_cnn': { smoke: 'INCONCLUSIVE' },
};
const expect = (check: string) => (EXPECTED[check] ? { expected: EXPECTED[check] } : {});

const predictions: Prediction[] = MODELS.flatMap((m) => DATASETS.flatMap(({ key, name: dataName }): Prediction[] => {
  const name = m.suffix ? `${dataName}, CNN` : dataName;
  const c = (check: string) => `${key}:${check}${m.suffix}`;
  const width = m.suffix ? 'the channel count C (∝ w)' : 'the width';
  return [
    {
      kind: 'holds', check: c('agree'), ...expect(c('agree')), source: 'Figs. 3(b), 4(b): the relative MSE is small early',
      label: `${name}: relative MSE ≤ 0.25 at every recorded step in (0, T_agree], in every trial`,
    },
    {
      kind: 'holds', check: c('vlin'), ...expect(c('vlin')), source: 'Figs. 3(a), 4(a): the V_lin test losses agree early',
      label: `${name}: |L^V_net − L^V_lin| ≤ 0.1·L^V(0) for t ≤ T_agree, in every trial`,
    },
    {
      kind: 'holds', check: c('perpFlat'), ...expect(c('perpFlat')), source: '§4.2: the linear model explains almost all of the network\'s progress early',
      label: `${name}: the network's V_lin^⊥ test loss at T_agree is ≥ 0.9 of its initial value (it learns little outside V_lin early), in every trial`,
    },
    {
      kind: 'holds', check: c('grows'), ...expect(c('grows')), source: 'Figs. 3(b), 4(b): the relative MSE grows after T_agree',
      label: `${name}: relative MSE at T_agree ≤ at the last step (endFactor·T_agree), in every trial`,
    },
    {
      kind: 'holds', check: c('beyond'), ...expect(c('beyond')), source: 'Figs. 3(a), 4(a): later the network learns in V_lin^⊥',
      label: `${name}: the network's V_lin^⊥ test loss at the last step is below its value at T_agree, in every trial`,
    },
    {
      kind: 'slope≤', observable: `${key}RelT${m.suffix}`, exponent: 0, source: 'finite-width NTK fluctuations O(w^{-1/2}) (relative MSE O(1/w)) plus a width-independent Taylor error',
      label: `${name}: the relative MSE at T_agree does not grow with ${width} (slope ≤ 0)`,
      expected: EXPECTED[`${key}:slope${m.suffix}`] ?? { smoke: 'INCONCLUSIVE' },
    },
  ];
}));

// Lazy training at finite width (Jacot et al. 2018; Lee et al. 2019, Thm 2.1): the network's outputs
// stay within O(w^{-1/2}) of the infinite-width NTK model's over a fixed horizon, so the relative MSE
// between the two falls as 1/w. Exponent −1 with the suite's ±0.15 for a predicted exponent.
predictions.push(...DATASETS.map(({ key, name }): Prediction => ({
  kind: 'slope≈', observable: `${key}RelNtkT`, exponent: -1, tol: 0.15,
  source: 'NTK theory of finite width (Lee et al. 2019, Thm 2.1): ‖f_t − f^∞_t‖ = O(w^{-1/2})',
  label: `${name}: the network's relative MSE to its infinite-width NTK model at T_agree ∝ w^b, b ≈ −1 ± 0.15`,
  expected: EXPECTED[`${key}:ntkSlope`] ?? { smoke: 'INCONCLUSIVE' },
})));

const plots: PlotDeclaration[] = MODELS.flatMap((m) => DATASETS.flatMap(({ key, name: dataName }): PlotDeclaration[] => {
  const name = m.suffix ? `${dataName}, CNN` : dataName;
  const id = m.suffix ? `${key}-cnn` : key;
  const k = `${key}${m.tag}`;
  return [
    {
      id: `${id}-losses`, title: `${name}: test loss on V_lin and on V_lin^⊥, network (solid) and linear model (dashed)`,
      series: [`${k}: test loss on V_lin, network *`, `${k}: test loss on V_lin, linear model *`,
        `${k}: test loss on V_lin^⊥, network *`, `${k}: test loss on V_lin^⊥, linear model *`],
      dashed: ['*linear model*'], paired: true, x: 't/T_agree', y: 'loss (1/(2n′))‖P(f − y)‖²', rules: [{ x: 1, label: 't = T_agree' }],
    },
    {
      id: `${id}-relative-mse`, title: `${name}: relative MSE E‖f_t − f^lin_t‖²/E‖f_t‖² on test points${m.suffix ? '' : ', and its split: network vs its infinite-width NTK model, that model vs the linear model'}`,
      series: [`${k}: relative MSE *`], x: 't/T_agree', y: 'relative MSE', rules: [{ x: 1, label: 't = T_agree' }, { y: 0.25, label: 'relTol' }],
    },
    {
      id: `${id}-outputs`, title: `${name}: outputs f_t − f_0 on three test points, network (solid) and linear model (dashed)`,
      series: Array.from({ length: setting.testOutputs }, (_, j) => `${k}: test point ${j + 1}: *`),
      dashed: ['*linear model*'], paired: true, x: 't/T_agree', y: 'f(x)', rules: [{ x: 1, label: 't = T_agree' }],
    },
  ];
}));

export default defineClaim({
  id: 'H14',
  paper: 'H',
  source: '§4.2, App. A, Figs. 3–4',
  title: 'Figs. 3–4 on real data: a 4-hidden-layer FC erf network and its linear model agree early under SGD, then part',
  statement:
    'Training a 4-hidden-layer FC network (erf, NTK parameterisation) by SGD on two image classes, with the initial output ' +
    'subtracted, its test loss and outputs are almost identical to those of the corresponding linear model (the Taylor-expanded ' +
    'kernel, trained the same way) up to about 1,000 steps; the linear model explains almost all of the network\'s progress ' +
    'early, and only later does the network make progress in V_lin^⊥, where the relative MSE between the two grows.',
  expectation:
    'No exponent in the paper (one width). Swept over the width w: the early relative MSE = (finite-width NTK fluctuation, ' +
    'O(1/w)) + (the infinite-width NTK against its Taylor model, width-independent), so it must not grow with w: slope ≤ 0.',
  setting,
  tierSetting: {
    // smoke: Fashion-MNIST 1000 + 500 and training to 1.5·T_agree (the rate and T_agree as standard), for time.
    // The CNN at smoke: MNIST only, batch 100 (C = 1, 2 on 7×7 images), to keep the smoke tier fast.
    smoke: { fashionTrain: 1000, fashionTest: 500, endFactor: 1.5, cnnDatasets: 'mnist', cnnBatchSize: 100 },
    // paper: the paper's 10,000 + 2,000 where the data allow (MNIST's two classes have < 2,000 images in all), 3·T_agree steps.
    // The CNN keeps the standard tier's C = w/16 on 7×7 images (see `departures`).
    paper: { fashionTrain: 10000, fashionTest: 2000, endFactor: 3 },
  },
  sweep: {
    variable: 'h',
    values: { smoke: [16, 32], standard: [16, 32, 64, 128], paper: [64, 128, 256, 512] },
    trials: { smoke: 1, standard: 3, paper: 3 },
  },
  departures: {
    paper: "the CNN keeps the standard tier's C = w/16 channels on 7×7 images (4 … 32 channels; ≈ 9 h of CPU with the FC network by `plan`), not Hu App. A's C = w/2 up to 256 on 14×14, which would be ≈ 1,600 h on the 2-core machine the committed results come from (one SGD epoch at C = 256 ≈ 142 s).",
  },
  observables,
  predictions,
  plots,
  // SGD steps of batch b through L layers of width w (forward + backward ≈ 6 flops a weight a
  // sample), for two data sets; the test records are a small fraction of it. The CNN: ≈ 6 flops
  // a filter weight a position a sample, plus im2col/col2im and σ passes of ≈ 30·k²·C·P.
  resources: (w, s) => {
    const steps = tAgree(s) * s.endFactor;
    const d = 784 / (s.pool * s.pool);
    // (A setting recorded before the CNN came has no cnn* fields: no CNN work.)
    const C = cnnChannels(w, s), P = 784 / (s.cnnPool * s.cnnPool), k2 = s.cnnKernel * s.cnnKernel;
    const cnnSets = s.cnnDatasets === undefined ? 0 : s.cnnDatasets.split(',').length;
    return {
      work: 2 * steps * s.batchSize * (d * w + (s.depth - 1) * w * w)
        + (cnnSets === 0 ? 0 : cnnSets * steps * s.cnnBatchSize * P * k2 * (6 * (C + (s.depth - 1) * C * C) + 30 * s.depth * C)),
      bytes: 8 * (s.depth * w * (s.batchSize + w) + d * (s.fashionTrain + s.fashionTest)),
    };
  },
  run: ({ x: width, setting: s, rng, keepDetail }) => {
    const act = activation(s.activation);
    const k = deepLinearCoefficients(act, s.depth);
    const T = tAgree(s);
    const steps = T * s.endFactor;
    const at = grid(T, steps, s.recordPoints);
    const out: Required<Pick<JobOutput, 'values' | 'checks' | 'meta'>> & { series: Record<string, [number, number][]>; notMeasured: Record<string, string> } = {
      values: {}, checks: [], meta: { T_agree: T, steps, hc: Number(k.hc.toPrecision(6)) }, series: {}, notMeasured: {},
    };
    /** The observables, checks and series of one network's side-by-side run (model m, data set key). */
    const measure = (key: DataKey, m: Model, r: DeepSideBySideResult, ds: ReturnType<typeof dataFor>, eta: number) => {
      const o = (stem: string) => `${key}${stem}${m.suffix}`;
      const span = inputSpan(ds.Xtest);
      const rows = r.records.map((q) => ({
        step: q.step,
        rel: q.step > 0 ? relativeMse(q.netTest, q.linTest) : 0,
        net: lossSplit(span, q.netTest, ds.ytest),
        lin: lossSplit(span, q.linTest, ds.ytest),
        q,
      }));
      const first = rows[0]!;
      const atT = rows.find((q) => q.step === T)!;
      const last = rows[rows.length - 1]!;
      const early = rows.filter((q) => q.step > 0 && q.step <= T);
      const relSup = Math.max(...early.map((q) => q.rel));
      const vlinGap = Math.max(...rows.filter((q) => q.step <= T).map((q) => Math.abs(q.net.inSpan - q.lin.inSpan))) / first.net.inSpan;
      Object.assign(out.values, {
        [o('RelT')]: atT.rel,
        [o('RelSup')]: relSup,
        [o('RelEnd')]: last.rel,
        [o('VlinGap')]: vlinGap,
        [o('PerpT')]: atT.net.complement / first.net.complement,
        [o('PerpEnd')]: last.net.complement / first.net.complement,
        [o('TestNetEnd')]: last.net.total,
        [o('TestLinEnd')]: last.lin.total,
      });
      const c = (check: string) => `${key}:${check}${m.suffix}`;
      out.checks.push(
        { check: c('agree'), lhs: relSup, rhs: s.relTol },
        { check: c('vlin'), lhs: vlinGap, rhs: s.vlinTol },
        { check: c('perpFlat'), lhs: s.perpFlat * first.net.complement, rhs: atT.net.complement },
        { check: c('grows'), lhs: atT.rel, rhs: last.rel },
        { check: c('beyond'), lhs: last.net.complement, rhs: atT.net.complement },
      );
      // First recorded step where the relative MSE passes relTol (−1: never).
      const depart = rows.find((q) => q.step > 0 && q.rel > s.relTol)?.step ?? -1;
      Object.assign(out.meta, {
        [`${key}Eta${m.suffix}`]: Number(eta.toPrecision(6)), [`${key}N${m.suffix}`]: ds.X.cols, [`${key}NTest${m.suffix}`]: ds.Xtest.cols,
        [`${key}DimVlin${m.suffix}`]: span.rank, [`${key}Depart${m.suffix}`]: depart,
      });
      if (keepDetail) {
        const cv = (f: (q: (typeof rows)[number]) => number, from = 0): [number, number][] =>
          rows.filter((q) => q.step >= from).map((q) => [q.step / T, f(q)]);
        const sr = out.series, kk = `${key}${m.tag}`;
        sr[`${kk}: test loss on V_lin, network [x = t/T_agree]`] = cv((q) => q.net.inSpan);
        sr[`${kk}: test loss on V_lin, linear model [x = t/T_agree]`] = cv((q) => q.lin.inSpan);
        sr[`${kk}: test loss on V_lin^⊥, network [x = t/T_agree]`] = cv((q) => q.net.complement);
        sr[`${kk}: test loss on V_lin^⊥, linear model [x = t/T_agree]`] = cv((q) => q.lin.complement);
        sr[`${kk}: relative MSE [x = t/T_agree]`] = cv((q) => q.rel, 1);
        for (let j = 0; j < s.testOutputs; j++) {
          sr[`${kk}: test point ${j + 1}: network [x = t/T_agree]`] = cv((q) => q.q.netTest[j]!);
          sr[`${kk}: test point ${j + 1}: linear model [x = t/T_agree]`] = cv((q) => q.q.linTest[j]!);
        }
      }
    };
    for (const { key } of DATASETS) {
      const ds = dataFor(key, s, rng.split('data').split(key));
      const d = ds.X.rows;
      const net = deepGaussianInit(rng.split('init').split(key), [d, ...Array.from({ length: s.depth }, () => width)], act);
      const eta = s.rateFraction * deepLinearRateLimit(ds.X, k);
      const r = deepSideBySide(net, ds.X, ds.y, {
        eta, batchSize: s.batchSize, steps, recordAt: at, rng: rng.split('batches').split(key), Xtest: ds.Xtest,
        coefficients: k, context: `H14 ${key} w=${width}`,
      });
      if (r.divergence) throw new Error(`H14 ${key} w=${width}: the network diverged (${r.divergence.reason}) at η = ${eta}`);
      measure(key, MODELS[0], r, ds, eta);
      // The same SGD (rate, batches, steps) on the exact infinite-width NTK: how much of the gap is width, how much Taylor.
      const ntk = kernelModelSgd(deepLimitNtk(ds.X, act, s.depth), ds.y, eta, steps, {
        batchSize: s.batchSize, rng: rng.split('batches').split(key), recordAt: at, context: `H14 ${key} NTK∞`,
        crossKernel: deepLimitCrossKernels(ds.X, ds.Xtest, act, s.depth, ['ntk']).ntk!,
      });
      const ntkAt = new Map(ntk.records.map((q) => [q.step, q.test!]));
      const split = r.records.filter((q) => q.step > 0).map((q) => ({
        step: q.step, relNtk: relativeMse(q.netTest, ntkAt.get(q.step)!), taylor: relativeMse(ntkAt.get(q.step)!, q.linTest),
      }));
      const splitT = split.find((q) => q.step === T)!;
      out.values[`${key}RelNtkT`] = splitT.relNtk;
      out.values[`${key}TaylorGapT`] = splitT.taylor;
      if (keepDetail) {
        out.series[`${key}: relative MSE, network vs infinite-width NTK model [x = t/T_agree]`] = split.map((q) => [q.step / T, q.relNtk]);
        out.series[`${key}: relative MSE, infinite-width NTK model vs linear model [x = t/T_agree]`] = split.map((q) => [q.step / T, q.taylor]);
      }

      if (!cnnRuns(s, key)) {
        Object.assign(out.notMeasured, notMeasuredAll(Object.keys(perData(key, key, MODELS[1])), `the CNN does not run on ${key} at this tier (cnnDatasets: ${s.cnnDatasets})`));
        continue;
      }
      // The CNN on the same images (the same split stream), pooled cnnPool×cnnPool.
      const dc = dataFor(key, s, rng.split('data').split(key), s.cnnPool);
      const side = 28 / s.cnnPool, C = cnnChannels(width, s);
      const cnn = convNetInit(rng.split('init').split(`${key}:cnn`), {
        height: side, width: side, kernel: s.cnnKernel, channels: Array.from({ length: s.depth }, () => C),
      }, act);
      const etaCnn = s.rateFraction * deepLinearRateLimit(dc.X, k);
      const rc = convSideBySide(cnn, dc.X, dc.y, {
        eta: etaCnn, batchSize: s.cnnBatchSize, steps, recordAt: at, rng: rng.split('batches').split(`${key}:cnn`), Xtest: dc.Xtest,
        coefficients: k, context: `H14 ${key} CNN C=${C}`,
      });
      out.meta[`${key}Channels_cnn`] = C;
      if (rc.divergence) {
        // No trained CNN to compare: its observables are not measured (the FC's stand).
        Object.assign(out.notMeasured, notMeasuredAll(Object.keys(perData(key, key, MODELS[1])), `the CNN diverged: ${rc.divergence.reason}`));
        continue;
      }
      measure(key, MODELS[1], rc, dc, etaCnn);
    }
    const nm = Object.keys(out.notMeasured).length > 0 ? { notMeasured: out.notMeasured } : {};
    return keepDetail ? { values: out.values, checks: out.checks, meta: out.meta, series: out.series, ...nm } : { values: out.values, checks: out.checks, meta: out.meta, ...nm };
  },
});
