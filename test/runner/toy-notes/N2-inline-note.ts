/** A toy claim with only an inline note (no .md beside it): the way a claim file worked before notes moved out. */
import { defineClaim } from '../../../src/runner/define';

export default defineClaim({
  id: 'N2',
  paper: 'N',
  source: 'synthetic',
  title: 'An inline note only',
  statement: 'a = n^{-1/2} exactly.',
  expectation: 'slope −1/2.',
  setting: {},
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800], paper: [100, 200, 400, 800] }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { a: { label: 'a' } },
  predictions: [{ kind: 'slope≈', observable: 'a', exponent: -0.5 }],
  note: 'Inline only: no Markdown file beside this claim.',
  run: ({ x }) => ({ values: { a: x ** -0.5 } }),
});
