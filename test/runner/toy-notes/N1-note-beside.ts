/** A toy claim whose note is the Markdown file beside it (N1-note-beside.md), with no inline note. */
import { defineClaim } from '../../../src/runner/define';

export default defineClaim({
  id: 'N1',
  paper: 'N',
  source: 'synthetic',
  title: 'A note beside the claim file',
  statement: 'a = n^{-1/2} exactly.',
  expectation: 'slope −1/2.',
  setting: {},
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800], paper: [100, 200, 400, 800] }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { a: { label: 'a' } },
  predictions: [{ kind: 'slope≈', observable: 'a', exponent: -0.5 }],
  run: ({ x }) => ({ values: { a: x ** -0.5 } }),
});
