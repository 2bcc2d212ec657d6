/**
 * A toy claim whose training diverges in chosen jobs: a ∝ n^{-1/2} (an exact power law with
 * seeded noise) is reported only when a tiny GD run trains; when it diverges (a rate far
 * above the stability limit, in the jobs `diverge` lists) the job reports `a` as not
 * measured, with the reason train() returns (onDivergence: 'return'), and still reports what it measured before
 * the blow-up (the initial loss). `nanWithoutReason` makes every job return a NaN with no
 * reason: an error.
 */
import { defineClaim, type JobOutput } from '../../../src/runner/define';
import { notMeasuredAll } from '../../../src/runner/builders';
import { train } from '../../../src/train/train';
import { activation } from '../../../src/activations';
import { gaussianInit } from '../../../src/model/network';

export default defineClaim({
  id: 'T3',
  paper: 'T',
  source: 'synthetic',
  title: 'Toy power law with diverging runs',
  statement: 'a ∝ n^{-1/2}, measured after a short training run that may diverge.',
  expectation: 'Exact power law with 5% multiplicative noise; diverged runs leave a not measured.',
  // diverge: "x/trial" or "x/*" (every trial at x).
  setting: { noise: 0.05, diverge: ['800/3'], nanWithoutReason: false },
  sweep: { variable: 'n', values: { smoke: [100, 200, 400, 800], standard: [100, 200, 400, 800], paper: [100, 200, 400, 800] }, trials: { smoke: 4, standard: 4, paper: 4 } },
  observables: { a: { label: 'a' }, loss0: { label: 'initial loss', fit: false } },
  predictions: [
    { kind: 'slope≈', observable: 'a', exponent: -0.5 },
    { kind: 'compare', left: 'a', relation: '<', right: 1 },
    { kind: 'holds', check: 'a ≤ 1' },
    { kind: 'transition', observable: 'a', threshold: 0.06, direction: 'falls' },
  ],
  run: ({ x, trial, rng, setting }): JobOutput => {
    const diverge = (setting.diverge as string[]).some((k) => k === `${x}/${trial}` || k === `${x}/*`);
    const net = gaussianInit(rng.split('init'), 8, 4, activation('relu'));
    const X = rng.split('data').randn(4, 16);
    const y = rng.split('labels').fillNormal(new Float64Array(16));
    const t = train(net, X, y, { optimizer: 'gd', lr: diverge ? 1e4 : 0.01, layers: 'both', maxSteps: 5, context: `T3 n=${x} trial ${trial}`, onDivergence: 'return' });
    const loss0 = t.initialLoss;
    const a = x ** -0.5 * Math.exp((setting.noise as number) * rng.split('noise').normal());
    if (setting.nanWithoutReason) return { values: { a: Number.NaN, loss0 } };
    if (t.divergence) return { values: { loss0 }, notMeasured: notMeasuredAll(['a'], t.divergence.reason) };
    return { values: { a, loss0 }, checks: [{ check: 'a ≤ 1', lhs: a, rhs: 1 }] };
  },
});
