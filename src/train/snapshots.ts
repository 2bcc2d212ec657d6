/**
 * Divergence as a result: with onDivergence 'return', the network a diverged run returns is a
 * snapshot taken along the way — the last one with a finite loss, or the best — by an
 * observer that runs after the caller's (so it sees the same iterates and losses).
 */
import type { Divergence, Observer, SnapshotRule } from './config';

function sig(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : String(v);
}

/** 'training diverged at step 37 (loss 3.1e+9, initial 0.52)': a not-measured reason. */
export function divergenceReason(step: number, loss: number, initialLoss: number): string {
  return `training diverged at step ${step} (loss ${sig(loss)}, initial ${sig(initialLoss)})`;
}

/**
 * How to copy a network of type N: a fresh clone, an overwrite of one by another of the same
 * shapes, and its parameter arrays (what a checkpoint saves and restores).
 */
export interface NetCopier<N> {
  clone(net: N): N;
  copyInto(src: N, dst: N): void;
  arrays(net: N): Float64Array[];
}

export class SnapshotKeeper<N> {
  readonly net: N;
  step = 0;
  epoch = 0;
  loss = NaN;

  constructor(readonly rule: SnapshotRule, start: N, private readonly copier: NetCopier<N>) {
    this.net = copier.clone(start);
  }

  /** The observer that keeps the snapshot, every `every` steps from step 0. */
  observer(every: number): Observer<N> {
    return {
      at: (st) => st % every === 0,
      fn: (st) => {
        if (!Number.isFinite(st.loss)) return;
        if (this.rule === 'best' && !(st.loss < (Number.isNaN(this.loss) ? Infinity : this.loss))) return;
        this.copier.copyInto(st.net, this.net);
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
