/** A toy claim with known exponents (exact power laws times seeded log-normal noise). */
import { defineClaim } from '../../../src/runner/define';

export default defineClaim({
  id: 'T1',
  paper: 'T',
  source: 'synthetic',
  title: 'Toy power laws',
  statement: 'a ∝ n^{-1/2}; b = O(n^{-1}) and in fact ∝ n^{-3/2}.',
  expectation: 'Exact power laws with 5% multiplicative noise.',
  setting: { noise: 0.05 },
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800, 1600], paper: [100, 200, 400, 800, 1600] }, trials: { smoke: 3, standard: 4, paper: 4 } },
  observables: { a: { label: 'a' }, b: { label: 'b' }, c: { label: 'c (unpredicted)' } },
  predictions: [
    { kind: 'slope≈', observable: 'a', exponent: -0.5 },
    { kind: 'slope≤', observable: 'b', exponent: -1 },
    { kind: 'slope≈', observable: 'b', exponent: -1, expected: 'REFUTED' },
  ],
  run: ({ x, rng, setting }) => {
    const s = setting.noise as number;
    const r = rng.split('noise');
    return { values: { a: x ** -0.5 * Math.exp(s * r.normal()), b: 3 * x ** -1.5 * Math.exp(s * r.normal()), c: x ** 0.25 * Math.exp(s * r.normal()) } };
  },
});
