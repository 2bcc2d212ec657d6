/**
 * H12 — Hu et al., section 3.4 and Fig. 2: on a target that depends on the input norm,
 * y = ‖x‖²/d + ReLU(aᵀx) with ‖a‖ = 1, a ReLU network trained on both layers (η1 = η2) is
 * tracked by the full linear model f^lin (Theorem D.1: ψ(x) = [(√2ζ/√d)x; √(3/2)ν/√d; q(x)],
 * q(x) = ϑ0 + ϑ1(s − 1) + ϑ2(s − 1)², s = ‖x‖/√d) far better than by the naive linear model
 * with ϑ1 = ϑ2 = 0 (q ≡ ϑ0), which cannot see the norm: the ratio of their sup_{t≤T}
 * discrepancies to the network is large.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖²; W ← W − η∇_W L, v ← v − η∇_v L, both linear models
 * β ← β − (η/n)Ψ(Ψᵀβ − y) with the same η. Symmetric initialisation (f_0 ≡ 0).
 * Rate: η = ¼ of 2n/‖Θlin‖ of the FULL model (≈ 3 in absolute terms: ‖Θlin‖ ≈ ϑ0²n, meta eta);
 * T = ⌊2·d·ln d/η⌋ (CLAIMS.md). For ReLU ϑ0 = ϑ1 = ν = 1/√(2π), ϑ2 = 0, ζ = ½.
 */
import { defineClaim } from 'ntk-verify';
import {
  curveOverT, earlyHorizon, hTask, linearModelSpec, naiveLinearModelSpec, rateFromFeatures, recordGrid, sideBySide, supUpTo,
} from 'ntk-verify/experiments';

const setting = {
  activation: 'relu',
  d: 32,
  sizes: 'n = m (even), swept; n/d from ≈ 10 to 125',
  init: 'symmetric (f_0 ≡ 0)',
  covariance: 'identity',
  layers: 'both (η1 = η2 = η)',
  target: 'normDependent',
  targetDescription: 'y = ‖x‖²/d + ReLU(aᵀx), a uniform on the unit sphere (section 3.4)',
  fullModel: 'ψ(x) = [(√2ζ/√d)x; √(3/2)ν/√d; ϑ0 + ϑ1(s − 1) + ϑ2(s − 1)²]',
  naiveModel: 'the same with ϑ1 = ϑ2 = 0: last feature ≡ ϑ0',
  rateFraction: 0.25,
  c: 2,
  horizon: 'T = ⌊c·d·ln d/η⌋',
  // The ≥ 5 prediction applies from n/d ≥ 60 (CLAIMS.md).
  ratioFrom: 60,
  ratioAtLeast: 5,
  nTest: 1000,
  // Sup over a grid of 10 steps in [0, T] (T ≈ 75 at d = 32); the discrepancies grow monotonically
  // on [0, T], so the sup is the value at T. Each recorded step costs three extra forward passes.
  recordPoints: 10,
  // Trial 0's plots stop at T too: at n = m = 4000 a step is memory-bound (four 4000×4000 buffers).
  detailHorizon: 1,
  loss: '(1/(2n))‖y − f(X)‖²',
};

export default defineClaim({
  id: 'H12',
  paper: 'H',
  source: 'Section 3.4, Fig. 2',
  title: 'The norm feature q(x) is needed: the full f^lin tracks the network far better than the naive linear model',
  statement:
    'For y = ‖x‖²/d + ReLU(aᵀx) and a ReLU network trained on both layers with η = ¼·2n/‖Θlin‖, the ratio of sup_{t≤T} discrepancies ' +
    '(naive model with ϑ1 = ϑ2 = 0) / (full f^lin), T = 2d·ln d/η, is ≥ 5 from n/d ≥ 60 and grows with n/d.',
  expectation:
    'The full model misses only the network\'s identity-like kernel part (memorisation), of relative size ∝ d/n; the naive model ' +
    'also misses the norm feature, which does not shrink with n: ratio ∝ (n/d)^b with 0 < b ≤ 1 (CLAIMS.md mechanism).',
  setting,
  tierSetting: {
    // smoke: d = 8 with the same n/d values (10, 31, 62.5, 125); T = 2·8·ln 8/η ≈ 12 steps.
    smoke: { d: 8, nTest: 500 },
    paper: { d: 64 },
  },
  sweep: {
    variable: 'n',
    values: { smoke: [80, 250, 500, 1000], standard: [320, 1000, 2000, 4000], paper: [640, 2000, 4000, 8000] },
    trials: { smoke: 3, standard: 3, paper: 5 },
  },
  observables: {
    ratioTrain: { label: 'sup_{t≤T} disc(naive) / sup_{t≤T} disc(full), training points' },
    ratioTest: { label: 'the same ratio on fresh test points (E min(·, 1))' },
    discFull: { label: 'sup_{t≤T} (1/n)‖f_t(X) − f^lin_t(X)‖², full model' },
    discNaive: { label: 'sup_{t≤T} (1/n)‖f_t(X) − f^naive_t(X)‖², naive model' },
    discTestFull: { label: 'sup_{t≤T} E min((f_t − f^lin_t)², 1), full model' },
    discTestNaive: { label: 'sup_{t≤T} E min((f_t − f^naive_t)², 1), naive model' },
    nOverD: { label: 'n/d', fit: false },
  },
  predictions: [
    {
      kind: 'holds', check: 'ratioAtLeast5', source: 'Fig. 2 / CLAIMS.md: ratio ≥ 5 from n/d ≥ 60',
      label: 'ratio of sup discrepancies (naive/full, training points) ≥ 5 in every trial with n/d ≥ 60',
    },
    {
      kind: 'slope≥', observable: 'ratioTrain', exponent: 0, tol: 0, source: 'CLAIMS.md H12: the ratio grows with n/d',
      label: 'the ratio grows with n/d (d fixed): slope in n ≥ 0',
    },
  ],
  plots: [
    {
      id: 'losses', title: 'training loss: network, full f^lin and the naive model (largest n)',
      series: ['train loss, *'], dashed: ['*f^lin*', '*naive*'], x: 't/T', y: 'training loss', rules: [{ x: 1, label: 't = T' }],
    },
    {
      id: 'discrepancies', title: 'discrepancy of the network to the full f^lin and to the naive model, every n',
      series: ['train discrepancy to the full *', 'train discrepancy to the naive *'], at: 'all', logY: true, x: 't/T',
      y: '(1/n)‖f_t − model_t‖²', rules: [{ x: 1, label: 't = T' }],
    },
    {
      id: 'sup-discrepancies', title: 'sup_{t≤T} discrepancy to the full f^lin and to the naive model',
      observables: ['discFull', 'discTestFull', 'discNaive', 'discTestNaive'], dashed: ['discTest*'], paired: true,
      y: 'sup_{t≤T} discrepancy', caption: 'solid: training points, dashed: fresh test points',
    },
  ],
  // d fixed per tier, m = n: both layers for T ∝ ln d steps (η ∝ n/‖Θlin‖ ∝ d).
  resources: (n, s) => {
    const d = s.d;
    return { work: n * n * d * Math.log(d), bytes: 8 * (4 * n * n + d * n) };
  },
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const d = s.d;
    const m = n % 2 ? n + 1 : n;
    const task = hTask(rng, { d, n, m }, s.activation, { target: 'normDependent', nTest: s.nTest });
    const full = linearModelSpec('full', task.X, task.Xtest, task.act, 'both', task.traceSigmaSq);
    const naive = naiveLinearModelSpec('naive', task.X, task.Xtest, task.act, 'both', task.traceSigmaSq);
    const rate = rateFromFeatures(full.train, s.rateFraction);
    const T = earlyHorizon(d, rate.lr, s.c);
    const total = keepDetail ? Math.round((s.detailHorizon) * T) : T;
    const r = sideBySide(task.net, task.X, task.y, {
      layers: 'both', lr: rate.lr, steps: total, recordAt: recordGrid(T, total, s.recordPoints),
      linear: [full, naive], Xtest: task.Xtest, ytest: task.ytest, context: `H12 n=${n}`,
    });
    const values = {
      discFull: supUpTo(r.records, T, 'full', 'discTrain'),
      discNaive: supUpTo(r.records, T, 'naive', 'discTrain'),
      discTestFull: supUpTo(r.records, T, 'full', 'discTest'),
      discTestNaive: supUpTo(r.records, T, 'naive', 'discTest'),
      ratioTrain: 0, ratioTest: 0, nOverD: n / d,
    };
    values.ratioTrain = values.discNaive / values.discFull;
    values.ratioTest = values.discTestNaive / values.discTestFull;
    const checks = n / d >= (s.ratioFrom)
      ? [{ check: 'ratioAtLeast5', lhs: s.ratioAtLeast, rhs: values.ratioTrain }]
      : [];
    const meta = {
      d, m, eta: Number(rate.lr.toPrecision(6)), limit: Number(rate.limit.toPrecision(6)), T, stoppedBy: r.stoppedBy,
    };
    if (!keepDetail) return { values, meta, checks };
    const series: Record<string, [number, number][]> = {
      'train discrepancy to the full f^lin [x = t/T]': curveOverT(r.records, T, (q) => q.lin.full!.discTrain, 1),
      'train discrepancy to the naive model (ϑ1 = ϑ2 = 0) [x = t/T]': curveOverT(r.records, T, (q) => q.lin.naive!.discTrain, 1),
      'train loss, network [x = t/T]': curveOverT(r.records, T, (q) => q.netTrainLoss),
      'train loss, full f^lin [x = t/T]': curveOverT(r.records, T, (q) => q.lin.full!.trainLoss),
      'train loss, naive model [x = t/T]': curveOverT(r.records, T, (q) => q.lin.naive!.trainLoss),
    };
    return { values, meta, checks, series };
  },
});
