/**
 * Training that may diverge, for claims that report an observable as *not measured* (with
 * the reason) instead of failing the job or inventing a finite stand-in:
 *
 *   const t = trainOrDiverge(net, X, y, cfg);
 *   if (t.diverged) return {
 *     values: { loss0: t.divergence.partial.initialLoss },            // what was measured
 *     notMeasured: notMeasuredAll(['lossT', 'dW'], t.divergence.reason), // what was not
 *   };
 *
 * The partial history (loss at every evaluated step, steps and epochs taken, the network as
 * it was at the blow-up) stays available, so a claim can still report what it measured
 * before the divergence. Other errors propagate.
 */
import type { Mat } from '../linalg/mat';
import type { TwoLayerNet } from '../model/network';
import { DivergenceError, type TrainConfig, type TrainResult, train } from '../train/train';

export interface Divergence {
  /** One line for JobOutput.notMeasured, e.g. 'training diverged at step 37 (loss 3.1e+9, initial 0.52)'. */
  reason: string;
  /** Step at which the loss blew up, and that loss (NaN/±Infinity or > the divergence factor × initial). */
  step: number;
  loss: number;
  /** What train() had when it stopped: history, steps, epochs, initial loss; `net` as it was then. */
  partial: DivergenceError['partial'];
  /** The error itself (its message names the run's context, optimizer and rates). */
  error: DivergenceError;
}

export type TrainOutcome = { diverged: false; result: TrainResult } | { diverged: true; divergence: Divergence };

function sig(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : String(v);
}

/** 'training diverged at step 37 (loss 3.1e+9, initial 0.52)' — a not-measured reason from train()'s DivergenceError. */
export function divergenceReason(e: DivergenceError): string {
  return `training diverged at step ${e.step} (loss ${sig(e.loss)}, initial ${sig(e.partial.initialLoss)})`;
}

/**
 * train(net, X, y, cfg) (X d×n, net trained in place), with a divergence returned instead of
 * thrown: `{ diverged: true, divergence }` carries the reason and the partial history.
 */
export function trainOrDiverge(net: TwoLayerNet, X: Mat, y: ArrayLike<number>, cfg: TrainConfig): TrainOutcome {
  try {
    return { diverged: false, result: train(net, X, y, cfg) };
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    return { diverged: true, divergence: { reason: divergenceReason(e), step: e.step, loss: e.loss, partial: e.partial, error: e } };
  }
}

/** The same reason for several observables: notMeasured: notMeasuredAll(['a', 'b'], reason). */
export function notMeasuredAll(names: readonly string[], reason: string): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, reason]));
}
