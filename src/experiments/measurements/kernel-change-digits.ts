/**
 * How many digits the plain difference K_t − K_0 keeps, at a size of the user's choice
 * (DESIGN.md principle 1: "at least 8 correct digits at the largest size run");
 * `ntk-verify doctor --digits [--n 4000]` runs it and prints the table (src/cli/digits.ts).
 *
 * The draw is W3's job at that n (root seed, claim 'W3', n, trial): W's early phase
 * (d = 0.6n, h = 1.2n, Gaussian W_0 and v, single-index normalized-tanh teacher, σ_ε = 0.2),
 * three first-layer GD steps at η = 1, for a normalized ReLU and a normalized tanh student
 * on the same initial weights. For CK and the first-layer NTK K1 it compares
 *
 *   plain   K_t − K_0, the two kernels computed as the engine does and subtracted;
 *   direct  the change from activation differences (ckChangeDirect, ntk1ChangeDirect),
 *           which does not cancel two O(1) kernels against each other,
 *
 * and reports ‖plain − direct‖_F / ‖direct‖_F (and its −log10, the digits). The test
 * "kernel changes" (test/engine/model-kernels.test.ts) makes the same check at n = 400.
 *
 * To show why float64 is needed it also repeats the plain difference with float32 storage
 * (Math.fround): (a) only the two kernels rounded to float32 before subtracting; (b) the
 * weights W_0, W_t, v, the inputs X, the activations σ(Z), σ'(Z), XᵀX/d and the kernels all
 * rounded to float32, with the products still accumulated in float64. (b) is a lower bound
 * on the error of a float32 computation: float32 gemm accumulation would add more.
 */
import { activation } from '../../activations';
import { ckChangeDirect, ckFromCache, inputGram, kernelDifference, ntk1ChangeDirect, ntk1FromCache } from '../../kernels/empirical';
import { backend } from '../../linalg/backend';
import type { Mat } from '../../linalg/mat';
import { frobenius } from '../../linalg/ops';
import { forward, type TwoLayerNet } from '../../model/network';
import { rngFor } from '../../random';
import { trainCopy } from '../protocols/train-copy';
import { withActivation } from '../settings/student';
import { W_EARLY_PHASE, wProblem } from '../settings/w';

/** DESIGN.md principle 1: at least 8 correct digits. */
export const DIGITS_REQUIRED = 8;

export interface DigitsOptions {
  /** Number of samples (default 4000, the largest n of the W papers' standard tier). */
  n?: number;
  /** Students, without the 'normalized_' prefix (default: W3's relu and tanh). */
  acts?: readonly string[];
  /** Trial of W3's job whose draw is used (default 0). */
  trial?: number;
  /** Root seed of the run whose draw is used (the CLI passes the runner's DEFAULT_ROOT_SEED). */
  seed: string | number;
  /** Also measure the float32 variants (default true). */
  float32?: boolean;
  /** Samples whose kernel entries are recomputed in emulated float32 arithmetic (default 256). */
  float32Samples?: number;
  /** Called with a line of progress (e.g. console.error). */
  progress?: (line: string) => void;
}

export interface KernelDigits {
  /** ‖plain − direct‖_F / ‖direct‖_F in float64. */
  relErr: number;
  /** −log10(relErr): correct digits of the plain difference. */
  digits: number;
  /** |‖plain‖_F − ‖direct‖_F| / ‖direct‖_F: the error on the norm the claims report. */
  normRelErr: number;
  /** ‖direct‖_F: the size of the change. */
  changeFro: number;
  /** ‖K_0‖_F. */
  initialFro: number;
  /** ‖direct‖_F / ‖K_0‖_F: how small the change is next to the kernel. */
  changeOverKernel: number;
  /** Float32 storage of the two kernels only: ‖plain32 − direct‖_F / ‖direct‖_F and the norm's error. */
  float32Kernels?: { relErr: number; normRelErr: number };
  /** Float32 storage of weights, inputs, activations and kernels (float64 accumulation). */
  float32All?: { relErr: number; normRelErr: number };
  /**
   * Float32 arithmetic, emulated (Math.fround after every operation, products summed in
   * order as a gemm kernel does), on the principal submatrix of the first `samples`
   * samples; Frobenius norms extrapolated to n×n (diagonal and off-diagonal parts scaled
   * separately).
   */
  float32Arith?: { relErr: number; normRelErr: number; samples: number };
}

export interface DigitsStudent {
  activation: string;
  ck: KernelDigits;
  ntk1: KernelDigits;
  seconds: number;
}

export interface DigitsReport {
  n: number;
  d: number;
  h: number;
  trial: number;
  rootSeed: string | number;
  steps: number;
  eta: number;
  backend: string;
  blas: string;
  threads: number;
  required: number;
  students: DigitsStudent[];
  /** Every float64 relErr ≤ 10^-required. */
  ok: boolean;
}

/** ‖A − B‖_F / ‖B‖_F and |‖A‖_F − ‖B‖_F| / ‖B‖_F, without allocating (contiguous, same shape). */
function compareTo(A: Mat, B: Mat): { relErr: number; normRelErr: number } {
  if (A.rows !== B.rows || A.cols !== B.cols) throw new Error(`digits: ${A.rows}×${A.cols} vs ${B.rows}×${B.cols}`);
  const a = A.data, b = B.data;
  let diff = 0, bb = 0, aa = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!, y = b[i]!;
    diff += (x - y) * (x - y);
    bb += y * y;
    aa += x * x;
  }
  const nb = Math.sqrt(bb);
  return { relErr: Math.sqrt(diff) / nb, normRelErr: Math.abs(Math.sqrt(aa) - nb) / nb };
}

function fround(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]!);
  return a;
}

function froundCopy(m: Mat): Mat {
  return { ...m, data: fround(m.data.slice()) };
}

/** B − A with both rounded to float32 and the difference rounded to float32. */
function diff32(A: Mat, B: Mat): Mat {
  const out = kernelDifference(A, B);
  const a = A.data, b = B.data, o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = Math.fround(Math.fround(b[i]!) - Math.fround(a[i]!));
  return out;
}

/** CK and K1 of `net` on X with every stored array rounded to float32 (products accumulate in float64). */
function kernels32(net: TwoLayerNet, X32: Mat, G32: Mat): { ck: Mat; ntk1: Mat } {
  const net32: TwoLayerNet = { W: froundCopy(net.W), v: fround(net.v.slice()), act: net.act };
  const c = forward(net32, X32, { derivative: true });
  fround(c.A.data);
  fround(c.D.data);
  const ck = ckFromCache(c);
  fround(ck.data);
  const ntk1 = ntk1FromCache(net32, X32, c, G32);
  fround(ntk1.data);
  return { ck, ntk1 };
}

/** h×m float32 (emulated) σ(Z), σ'(Z) and v⊙σ'(Z) on the first m samples; Z accumulated in float32 as a gemm kernel does. */
interface Columns32 { A: Float64Array; M: Float64Array; h: number; m: number }

/** Z = W X/√d on the first m columns of X, in emulated float32 (values stored as float32-representable doubles). */
function preActivations32(W: Mat, X32: Mat, m: number): Float64Array {
  const h = W.rows, d = W.cols;
  // Float32-representable doubles (Math.fround), like every emulated float32 value here.
  const W32 = W.data.map((w) => Math.fround(w));
  const scale = Math.fround(1 / Math.sqrt(d));
  const Z = new Float64Array(h * m);
  for (let s = 0; s < m; s++) {
    const z = Z.subarray(s * h, (s + 1) * h);
    for (let k = 0; k < d; k++) {
      const xk = X32.data[k + s * d]!;
      const off = k * h;
      // The product of two float32 numbers is exact in float64; one rounding per fused multiply-add.
      for (let i = 0; i < h; i++) z[i] = Math.fround(z[i]! + W32[off + i]! * xk);
    }
    for (let i = 0; i < h; i++) z[i] = Math.fround(z[i]! * scale);
  }
  return Z;
}

function columns32(Z: Float64Array, h: number, m: number, v: Float64Array, act: TwoLayerNet['act']): Columns32 {
  const A = new Float64Array(h * m), M = new Float64Array(h * m);
  for (let s = 0; s < m; s++) {
    for (let i = 0; i < h; i++) {
      const z = Z[i + s * h]!;
      A[i + s * h] = Math.fround(act.sigma(z));
      M[i + s * h] = Math.fround(Math.fround(v[i]!) * Math.fround(act.d1(z)));
    }
  }
  return { A, M, h, m };
}

/** m×m (upper triangle, i ≤ j) of alpha·PᵀP for h×m P, summed in float32 in index order. */
function gram32(P: Float64Array, h: number, m: number, alpha: number): Float64Array {
  const a = Math.fround(alpha);
  const K = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const pj = j * h;
    for (let i = 0; i <= j; i++) {
      const pi = i * h;
      let acc = 0;
      for (let k = 0; k < h; k++) acc = Math.fround(acc + P[pi + k]! * P[pj + k]!);
      K[i + j * m] = Math.fround(acc * a);
    }
  }
  return K;
}

/** ‖(K_t − K_0)_32 − direct‖_F/‖direct‖_F on the first m samples, extrapolated to n×n. */
function compare32(K0: Float64Array, Kt: Float64Array, direct: Mat, m: number): { relErr: number; normRelErr: number; samples: number } {
  const n = direct.rows;
  const sums = { diag: [0, 0, 0], off: [0, 0, 0] }; // [‖E‖², ‖direct‖², ‖ΔK32‖²]
  for (let j = 0; j < m; j++) {
    for (let i = 0; i <= j; i++) {
      const dk = Math.fround(Kt[i + j * m]! - K0[i + j * m]!);
      const ref = direct.data[i + j * n]!;
      const t = i === j ? sums.diag : sums.off;
      const w = i === j ? 1 : 2;
      t[0]! += w * (dk - ref) * (dk - ref);
      t[1]! += w * ref * ref;
      t[2]! += w * dk * dk;
    }
  }
  // Samples are exchangeable: scale the diagonal by n/m and the off-diagonal by n(n−1)/(m(m−1)).
  const fd = n / m, fo = m > 1 ? (n * (n - 1)) / (m * (m - 1)) : 0;
  const est = (k: 0 | 1 | 2) => Math.sqrt(fd * sums.diag[k]! + fo * sums.off[k]!);
  const e = est(0), ref = est(1), got = est(2);
  return { relErr: e / ref, normRelErr: Math.abs(got - ref) / ref, samples: m };
}

function kernelDigits(K0: Mat, Kt: Mat, direct: Mat): KernelDigits {
  const plain = kernelDifference(K0, Kt);
  const c = compareTo(plain, direct);
  const changeFro = frobenius(direct), initialFro = frobenius(K0);
  return {
    relErr: c.relErr,
    digits: c.relErr > 0 ? -Math.log10(c.relErr) : Infinity,
    normRelErr: c.normRelErr,
    changeFro,
    initialFro,
    changeOverKernel: changeFro / initialFro,
  };
}

/**
 * The digits check on W3's draw at n (see the header): for each student, three first-layer GD
 * steps, then CK and K1 changes as a plain difference against the direct formula, in float64
 * and (unless float32 is false) in float32 storage and emulated float32 arithmetic.
 */
export function kernelChangeDigits(opts: DigitsOptions): DigitsReport {
  const n = opts.n ?? 4000;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`digits: n must be an integer ≥ 2, got ${n}`);
  const trial = opts.trial ?? 0;
  const rootSeed = opts.seed;
  const acts = opts.acts ?? ['relu', 'tanh'];
  const with32 = opts.float32 ?? true;
  const say = opts.progress ?? (() => {});
  const eta = W_EARLY_PHASE.eta, steps = W_EARLY_PHASE.steps;
  // The same stream as W3's job at this n and trial (src/runner/job.ts).
  const p = wProblem(rngFor(rootSeed, 'W3', n, trial), n, W_EARLY_PHASE);
  const { X, y } = p.data;
  const G = inputGram(X);
  const X32 = with32 ? froundCopy(X) : undefined;
  const G32 = X32 ? inputGram(X32) : undefined;
  if (G32) fround(G32.data);
  const m = Math.min(n, opts.float32Samples ?? 256);
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`digits: float32Samples must be an integer ≥ 2, got ${opts.float32Samples}`);
  // Emulated float32 arithmetic on the first m samples: the pre-activations at initialisation
  // (shared by the students) and XᵀX/d.
  if (with32) say(`digits: float32 arithmetic (emulated) on ${m} samples: Z₀ and XᵀX/d`);
  const Z0s = with32 ? preActivations32(p.net.W, X32!, m) : undefined;
  const Gs = with32 ? gram32(X32!.data.subarray(0, p.dims.d * m) as Float64Array, p.dims.d, m, 1 / p.dims.d) : undefined;
  const students: DigitsStudent[] = [];
  for (const name of acts) {
    const t0 = performance.now();
    const act = activation(name.startsWith('normalized_') ? name : `normalized_${name}`);
    say(`digits: n = ${n}, d = ${p.dims.d}, h = ${p.dims.h}, ${act.name}: ${steps} first-layer GD steps (η = ${eta})`);
    const net0 = withActivation(p.net, act);
    const { net } = trainCopy(net0, X, y, { optimizer: 'gd', lr: eta, layers: 'first', maxSteps: steps, context: `digits n=${n} ${name}` });
    say(`digits: ${act.name}: kernels at 0 and t, plain and direct changes`);
    const c0 = forward(net0, X, { derivative: true });
    const ct = forward(net, X, { derivative: true });
    // The engine's kernels (the same functions networkKernels calls).
    const ck0 = ckFromCache(c0), ckT = ckFromCache(ct);
    const directCk = ckChangeDirect(c0.A, ct.A);
    const ck = kernelDigits(ck0, ckT, directCk);
    const k10 = ntk1FromCache(net0, X, c0, G), k1T = ntk1FromCache(net, X, ct, G);
    const directK1 = ntk1ChangeDirect(net0.v, c0.D, net.v, ct.D, X);
    const ntk1 = kernelDigits(k10, k1T, directK1);
    if (with32) {
      say(`digits: ${act.name}: float32 storage`);
      ck.float32Kernels = compareTo(diff32(ck0, ckT), directCk);
      ntk1.float32Kernels = compareTo(diff32(k10, k1T), directK1);
      const a = kernels32(net0, X32!, G32!);
      const b = kernels32(net, X32!, G32!);
      ck.float32All = compareTo(diff32(a.ck, b.ck), directCk);
      ntk1.float32All = compareTo(diff32(a.ntk1, b.ntk1), directK1);
      say(`digits: ${act.name}: float32 arithmetic (emulated) on ${m} samples`);
      const h = p.dims.h;
      const s0 = columns32(Z0s!, h, m, net0.v, act);
      const st = columns32(preActivations32(net.W, X32!, m), h, m, net.v, act);
      ck.float32Arith = compare32(gram32(s0.A, h, m, 1 / h), gram32(st.A, h, m, 1 / h), directCk, m);
      const k1s = (c: Columns32) => {
        const K = gram32(c.M, h, m, 1 / h);
        for (let i = 0; i < K.length; i++) K[i] = Math.fround(K[i]! * Gs![i]!);
        return K;
      };
      ntk1.float32Arith = compare32(k1s(s0), k1s(st), directK1, m);
    }
    students.push({ activation: act.name, ck, ntk1, seconds: (performance.now() - t0) / 1000 });
  }
  const b = backend();
  const desc = b.describe();
  const limit = 10 ** -DIGITS_REQUIRED;
  return {
    n, d: p.dims.d, h: p.dims.h, trial, rootSeed, steps, eta,
    backend: b.name, blas: desc.blas, threads: b.getThreads(), required: DIGITS_REQUIRED,
    students,
    ok: students.every((s) => s.ck.relErr <= limit && s.ntk1.relErr <= limit),
  };
}
