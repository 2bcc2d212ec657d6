/**
 * One optimizer update of a parameter array, in place: GD/SGD (with optional heavy-ball
 * momentum), Adam and AdaGrad. Each trained parameter group (W's entries, v) has its own
 * state; the update reads one typed record instead of a row of positional numbers.
 */
import { backend } from '../linalg/backend';
import { NATIVE_PASS_MIN } from '../model/network';
import type { OptimizerHyper, OptimizerName } from './config';

/** The running state of one parameter group (allocated once, for the optimizer in use). */
export interface ParameterState {
  /** Adam's first moment. */
  m?: Float64Array;
  /** Adam's second moment, or AdaGrad's sum of squared gradients. */
  v?: Float64Array;
  /** Momentum's velocity u (gd/sgd with μ > 0). */
  velocity?: Float64Array;
}

/** The state one parameter group of `length` entries needs under this optimizer. */
export function allocParameterState(optimizer: OptimizerName, hyper: OptimizerHyper, length: number): ParameterState {
  switch (optimizer) {
    case 'adam': return { m: new Float64Array(length), v: new Float64Array(length) };
    case 'adagrad': return { v: new Float64Array(length) };
    default: return hyper.momentum !== 0 ? { velocity: new Float64Array(length) } : {};
  }
}

export interface ParameterUpdate {
  optimizer: OptimizerName;
  params: Float64Array;
  grad: Float64Array;
  state: ParameterState;
  /** This step's rate (the layer's lr times the schedule's factor). */
  lr: number;
  /** 1 for the first update (Adam's bias corrections). */
  step: number;
  hyper: OptimizerHyper;
}

/** p ← p − (the optimizer's step), in place. */
export function updateParameters(u: ParameterUpdate): void {
  const { optimizer, params: p, grad: g, state, lr, step: t, hyper } = u;
  const len = p.length;
  if (g.length !== len) throw new RangeError(`updateParameters: ${len} parameters but ${g.length} gradient entries`);
  if ((optimizer === 'gd' || optimizer === 'sgd') && hyper.momentum !== 0) {
    // Heavy ball (PyTorch's SGD, dampening 0): u ← μu + g, p ← p − ηu.
    const vel = state.velocity!;
    const mu = hyper.momentum;
    for (let i = 0; i < len; i++) {
      const ui = mu * vel[i]! + g[i]!;
      vel[i] = ui;
      p[i] -= lr * ui;
    }
    return;
  }
  const be = backend();
  if (be.optimizerUpdate && len >= NATIVE_PASS_MIN) {
    // The loops below, operation for operation, in the addon on the BLAS threads (bit-identical:
    // test/engine/native-passes.test.ts). Adam's bias corrections are formed here, as below.
    if (optimizer === 'gd' || optimizer === 'sgd') be.optimizerUpdate(0, p, g, null, null, len, lr, 0, 0, 1, 1, 0);
    else if (optimizer === 'adam') {
      be.optimizerUpdate(1, p, g, state.m!, state.v!, len, lr, hyper.beta1, hyper.beta2, 1 - hyper.beta1 ** t, 1 - hyper.beta2 ** t, hyper.epsAdam);
    } else be.optimizerUpdate(2, p, g, null, state.v!, len, lr, 0, 0, 1, 1, hyper.epsAdagrad);
    return;
  }
  switch (optimizer) {
    case 'gd':
    case 'sgd':
      for (let i = 0; i < len; i++) p[i] -= lr * g[i]!;
      return;
    case 'adam': {
      // Kingma & Ba, Algorithm 1, with bias corrections folded into the step size.
      const { beta1: b1, beta2: b2, epsAdam } = hyper;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      const mm = state.m!, vv = state.v!;
      for (let i = 0; i < len; i++) {
        const gi = g[i]!;
        const mi = b1 * mm[i]! + (1 - b1) * gi;
        const vi = b2 * vv[i]! + (1 - b2) * gi * gi;
        mm[i] = mi;
        vv[i] = vi;
        p[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsAdam);
      }
      return;
    }
    case 'adagrad': {
      const acc = state.v!;
      for (let i = 0; i < len; i++) {
        const gi = g[i]!;
        const a = acc[i]! + gi * gi;
        acc[i] = a;
        p[i] -= (lr * gi) / (Math.sqrt(a) + hyper.epsAdagrad);
      }
      return;
    }
  }
}
