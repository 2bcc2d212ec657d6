/**
 * `npx tsx bench/profile.ts`: where the time of the issue-14 steps goes (n = 2000, d = 1000,
 * h = 1500, normalized tanh), component by component, median of a few runs. A diagnostic,
 * not a benchmark: ratios belong to `npm run bench`.
 */
import { activation, applyActivationBulk } from '../src/activations';
import { gram, matmul, matvec, zeros } from '../src/linalg';
import { allocForward, allocGradients, forward, gaussianInit, gradients } from '../src/model/network';
import { networkKernels } from '../src/kernels/empirical';
import { rngFor } from '../src/random';
import { train } from '../src/train/train';

const [n, d, h, b] = [2000, 1000, 1500, 32];
const rng = rngFor(0, 'profile');
const net = gaussianInit(rng.split('net'), h, d, activation('normalized_tanh'));
const X = rng.split('X').randn(d, n);
const y = rng.split('y').fillNormal(new Float64Array(n));
const med = (xs: number[]) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)]!;
function t(name: string, fn: () => void, reps = 5) {
  fn();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) { const s = performance.now(); fn(); ts.push(performance.now() - s); }
  console.log(`${name.padEnd(48)} ${med(ts).toFixed(2)} ms`);
  return med(ts);
}
const Xb = zeros(d, b);
const fb = allocForward(h, b), gb = allocGradients(h, d, b);
const yb = y.slice(0, b);
const only = process.argv[2];
if (!only || only === 'sgd') {
  t('gather 32 cols', () => { for (let k = 0; k < b; k++) Xb.data.set(X.data.subarray(k * 7 * d, k * 7 * d + d), k * d); }, 50);
  t('forward b=32 (gemm+act+D)', () => forward(net, Xb, { derivative: true, cache: fb }), 50);
  t('  gemm W·Xb', () => matmul(net.W, Xb, { alpha: 1, out: fb.Z, beta: 0 }), 50);
  t('  act b=32', () => applyActivationBulk(net.act, fb.Z.data, fb.A.data, fb.D.data, h * b), 50);
  t('gradients b=32', () => gradients(net, Xb, yb, fb, gb, 'both'), 50);
  t('  gemm G·Xbᵀ', () => matmul(gb.G, Xb, { transB: true, alpha: 1, out: gb.gW, beta: 0 }), 50);
  t('  gemm W += G·Xbᵀ (beta 1)', () => matmul(gb.G, Xb, { transB: true, alpha: 1e-12, out: net.W, beta: 1 }), 50);
  const W = net.W.data, g = gb.gW.data;
  t('update loop h×d (JS)', () => { for (let i = 0; i < W.length; i++) W[i] -= 0 * g[i]!; }, 50);
  const m = new Float64Array(W.length), v = new Float64Array(W.length);
  t('adam loop h×d (JS)', () => {
    for (let i = 0; i < W.length; i++) {
      const gi = g[i]!; const mi = 0.9 * m[i]! + 0.1 * gi; const vi = 0.999 * v[i]! + 0.001 * gi * gi;
      m[i] = mi; v[i] = vi; W[i] -= (0 * (mi / 0.5)) / (Math.sqrt(vi / 0.5) + 1e-8);
    }
  }, 20);
}
if (!only || only === 'full') {
  const full = allocForward(h, n), gf = allocGradients(h, d, n);
  t('forward full (with D)', () => forward(net, X, { derivative: true, cache: full }));
  t('forward full (no D)', () => forward(net, X, { derivative: false, cache: full }));
  t('  gemm W·X', () => matmul(net.W, X, { alpha: 1, out: full.Z, beta: 0 }));
  t('  act full with D', () => applyActivationBulk(net.act, full.Z.data, full.A.data, full.D.data, h * n));
  t('  act full no D', () => applyActivationBulk(net.act, full.Z.data, full.A.data, undefined, h * n));
  t('  gemv f', () => matvec(full.A, net.v, { trans: true, alpha: 1, out: full.f, beta: 0 }));
  forward(net, X, { derivative: true, cache: full });
  t('gradients full', () => gradients(net, X, y, full, gf, 'both'));
  t('  gemm G·Xᵀ', () => matmul(gf.G, X, { transB: true, alpha: 1, out: gf.gW, beta: 0 }));
}
if (!only || only === 'kern') {
  const full = allocForward(h, n);
  forward(net, X, { derivative: true, cache: full });
  t('kernels total', () => networkKernels(net, X), 3);
  t('  syrk A (n=2000,k=1500)', () => gram(full.A, { trans: true, alpha: 1 / h }), 3);
  t('  syrk X (n=2000,k=1000)', () => gram(X, { trans: true, alpha: 1 / d }), 3);
  t('  gemm AᵀA (full, not syrk)', () => matmul(full.A, full.A, { transA: true, alpha: 1 / h }), 3);
}
if (!only || only === 'train') {
  for (const [opt, lr] of [['sgd', 1e-3], ['adam', 1e-4]] as const) {
    const marks: number[] = [];
    train(net, X, y, {
      optimizer: opt, lr, layers: 'both', batchSize: b, maxEpochs: 4, lossBelow: 1e-5, rng: rng.split(opt),
      observers: [{ at: (s) => s % 63 === 0, needsLoss: false, fn: () => marks.push(performance.now()) }],
    });
    const ep = marks.slice(1).map((m2, i) => m2 - marks[i]!);
    console.log(`${(opt + ' epoch b=32 in train()').padEnd(48)} ${ep.map((e) => e.toFixed(0)).join(' ')} ms`);
  }
  const marks: number[] = [];
  train(net, X, y, { optimizer: 'gd', lr: 1e-3, layers: 'both', maxSteps: 6, observers: [{ needsLoss: false, fn: () => marks.push(performance.now()) }] });
  console.log(`${'gd step in train()'.padEnd(48)} ${marks.slice(1).map((m2, i) => (m2 - marks[i]!).toFixed(0)).join(' ')} ms`);
}
