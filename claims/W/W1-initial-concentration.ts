/**
 * W1 — Wang et al., Lemma B.1 with eqs. (22) and (28) (as CLAIMS.md transcribes them):
 * concentration of the data, the labels and the initial activations that the proofs of
 * Lemma B.2 / Lemma 5.1 / Theorem 5.2 start from.
 *
 *   ‖σ(W₀X/√d)‖_op ≲ √n,   ‖y‖ ≲ √n,
 *   ‖X‖_op/√d ≤ 2(1 + √(n/d))  and  ‖X‖_op/(√d(1 + √(n/d))) → 1   (Bai–Yin),
 *   max_i ‖x_i‖²/d ≤ 2          and  max_i ‖x_i‖²/d → 1.
 *
 * No training: this is the initialisation only, so no loss or rate enters. (The loss of W
 * is L = (1/(2n))‖y − f(X)‖²; it does not appear here.)
 */
import { defineClaim } from 'ntk-verify';
import { columnSquaredNormsOverD, largestSingularValue } from 'ntk-verify/experiments';
import { wProblem, W_EARLY_DATA } from 'ntk-verify/experiments';
import { vectorNorm } from 'ntk-verify';
import { forward } from 'ntk-verify';

const setting = { ...W_EARLY_DATA };

export default defineClaim({
  id: 'W1',
  paper: 'W',
  source: 'Lemma B.1, eqs. (22), (28)',
  title: 'Concentration of data, labels and initial activations',
  statement:
    'At initialisation, ‖σ(W₀X/√d)‖_op and ‖y‖ grow like n^{1/2}; ‖X‖_op/√d ≤ 2(1 + √(n/d)) in every trial and ' +
    '‖X‖_op/(√d(1 + √(n/d))) → 1; max_i ‖x_i‖²/d ≤ 2 in every trial and → 1.',
  expectation:
    'σ(Z) is h×n with O(1) entries and E σ(g) = 0, so its norm is Θ(√h + √n) = Θ(n^{1/2}); ‖y‖² is a sum of n O(1) terms: ' +
    'slope 1/2 for both. The two ratios tend to 1, so their distance to 1 decays (slope < 0).',
  setting,
  sweep: {
    variable: 'n',
    // Jobs are cheap (one h×d×n gemm and two Lanczos runs), so many trials: |ratio − 1| is a
    // Tracy–Widom fluctuation of either sign, relative size O(n^{-2/3}), and its logarithm
    // has a long lower tail (draws that land near 1). 16 trials at smoke keep the CI of its
    // slope narrow enough to tell decay from no decay.
    values: { smoke: [125, 250, 500, 1000], standard: [250, 500, 1000, 2000, 4000], paper: [500, 1000, 2000, 4000, 8000] },
    trials: { smoke: 16, standard: 12, paper: 25 },
  },
  observables: {
    actOp: { label: '‖σ(W₀X/√d)‖_op' },
    yNorm: { label: '‖y‖' },
    xOpRatio: { label: '‖X‖_op/(√d(1 + √(n/d)))', fit: false },
    xOpRatioDev: { label: '|‖X‖_op/(√d(1 + √(n/d))) − 1|' },
    maxNormSq: { label: 'max_i ‖x_i‖²/d', fit: false },
    maxNormSqDev: { label: 'max_i ‖x_i‖²/d − 1' },
  },
  predictions: [
    { kind: 'slope≤', observable: 'actOp', exponent: 0.5, source: 'Lemma B.1: ‖σ(W₀X/√d)‖ ≤ C√n' },
    { kind: 'slope≈', observable: 'actOp', exponent: 0.5, source: 'CLAIMS.md: ‖σ(W₀X/√d)‖ ∝ n^{1/2}' },
    { kind: 'slope≈', observable: 'yNorm', exponent: 0.5, source: 'Lemma B.1: ‖y‖ ∝ n^{1/2}' },
    {
      kind: 'holds', check: '‖X‖/√d ≤ 2(1+√(n/d))', source: 'Lemma B.1, eq. (22)',
      label: '‖X‖_op/√d ≤ 2(1 + √(n/d)) in every trial',
    },
    {
      kind: 'slope≤', observable: 'xOpRatioDev', exponent: 0, tol: 0, source: 'Lemma B.1: ‖X‖/(√d(1+√(n/d))) → 1',
      label: '|‖X‖_op/(√d(1 + √(n/d))) − 1| decays: slope ≤ 0',
    },
    {
      kind: 'holds', check: 'max‖x_i‖²/d ≤ 2', source: 'Lemma B.1, eq. (28)',
      label: 'max_i ‖x_i‖²/d ≤ 2 in every trial',
    },
    {
      kind: 'slope≤', observable: 'maxNormSqDev', exponent: 0, tol: 0, source: 'Lemma B.1: max_i ‖x_i‖²/d → 1',
      label: 'max_i ‖x_i‖²/d − 1 decays: slope ≤ 0',
    },
  ],
  run: ({ x: n, setting: s, rng }) => {
    const p = wProblem(rng, n, s);
    const { d, h } = p.dims;
    const X = p.data.X;
    const A = forward(p.net, X).A; // σ(W₀X/√d), h×n
    const xOp = largestSingularValue(X);
    const bai = Math.sqrt(d) * (1 + Math.sqrt(n / d));
    const norms = columnSquaredNormsOverD(X);
    const xOpRatio = xOp / bai;
    return {
      values: {
        actOp: largestSingularValue(A),
        yNorm: vectorNorm(p.data.y),
        xOpRatio,
        xOpRatioDev: Math.abs(xOpRatio - 1),
        maxNormSq: norms.max,
        maxNormSqDev: norms.max - 1,
      },
      checks: [
        { check: '‖X‖/√d ≤ 2(1+√(n/d))', lhs: xOp / Math.sqrt(d), rhs: 2 * (1 + Math.sqrt(n / d)) },
        { check: 'max‖x_i‖²/d ≤ 2', lhs: norms.max, rhs: 2 },
      ],
      meta: { d, h, minNormSq: norms.min },
    };
  },
});
