/** `ntk-verify inspect`: the engine on the user's own .npy matrices. */
import { activation } from '../activations';
import { readNpy } from '../io/npy';
import { inspectNetwork } from '../experiments/inspect';
import type { Layers, OptimizerName } from '../train/train';
import { UsageError } from './run';

export interface InspectOptions {
  X?: string; W?: string; v?: string; y?: string; act?: string; normalized?: boolean;
  train?: string; lr?: number | string; steps?: number | string; layers?: string; json?: boolean;
}

export async function inspectCommand(o: InspectOptions): Promise<void> {
  for (const k of ['X', 'W', 'v', 'act'] as const) {
    if (!o[k]) throw new UsageError(`inspect: --${k} is required (usage: ntk-verify inspect --X x.npy --W w.npy --v v.npy --act relu [--y y.npy])`);
  }
  const act = activation(o.act!, { normalized: o.normalized === true });
  const X = readNpy(o.X!);
  const W = readNpy(o.W!);
  const vM = readNpy(o.v!);
  if (vM.cols !== 1 && vM.rows !== 1) throw new UsageError(`inspect: ${o.v} must be a vector, got ${vM.rows}×${vM.cols}`);
  const v = Float64Array.from(vM.data);
  const y = o.y ? Float64Array.from(readNpy(o.y).data) : undefined;
  let train;
  if (o.train) {
    if (!['gd', 'sgd', 'adam', 'adagrad'].includes(o.train)) throw new UsageError(`inspect: --train must be gd, sgd, adam or adagrad, got '${o.train}'`);
    const layers = (o.layers ?? 'first') as Layers;
    if (!['first', 'second', 'both'].includes(layers)) throw new UsageError(`inspect: --layers must be first, second or both, got '${o.layers}'`);
    const lr = Number(o.lr ?? 1), steps = Number(o.steps ?? 3);
    if (!(lr > 0) || !Number.isInteger(steps) || steps < 1) throw new UsageError('inspect: --lr must be > 0 and --steps a positive integer');
    train = { optimizer: o.train as OptimizerName, lr, steps, layers };
  }
  const rep = inspectNetwork(X, W, v, act, { ...(y ? { y } : {}), ...(train ? { train } : {}) });
  if (o.json) {
    console.log(JSON.stringify(rep));
    return;
  }
  console.log(`n = ${rep.n}, d = ${rep.d}, h = ${rep.h}, activation ${act.name}`);
  console.log(`‖σ(WX/√d)‖_op = ${rep.activationOpNorm.toPrecision(6)}${rep.loss !== undefined ? `, loss = ${rep.loss.toPrecision(6)}` : ''}`);
  for (const [k, s] of Object.entries(rep.kernels)) {
    console.log(`${k.padEnd(5)} ‖·‖_F = ${s.fro.toPrecision(6)}  ‖·‖_op = ${s.op.toPrecision(6)}  λ ∈ [${s.eigMin.toPrecision(4)}, ${s.eigMax.toPrecision(6)}]`);
  }
  if (rep.after) {
    const a = rep.after;
    console.log(`after ${a.steps} ${o.train} steps: loss ${a.loss.toPrecision(6)}`);
    console.log(`  ‖ΔW‖_F = ${a.change.W.fro.toPrecision(4)}, ‖ΔW‖_op = ${a.change.W.op.toPrecision(4)}, ‖ΔW‖_2,∞ = ${a.change.W.twoInf.toPrecision(4)}`);
    console.log(`  ‖ΔCK‖_F = ${a.change.ck.fro.toPrecision(4)}, ‖ΔK1‖_F = ${a.change.ntk1.fro.toPrecision(4)}`);
  }
}
