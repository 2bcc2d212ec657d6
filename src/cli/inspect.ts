/** `ntk-verify inspect`: the engine on the user's own .npy matrices. */
import { activation } from '../activations';
import { readNpy } from '../io/npy';
import { type InspectTraining, inspectDeepNetwork, inspectNetwork } from '../experiments/protocols/inspect';
import type { Mat } from '../linalg/mat';
import type { Layers, OptimizerName } from '../train/train';
import { UsageError } from './run';

export interface InspectOptions {
  X?: string; W?: string | string[]; v?: string; y?: string; act?: string; normalized?: boolean;
  train?: string; lr?: number | string; steps?: number | string; layers?: string; json?: boolean;
}

/** The most training steps inspect takes: far beyond "a few steps", and still bounded. */
export const MAX_INSPECT_STEPS = 100_000;

function nonEmpty(file: string, flag: string, m: { rows: number; cols: number }, rowsName: string, colsName: string): void {
  if (m.rows === 0 || m.cols === 0) {
    throw new UsageError(`inspect: --${flag} ${file} is ${m.rows}×${m.cols} (${rowsName}×${colsName}): every dimension must be at least 1`);
  }
}

/** --train, --lr, --steps, --layers checked (undefined without --train). */
function trainingOptions(o: InspectOptions, layersText: string): InspectTraining | undefined {
  if (!o.train) return undefined;
  if (!['gd', 'sgd', 'adam', 'adagrad'].includes(o.train)) throw new UsageError(`inspect: --train must be gd, sgd, adam or adagrad, got '${o.train}'`);
  const layers = (o.layers ?? 'first') as Layers;
  if (!['first', 'second', 'both'].includes(layers)) throw new UsageError(`inspect: --layers must be ${layersText}, got '${o.layers}'`);
  const lr = Number(o.lr ?? 1), steps = Number(o.steps ?? 3);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new UsageError(`inspect: --lr must be a finite number > 0, got '${o.lr}'`);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`inspect: --steps must be a positive integer, got '${o.steps}'`);
  if (steps > MAX_INSPECT_STEPS) {
    throw new UsageError(`inspect: --steps ${o.steps} is more than the ${MAX_INSPECT_STEPS} steps inspect runs (it measures the changes after a few steps; ` +
      `for long training write a claim, see docs/ADDING-A-CLAIM.md)`);
  }
  if (!o.y) throw new UsageError('inspect: --train needs targets: give --y y.npy (length n)');
  return { optimizer: o.train as OptimizerName, lr, steps, layers };
}

/** A progress line on stderr every few seconds of training (stdout stays the report). */
function progressLine(): (step: number, total: number) => void {
  const t0 = Date.now();
  let last = t0;
  return (step, total) => {
    const now = Date.now();
    if (now - last < 2000) return;
    last = now;
    const rate = step / ((now - t0) / 1000);
    console.error(`inspect: step ${step}/${total} (${rate.toPrecision(3)} steps/s, about ${Math.ceil((total - step) / rate)} s left)`);
  };
}

export async function inspectCommand(o: InspectOptions): Promise<void> {
  for (const k of ['X', 'W', 'v', 'act'] as const) {
    if (!o[k]) throw new UsageError(`inspect: --${k} is required (usage: ntk-verify inspect --X x.npy --W w.npy --v v.npy --act relu [--y y.npy])`);
  }
  const act = activation(o.act!, { normalized: o.normalized === true });
  if (Array.isArray(o.W) && o.W.length > 1) {
    await inspectDeep(o, o.W, act);
    return;
  }
  const wFile = Array.isArray(o.W) ? o.W[0]! : o.W!;
  const X = readNpy(o.X!);
  const W = readNpy(wFile);
  const vM = readNpy(o.v!);
  nonEmpty(o.X!, 'X', X, 'd', 'n');
  nonEmpty(wFile, 'W', W, 'h', 'd');
  nonEmpty(o.v!, 'v', vM, 'h', '1');
  if (vM.cols !== 1 && vM.rows !== 1) throw new UsageError(`inspect: ${o.v} must be a vector, got ${vM.rows}×${vM.cols}`);
  const v = Float64Array.from(vM.data);
  const yM = o.y ? readNpy(o.y) : undefined;
  if (yM) nonEmpty(o.y!, 'y', yM, 'n', '1');
  const y = yM ? Float64Array.from(yM.data) : undefined;
  const train = trainingOptions(o, 'first, second or both');
  const progress = progressLine();
  const rep = inspectNetwork(X, W, v, act, { ...(y ? { y } : {}), ...(train ? { train, progress } : {}) });
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

/** --W given several times: W1 … WL of a deep fully connected network (src/model/deep.ts). */
async function inspectDeep(o: InspectOptions, files: string[], act: ReturnType<typeof activation>): Promise<void> {
  const train = trainingOptions(o, `first (W1 … W${files.length}), second (v) or both`);
  const X = readNpy(o.X!);
  nonEmpty(o.X!, 'X', X, 'd', 'n');
  const W: Mat[] = files.map((file, k) => {
    const M = readNpy(file);
    nonEmpty(file, 'W', M, `w_${k + 1}`, k === 0 ? 'd' : `w_${k}`);
    return M;
  });
  const vM = readNpy(o.v!);
  nonEmpty(o.v!, 'v', vM, 'w_L', '1');
  if (vM.cols !== 1 && vM.rows !== 1) throw new UsageError(`inspect: ${o.v} must be a vector, got ${vM.rows}×${vM.cols}`);
  const yM = o.y ? readNpy(o.y) : undefined;
  if (yM) nonEmpty(o.y!, 'y', yM, 'n', '1');
  const rep = inspectDeepNetwork(X, W, Float64Array.from(vM.data), act, {
    ...(yM ? { y: Float64Array.from(yM.data) } : {}), ...(train ? { train, progress: progressLine() } : {}),
  });
  if (o.json) {
    console.log(JSON.stringify(rep));
    return;
  }
  console.log(`n = ${rep.n}, widths d = ${rep.d} → ${rep.widths.slice(1).join(' → ')} (L = ${rep.depth} hidden layers), activation ${act.name}`);
  console.log(`‖σ(Z_L)‖_op = ${rep.activationOpNorm.toPrecision(6)}${rep.loss !== undefined ? `, loss = ${rep.loss.toPrecision(6)}` : ''}`);
  const line = (name: string, s: { fro: number; op: number; eigMin: number; eigMax: number }) =>
    console.log(`${name.padEnd(5)} ‖·‖_F = ${s.fro.toPrecision(6)}  ‖·‖_op = ${s.op.toPrecision(6)}  λ ∈ [${s.eigMin.toPrecision(4)}, ${s.eigMax.toPrecision(6)}]`);
  line('ck', rep.kernels.ck);
  line('ntk', rep.kernels.ntk);
  rep.layers.forEach((s, k) => line(`W${k + 1}`, s));
  if (rep.after) {
    const a = rep.after;
    console.log(`after ${a.steps} ${o.train} steps (${a.stoppedBy}): loss ${a.loss.toPrecision(6)}`);
    a.change.W.forEach((w, k) => console.log(`  ‖ΔW${k + 1}‖_F = ${w.fro.toPrecision(4)}, ‖ΔW${k + 1}‖_op = ${w.op.toPrecision(4)}, ‖ΔW${k + 1}‖_2,∞ = ${w.twoInf.toPrecision(4)}`));
    console.log(`  ‖Δv‖ = ${a.change.v.toPrecision(4)}`);
    console.log(`  ‖ΔCK‖_F = ${a.change.ck.fro.toPrecision(4)} (‖CK₀‖_F = ${a.change.ck.initialFro.toPrecision(4)}), ‖ΔNTK‖_F = ${a.change.ntk.fro.toPrecision(4)} (‖NTK₀‖_F = ${a.change.ntk.initialFro.toPrecision(4)}), ‖ΔNTK‖_op = ${a.change.ntk.op.toPrecision(4)}`);
  }
}
