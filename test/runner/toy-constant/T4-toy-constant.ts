/**
 * A toy claim with an unstated constant c (as in "n ≳ c·d"): the gap decays like x^{-1/2}
 * only with c = 4 and stays flat with c = 1; a second observable is flat at every c; a third
 * approaches x^{-1} through a decaying correction (size-limited at c = 1); one check holds
 * at every c.
 */
import { defineClaim } from '../../../src/runner/define';

export default defineClaim({
  id: 'T4',
  paper: 'T',
  source: 'synthetic',
  title: 'Toy claim with a swept constant',
  statement: 'gap = O(n^{-1/2}) for c large enough; flat = O(n^{-1/2}); corr ∝ n^{-1}.',
  expectation: 'gap: flat at c = 1, n^{-1/2} at c = 4. flat: flat at every c. corr: n^{-1}(1 + 30 n^{-1/2}).',
  setting: { c: 1, noise: 0.01 },
  constant: { key: 'c', symbol: 'c', label: 'n ≳ c·d', favours: 'larger', values: { smoke: [1, 4], standard: [1, 4], paper: [1, 4, 16] } },
  sweep: { variable: 'n', values: { smoke: [250, 500, 1000, 2000, 4000], standard: [250, 500, 1000, 2000, 4000], paper: [250, 500, 1000, 2000, 4000] }, trials: { smoke: 5, standard: 5, paper: 5 } },
  observables: { gap: { label: 'gap' }, flat: { label: 'flat' }, corr: { label: 'corr' } },
  predictions: [
    { kind: 'slope≤', observable: 'gap', exponent: -0.5, label: 'gap = O(n^{-1/2})' },
    { kind: 'slope≤', observable: 'flat', exponent: -0.5, label: 'flat = O(n^{-1/2})', expected: 'REFUTED' },
    { kind: 'slope≈', observable: 'corr', exponent: -1, label: 'corr ∝ n^{-1}', expected: 'REFUTED' },
    { kind: 'holds', check: 'positive', label: 'gap > 0' },
  ],
  run: ({ x, rng, setting }) => {
    const c = setting.c as number;
    const s = setting.noise as number;
    const r = rng.split('noise');
    const gap = (c >= 4 ? x ** -0.5 : 0.1) * Math.exp(s * r.normal());
    const corr = x ** -1 * (1 + 30 * x ** -0.5) * Math.exp(s * r.normal());
    return {
      values: { gap, flat: 0.3 * Math.exp(s * r.normal()), corr },
      checks: [{ check: 'positive', lhs: -gap, rhs: 0 }],
    };
  },
});
