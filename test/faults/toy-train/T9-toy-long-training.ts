/**
 * A toy claim with one long training job (GD on a two-layer network, a few seconds), for the
 * kill-mid-job test: the job's run can be killed part-way and resumed from its checkpoint.
 * meta.stepsHere counts the steps this process computed (not a value: it depends on where
 * the run was cut); every value is deterministic.
 */
import { activation } from '../../../src/activations';
import { cloneNet, gaussianInit } from '../../../src/model/network';
import { defineClaim } from '../../../src/runner/define';
import { keptIn } from '../../../src/train/checkpoints';
import { train } from '../../../src/train/train';

export default defineClaim({
  id: 'T9',
  paper: 'T',
  source: 'synthetic',
  title: 'Toy claim: one long GD run',
  statement: 'The loss falls.',
  expectation: 'GD at a stable rate.',
  setting: { d: 30, h: 600, steps: 3000 },
  sweep: { variable: 'n', values: { smoke: [300], standard: [300], paper: [300] }, trials: { smoke: 1, standard: 1, paper: 1 } },
  observables: { finalLoss: { label: 'final loss', fit: false }, w0: { label: 'first weight at the end', fit: false }, lossAt1000: { label: 'loss at step 1000', fit: false } },
  // One job: a check that holds in every case, not a comparison of means (one value has no CI).
  predictions: [{ kind: 'holds', check: 'finalLoss ≤ 1' }],
  run: ({ x: n, setting: s, rng }) => {
    const wide = gaussianInit(rng.split('init'), s.h, s.d, activation('tanh'));
    const X = rng.split('X').randn(s.d, n);
    const y = rng.split('y').fillNormal(new Float64Array(n));
    let stepsHere = 0;
    const at1000: number[] = [];
    const r = train(cloneNet(wide), X, y, {
      optimizer: 'gd', lr: 1, layers: 'both', maxSteps: s.steps,
      observers: [{ fn: (st) => { stepsHere++; if (st.step === 1000) at1000.push(st.loss); }, state: keptIn(at1000) }],
    });
    return {
      values: { finalLoss: r.finalLoss, w0: r.net.W.data[0]!, lossAt1000: at1000[0]! }, meta: { stepsHere },
      checks: [{ check: 'finalLoss ≤ 1', lhs: r.finalLoss, rhs: 1 }],
    };
  },
});
