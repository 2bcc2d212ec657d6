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
    const work = cloneNet(net);
    // Ten steps per timing amortise the (one-off) buffer allocation inside train().
    const steps = 10;
    const step = await time(`GD step ${actName}`, () => {
      train(work, X, y, { optimizer: 'gd', lr: 1e-3, layers: 'both', maxSteps: steps });
    }, { iterations: 3 });
    const perStep = step.meanMs / (steps + 1); // train() does one more forward for the final loss
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

  // Heap growth over 200 steps: buffers are made once per train() call, so the heap
  // after a long run should be within a few MB of the heap after a short one.
  {
    const [n2, d2, h2] = [400, 200, 300];
    const net = gaussianInit(rng.split('heap'), h2, d2, activation('tanh'));
    const X = rng.split('hX').randn(d2, n2);
    const y = rng.split('hy').fillNormal(new Float64Array(n2));
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    let peak = 0;
    train(cloneNet(net), X, y, {
      optimizer: 'adam', lr: 1e-3, layers: 'both', maxSteps: 200,
      observers: [{ at: (s) => s % 20 === 0, fn: () => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before);
      } }],
    });
    const hd = (h2 * d2 * 8) / 1e6;
    rows.push({ name: `memory growth over 200 Adam steps (h·d = ${hd.toFixed(2)} MB)`, meanMs: 0, samples: 0, note: `peak +${(peak / 1e6).toFixed(2)} MB` });
    ratios['peak memory growth over 200 steps / (h·d·8 bytes)'] = peak / (h2 * d2 * 8);
  }
}
