/**
 * `ntk-verify doctor --digits [--n 4000]`: runs the float64 digits check of kernel changes
 * (kernelChangeDigits, src/experiments/measurements/kernel-change-digits.ts, which says what it
 * measures) on the draw of the runner's root seed, and prints its report as a table.
 */
import {
  type DigitsOptions, type DigitsReport, kernelChangeDigits,
} from '../experiments/measurements/kernel-change-digits';
import { DEFAULT_ROOT_SEED } from '../runner/runner';

/** The check on W3's draw under the runner's root seed (what `run` would draw for W3 at n). */
export function doctorDigits(opts: Omit<DigitsOptions, 'seed'>): DigitsReport {
  return kernelChangeDigits({ ...opts, seed: DEFAULT_ROOT_SEED });
}

const e = (x: number) => x.toExponential(1);

export function formatDigits(r: DigitsReport): string {
  const lines = [
    `K_t − K_0 after ${r.steps} first-layer GD steps (η = ${r.eta}): plain difference vs the activation-difference formula`,
    `draw         W3's job at n = ${r.n} (d = ${r.d}, h = ${r.h}), trial ${r.trial}, root seed ${r.rootSeed}`,
    `backend      ${r.backend}, ${r.blas}, ${r.threads} thread${r.threads === 1 ? '' : 's'}`,
    '',
    'relative error ‖plain − direct‖_F / ‖direct‖_F (in parentheses: relative error of ‖plain‖_F)',
    '',
  ];
  const has32 = r.students.some((s) => s.ck.float32All !== undefined);
  const m = r.students[0]?.ck.float32Arith?.samples;
  const head = ['student', 'kernel', '‖ΔK‖/‖K₀‖', 'float64', 'digits', ...(has32 ? ['f32 kernels', 'f32 stored', 'f32 arithmetic'] : [])];
  const pair = (v?: { relErr: number; normRelErr: number }) => (v ? `${e(v.relErr)} (${e(v.normRelErr)})` : '');
  const rows: string[][] = [];
  for (const s of r.students) {
    for (const [k, v] of [['CK', s.ck], ['K1', s.ntk1]] as const) {
      rows.push([
        s.activation, k, e(v.changeOverKernel), pair(v), v.digits.toFixed(1),
        ...(has32 ? [pair(v.float32Kernels), pair(v.float32All), pair(v.float32Arith)] : []),
      ]);
    }
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  lines.push(fmt(head), ...rows.map(fmt), '');
  if (has32) {
    lines.push(
      'f32 kernels: the float64 K_0 and K_t rounded to float32 before subtracting.',
      'f32 stored: W_0, W_t, v, X, σ(Z), σ\'(Z), XᵀX/d and the kernels rounded to float32; products summed in float64.',
      `f32 arithmetic: every operation rounded to float32 (Math.fround), sums in index order as a gemm kernel does, on the`,
      `  first ${m} samples' ${m}×${m} block; norms extrapolated to n×n. The weights are the float64-trained ones, rounded.`,
    );
  }
  lines.push(
    `${r.ok ? 'OK' : 'FAILED'}: the float64 plain difference ${r.ok ? 'keeps' : 'does not keep'} ≥ ${r.required} digits at n = ${r.n} ` +
      `(${r.students.map((s) => `${s.activation} ${s.seconds.toFixed(1)} s`).join(', ')})`,
  );
  return lines.join('\n');
}
