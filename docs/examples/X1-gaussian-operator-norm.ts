/**
 * X1 — the operator norm of a Gaussian matrix (Bai–Yin; Davidson–Szarek). The worked
 * example of docs/ADDING-A-CLAIM.md: a real statement with a known exponent, cheap enough
 * (d×n up to 400×800 at smoke) to run in the test suite.
 *
 * Shapes: G is d×n, like the inputs X of the engine; d = round(γ·n).
 */
import { defineClaim, frobenius, opNorm } from 'ntk-verify';

export default defineClaim({
  id: 'X1',
  paper: 'X',
  source: 'Bai–Yin (1993); Davidson–Szarek (2001), Thm II.13',
  title: 'The operator norm of a Gaussian d×n matrix is about √n + √d',
  statement:
    'For G ∈ R^{d×n} with i.i.d. N(0, 1) entries and d/n = γ, ‖G‖_op / √n → 1 + √γ almost surely, ' +
    'and P(‖G‖_op > √n + √d + t) ≤ exp(−t²/2) for every t ≥ 0.',
  expectation:
    '‖G‖_op ≈ (1 + √γ)·n^{1/2}: slope 1/2; the ratio ‖G‖_op / (√n + √d) tends to 1 (its gap shrinks like n^{-2/3}): slope 0.',
  setting: { gamma: 0.5, t: 3 },
  sweep: {
    variable: 'n',
    values: { smoke: [100, 200, 400, 800], standard: [250, 500, 1000, 2000, 4000], paper: [500, 1000, 2000, 4000, 8000] },
    trials: { smoke: 3, standard: 5, paper: 10 },
  },
  observables: {
    op: { label: '‖G‖_op' },
    ratio: { label: '‖G‖_op / (√n + √d)' },
    fro: { label: '‖G‖_F' },
  },
  predictions: [
    { kind: 'slope≈', observable: 'op', exponent: 0.5, tol: 0.1, source: 'Bai–Yin' },
    { kind: 'bounded', observable: 'ratio', tol: 0.1, source: 'Bai–Yin' },
    {
      kind: 'holds', check: 'edge + t', source: 'Davidson–Szarek, Thm II.13',
      label: '‖G‖_op ≤ √n + √d + t in every trial (t = 3: fails with probability ≤ 1.1% per trial)',
    },
    { kind: 'slope≤', observable: 'op', exponent: 1, source: '‖G‖_op ≤ ‖G‖_F = √(dn)', label: '‖G‖_op = O(n), from ‖G‖_op ≤ ‖G‖_F' },
    {
      kind: 'slope≈', observable: 'op', exponent: 1, source: 'a tempting misreading of ‖G‖_op ≤ ‖G‖_F',
      label: '‖G‖_op is of the order of ‖G‖_F: slope ≈ 1', expected: 'REFUTED',
    },
  ],
  note:
    'The last prediction is kept on purpose, expected REFUTED: ‖G‖_op ≤ ‖G‖_F is a true bound (and looks loose), ' +
    'but the two norms are not of the same order — ‖G‖_F = Θ(n) while ‖G‖_op = Θ(n^{1/2}). ' +
    'The ratio sits a little below 1 at small n (the Tracy–Widom edge correction), so its slope is slightly positive.',
  run: ({ x: n, setting, rng }) => {
    const d = Math.round(setting.gamma * n);
    const G = rng.split('G').randn(d, n);
    const op = opNorm(G);
    const edge = Math.sqrt(n) + Math.sqrt(d);
    return {
      values: { op, ratio: op / edge, fro: frobenius(G) },
      checks: [{ check: 'edge + t', lhs: op, rhs: edge + setting.t }],
      meta: { d },
    };
  },
});
