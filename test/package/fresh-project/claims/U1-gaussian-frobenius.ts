// claims/U1-gaussian-frobenius.ts — your claim: one statement, as data.
import { defineClaim, frobenius, gaussianMatrix } from 'ntk-verify';

export default defineClaim({
  id: 'U1',
  paper: 'U',
  source: 'χ² concentration',
  title: 'The Frobenius norm of a Gaussian (n/2)×n matrix grows like n',
  statement: 'For G ∈ R^{d×n} with i.i.d. N(0, 1) entries and d = n/2, ‖G‖_F = √(dn)·(1 + o(1)).',
  expectation: '‖G‖_F ≈ n/√2: slope 1.',
  setting: {},
  sweep: {
    variable: 'n',
    values: { smoke: [50, 100, 200, 400], standard: [100, 200, 400, 800, 1600], paper: [250, 500, 1000, 2000, 4000] },
    trials: { smoke: 3, standard: 4, paper: 8 },
  },
  observables: { fro: { label: '‖G‖_F' } },
  predictions: [{ kind: 'slope≈', observable: 'fro', exponent: 1, tol: 0.05 }],
  run: ({ x: n, rng }) => ({ values: { fro: frobenius(gaussianMatrix(rng.split('G'), n / 2, n)) } }),
});
