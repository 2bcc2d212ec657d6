/**
 * W3 — Wang et al., Lemma 5.1 and Fig. 28(b,c): after three first-layer GD steps the
 * scaled weight change and the changes of the conjugate kernel and the first-layer NTK
 * are O(n^{-1}) in Frobenius norm; the figure adds rates for the CK and NTK changes.
 * Run for a normalized ReLU and a normalized tanh student on the same draw.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖²; η = 1.
 */
import { activation } from 'ntk-verify';
import { defineClaim } from 'ntk-verify';
import { kernelChanges, trainCopy, weightChange } from 'ntk-verify/experiments';
import { withActivation, wProblem, W_EARLY_PHASE } from 'ntk-verify/experiments';

const setting = { ...W_EARLY_PHASE, students: ['normalized_relu', 'normalized_tanh'] };

/** Confirmed at the standard tier; the smoke tier's CIs are too wide to decide. */
const SMOKE_UNDECIDED = { smoke: 'INCONCLUSIVE', standard: 'CONFIRMED', paper: 'CONFIRMED' } as const;

const observables: Record<string, { label: string }> = {};
for (const s of ['relu', 'tanh']) {
  observables[`wFroScaled_${s}`] = { label: `(1/√d)‖W₃ − W₀‖_F (${s})` };
  observables[`ckFro_${s}`] = { label: `‖CK₃ − CK₀‖_F (${s})` };
  observables[`k1Fro_${s}`] = { label: `‖K1₃ − K1₀‖_F (${s})` };
  observables[`k1Op_${s}`] = { label: `‖K1₃ − K1₀‖_op (${s})` };
}

export default defineClaim({
  id: 'W3',
  paper: 'W',
  source: 'Lemma 5.1, Fig. 28(b,c)',
  title: 'Early first-layer GD changes CK and NTK by O(n^{-1})',
  statement:
    'After t = 3 first-layer GD steps (η = 1): (1/√d)‖W₃ − W₀‖_F, ‖CK₃ − CK₀‖_F and ‖K1₃ − K1₀‖_F are O(n^{-1}) (Lemma 5.1); ' +
    'the figure shows the CK Frobenius change of order exactly n^{-1}, the NTK operator-norm change consistent with n^{-1}, ' +
    'and the NTK Frobenius change decaying slower than n^{-1} for a ReLU student.',
  expectation:
    '‖ΔW‖_F = Θ(n^{-1/2}) and d ∝ n give (1/√d)‖ΔW‖_F = Θ(n^{-1}); the kernels inherit the weight change through σ(Z): slope −1.',
  setting,
  sweep: {
    variable: 'n',
    values: { smoke: [150, 300, 600, 1200], standard: [250, 500, 1000, 2000, 4000], paper: [500, 1000, 2000, 4000, 8000] },
    trials: { smoke: 4, standard: 5, paper: 5 },
  },
  departures: {
    paper: "5 trials, not the specified 25: `plan` put 25 at ≈ 15 h of CPU from the standard tier's load-inflated timings; measured, the 5 took 35 min (≈ 6 min a job at n = 8000, so 25 would take ≈ 3 h), and their slope CIs are ±0.02–0.10 wide.",
  },
  observables,
  predictions: [
    // At smoke sizes (n ≤ 1200, 4 trials) the trial-to-trial spread leaves CIs about ±0.15 wide:
    // predictions that the standard tier confirms are undecided there (SMOKE_UNDECIDED).
    ...['relu', 'tanh'].flatMap((s) => [
      { kind: 'slope≤' as const, observable: `wFroScaled_${s}`, exponent: -1, source: 'Lemma 5.1', ...(s === 'tanh' ? { expected: SMOKE_UNDECIDED } : {}) },
      { kind: 'slope≤' as const, observable: `ckFro_${s}`, exponent: -1, source: 'Lemma 5.1', expected: SMOKE_UNDECIDED },
      {
        kind: 'slope≤' as const, observable: `k1Fro_${s}`, exponent: -1, source: 'Lemma 5.1',
        // Measured: the ReLU student's K1 change decays like n^{-0.73} (see note).
        ...(s === 'relu' ? { expected: { smoke: 'INCONCLUSIVE', standard: 'REFUTED', paper: 'REFUTED' } as const } : {}),
      },
    ]),
    // Fig. 28 shows a ReLU student; its rate statements are checked on the ReLU runs.
    { kind: 'slope≈', observable: 'ckFro_relu', exponent: -1, source: 'Fig. 28(b): order exactly n^{-1}', expected: SMOKE_UNDECIDED },
    { kind: 'slope≈', observable: 'k1Op_relu', exponent: -1, source: 'Fig. 28(c): consistent with n^{-1}', expected: 'INCONCLUSIVE' },
    {
      kind: 'slope≥', observable: 'k1Fro_relu', exponent: -1, tol: 0, source: 'Fig. 28(c): slower than n^{-1} (ReLU)',
      label: '‖K1₃ − K1₀‖_F (relu) decays slower than n^{-1}: slope ≥ −1', expected: SMOKE_UNDECIDED,
    },
  ],
  run: ({ x: n, setting: s, rng }) => {
    const p = wProblem(rng, n, s);
    const values: Record<string, number> = {};
    for (const name of ['relu', 'tanh']) {
      const net0 = withActivation(p.net, activation(`normalized_${name}`));
      const { net } = trainCopy(net0, p.data.X, p.data.y, {
        optimizer: 'gd', lr: s.eta, layers: 'first', maxSteps: s.steps, context: `W3 n=${n} ${name}`,
      });
      values[`wFroScaled_${name}`] = weightChange(net0.W, net.W).fro / Math.sqrt(p.dims.d);
      const kc = kernelChanges(net0, net, p.data.X, ['ck', 'ntk1']).changes;
      values[`ckFro_${name}`] = kc.ck!.fro;
      values[`k1Fro_${name}`] = kc.ntk1!.fro;
      values[`k1Op_${name}`] = kc.ntk1!.op;
    }
    return { values, meta: { d: p.dims.d, h: p.dims.h } };
  },
});
