/**
 * H11 — Hu et al., Fig. 1(a,b): a two-layer erf network (width 256, d = 50) trained on
 * y = sign(f*(x)), f* an erf network of width 5, and its linear model f^lin (Theorem D.1,
 * both layers, η1 = η2) trained side by side: train/test losses and the outputs on
 * individual test points agree during an early phase; later the network's training loss
 * goes below that of the best linear model.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖² for both models; W ← W − η∇_W L,
 * v ← v − η∇_v L, β ← β − (η/n)Ψ(Ψᵀβ − y). Symmetric initialisation (f_0 ≡ 0).
 * For erf ν = ϑ0 = ϑ1 = ϑ2 = 0, so ψ(x) = (√2ζ/√d)x: a linear model on the raw inputs, and the
 * best linear model is the least-squares fit on x.
 * The paper's rate is not restated here: η = ¼ of 2n/‖Θlin‖ (≈ 25 at n = 5000, meta eta); the
 * early phase is [0, T] with T = ⌊c·d·ln d/η⌋, c = 2 (as H6–H8).
 */
import { activation } from 'ntk-verify';
import { defineClaim, mseLoss } from 'ntk-verify';
import {
  curveOverT, earlyHorizon, hTask, linearModelSpec, meanSquare, optimalLinearModel, rateFromFeatures,
  recordAtStep, recordGrid, sideBySide, upTo,
} from 'ntk-verify/experiments';

const setting = {
  activation: 'erf',
  d: 50,
  m: 256,
  init: 'symmetric (f_0 ≡ 0)',
  covariance: 'identity',
  layers: 'both (η1 = η2 = η)',
  linearModel: 'ψ(x) = (√2ζ/√d)x for erf; best linear model = least squares on ψ',
  target: 'erfSign',
  targetDescription: 'y = sign(f*(x)), f* an erf network of width 5 (Fig. 1)',
  teacherWidth: 5,
  rateFraction: 0.25,
  c: 2,
  earlyPhase: 't ≤ T = ⌊c·d·ln d/η⌋',
  // Training length (steps) for the "later" statement: long enough for the network to leave
  // the linear model (its training loss crosses the best linear one's within ~20 steps at
  // n = 5000, and the outputs separate after ~200); the paper's horizon is longer.
  steps: 300,
  nTest: 2000,
  // Every step in [0, T], then `recordPoints` evenly spaced steps up to `steps`.
  recordPoints: 60,
  testOutputs: 5,
  // Early agreement is judged relative to what the linear model learned: the network's
  // deviation from f^lin must stay under 10% of (1/n)‖f^lin_T‖² and the losses within 10%.
  agreementTol: 0.1,
  loss: '(1/(2n))‖y − f(X)‖²',
};

export default defineClaim({
  id: 'H11',
  paper: 'H',
  source: 'Fig. 1(a,b)',
  title: 'Fig. 1: network and linear model agree early; later the network beats the best linear model on the training set',
  statement:
    'Training both layers of an erf network (m = 256, d = 50) on sign labels of an erf-network teacher, the train/test losses and the ' +
    'outputs on individual test points of the network and of f^lin agree during an early phase; later the network\'s training ' +
    'loss goes below the training loss of the best linear model.',
  expectation:
    'No exponent (one size): agreement means sup_{t≤T} of the output discrepancy is a small fraction of the linear model\'s output ' +
    'power; the network can later fit what no linear model on x can (its NTK has a part Θlin lacks).',
  setting,
  tierSetting: {
    // smoke: n = 2000 (n/d = 40; at n/d = 20 the network's memorisation already opens a >10% gap in
    // the training losses before T) and 40 steps (the best linear loss is crossed by step ~8 there).
    smoke: { steps: 40, nTest: 500, recordPoints: 20 },
    paper: { steps: 2000, nTest: 2000 },
  },
  sweep: {
    variable: 'n',
    values: { smoke: [2000], standard: [5000], paper: [20000] },
    trials: { smoke: 1, standard: 3, paper: 5 },
  },
  observables: {
    earlyRelTrain: { label: 'sup_{t≤T} (1/n)‖f_t − f^lin_t‖² / (1/n)‖f^lin_T‖² (train)', fit: false },
    earlyRelTest: { label: 'sup_{t≤T} (1/n\')‖f_t − f^lin_t‖² / (1/n\')‖f^lin_T‖² (test)', fit: false },
    earlyLossGapTrain: { label: 'sup_{t≤T} |L_net(t) − L_lin(t)| / L_lin(t) (train)', fit: false },
    earlyLossGapTest: { label: 'sup_{t≤T} |L_net(t) − L_lin(t)| / L_lin(t) (test)', fit: false },
    earlyDiscTrain: { label: 'sup_{t≤T} (1/n)‖f_t(X) − f^lin_t(X)‖²', fit: false },
    earlyDiscTest: { label: 'sup_{t≤T} E min((f_t − f^lin_t)², 1) on fresh x', fit: false },
    netTrainFinal: { label: 'network training loss at the last step', fit: false },
    bestLinTrain: { label: 'training loss of the best linear model f*^lin', fit: false },
    netTestFinal: { label: 'network test loss at the last step', fit: false },
    bestLinTest: { label: 'test loss of the best linear model f*^lin', fit: false },
    lateDiscTrain: { label: '(1/n)‖f_t − f^lin_t‖² at the last step', fit: false },
  },
  // Checked in every trial (`holds`, lhs ≤ rhs), so that one bad trial shows as a counterexample.
  predictions: [
    { kind: 'holds', check: 'earlyRelTrain', source: 'Fig. 1(a,b): early agreement', label: 'early phase: relative output discrepancy on training points ≤ 0.1 in every trial' },
    { kind: 'holds', check: 'earlyRelTest', source: 'Fig. 1(b): test outputs agree early', label: 'early phase: relative output discrepancy on test points ≤ 0.1 in every trial' },
    { kind: 'holds', check: 'earlyLossGapTrain', source: 'Fig. 1(a): training losses agree early', label: 'early phase: training losses within 10% in every trial' },
    { kind: 'holds', check: 'earlyLossGapTest', source: 'Fig. 1(a): test losses agree early', label: 'early phase: test losses within 10% in every trial' },
    { kind: 'holds', check: 'beatsBestLinear', source: 'Fig. 1(a): later the network beats the best linear model', label: 'later: network training loss ≤ best linear training loss at the last step, in every trial' },
  ],
  // Fig. 1 as overlays of the job's series (x = t/T, so the end of the early phase sits at 1).
  plots: [
    {
      id: 'losses', title: 'Fig. 1(a): training and test loss, network (solid) and linear models (dashed)',
      series: ['train loss, network *', 'train loss, linear model *', 'test loss, network *', 'test loss, linear model *', 'train loss, best linear model *'],
      dashed: ['*linear model*'], paired: true, x: 't/T', y: 'loss (1/(2n))‖y − f‖²', rules: [{ x: 1, label: 't = T' }],
    },
    {
      id: 'test-outputs', title: 'Fig. 1(b): outputs on test points, network (solid) and f^lin (dashed)',
      series: Array.from({ length: setting.testOutputs }, (_, k) => `test point ${k + 1}: *`),
      dashed: ['*linear model*'], paired: true, x: 't/T', y: 'f(x)', rules: [{ x: 1, label: 't = T' }],
    },
    {
      id: 'discrepancy', title: 'discrepancy between the network and f^lin on training and test points',
      series: ['train discrepancy *', 'test discrepancy *'], logY: true, x: 't/T', y: 'discrepancy', rules: [{ x: 1, label: 't = T' }],
    },
  ],
  // GD on both layers for \`steps\` steps at width m, plus the test points.
  resources: (n, s) => {
    const m = s.m, d = s.d, nTest = s.nTest;
    return { work: (n + nTest) * m * d * (s.steps), bytes: 8 * (4 * m * (n + nTest) + d * (n + nTest)) };
  },
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const d = s.d, m = s.m;
    const task = hTask(rng, { d, n, m }, s.activation, { target: 'erfSign', teacherWidth: s.teacherWidth, nTest: s.nTest });
    const act = activation(s.activation);
    const lin = linearModelSpec('lin', task.X, task.Xtest, act, 'both', task.traceSigmaSq);
    const rate = rateFromFeatures(lin.train, s.rateFraction);
    const T = earlyHorizon(d, rate.lr, s.c);
    const steps = Math.max(T, s.steps);
    const best = optimalLinearModel(lin.train, task.y, lin.test);
    let linT: { train: Float64Array; test: Float64Array } | undefined;
    const r = sideBySide(task.net, task.X, task.y, {
      layers: 'both', lr: rate.lr, steps, recordAt: recordGrid(T, steps, s.recordPoints), linear: [lin],
      Xtest: task.Xtest, ytest: task.ytest, keepTestOutputs: keepDetail ? (s.testOutputs) : 0, context: `H11 n=${n}`,
      onLinRecord: (_, t, train, test) => { if (t === T) linT = { train: train.slice(), test: test.slice() }; },
    });
    const early = upTo(r.records, T);
    const sup = (f: (q: (typeof early)[number]) => number) => Math.max(...early.map(f));
    const last = recordAtStep(r.records, steps);
    const values = {
      earlyRelTrain: sup((q) => q.lin.lin!.discTrain) / meanSquare(linT!.train),
      earlyRelTest: sup((q) => q.lin.lin!.discTestRaw) / meanSquare(linT!.test),
      earlyLossGapTrain: sup((q) => Math.abs(q.netTrainLoss - q.lin.lin!.trainLoss) / q.lin.lin!.trainLoss),
      earlyLossGapTest: sup((q) => Math.abs(q.netTestLoss - q.lin.lin!.testLoss) / q.lin.lin!.testLoss),
      earlyDiscTrain: sup((q) => q.lin.lin!.discTrain),
      earlyDiscTest: sup((q) => q.lin.lin!.discTest),
      netTrainFinal: last.netTrainLoss,
      bestLinTrain: mseLoss(best.train, task.y),
      netTestFinal: last.netTestLoss,
      bestLinTest: mseLoss(best.test!, task.ytest),
      lateDiscTrain: last.lin.lin!.discTrain,
    };
    // First recorded step where the network's training loss is below the best linear one's.
    const crossing = r.records.find((q) => q.netTrainLoss < values.bestLinTrain)?.step ?? -1;
    const meta = {
      d, m, eta: Number(rate.lr.toPrecision(6)), limit: Number(rate.limit.toPrecision(6)), T, steps, crossingStep: crossing,
      // A fixed-length run by design (no loss target): it always ends at the step count.
      stoppedBy: r.stoppedBy,
    };
    const tol = s.agreementTol;
    const checks = [
      { check: 'earlyRelTrain', lhs: values.earlyRelTrain, rhs: tol },
      { check: 'earlyRelTest', lhs: values.earlyRelTest, rhs: tol },
      { check: 'earlyLossGapTrain', lhs: values.earlyLossGapTrain, rhs: tol },
      { check: 'earlyLossGapTest', lhs: values.earlyLossGapTest, rhs: tol },
      { check: 'beatsBestLinear', lhs: values.netTrainFinal, rhs: values.bestLinTrain },
    ];
    if (!keepDetail) return { values, meta, checks };
    // x = t/T throughout, so the end of the early phase sits at 1 (T itself is in meta).
    const c = (f: (q: (typeof r.records)[number]) => number, from = 0) => curveOverT(r.records, T, f, from);
    const series: Record<string, [number, number][]> = {
      'train loss, network [x = t/T]': c((q) => q.netTrainLoss),
      'train loss, linear model [x = t/T]': c((q) => q.lin.lin!.trainLoss),
      'train loss, best linear model (constant) [x = t/T]': c(() => values.bestLinTrain),
      'test loss, network [x = t/T]': c((q) => q.netTestLoss),
      'test loss, linear model [x = t/T]': c((q) => q.lin.lin!.testLoss),
      'train discrepancy (1/n)‖f_t − f^lin_t‖² [x = t/T]': c((q) => q.lin.lin!.discTrain, 1),
      'test discrepancy E min((f_t − f^lin_t)², 1) [x = t/T]': c((q) => q.lin.lin!.discTest, 1),
    };
    for (let k = 0; k < (s.testOutputs); k++) {
      series[`test point ${k + 1}: network output [x = t/T]`] = c((q) => q.netTestOutputs![k]!);
      series[`test point ${k + 1}: linear model output [x = t/T]`] = c((q) => q.linTestOutputs!.lin![k]!);
    }
    return { values, meta, checks, series };
  },
});
