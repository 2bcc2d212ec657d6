import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorDigits, formatDigits } from '../../src/cli/digits';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/ntk-verify.mjs');
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env }, timeout: 120_000 });

describe('doctor --digits (the "kernel changes" check at a size of the user\'s choice)', () => {
  it('float64 keeps ≥ 8 digits of the direct formula; float32 storage and arithmetic lose several (small n)', () => {
    const r = doctorDigits({ n: 150, float32Samples: 60 });
    expect([r.n, r.d, r.h]).toEqual([150, 90, 180]); // W3's aspect ratios d = 0.6n, h = 1.2n
    expect(r.ok).toBe(true);
    expect(r.students.map((s) => s.activation)).toEqual(['normalized_relu', 'normalized_tanh']);
    for (const s of r.students) {
      for (const k of [s.ck, s.ntk1]) {
        expect(k.relErr).toBeLessThan(1e-8);
        expect(k.digits).toBeGreaterThan(8);
        expect(k.changeOverKernel).toBeGreaterThan(0);
        expect(k.changeOverKernel).toBeLessThan(0.05);
        // Float32: at least three orders of magnitude worse than float64, and no better than a float32 ulp.
        for (const f of [k.float32Kernels!, k.float32All!, k.float32Arith!]) {
          expect(f.relErr).toBeGreaterThan(1e3 * k.relErr);
          expect(f.relErr).toBeGreaterThan(1e-7);
          expect(f.relErr).toBeLessThan(0.5);
        }
        expect(k.float32Arith!.samples).toBe(60);
      }
    }
    const text = formatDigits(r);
    expect(text).toMatch(/W3's job at n = 150 \(d = 90, h = 180\), trial 0, root seed 20231123/);
    expect(text).toMatch(/OK: the float64 plain difference keeps ≥ 8 digits at n = 150/);
  });

  it('with every sample in the float32 block the extrapolation is the exact n×n norm', () => {
    const full = doctorDigits({ n: 60, acts: ['tanh'], float32Samples: 60 });
    const part = doctorDigits({ n: 60, acts: ['tanh'], float32Samples: 30 });
    // Same draw, same float64 figures; the sampled estimate is within a factor 2 of the full one.
    expect(part.students[0]!.ck.relErr).toBe(full.students[0]!.ck.relErr);
    const a = full.students[0]!.ck.float32Arith!.relErr, b = part.students[0]!.ck.float32Arith!.relErr;
    expect(b / a).toBeGreaterThan(0.5);
    expect(b / a).toBeLessThan(2);
  });

  it('the command prints JSON, exits 0, and rejects a bad --n with exit 2', () => {
    const r = run(['doctor', '--digits', '--n', '80', '--act', 'relu', '--f32-samples', '40', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.n).toBe(80);
    expect(o.ok).toBe(true);
    expect(o.students).toHaveLength(1);
    expect(o.students[0].ck.relErr).toBeLessThan(1e-8);
    expect(o.students[0].ntk1.float32Arith.samples).toBe(40);
    const bad = run(['doctor', '--digits', '--n', 'many']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--n must be an integer/);
  });
});
