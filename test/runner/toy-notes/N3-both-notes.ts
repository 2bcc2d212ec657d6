/** A toy claim with a short inline note and a long one beside it (N3-both-notes.md): both are kept, inline first. */
import { defineClaim } from '../../../src/runner/define';

export default defineClaim({
  id: 'N3',
  paper: 'N',
  source: 'synthetic',
  title: 'An inline note and a note beside the claim file',
  statement: 'a = n^{-1/2} exactly.',
  expectation: 'slope −1/2.',
  setting: {},
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800], paper: [100, 200, 400, 800] }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { a: { label: 'a' } },
  predictions: [{ kind: 'slope≈', observable: 'a', exponent: -0.5 }],
  note: 'The short version, inline.',
  run: ({ x }) => ({ values: { a: x ** -0.5 } }),
});
