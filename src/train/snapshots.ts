/**
 * Divergence as a result: with onDivergence 'return', the network a diverged run returns is a
 * snapshot taken along the way — the last one with a finite loss, or the best — by an
 * observer that runs after the caller's (so it sees the same iterates and losses).
 */
import { clone } from '../linalg/mat';
import type { TwoLayerNet } from '../model/network';
import type { Divergence, Observer, SnapshotRule } from './config';

function sig(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : String(v);
}

/** 'training diverged at step 37 (loss 3.1e+9, initial 0.52)': a not-measured reason. */
export function divergenceReason(step: number, loss: number, initialLoss: number): string {
  return `training diverged at step ${step} (loss ${sig(loss)}, initial ${sig(initialLoss)})`;
}

export class SnapshotKeeper {
  readonly net: TwoLayerNet;
  step = 0;
  epoch = 0;
  loss = NaN;

  constructor(readonly rule: SnapshotRule, start: TwoLayerNet) {
    this.net = { W: clone(start.W), v: start.v.slice(), act: start.act };
  }

  /** The observer that keeps the snapshot, every `every` steps from step 0. */
  observer(every: number): Observer {
    return {
      at: (st) => st % every === 0,
      fn: (st) => {
        if (!Number.isFinite(st.loss)) return;
        if (this.rule === 'best' && !(st.loss < (Number.isNaN(this.loss) ? Infinity : this.loss))) return;
        clone(st.net.W, this.net.W);
        this.net.v.set(st.net.v);
        this.step = st.step;
        this.epoch = st.epoch;
        this.loss = st.loss;
      },
    };
  }

  /** How the run diverged, with the snapshot this keeper chose. */
  divergence(blowUp: { step: number; loss: number }, initialLoss: number, message: string): Divergence {
    return {
      step: blowUp.step, loss: blowUp.loss, message, reason: divergenceReason(blowUp.step, blowUp.loss, initialLoss),
      snapshot: this.rule, snapshotStep: this.step, snapshotEpoch: this.epoch,
    };
  }
}
