/**
 * `npm run bench`: tinybench timings of the numerical core (and, as they land, the
 * engine). Machines here are shared and noisy, so the figures that matter are ratios
 * measured in the same run: native dgemm vs the same BLAS from NumPy, a GD step vs its
 * matrix products, top-k vs full eigendecomposition.
 *
 * Usage: npm run bench [-- --quick] [-- --only linalg|engine|peers] [-- --peers]
 * Writes bench/results.json. With --peers (or --only peers) it also times the four steps of
 * issue 14 against the NumPy and PyTorch peers (bench/peers.ts) and writes their ratios to
 * the README's performance table.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { backend, jsBackend, loadNativeBackend } from '../src/linalg/backend';
import { gram, eigvalsh, singularValues, topEigenvalues, zeros, type Mat } from '../src/linalg';
import { engineBenchmarks } from './engine';
import { type PeersResult, peerBenchmarks, peersTable } from './peers';
import { activation } from '../src/activations';
import { firstLayerNtk } from '../src/kernels/empirical';
import { gaussianInit } from '../src/model/network';
import { rngFor } from '../src/random';
import { lanczosTopEigen, topEigenpairsBlock } from '../src/spectra';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
const withPeers = process.argv.includes('--peers') || only === 'peers';
if (only !== undefined && !['linalg', 'engine', 'peers'].includes(only)) {
  console.error(`bench: --only takes linalg, engine or peers, got '${only}'`);
  process.exit(2);
}

export interface BenchRow {
  name: string;
  meanMs: number;
  samples: number;
  gflops?: number;
  note?: string;
}

function filledMat(rows: number, cols: number, seed: number): Mat {
  const m = zeros(rows, cols);
  let s = seed >>> 0;
  for (let i = 0; i < m.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    m.data[i] = s / 2 ** 32 - 0.5;
  }
  return m;
}

function symmetricMat(n: number, seed: number): Mat {
  const A = filledMat(n, n, seed);
  for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) A.data[i + j * n] = A.data[j + i * n]!;
  return A;
}

/** Runs one task with tinybench and returns its mean time in ms. */
export async function time(name: string, fn: () => void, opts: { iterations?: number; time?: number } = {}) {
  const b = new Bench({ iterations: opts.iterations ?? 3, time: opts.time ?? 0, warmupIterations: 1 });
  b.add(name, fn);
  await b.run();
  const t = b.tasks[0]!;
  const r = t.result as unknown as { latency?: { mean: number; samplesCount?: number }; mean?: number; samples?: number[] };
  const mean = r.latency?.mean ?? r.mean ?? Number.NaN;
  const samples = r.latency?.samplesCount ?? r.samples?.length ?? 0;
  return { meanMs: mean, samples };
}

/** The same dgemm from NumPy on this machine (a peer for the ≥ 0.9× target), or null. */
function numpyGemmGflops(n: number, seconds: number): number | null {
  const code = [
    'import numpy as np, time',
    `n=${n}; A=np.random.default_rng(0).random((n,n)); B=np.random.default_rng(1).random((n,n)); A@B`,
    't=time.perf_counter(); r=0',
    `while time.perf_counter()-t<${seconds}: A@B; r+=1`,
    'print(2*n**3*r/(time.perf_counter()-t)/1e9)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return null;
  const v = Number.parseFloat(r.stdout.trim());
  return Number.isFinite(v) ? v : null;
}

async function linalgBenchmarks(rows: BenchRow[], ratios: Record<string, number>) {
  const native = loadNativeBackend();
  const sizes = quick ? [1000] : [1000, 2000];
  for (const n of sizes) {
    const A = filledMat(n, n, 1), B = filledMat(n, n, 2), C = zeros(n, n);
    for (const be of [native, jsBackend]) {
      if (!be) continue;
      if (be.name === 'js' && n > 1000) continue; // ~minutes in plain TS; 1000 shows the ratio
      const t = await time(`dgemm ${n} (${be.name})`, () =>
        be.gemm(false, false, n, n, n, 1, A.data, 0, n, B.data, 0, n, 0, C.data, 0, n), { iterations: be.name === 'js' ? 1 : 5 });
      const gflops = (2 * n ** 3) / (t.meanMs / 1e3) / 1e9;
      rows.push({ name: `dgemm ${n}³ (${be.name})`, ...t, gflops });
    }
  }
  const nG = quick ? 1000 : 2000;
  const native2000 = rows.find((r) => r.name === `dgemm ${nG}³ (native)`)?.gflops;
  const py = numpyGemmGflops(nG, quick ? 1 : 3);
  if (py !== null) {
    rows.push({ name: `dgemm ${nG}³ (NumPy peer)`, meanMs: (2 * nG ** 3) / py / 1e6, samples: 0, gflops: py, note: 'python3 numpy on the same machine' });
    if (native2000) ratios[`dgemm ${nG} native / NumPy`] = native2000 / py;
  }
  const nat1000 = rows.find((r) => r.name === 'dgemm 1000³ (native)')?.gflops;
  const js1000 = rows.find((r) => r.name === 'dgemm 1000³ (js)')?.gflops;
  if (nat1000 && js1000) ratios['dgemm 1000 native / js'] = nat1000 / js1000;

  // syrk: the kernel products are X1ᵀX1-type Gram matrices.
  {
    const k = quick ? 750 : 1500, n = quick ? 1000 : 2000;
    const X = filledMat(k, n, 3), G = zeros(n, n);
    const t = await time(`dsyrk n=${n} k=${k}`, () => gram(X, { trans: true, out: G }), { iterations: 5 });
    rows.push({ name: `dsyrk n=${n} k=${k} (native)`, ...t, gflops: (n * n * k) / (t.meanMs / 1e3) / 1e9 });
  }

  const eigSizes = quick ? [1000] : [1000, 2000, 4000];
  let full4000 = 0;
  for (const n of eigSizes) {
    const S = symmetricMat(n, 5);
    const t = await time(`eigvalsh ${n}`, () => eigvalsh(S), { iterations: n >= 4000 ? 1 : 3 });
    rows.push({ name: `eigenvalues ${n}×${n} (dsyevd)`, ...t });
    if (n === 4000) full4000 = t.meanMs;
  }
  if (!quick) {
    const S = symmetricMat(4000, 6);
    const t = await time('top-10 4000', () => topEigenvalues(S, 10), { iterations: 1 });
    rows.push({ name: 'top-10 eigenvalues 4000×4000 random symmetric (dsyevr)', ...t });
    if (full4000) ratios['top-10 (dsyevr) / full eigenvalues at 4000, random symmetric'] = t.meanMs / full4000;
    // The matrices the claims need edges of are kernels: the first-layer NTK of the W
    // setting at n = 4000 (d = 2400, h = 4800), top-10 by Lanczos and by block Krylov vs the full solve.
    const rngK = rngFor(0, 'bench-kernel');
    const net = gaussianInit(rngK.split('net'), 4800, 2400, activation('normalized_relu'));
    const K = firstLayerNtk(net, rngK.split('X').randn(2400, 4000));
    const full = await time('full eig NTK 4000', () => eigvalsh(K), { iterations: 1 });
    rows.push({ name: 'eigenvalues of the NTK K1, n = 4000 (dsyevd)', ...full });
    const lz = await time('lanczos NTK 4000', () => lanczosTopEigen(K, 4000, 10, { tol: 1e-10, skipSymmetryCheck: true }), { iterations: 3 });
    rows.push({ name: 'top-10 eigenpairs of K1, n = 4000 (Lanczos, tol 1e-10)', ...lz });
    ratios['top-10 (Lanczos) / full eigenvalues, NTK at n = 4000'] = lz.meanMs / full.meanMs;
    // The same top-10 by block Krylov (one gemm-like pass over the matrix per block of b vectors).
    const bkOpts = { tol: 1e-10, skipSymmetryCheck: true };
    const bk = await time('block krylov NTK 4000', () => topEigenpairsBlock(K, 4000, 10, bkOpts), { iterations: 3 });
    const bkr = topEigenpairsBlock(K, 4000, 10, bkOpts);
    const lzr = lanczosTopEigen(K, 4000, 10, { tol: 1e-10, skipSymmetryCheck: true });
    let agree = 0;
    for (let t = 0; t < 10; t++) agree = Math.max(agree, Math.abs(bkr.values[t]! - lzr.values[t]!) / Math.abs(lzr.values[t]!));
    rows.push({
      name: 'top-10 eigenpairs of K1, n = 4000 (block Krylov, tol 1e-10)', ...bk,
      note: `b = ${bkr.blockSize}, ${bkr.iterations} block steps, ${bkr.matvecs} matvecs, ${bkr.restarts} restarts, ` +
        `converged ${bkr.converged}; values vs Lanczos ${agree.toExponential(1)} rel.`,
    });
    ratios['top-10 (block Krylov) / full eigenvalues, NTK at n = 4000'] = bk.meanMs / full.meanMs;
    ratios['top-10 block Krylov / Lanczos, NTK at n = 4000'] = bk.meanMs / lz.meanMs;
  }
  {
    const m = quick ? 750 : 1500, n = quick ? 500 : 1000;
    const A = filledMat(m, n, 7);
    const t = await time(`svd ${m}×${n}`, () => singularValues(A), { iterations: 3 });
    rows.push({ name: `singular values ${m}×${n} (dgesdd)`, ...t });
  }
}

async function main() {
  const rows: BenchRow[] = [];
  const ratios: Record<string, number> = {};
  const b = backend();
  console.log(`backend: ${b.name} — ${b.describe().blas}; threads ${b.getThreads()}${quick ? ' (quick)' : ''}`);
  if (!only || only === 'linalg') await linalgBenchmarks(rows, ratios);
  if (!only || only === 'engine') await engineBenchmarks({ rows, ratios, quick, time });
  let peers: PeersResult | undefined;
  if (withPeers) peers = await peerBenchmarks(rows, ratios, quick ? { rounds: 1, reps: 1 } : {});

  console.table(rows.map((r) => ({
    benchmark: r.name,
    'mean ms': r.meanMs.toFixed(1),
    GFLOPs: r.gflops?.toFixed(1) ?? '',
    note: r.note ?? '',
  })));
  console.log('ratios (same run):');
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k}: ${v.toFixed(3)}`);
  const out = {
    date: new Date().toISOString(),
    backend: b.name,
    blas: b.describe().blas,
    threads: b.getThreads(),
    quick,
    rows,
    ratios,
    ...(peers ? { peers } : {}),
  };
  writeFileSync(path.join(here, 'results.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${path.join('bench', 'results.json')}`);
  if (peers && !quick) {
    const readme = path.join(here, '..', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const begin = '<!-- bench-peers:begin (written by npm run bench -- --peers; do not edit) -->', end = '<!-- bench-peers:end -->';
    const i = text.indexOf(begin), j = text.indexOf(end);
    if (i < 0 || j < i) console.log(`README.md has no ${begin} … ${end} block: the table was not written`);
    else {
      writeFileSync(readme, text.slice(0, i + begin.length) + '\n' + peersTable(peers, out.date) + '\n' + text.slice(j));
      console.log('wrote the peers table to README.md');
    }
  }
}

await main();
