/**
 * `ntk-verify doctor`: which backend computes, which BLAS, how many threads, and how
 * fast a 2000×2000 dgemm runs here (about one second of work). `doctor --digits` runs the
 * float64 digits check of kernel changes instead (src/experiments/measurements/kernel-change-digits.ts,
 * printed by src/cli/digits.ts).
 */
import { backend, loadNativeBackend, nativeAddonPath, nativeBuildCommand, nativeLoadProblem } from '../linalg/backend';
import { zeros } from '../linalg/mat';

export interface DoctorReport {
  backend: 'native' | 'js';
  blas: string;
  corename: string;
  threads: number;
  gemmGflops: number;
  gemmSize: number;
  node: string;
  /**
   * The addon: its file, whether it loaded, whether it is the prebuilt binary shipped in the
   * package or one built here, and when it did not load, why and the command that builds it.
   */
  nativeAddon: { path: string; loaded: boolean; source: 'prebuilt' | 'built'; problem?: string; buildCommand?: string };
  /**
   * Whether the addon evaluates tanh four lanes at a time (native/vec_tanh.cc: AVX2 + FMA and a
   * load-time check that it gives libm's bits); undefined for an addon without it.
   */
  vectorTanh?: boolean;
}

/** Rate of C = A·B at size n, from as many products as fit in ~`seconds`. */
export function gemmProbe(n: number, seconds: number): number {
  const b = backend();
  const A = zeros(n, n), B = zeros(n, n), C = zeros(n, n);
  // Deterministic, non-trivial entries; the values do not affect BLAS speed.
  for (let i = 0; i < A.data.length; i++) {
    A.data[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    B.data[i] = ((i * 104729) % 997) / 997 - 0.5;
  }
  const run = () => b.gemm(false, false, n, n, n, 1, A.data, 0, n, B.data, 0, n, 0, C.data, 0, n);
  run(); // warm-up: thread pool start, page faults
  let reps = 0;
  const t0 = performance.now();
  let el = 0;
  do {
    run();
    reps++;
    el = (performance.now() - t0) / 1000;
  } while (el < seconds);
  return (2 * n * n * n * reps) / el / 1e9;
}

export function doctor(opts: { probeSize?: number; seconds?: number } = {}): DoctorReport {
  const b = backend();
  const native = loadNativeBackend();
  const n = opts.probeSize ?? (b.name === 'native' ? 2000 : 400);
  const d = b.describe();
  const problem = nativeLoadProblem();
  const addon = nativeAddonPath();
  return {
    backend: b.name,
    blas: d.blas,
    corename: d.corename,
    threads: b.getThreads(),
    gemmGflops: gemmProbe(n, opts.seconds ?? 1),
    gemmSize: n,
    node: process.version,
    nativeAddon: {
      path: addon,
      loaded: native !== null,
      source: addon.split(/[\\/]/).includes('prebuilds') ? 'prebuilt' : 'built',
      ...(problem ? { problem } : {}),
      ...(native === null ? { buildCommand: nativeBuildCommand() } : {}),
    },
    ...(native?.vectorMath ? { vectorTanh: native.vectorMath() } : {}),
  };
}

export function formatDoctor(r: DoctorReport): string {
  const lines = [
    `backend      ${r.backend}${r.backend === 'js' ? '  (slow fallback)' : ''}`,
    `BLAS         ${r.blas}`,
    `CPU kernel   ${r.corename}`,
    `threads      ${r.threads}`,
    `dgemm        ${r.gemmGflops.toFixed(1)} GFLOP/s at n = ${r.gemmSize}`,
    `node         ${r.node}`,
    `addon        ${r.nativeAddon.loaded ? `loaded, ${r.nativeAddon.source}` : `not loaded: ${r.nativeAddon.problem}`} (${r.nativeAddon.path})`,
  ];
  if (r.vectorTanh !== undefined) {
    lines.push(`tanh         ${r.vectorTanh ? 'four lanes (AVX2 + FMA), the bits of libm\'s expm1' : 'scalar libm (no AVX2 + FMA, or the load-time check found another libm)'}`);
  }
  if (r.nativeAddon.buildCommand) {
    lines.push(`enable it    apt-get install libopenblas-dev liblapacke-dev  (as root), then: ${r.nativeAddon.buildCommand}`);
  }
  return lines.join('\n');
}
