/** A toy claim with one job that fails, and a slow mode for interruption tests. */
import { defineClaim } from '../../../src/runner/define';

export default defineClaim({
  id: 'T2',
  paper: 'T',
  source: 'synthetic',
  title: 'Toy claim with a failing job',
  statement: 'q ∝ n.',
  expectation: 'Exact.',
  setting: { failAt: 400, failTrial: 1, sleepMs: 0 },
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800], paper: [100, 200, 400, 800] }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { q: { label: 'q' } },
  predictions: [{ kind: 'slope≈', observable: 'q', exponent: 1 }],
  run: ({ x, trial, setting, rng }) => {
    const ms = Number(process.env.NTKV_TOY_SLEEP_MS ?? setting.sleepMs);
    if (ms > 0) {
      const until = Date.now() + ms;
      while (Date.now() < until) { /* busy wait: a job that takes time */ }
    }
    if (x === setting.failAt && trial === setting.failTrial && !process.env.NTKV_TOY_NO_FAIL) {
      throw new Error('deliberate failure for the test');
    }
    return { values: { q: x * (1 + 0.01 * rng.normal()) } };
  },
});
