/**
 * W15 — Wang et al., §6, Figs. 4 and 6, on real data: the NTK spectrum of a network trained on
 * two classes of real images stays invariant under GD, grows a heavier tail under SGD, and a
 * heavier one still under Adam, whose test accuracy is the best.
 *
 * The paper trains a small CNN on CIFAR-2. Here: the engine's deep fully connected network
 * (L = 2 hidden ReLU layers of width n/2, NTK parameterisation, no biases) on Fashion-MNIST
 * Pullover vs Coat (2×2-pooled, d = 196, per-image standardised; balanced classes, 1,000 test
 * images). CIFAR is not in the registries this project reaches; see the note for the choice of
 * data. Next to the FC network, a small CNN as the paper has (issue 15 item 5): the engine's
 * 2-D circular CNN (src/model/conv-net.ts) with `depth` conv layers of cnnChannels channels, 3×3
 * filters, circular padding, the same activation, NTK parameterisation and a dense readout,
 * on the same images (14×14), trained by the same three optimizers under both readings (the
 * PyTorch reading with the conv fan-ins k²·C_in). Its observables end in `_cnn`.
 *
 * Optimizers and rates as the paper gives them: GD η = 8·10⁻³ (full batch), SGD η = 10⁻³
 * (batch 32, heavy-ball momentum 0.2), Adam η = 10⁻³ (batch 32); both layers, a fixed number of
 * epochs per tier. Loss convention: L = (1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ_batch. Two
 * readings of the rates, both run (settings/w-real-data.ts): as written (the printed η on every
 * parameter of our network), and PyTorch's (standard parameterisation and nn.MSELoss without
 * the ½: η_l = 2η·fan-in for GD and SGD, η·√fan-in for Adam).
 *
 * Spectrum: eigenvalues of the empirical NTK Θ(X, X) (n×n) on the training inputs. α by
 * fitPowerLaw (continuous MLE, x_min by the smallest KS distance, tail ≥ 10 eigenvalues); a
 * smaller α is a heavier tail. Outliers: eigenvalues above 1.05·λ_max of the initial NTK.
 */
import {
  activation, convNetInit, convNetPredict, deepPredict, defineClaim, eigvalsh, fitPowerLaw, gram, notMeasuredAll, type JobOutput, type Prediction,
} from 'ntk-verify';
import {
  type RealDataOptimizer, type RealDataReading, W_REAL_DATA, W_REAL_DATA_OPTIMIZERS,
  convNetNtkSpectrum, deepNtkSpectrum, signAccuracy, spectrumChange, trainRealData, trainRealDataConv, wRealDataProblem,
} from 'ntk-verify/experiments';

// "Invariant": W2(after, before) below 5% of the initial spectrum's standard deviation, W8's
// threshold (our choice; the paper states no number).
const REL_W2_MAX = 0.05;
// "Heavier tail": α smaller by more than 0.1, about one standard error (α − 1)/√tail of the
// fitted α at these sizes (α ≈ 2, tail ≈ 100); the note says when it was chosen and what a
// margin of 0 would give.
const ALPHA_MARGIN = 0.1;

const setting = {
  ...W_REAL_DATA,
  widthOverN: 0.5,
  optimizers: 'GD η=8e-3 full batch; SGD η=1e-3 batch 32 momentum 0.2; Adam η=1e-3 batch 32',
  loss: '(1/(2n))‖y − f(X)‖², minibatch (1/(2b))Σ',
  readings: 'as written (η on every parameter); PyTorch (η_l = 2η·fan-in for GD/SGD, η·√fan-in for Adam)',
  relW2Max: REL_W2_MAX,
  alphaMargin: ALPHA_MARGIN,
  cnn: '`depth` conv layers (the FC activation), 3×3 filters, stride 1, circular padding, NTK parameterisation, no biases, dense readout',
  cnnChannels: 4,
  cnnKernel: 3,
  // Accuracy records along a CNN run (train and 1,000 test images each): about this many.
  cnnAccuracyPoints: 20,
};

const OPTS: readonly RealDataOptimizer[] = ['gd', 'sgd', 'adam'];
const READINGS: readonly { reading: RealDataReading; key: string; name: string }[] = [
  { reading: 'asWritten', key: 'w', name: 'rates as written' },
  { reading: 'pytorch', key: 'pt', name: 'PyTorch reading' },
];
const runName = (o: RealDataOptimizer, r: (typeof READINGS)[number]) => `${W_REAL_DATA_OPTIMIZERS[o].name}, ${r.name}`;

const TOL = 1e-3; // trained observables: rounding grows along hundreds of steps (as W12)
/** The two networks: the FC one (no suffix, as before the CNN came) and the CNN (`_cnn`). */
const MODELS = [{ suffix: '', name: 'FC' }, { suffix: '_cnn', name: 'CNN' }] as const;
type Model = (typeof MODELS)[number];
const initKeys = (sx: string) => ({
  alpha: `alpha0${sx}`, alphaSigma: `alphaSigma0${sx}`, tail: `tail0${sx}`, ks: `ks0${sx}`, lmax: `lmax0${sx}`,
  trainAcc: `trainAcc0${sx}`, testAcc: `testAcc0${sx}`,
});
const observables: Record<string, { label: string; fit?: boolean; fixtureRelTol?: number }> = {
  alphaInputs: { label: 'power-law α of the spectrum of the inputs\' Gram matrix XᵀX/d (the data\'s own tail)', fit: false },
};
for (const m of MODELS) {
  const k = initKeys(m.suffix), of = m.suffix ? ' (CNN)' : '';
  Object.assign(observables, {
    [k.alpha]: { label: `power-law α of the initial NTK spectrum${of}`, fit: false },
    [k.alphaSigma]: { label: `standard error of α, initial NTK${of}`, fit: false },
    [k.tail]: { label: `tail size of the power-law fit, initial NTK${of}`, fit: false },
    [k.ks]: { label: `KS distance of the power-law fit, initial NTK${of}`, fit: false },
    [k.lmax]: { label: `λ_max of the initial NTK${of}`, fit: false },
    [k.trainAcc]: { label: `train accuracy at initialisation${of}`, fit: false },
    [k.testAcc]: { label: `test accuracy at initialisation${of}`, fit: false },
  });
}
/** The observables of one trained run, by name (sx: '' for the FC network, '_cnn' for the CNN). */
const runKeys = (o: RealDataOptimizer, rk: string, sx = '') => ({
  relW2: `relW2_${o}_${rk}${sx}`, w2: `w2_${o}_${rk}${sx}`, alpha: `alpha_${o}_${rk}${sx}`, alphaSigma: `alphaSigma_${o}_${rk}${sx}`,
  xmin: `xmin_${o}_${rk}${sx}`, tail: `tail_${o}_${rk}${sx}`, ks: `ks_${o}_${rk}${sx}`, outliers: `outliers_${o}_${rk}${sx}`,
  edgeRatio: `edgeRatio_${o}_${rk}${sx}`, trainAcc: `trainAcc_${o}_${rk}${sx}`, testAcc: `testAcc_${o}_${rk}${sx}`,
});
for (const m of MODELS) for (const r of READINGS) {
  for (const o of OPTS) {
    const k = runKeys(o, r.key, m.suffix);
    const when = `${runName(o, r)}${m.suffix ? ', CNN' : ''}`;
    const ob = (label: string) => ({ label: `${label} — ${when}`, fit: false, fixtureRelTol: TOL });
    observables[k.relW2] = ob('W2(NTK spectrum after, before) / sd of the initial spectrum');
    observables[k.w2] = ob('W2(NTK spectrum after, before)');
    observables[k.alpha] = ob('power-law α of the trained NTK spectrum');
    observables[k.alphaSigma] = ob('standard error of α, trained NTK');
    observables[k.xmin] = ob('x_min of the power-law fit, trained NTK');
    observables[k.tail] = ob('tail size of the power-law fit, trained NTK');
    observables[k.ks] = ob('KS distance of the power-law fit, trained NTK');
    observables[k.outliers] = ob('outliers: eigenvalues above 1.05·λ_max(initial NTK)');
    observables[k.edgeRatio] = ob('λ_max(trained NTK)/λ_max(initial NTK)');
    observables[k.trainAcc] = ob('final train accuracy');
    observables[k.testAcc] = ob('final test accuracy');
  }
}

// Expected verdicts where not CONFIRMED (measured at smoke and standard; the note explains each),
// of the CNN's predictions and below of the fully-connected network's. Keyed by `${kind}:${reading key}`.
const EXPECTED_CNN: Record<string, Prediction['expected']> = {
  // GD moves a 4-channel CNN's NTK (λ_max by −28 … −6% as written, −45 … +200% PyTorch): W2/sd scatters around and above 0.05.
  'gdInvariant:w': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  'gdInvariant:pt': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  // α differences of ±0.03–0.09 with paired CIs of ±0.13–0.19 across 4 trials.
  'sgdTail:w': { smoke: 'REFUTED', standard: 'INCONCLUSIVE' },
  'adamTail:w': { smoke: 'INCONCLUSIVE', standard: 'REFUTED' },
  'sgdTail:pt': { smoke: 'REFUTED', standard: 'INCONCLUSIVE' },
  'adamTail:pt': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  // Adam's accuracy is above the others' at the means, by 0.005–0.13, but the paired CIs over 3
  // trials reach below 0 (the comparison rule asks for the CI since 2026-12-05).
  'adamOverSgd:pt': { smoke: 'INCONCLUSIVE', standard: 'INCONCLUSIVE' },
  'adamOverGd:pt': { smoke: 'INCONCLUSIVE' },
};
// The same for the fully-connected network (the note explains each).
const EXPECTED_MLP: Record<string, Prediction['expected']> = {
  // PyTorch reading: GD moves λ_max of the NTK by 5–70%, so W2/sd (≈ the relative move of the
  // top eigenvalue, which carries most of the spread) scatters around and above 0.05.
  'gdInvariant:pt': 'INCONCLUSIVE',
  // α ≈ 1.9–2.0 after every optimizer: the tail is the data's, present at initialisation.
  'sgdTail:w': 'REFUTED',
  'sgdTail:pt': 'REFUTED',
  'adamTail:w': 'REFUTED',
  'adamTail:pt': 'REFUTED',
  // Adam ahead at the means, paired CIs reaching below 0 (as for the CNN).
  'adamOverSgd:pt': { standard: 'INCONCLUSIVE' },
  'adamOverGd:pt': { standard: 'INCONCLUSIVE' },
};
const predictions: Prediction[] = [];
for (const m of MODELS) for (const r of READINGS) {
  const gd = runKeys('gd', r.key, m.suffix), sgd = runKeys('sgd', r.key, m.suffix), adam = runKeys('adam', r.key, m.suffix);
  const cnn = m.suffix !== '';
  const name = cnn ? `CNN, ${r.name}` : r.name;
  const expect = (what: string) => {
    const e = (cnn ? EXPECTED_CNN : EXPECTED_MLP)[`${what}:${r.key}`];
    return e ? { expected: e } : {};
  };
  predictions.push(
    {
      kind: 'compare', left: gd.relW2, relation: '<', right: REL_W2_MAX, source: 'Fig. 4 (GD: spectra before/after coincide)',
      label: `GD, ${name}: NTK spectrum invariant — W2(after, before) < ${REL_W2_MAX} × sd of the initial spectrum`,
      ...expect('gdInvariant'),
    },
    {
      kind: 'compare', left: sgd.alpha, relation: '<', right: gd.alpha, paired: true, margin: ALPHA_MARGIN, source: 'Figs. 4, 6 (SGD: heavier tail)',
      label: `${name}: SGD's trained NTK has a heavier tail than GD's — α(SGD) < α(GD) − ${ALPHA_MARGIN}`,
      ...expect('sgdTail'),
    },
    {
      kind: 'compare', left: adam.alpha, relation: '<', right: sgd.alpha, paired: true, margin: ALPHA_MARGIN, source: 'Figs. 4, 6 (Adam: heaviest tail)',
      label: `${name}: Adam's trained NTK has the heaviest tail — α(Adam) < α(SGD) − ${ALPHA_MARGIN}`,
      ...expect('adamTail'),
    },
    {
      kind: 'compare', left: adam.testAcc, relation: '>', right: sgd.testAcc, paired: true, source: 'Fig. 6 (Adam: best test accuracy)',
      label: `${name}: Adam's test accuracy is above SGD's`, ...expect('adamOverSgd'),
    },
    {
      kind: 'compare', left: adam.testAcc, relation: '>', right: gd.testAcc, paired: true, source: 'Fig. 6 (Adam: best test accuracy)',
      label: `${name}: Adam's test accuracy is above GD's`, ...expect('adamOverGd'),
    },
  );
}

export default defineClaim({
  id: 'W15',
  paper: 'W',
  source: '§6, Figs. 4 and 6',
  title: 'NTK spectra on real data: invariant under GD, heavier-tailed under SGD and Adam; Adam generalises best',
  statement:
    'Training a network on two classes of real images, the NTK spectrum after GD (η = 8·10⁻³) is the spectrum at initialisation; ' +
    'after SGD (η = 10⁻³, batch 32, momentum 0.2) it has a heavier tail, after Adam (η = 10⁻³, batch 32) the heaviest, and Adam reaches ' +
    'the best test accuracy.',
  expectation:
    'No exponent: GD at a small rate stays in the kernel regime (W2 of the spectra O(n^{-1/2}), Corollary 5.3); the stochastic and ' +
    'adaptive optimizers leave it and grow large eigenvalues, so the fitted tail exponent α falls (GD > SGD > Adam).',
  setting,
  tierSetting: {
    // smoke: the CNN with 2 channels, its accuracies recorded at the start and the end only (each
    // record is a pass over 1,000 test images).
    smoke: { epochs: 10, cnnChannels: 2, cnnAccuracyPoints: 1 },
    standard: { epochs: 100, cnnChannels: 4 },
    paper: { epochs: 200, cnnChannels: 16 },
  },
  sweep: {
    variable: 'n',
    values: { smoke: [128, 256], standard: [256, 512], paper: [1000, 2000] },
    trials: { smoke: 3, standard: 4, paper: 5 },
  },
  observables,
  predictions,
  plots: MODELS.flatMap((m) => {
    const cnn = m.suffix !== '', id = cnn ? '-cnn' : '', of = cnn ? ' (CNN)' : '';
    return [
      ...READINGS.map((r) => ({
        id: `accuracy-${r.key}${id}`, title: `train (dashed) and test accuracy along training, ${r.name} (largest n)${of}`,
        series: [`test accuracy, * ${r.name}${cnn ? ', CNN' : ''}`, `train accuracy, * ${r.name}${cnn ? ', CNN' : ''}`],
        dashed: ['train accuracy*'], x: 'epoch', y: 'accuracy',
      })),
      {
        id: `alpha${id}`, title: `power-law α of the NTK spectrum: initial (dashed) and after training${of}`,
        observables: [`alpha0${m.suffix}`, ...READINGS.flatMap((r) => OPTS.map((o) => runKeys(o, r.key, m.suffix).alpha))], dashed: [`alpha0${m.suffix}`], y: 'α',
      },
      {
        id: `test-accuracy${id}`, title: `final test accuracy per optimizer and reading${of}`,
        observables: READINGS.flatMap((r) => OPTS.map((o) => runKeys(o, r.key, m.suffix).testAcc)), y: 'test accuracy',
      },
    ];
  }),
  // Work per job: 6 training runs of `epochs` passes, each O(n·(d·w + w²)) with w ∝ n and d =
  // (28/pool)² fixed; memory: a few n×n kernels and the data set's pixels (70,000 × 784 bytes).
  // The CNN's 6 runs: ≈ 6 flops a filter weight a position a sample plus ≈ 30·k²·C·P for
  // im2col/col2im and σ, per layer.
  resources: (n, s) => {
    const d = (28 / s.pool) ** 2, w = s.widthOverN * n;
    const C = s.cnnChannels, k2 = s.cnnKernel * s.cnnKernel;
    // (A setting recorded before the CNN came has no cnn* fields: no CNN work.)
    const cnn = C === undefined ? 0 : 6 * s.epochs * n * d * k2 * (6 * (C + (s.depth - 1) * C * C) + 30 * s.depth * C);
    return { work: s.epochs * n * (d * w + w * w) + cnn, bytes: 8 * 4 * n * n + 70_000 * 784 };
  },
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const p = wRealDataProblem(rng, n, s);
    const { X, y, Xtest, ytest } = p.data;
    const side = 28 / s.pool;
    // The CNN on the same images: `depth` conv layers of cnnChannels channels, the FC's activation.
    const cnn = convNetInit(rng.split('init:cnn'), {
      height: side, width: side, kernel: s.cnnKernel, channels: new Array<number>(s.depth).fill(s.cnnChannels),
    }, activation(s.activation));
    const values: Record<string, number> = {
      alphaInputs: fitPowerLaw(eigvalsh(gram(X, { trans: true, alpha: 1 / X.rows }))).alpha,
    };
    let notMeasured: Record<string, string> = {};
    const meta: Record<string, string | number | boolean> = {
      d: p.widths[0]!, width: p.widths[1]!, depth: p.widths.length - 1, channels_cnn: s.cnnChannels, side_cnn: side,
    };
    const series: Record<string, [number, number][]> = {};
    const spectra: NonNullable<JobOutput['spectra']> = {};
    for (const m of MODELS) {
      const isCnn = m.suffix !== '';
      const spectrum = isCnn ? (net: unknown) => convNetNtkSpectrum(net as typeof cnn, X) : (net: unknown) => deepNtkSpectrum(net as typeof p.net, X);
      const predict = isCnn ? (net: unknown, Z: typeof X) => convNetPredict(net as typeof cnn, Z) : (net: unknown, Z: typeof X) => deepPredict(net as typeof p.net, Z);
      const net0 = isCnn ? cnn : p.net;
      const s0 = spectrum(net0);
      const fit0 = fitPowerLaw(s0);
      const k0 = initKeys(m.suffix);
      Object.assign(values, {
        [k0.alpha]: fit0.alpha, [k0.alphaSigma]: fit0.sigma, [k0.tail]: fit0.tailSize, [k0.ks]: fit0.ks, [k0.lmax]: s0[s0.length - 1]!,
        [k0.trainAcc]: signAccuracy(predict(net0, X), y), [k0.testAcc]: signAccuracy(predict(net0, Xtest), ytest),
      });
      meta[`xmin0${m.suffix}`] = fit0.xmin;
      for (const r of READINGS) {
        for (const o of OPTS) {
          const k = runKeys(o, r.key, m.suffix);
          const name = `${runName(o, r)}${isCnn ? ', CNN' : ''}`;
          const tag = `${o}_${r.key}${m.suffix}`;
          const opts = {
            epochs: s.epochs, rng: rng.split(`batches:${o}:${r.key}${m.suffix}`), context: `W15 n=${n} ${name}`,
            ...(isCnn ? { recordEvery: Math.max(1, Math.round(s.epochs / s.cnnAccuracyPoints)) } : {}),
          };
          const run = isCnn ? trainRealDataConv({ data: p.data, net: cnn }, o, r.reading, opts) : trainRealData(p, o, r.reading, opts);
          meta[`ms:${tag}`] = Math.round(run.ms);
          meta[`rates:${tag}`] = [...run.rates.W, run.rates.v].map((v) => v.toPrecision(3)).join(', ');
          meta[`finalLoss:${tag}`] = run.outcome.finalLoss;
          if (keepDetail) {
            series[`test accuracy, ${name}`] = run.testAccuracy;
            series[`train accuracy, ${name}`] = run.trainAccuracy;
          }
          if (run.diverged) {
            // No trained network to measure: every observable of this run is not measured.
            notMeasured = { ...notMeasured, ...notMeasuredAll(Object.values(k), run.outcome.divergence!.reason) };
            meta[`diverged:${tag}`] = true;
            continue;
          }
          const sT = spectrum(run.net);
          const c = spectrumChange(s0, sT);
          Object.assign(values, {
            [k.relW2]: c.relW2, [k.w2]: c.w2, [k.alpha]: c.fit.alpha, [k.alphaSigma]: c.fit.sigma, [k.xmin]: c.fit.xmin,
            [k.tail]: c.fit.tailSize, [k.ks]: c.fit.ks, [k.outliers]: c.outliers, [k.edgeRatio]: c.edgeRatio,
            [k.trainAcc]: run.finalTrainAccuracy, [k.testAcc]: run.finalTestAccuracy,
          });
          if (keepDetail) {
            spectra[`NTK, ${name}@initial`] = Array.from(s0);
            spectra[`NTK, ${name}@final`] = Array.from(sT);
          }
        }
      }
    }
    return {
      values,
      ...(Object.keys(notMeasured).length > 0 ? { notMeasured } : {}),
      meta,
      ...(keepDetail ? { series, spectra } : {}),
    };
  },
});
