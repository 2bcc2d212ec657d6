import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activation } from '../../src/activations';
import { writeNpy } from '../../src/io/npy';
import { eigvalsh, frobenius, sub, transpose } from '../../src/linalg';
import { deepNetworkKernels } from '../../src/kernels/deep';
import { cloneDeepNet, deepGaussianInit, deepPredict } from '../../src/model/deep';
import { train } from '../../src/train/train';
import { networkKernels } from '../../src/kernels/empirical';
import { gaussianInit, predict } from '../../src/model/network';
import { rngFor } from '../../src/random';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/ntk-verify.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

describe('ntk-verify inspect', () => {
  const rng = rngFor(5, 'inspect-test');
  const [n, d, h] = [40, 12, 30];
  const net = gaussianInit(rng.split('net'), h, d, activation('tanh'));
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  const f = (name: string) => path.join(tmp, name);
  writeNpy(f('X.npy'), X);
  writeNpy(f('W.npy'), net.W);
  writeNpy(f('v.npy'), net.v);
  writeNpy(f('y.npy'), y);
  writeNpy(f('Xt.npy'), transpose(X));

  it('prints the documented JSON keys with values equal to the engine (rel. 1e-12)', () => {
    const r = run(['inspect', '--X', f('X.npy'), '--W', f('W.npy'), '--v', f('v.npy'), '--y', f('y.npy'), '--act', 'tanh',
      '--train', 'gd', '--lr', '1', '--steps', '3', '--layers', 'first', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect([o.n, o.d, o.h]).toEqual([n, d, h]);
    const out = predict(net, X);
    for (let i = 0; i < n; i++) expect(o.output[i]).toBeCloseTo(out[i], 12);
    const K = networkKernels(net, X);
    let maxNtk = -Infinity;
    for (const v of K.ntk!.data) maxNtk = Math.max(maxNtk, v);
    expect(o.kernels.ntk.eigMax).toBeGreaterThanOrEqual(maxNtk * (1 - 1e-12)); // λ_max ≥ any diagonal entry
    for (const k of ['ck', 'ntk1', 'ntk']) for (const key of ['fro', 'op', 'eigMin', 'eigMax']) expect(typeof o.kernels[k][key]).toBe('number');
    expect(o.loss).toBeGreaterThan(0);
    expect(o.after.loss).toBeLessThan(o.loss);
    for (const key of ['fro', 'op', 'twoInf']) expect(o.after.change.W[key]).toBeGreaterThan(0);
    expect(o.after.change.ck.fro).toBeGreaterThan(0);
    expect(o.after.change.ntk1.op).toBeGreaterThan(0);
  });

  it('clear errors (exit 2, input errors): X given as n×d, unknown activation, missing file', () => {
    const a = run(['inspect', '--X', f('Xt.npy'), '--W', f('W.npy'), '--v', f('v.npy'), '--act', 'tanh', '--json']);
    expect(a.status).toBe(2);
    expect(JSON.parse(a.stdout).error.message).toMatch(/X must be d×n/);
    expect(a.stderr).toMatch(/X must be d×n with d = 12 \(transpose it if you exported n×d\)/);
    const b = run(['inspect', '--X', f('X.npy'), '--W', f('W.npy'), '--v', f('v.npy'), '--act', 'swish']);
    expect(b.stderr).toMatch(/unknown activation 'swish'; known: erf, tanh, relu/);
    expect(b.status).toBe(2);
    const c = run(['inspect', '--X', f('nope.npy'), '--W', f('W.npy'), '--v', f('v.npy'), '--act', 'tanh']);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/nope\.npy/);
    const d2 = run(['inspect', '--W', f('W.npy')]);
    expect(d2.status).toBe(2);
    expect(d2.stderr).toMatch(/--X is required/);
  });
});

describe('ntk-verify inspect with several --W (a deep fully connected network)', () => {
  const rng = rngFor(6, 'inspect-deep-test');
  const [n, d] = [15, 7];
  const net = deepGaussianInit(rng.split('net'), [d, 11, 9, 8], activation('erf'));
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  const f = (name: string) => path.join(tmp, `deep-${name}`);
  writeNpy(f('X.npy'), X);
  net.W.forEach((W, k) => writeNpy(f(`W${k + 1}.npy`), W));
  writeNpy(f('v.npy'), net.v);
  writeNpy(f('y.npy'), y);
  const Ws = ['--W', f('W1.npy'), '--W', f('W2.npy'), '--W', f('W3.npy')];

  it('reports the output, loss, the CK of the last hidden layer, the NTK and its per-layer terms, equal to the engine (rel. 1e-12)', () => {
    const r = run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--y', f('y.npy'), '--act', 'erf', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect([o.n, o.d, o.depth, o.widths]).toEqual([n, d, 3, [d, 11, 9, 8]]);
    const out = deepPredict(net, X);
    for (let i = 0; i < n; i++) expect(o.output[i]).toBeCloseTo(out[i]!, 12);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += (out[i]! - y[i]!) ** 2;
    expect(o.loss).toBeCloseTo(loss / (2 * n), 12);
    const K = deepNetworkKernels(net, X, ['ntk', 'ck', 'layers']);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.abs(b));
    close(o.kernels.ck.fro, frobenius(K.ck!));
    close(o.kernels.ntk.fro, frobenius(K.ntk!));
    close(o.kernels.ntk.eigMax, eigvalsh(K.ntk!)[n - 1]!);
    expect(o.layers).toHaveLength(3);
    o.layers.forEach((s: { fro: number }, k: number) => close(s.fro, frobenius(K.layers![k]!)));
    const text = run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--act', 'erf']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/widths d = 7 → 11 → 9 → 8 \(L = 3 hidden layers\)/);
    expect(text.stdout).toMatch(/^W3 /m);
  });

  it('--train trains a copy of the deep network (train() on it, full batch) and reports the changes, equal to the engine (rel. 1e-10)', () => {
    const r = run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--y', f('y.npy'), '--act', 'erf',
      '--train', 'gd', '--lr', '0.5', '--steps', '4', '--layers', 'both', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    const trained = cloneDeepNet(net);
    const res = train(trained, X, y, { optimizer: 'gd', lr: 0.5, layers: 'both', maxSteps: 4 });
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-10 * Math.abs(b));
    expect(o.after.steps).toBe(4);
    expect(o.after.stoppedBy).toBe(res.stoppedBy);
    close(o.after.loss, res.finalLoss);
    expect(o.after.loss).toBeLessThan(o.loss);
    expect(o.after.change.W).toHaveLength(3);
    o.after.change.W.forEach((w: { fro: number }, k: number) => close(w.fro, frobenius(sub(trained.W[k]!, net.W[k]!))));
    let dv = 0;
    for (let i = 0; i < net.v.length; i++) dv += (trained.v[i]! - net.v[i]!) ** 2;
    close(o.after.change.v, Math.sqrt(dv));
    const K0 = deepNetworkKernels(net, X, ['ntk', 'ck']), Kt = deepNetworkKernels(trained, X, ['ntk', 'ck']);
    close(o.after.change.ntk.fro, frobenius(sub(Kt.ntk!, K0.ntk!)));
    close(o.after.change.ck.fro, frobenius(sub(Kt.ck!, K0.ck!)));
    close(o.after.change.ntk.initialFro, frobenius(K0.ntk!));
    // 'first' moves W1 … W3 and leaves v; 'second' the reverse.
    const first = JSON.parse(run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--y', f('y.npy'), '--act', 'erf',
      '--train', 'gd', '--lr', '0.5', '--steps', '2', '--layers', 'first', '--json']).stdout);
    expect(first.after.change.v).toBe(0);
    for (const w of first.after.change.W) expect(w.fro).toBeGreaterThan(0);
    const text = run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--y', f('y.npy'), '--act', 'erf', '--train', 'adam', '--lr', '0.01', '--steps', '2']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/after 2 adam steps \(maxSteps\): loss /);
    expect(text.stdout).toMatch(/‖ΔW3‖_F = /);
  });

  it('clear errors (exit 2): layers that do not chain, a readout of the wrong width, --train without targets', () => {
    const a = run(['inspect', '--X', f('X.npy'), '--W', f('W1.npy'), '--W', f('W3.npy'), '--v', f('v.npy'), '--act', 'erf']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/W2 is 8×9 but W1 is 11×7: W2 must have 11 columns/);
    const b = run(['inspect', '--X', f('X.npy'), '--W', f('W1.npy'), '--W', f('W2.npy'), '--v', f('v.npy'), '--act', 'erf']);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/v has length 8, the last layer W2 has 9 rows/);
    const c = run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--act', 'erf', '--train', 'gd']);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/--train needs targets: give --y/);
    const e = run(['inspect', '--X', f('X.npy'), ...Ws, '--v', f('v.npy'), '--y', f('y.npy'), '--act', 'erf', '--train', 'gd', '--layers', 'all']);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/--layers must be first \(W1 … W3\), second \(v\) or both, got 'all'/);
  });
});

describe('ntk-verify doctor and backend choice', () => {
  it('doctor --json reports the native backend, BLAS, threads and a gemm rate', () => {
    const r = run(['doctor', '--json', '--seconds', '0.2']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.backend).toBe('native');
    expect(o.blas).toMatch(/OpenBLAS/);
    expect(o.threads).toBeGreaterThanOrEqual(1);
    expect(o.gemmGflops).toBeGreaterThan(0);
  });

  it('NTKV_BACKEND=js forces the fallback; a bad value is a clear error', () => {
    const js = run(['doctor', '--json', '--seconds', '0.1'], { NTKV_BACKEND: 'js' });
    expect(js.status, js.stderr).toBe(0);
    expect(JSON.parse(js.stdout).backend).toBe('js');
    const bad = run(['doctor', '--json'], { NTKV_BACKEND: 'cuda' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/NTKV_BACKEND must be 'js' or 'native', got 'cuda'/);
  });
});
