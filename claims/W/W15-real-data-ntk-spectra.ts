/**
 * W15 — Wang et al., §6, Figs. 4 and 6, on real data: the NTK spectrum of a network trained on
 * two classes of real images stays invariant under GD, grows a heavier tail under SGD, and a
 * heavier one still under Adam, whose test accuracy is the best.
 *
 * The paper trains a small CNN on CIFAR-2. Here: the engine's deep fully connected network
 * (L = 2 hidden ReLU layers of width n/2, NTK parameterisation, no biases) on Fashion-MNIST
 * Pullover vs Coat (2×2-pooled, d = 196, per-image standardised; balanced classes, 1,000 test
 * images). CIFAR is not in the registries this project reaches, and the engine has no CNN
 * trainer yet (issue 15, item 5); see the note for the choice of data.
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
import { deepPredict, defineClaim, eigvalsh, fitPowerLaw, gram, notMeasuredAll, type JobOutput, type Prediction } from 'ntk-verify';
import {
  type RealDataOptimizer, type RealDataReading, W_REAL_DATA, W_REAL_DATA_OPTIMIZERS,
  deepNtkSpectrum, signAccuracy, spectrumChange, trainRealData, wRealDataProblem,
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
};

const OPTS: readonly RealDataOptimizer[] = ['gd', 'sgd', 'adam'];
const READINGS: readonly { reading: RealDataReading; key: string; name: string }[] = [
  { reading: 'asWritten', key: 'w', name: 'rates as written' },
  { reading: 'pytorch', key: 'pt', name: 'PyTorch reading' },
];
const runName = (o: RealDataOptimizer, r: (typeof READINGS)[number]) => `${W_REAL_DATA_OPTIMIZERS[o].name}, ${r.name}`;

const TOL = 1e-3; // trained observables: rounding grows along hundreds of steps (as W12)
const observables: Record<string, { label: string; fit?: boolean; fixtureRelTol?: number }> = {
  alphaInputs: { label: 'power-law α of the spectrum of the inputs\' Gram matrix XᵀX/d (the data\'s own tail)', fit: false },
  alpha0: { label: 'power-law α of the initial NTK spectrum', fit: false },
  alphaSigma0: { label: 'standard error of α, initial NTK', fit: false },
  tail0: { label: 'tail size of the power-law fit, initial NTK', fit: false },
  ks0: { label: 'KS distance of the power-law fit, initial NTK', fit: false },
  lmax0: { label: 'λ_max of the initial NTK', fit: false },
  trainAcc0: { label: 'train accuracy at initialisation', fit: false },
  testAcc0: { label: 'test accuracy at initialisation', fit: false },
};
/** The observables of one trained run, by name. */
const runKeys = (o: RealDataOptimizer, rk: string) => ({
  relW2: `relW2_${o}_${rk}`, w2: `w2_${o}_${rk}`, alpha: `alpha_${o}_${rk}`, alphaSigma: `alphaSigma_${o}_${rk}`,
  xmin: `xmin_${o}_${rk}`, tail: `tail_${o}_${rk}`, ks: `ks_${o}_${rk}`, outliers: `outliers_${o}_${rk}`,
  edgeRatio: `edgeRatio_${o}_${rk}`, trainAcc: `trainAcc_${o}_${rk}`, testAcc: `testAcc_${o}_${rk}`,
});
for (const r of READINGS) {
  for (const o of OPTS) {
    const k = runKeys(o, r.key);
    const when = runName(o, r);
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

const predictions: Prediction[] = [];
for (const r of READINGS) {
  const gd = runKeys('gd', r.key), sgd = runKeys('sgd', r.key), adam = runKeys('adam', r.key);
  predictions.push(
    {
      kind: 'compare', left: gd.relW2, relation: '<', right: REL_W2_MAX, source: 'Fig. 4 (GD: spectra before/after coincide)',
      label: `GD, ${r.name}: NTK spectrum invariant — W2(after, before) < ${REL_W2_MAX} × sd of the initial spectrum`,
      // PyTorch reading: GD moves λ_max of the NTK by 5–70%, so W2/sd (≈ the relative move of the
      // top eigenvalue, which carries most of the spread) scatters around and above 0.05 (note).
      ...(r.reading === 'pytorch' ? { expected: 'INCONCLUSIVE' as const } : {}),
    },
    {
      kind: 'compare', left: sgd.alpha, relation: '<', right: gd.alpha, paired: true, margin: ALPHA_MARGIN, source: 'Figs. 4, 6 (SGD: heavier tail)',
      label: `${r.name}: SGD's trained NTK has a heavier tail than GD's — α(SGD) < α(GD) − ${ALPHA_MARGIN}`,
      // α ≈ 1.9–2.0 after every optimizer: the tail is the data's, present at initialisation (note).
      expected: 'REFUTED',
    },
    {
      kind: 'compare', left: adam.alpha, relation: '<', right: sgd.alpha, paired: true, margin: ALPHA_MARGIN, source: 'Figs. 4, 6 (Adam: heaviest tail)',
      label: `${r.name}: Adam's trained NTK has the heaviest tail — α(Adam) < α(SGD) − ${ALPHA_MARGIN}`,
      expected: 'REFUTED',
    },
    {
      kind: 'compare', left: adam.testAcc, relation: '>', right: sgd.testAcc, paired: true, source: 'Fig. 6 (Adam: best test accuracy)',
      label: `${r.name}: Adam's test accuracy is above SGD's`,
    },
    {
      kind: 'compare', left: adam.testAcc, relation: '>', right: gd.testAcc, paired: true, source: 'Fig. 6 (Adam: best test accuracy)',
      label: `${r.name}: Adam's test accuracy is above GD's`,
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
    smoke: { epochs: 10 },
    standard: { epochs: 100 },
    paper: { epochs: 200 },
  },
  sweep: {
    variable: 'n',
    values: { smoke: [128, 256], standard: [256, 512], paper: [1000, 2000] },
    trials: { smoke: 3, standard: 4, paper: 5 },
  },
  observables,
  predictions,
  plots: [
    ...READINGS.map((r) => ({
      id: `accuracy-${r.key}`, title: `train (dashed) and test accuracy along training, ${r.name} (largest n)`,
      series: [`test accuracy, * ${r.name}`, `train accuracy, * ${r.name}`], dashed: ['train accuracy*'], x: 'epoch', y: 'accuracy',
    })),
    {
      id: 'alpha', title: 'power-law α of the NTK spectrum: initial (dashed) and after training',
      observables: ['alpha0', ...READINGS.flatMap((r) => OPTS.map((o) => runKeys(o, r.key).alpha))], dashed: ['alpha0'], y: 'α',
    },
    {
      id: 'test-accuracy', title: 'final test accuracy per optimizer and reading',
      observables: READINGS.flatMap((r) => OPTS.map((o) => runKeys(o, r.key).testAcc)), y: 'test accuracy',
    },
  ],
  // Work per job: 6 training runs of `epochs` passes, each O(n·(d·w + w²)) with w ∝ n and d =
  // (28/pool)² fixed; memory: a few n×n kernels and the data set's pixels (70,000 × 784 bytes).
  resources: (n, s) => {
    const d = (28 / s.pool) ** 2, w = s.widthOverN * n;
    return { work: s.epochs * n * (d * w + w * w), bytes: 8 * 4 * n * n + 70_000 * 784 };
  },
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const p = wRealDataProblem(rng, n, s);
    const { X, y, Xtest, ytest } = p.data;
    const s0 = deepNtkSpectrum(p.net, X);
    const fit0 = fitPowerLaw(s0);
    const values: Record<string, number> = {
      alphaInputs: fitPowerLaw(eigvalsh(gram(X, { trans: true, alpha: 1 / X.rows }))).alpha,
      alpha0: fit0.alpha, alphaSigma0: fit0.sigma, tail0: fit0.tailSize, ks0: fit0.ks, lmax0: s0[s0.length - 1]!,
      trainAcc0: signAccuracy(deepPredict(p.net, X), y), testAcc0: signAccuracy(deepPredict(p.net, Xtest), ytest),
    };
    let notMeasured: Record<string, string> = {};
    const meta: Record<string, string | number | boolean> = { d: p.widths[0]!, width: p.widths[1]!, depth: p.widths.length - 1, xmin0: fit0.xmin };
    const series: Record<string, [number, number][]> = {};
    const spectra: NonNullable<JobOutput['spectra']> = {};
    for (const r of READINGS) {
      for (const o of OPTS) {
        const k = runKeys(o, r.key);
        const name = runName(o, r);
        const run = trainRealData(p, o, r.reading, { epochs: s.epochs, rng: rng.split(`batches:${o}:${r.key}`), context: `W15 n=${n} ${name}` });
        meta[`ms:${o}_${r.key}`] = Math.round(run.ms);
        meta[`rates:${o}_${r.key}`] = [...run.rates.W, run.rates.v].map((v) => v.toPrecision(3)).join(', ');
        meta[`finalLoss:${o}_${r.key}`] = run.outcome.finalLoss;
        if (keepDetail) {
          series[`test accuracy, ${name}`] = run.testAccuracy;
          series[`train accuracy, ${name}`] = run.trainAccuracy;
        }
        if (run.diverged) {
          // No trained network to measure: every observable of this run is not measured.
          notMeasured = { ...notMeasured, ...notMeasuredAll(Object.values(k), run.outcome.divergence!.reason) };
          meta[`diverged:${o}_${r.key}`] = true;
          continue;
        }
        const sT = deepNtkSpectrum(run.net, X);
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
    return {
      values,
      ...(Object.keys(notMeasured).length > 0 ? { notMeasured } : {}),
      meta,
      ...(keepDetail ? { series, spectra } : {}),
    };
  },
});
