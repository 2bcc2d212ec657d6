/**
 * Engine benchmarks: one full-batch GD step against the matrix products it needs, the
 * kernels against their gemm/syrk cost, and heap growth over many steps.
 */
import { activation } from '../src/activations';
import { gram, matmul, eigvalsh, zeros } from '../src/linalg';
import { cloneNet, gaussianInit } from '../src/model/network';
import { networkKernels } from '../src/kernels/empirical';
import { rngFor } from '../src/random';
import { train } from '../src/train/train';
import type { BenchRow } from './run';

export interface EngineBenchContext {
  rows: BenchRow[];
  ratios: Record<string, number>;
  quick: boolean;
  time: (name: string, fn: () => void, opts?: { iterations?: number }) => Promise<{ meanMs: number; samples: number }>;
}

export async function engineBenchmarks(ctx: EngineBenchContext): Promise<void> {
  const { rows, ratios, quick, time } = ctx;
  const [n, d, h] = quick ? [1000, 500, 750] : [2000, 1000, 1500];
  const rng = rngFor(0, 'bench', n);
  for (const actName of ['normalized_tanh', 'normalized_relu']) {
    const net = gaussianInit(rng.split('init'), h, d, activation(actName));
    const X = rng.split('X').randn(d, n);
    const y = rng.split('y').fillNormal(new Float64Array(n));
    // Marginal cost of a step: (time of 20 steps − time of 10 steps)/10, so the one-off
    // buffer allocation and the final loss evaluation of train() are not counted.
    const work = cloneNet(net);
    const run = (steps: number) => () => { train(work, X, y, { optimizer: 'gd', lr: 1e-3, layers: 'both', maxSteps: steps }); };
    const t10 = await time(`GD 10 steps ${actName}`, run(10), { iterations: 3 });
    const t20 = await time(`GD 20 steps ${actName}`, run(20), { iterations: 3 });
    const step = { meanMs: (t20.meanMs - t10.meanMs) / 10, samples: t20.samples };
    const perStep = step.meanMs;
    rows.push({ name: `GD step both layers n=${n} d=${d} h=${h} (${actName})`, meanMs: perStep, samples: step.samples });
    // The products a step needs: forward W·X and the gradient G·Xᵀ (the v-gradient is a gemv).
    const Z = zeros(h, n), G = zeros(h, d);
    const prod = await time('GD products', () => {
      matmul(net.W, X, { out: Z, alpha: 1 });
      matmul(Z, X, { transB: true, out: G });
    }, { iterations: 5 });
    rows.push({ name: `  its two gemms (W·X, G·Xᵀ)`, meanMs: prod.meanMs, samples: prod.samples });
    ratios[`GD step / its gemms (${actName})`] = perStep / prod.meanMs;
  }

  // Kernels CK + K1 + NTK from one forward pass, against their syrk/gemm cost.
  {
    const net = gaussianInit(rng.split('k'), h, d, activation('normalized_relu'));
    const X = rng.split('kX').randn(d, n);
    const k = await time('kernels', () => { networkKernels(net, X); }, { iterations: 3 });
    rows.push({ name: `CK + K1 + NTK n=${n} h=${h} d=${d}`, ...k });
    const A = zeros(h, n);
    const base = await time('kernel products', () => {
      matmul(net.W, X, { out: A });
      gram(A, { trans: true, alpha: 1 / h });
      gram(A, { trans: true, alpha: 1 / h });
      gram(X, { trans: true, alpha: 1 / d });
    }, { iterations: 3 });
    rows.push({ name: `  their gemm + 3 syrk`, ...base });
    ratios['kernels / their gemm+syrk'] = k.meanMs / base.meanMs;
    const K = networkKernels(net, X, ['ntk']).ntk!;
    const e = await time('ntk eigenvalues', () => { eigvalsh(K); }, { iterations: 2 });
    rows.push({ name: `  NTK eigenvalues ${n}×${n}`, ...e });
  }

  // Heap growth between step 20 and step 200 (buffers are made once per train() call, so a
  // step should allocate nothing proportional to h·d). With --expose-gc (npm run bench sets it)
  // the heap is collected before each reading, so the figure is retained memory, not GC timing.
  {
    const [n2, d2, h2] = [400, 200, 300];
    const net = gaussianInit(rng.split('heap'), h2, d2, activation('tanh'));
    const X = rng.split('hX').randn(d2, n2);
    const y = rng.split('hy').fillNormal(new Float64Array(n2));
    const gc = (globalThis as { gc?: () => void }).gc;
    const mem = () => { gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    let at20 = 0, at200 = 0;
    train(cloneNet(net), X, y, {
      optimizer: 'adam', lr: 1e-3, layers: 'both', maxSteps: 200,
      observers: [{ at: [20, 200], needsLoss: false, fn: (s) => { if (s.step === 20) at20 = mem(); else at200 = mem(); } }],
    });
    const growth = at200 - at20;
    rows.push({ name: `retained memory, step 20 → 200 of Adam (h·d·8 = ${((h2 * d2 * 8) / 1e6).toFixed(2)} MB)`, meanMs: 0, samples: 0, note: `${(growth / 1e6).toFixed(3)} MB${gc ? '' : ' (no --expose-gc: GC noise)'}` });
    ratios['memory retained over 180 steps / (h·d·8 bytes)'] = growth / (h2 * d2 * 8);
  }
}
