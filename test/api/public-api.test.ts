/**
 * The public entry (src/index.ts = 'ntk-verify'), runClaim and the vitest matchers
 * (src/vitest.ts = 'ntk-verify/vitest'), used as a researcher's own test would use them.
 * The packed tarball in a fresh project is tested by `npm run test:package`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/index';
import { defineClaim, frobenius, gaussianMatrix, rngFor, runClaim, type ClaimResult } from '../../src/index';
import '../../src/vitest';
import toy from '../runner/toy-claims/T1-toy-power-law';

const root = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-api-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The message a matcher fails with (it must fail: a pass is a test failure). */
function failure(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the matcher passed where it should have failed');
}

describe('public entry point', () => {
  it('package.json exports point at files that exist (types/ is written by npm pack: test:package checks it)', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
    for (const [sub, target] of Object.entries(pkg.exports)) {
      for (const t of typeof target === 'string' ? [target] : Object.values(target)) {
        if (t.startsWith('./types/')) continue;
        expect(existsSync(path.join(root, t)), `${sub} → ${t}`).toBe(true);
      }
    }
  });

  it('exports defineClaim, runClaim and the engine basics, and keeps internals out', () => {
    for (const name of ['defineClaim', 'runClaim', 'gaussianMatrix', 'frobenius', 'gaussianInputs', 'gaussianInit', 'forward', 'train',
      'conjugateKernel', 'firstLayerNtk', 'lanczosTopEigen', 'mpEdges', 'activation', 'matmul', 'rngFor', 'fitLogLog',
      'deepGaussianInit', 'deepForward', 'deepPredict', 'deepLossAndGradients', 'deepNetworkKernels', 'deepLimitKernels',
      'deepKernelFunction', 'deepLinearCoefficients', 'deepLinearKernel']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
    // The runner's plumbing, the cache, the backend switch and the CLI are not public.
    for (const name of ['runClaims', 'planJobs', 'JobCache', 'loadRegistry', 'useBackend', 'backend', 'writeReport', 'analyzeClaim']) {
      expect(name in api, name).toBe(false);
    }
  });

  it('exports the real-data loaders and the two-class builder', () => {
    for (const name of ['loadMnist', 'loadFashionMnist', 'fashionMnistDir', 'twoClassDataset', 'classCounts', 'readIdxFile', 'standardizeColumns', 'DataSourceError']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(api.FASHION_MNIST_CLASSES[1]).toBe('Trouser');
    expect(api.MNIST_CLASSES).toHaveLength(10);
    expect(api.FASHION_MNIST_DIR_ENV).toBe('NTKV_FASHION_MNIST_DIR');
  });

  it('gaussianMatrix(rng, rows, cols) is a seeded N(0,1) matrix: same stream, same draw; ‖G‖_F² ≈ rows·cols', () => {
    const a = gaussianMatrix(rngFor(7, 'api', 'G'), 300, 200);
    const b = gaussianMatrix(rngFor(7, 'api', 'G'), 300, 200);
    expect([a.rows, a.cols]).toEqual([300, 200]);
    expect(a.data).toEqual(b.data);
    // ‖G‖_F² is χ² with 60 000 degrees of freedom: relative sd √(2/60000) ≈ 0.006; 5 sd = 0.03.
    expect(Math.abs(frobenius(a) ** 2 / 60_000 - 1)).toBeLessThan(0.03);
    expect(gaussianMatrix(rngFor(8, 'api', 'G'), 300, 200).data).not.toEqual(a.data);
  });
});

describe('runClaim', () => {
  it('runs a claim object in-process and returns verdicts, fits and jobs without writing anything', async () => {
    const cacheDir = path.join(tmp, 'never');
    const before = process.env.NTKV_CACHE_DIR;
    process.env.NTKV_CACHE_DIR = cacheDir;
    try {
      const r = await runClaim(toy, { tier: 'smoke' });
      expect(r.id).toBe('T1');
      expect(r.jobs).toHaveLength(12);
      expect(r.predictions.map((p) => p.verdict)).toEqual(['CONFIRMED', 'CONFIRMED', 'REFUTED']);
      expect(r.verdict).toBe('REFUTED');
      expect(r.observables.find((o) => o.name === 'a')!.ci).toBeDefined();
      expect(r.run.tier).toBe('smoke');
      expect(r.file).toBeUndefined();
      // A bare claim object is not cached by default (its source cannot be hashed reliably).
      expect(existsSync(cacheDir)).toBe(false);
    } finally {
      if (before === undefined) delete process.env.NTKV_CACHE_DIR;
      else process.env.NTKV_CACHE_DIR = before;
    }
  });

  it('runs a claim file with workers, caches it, writes a report when asked, and a seed changes the draw', async () => {
    const file = path.join(root, 'test/runner/toy-claims/T1-toy-power-law.ts');
    const cache = path.join(tmp, 'cache');
    const report = path.join(tmp, 'report');
    const a = await runClaim(file, { tier: 'smoke', jobs: 2, cache, report });
    expect(a.jobs.every((j) => j.status === 'ok' && !j.cached)).toBe(true);
    expect(existsSync(path.join(report, 'results.json'))).toBe(true);
    expect(existsSync(path.join(report, 'index.html'))).toBe(true);
    const again = await runClaim(file, { tier: 'smoke', cache });
    expect(again.jobs.every((j) => j.cached)).toBe(true);
    expect(again.jobs.map((j) => j.output!.values)).toEqual(a.jobs.map((j) => j.output!.values));
    const other = await runClaim(file, { tier: 'smoke', cache: false, seed: 99 });
    expect(other.jobs[0]!.output!.values.a).not.toBe(a.jobs[0]!.output!.values.a);
  });

  it('rejects a bad tier, bad jobs, and workers without a file, with clear errors', async () => {
    await expect(runClaim(toy, { tier: 'huge' as never })).rejects.toThrow(/tier must be one of smoke, standard, paper, got 'huge'/);
    await expect(runClaim(toy, { tier: 'smoke', jobs: 0 })).rejects.toThrow(/jobs must be a positive integer/);
    await expect(runClaim(toy, { tier: 'smoke', jobs: 2 })).rejects.toThrow(/needs the claim's file/);
    await expect(runClaim({ id: 'Z' } as never, { tier: 'smoke' })).rejects.toThrow(/claim Z is not a claim definition/);
  });
});

describe('vitest matchers (ntk-verify/vitest)', async () => {
  const t1 = await runClaim(toy, { tier: 'smoke' });
  const confirmed = await runClaim(defineClaim({ ...toy, id: 'T1c', predictions: toy.predictions.slice(0, 2) }), { tier: 'smoke' });

  it('verdict matchers pass and fail on the claim verdict, printing each prediction with fit and CI', () => {
    expect(confirmed).toBeConfirmed();
    expect(t1).toBeRefuted();
    expect(t1).toHaveVerdict('REFUTED');
    expect(t1).not.toBeConfirmed();
    expect(confirmed).not.toHaveVerdict('INCONCLUSIVE');
    const m = failure(() => expect(t1).toBeConfirmed());
    expect(m).toMatch(/expected claim T1 to be CONFIRMED, it is REFUTED/);
    // The refuted prediction's line, with its fitted slope and CI.
    expect(m).toMatch(/REFUTED +.*fit slope −1\.\d+, 95% CI \[−1\.\d+, −1\.\d+\], accepted \[−1\.150, −0\.850\]/);
    expect(failure(() => expect(confirmed).not.toBeConfirmed())).toMatch(/expected claim T1c not to be CONFIRMED/);
    expect(failure(() => expect(t1).toHaveVerdict('MAYBE' as never))).toMatch(/verdict must be one of/);
  });

  it('toHaveSlope judges the CI like slope≈ and prints fit, CI and local slopes', () => {
    expect(t1).toHaveSlope('a', -0.5, 0.15);
    expect(t1).toHaveSlope('b', -1.5, 0.15);
    expect(t1).not.toHaveSlope('b', -1, 0.15);
    const m = failure(() => expect(t1).toHaveSlope('b', -1, 0.15));
    expect(m).toMatch(/expected T1's b to have slope −1\.000 ± 0\.150: its 95% CI \[−1\.\d+, −1\.\d+\] misses \[−1\.150, −0\.850\]/);
    expect(m).toMatch(/fit slope −1\.\d+ \(R² 0\.\d+, 4 sizes, 12 points\)/);
    expect(m).toMatch(/local slopes 100→200: /);
    expect(failure(() => expect(t1).toHaveSlope('zz', 0, 0.1))).toMatch(/claim T1 has no observable 'zz' \(observables: a, b, c\)/);
    // A tolerance so tight the CI cannot fit inside: not confirmed, though the slope is right.
    expect(failure(() => expect(t1).toHaveSlope('a', -0.5, 0.001))).toMatch(/is not inside/);
  });

  it('accepts a one-claim results.json and rejects what is not a claim result', () => {
    const run = { ...t1.run, claims: [t1 as ClaimResult] };
    expect(run).toBeRefuted();
    expect(failure(() => expect({ claims: [t1, confirmed] }).toBeRefuted())).toMatch(/a run with 2 claims \(T1, T1c\)/);
    expect(failure(() => expect(42).toBeConfirmed())).toMatch(/expected a claim result/);
  });
});
