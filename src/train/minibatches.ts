/**
 * Minibatches: each epoch a fresh shuffle of the n columns (without replacement, from the
 * stream `epoch:<k>` of the run's rng, so a run is the same whatever else shares the rng),
 * cut into batches of b columns; the last one holds the n − (⌈n/b⌉ − 1)·b left over and gets
 * buffers of its own size. Batches are gathered into buffers made once.
 */
import { type Mat, zeros } from '../linalg/mat';
import type { Rng } from '../random';

export interface Minibatch {
  X: Mat;
  y: Float64Array;
  /** 'last' for the smaller last batch of an epoch (its own forward/gradient buffers). */
  slot: 'batch' | 'last';
}

export class MinibatchSource {
  private readonly Xb: Mat;
  private readonly yb: Float64Array;
  private readonly XLast: Mat | undefined;
  private readonly yLast: Float64Array | undefined;
  private order: Int32Array | undefined;
  private orderEpoch = -1;
  /** Size of the last batch of an epoch (= batch when b divides n). */
  readonly lastSize: number;

  constructor(
    private readonly X: Mat,
    private readonly y: ArrayLike<number>,
    readonly batch: number,
    private readonly rng: Rng,
  ) {
    const n = X.cols;
    const stepsPerEpoch = Math.ceil(n / batch);
    this.lastSize = n - (stepsPerEpoch - 1) * batch;
    this.Xb = zeros(X.rows, batch);
    this.yb = new Float64Array(batch);
    this.XLast = this.lastSize !== batch ? zeros(X.rows, this.lastSize) : undefined;
    this.yLast = this.XLast ? new Float64Array(this.lastSize) : undefined;
  }

  /**
   * The `within`-th batch of `epoch` (a new shuffle when the epoch changes; a run resumed from a
   * checkpoint mid-epoch draws that epoch's shuffle again, the same one).
   */
  gather(epoch: number, within: number): Minibatch {
    const { X, y } = this;
    const d = X.rows;
    const n = X.cols;
    if (this.orderEpoch !== epoch) {
      this.order = this.rng.split(`epoch:${epoch}`).shuffle(n);
      this.orderEpoch = epoch;
    }
    const start = within * this.batch;
    const size = Math.min(this.batch, n - start);
    const isLast = size !== this.batch;
    const Xs = isLast ? this.XLast! : this.Xb;
    const ys = isLast ? this.yLast! : this.yb;
    const order = this.order!;
    for (let k = 0; k < size; k++) {
      const col = order[start + k]!;
      Xs.data.set(X.data.subarray(X.offset + col * X.ld, X.offset + col * X.ld + d), k * d);
      ys[k] = y[col] as number;
    }
    return { X: Xs, y: ys, slot: isLast ? 'last' : 'batch' };
  }
}
