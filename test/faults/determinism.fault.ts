/**
 * Worker-count determinism on real claims (their jobs call OpenBLAS and LAPACK): the same
 * claims with --jobs 1 and --jobs 2 give bit-identical job outputs, because every job runs
 * with the same BLAS thread count whatever the worker count. The thread count is part of
 * the job key, so a result computed with another count is never served from the cache.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults, type RunResults } from '../../src/runner/results';
import { cli, tempDir, userEnv } from './helpers';

const tmp = tempDir('determinism');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = userEnv({ NTKV_CACHE_DIR: path.join(tmp, 'cache'), NTKV_REPORTS_DIR: path.join(tmp, 'reports') });
const claims = ['H3', 'W8', 'W11'];
/** Everything a job computed; its meta minus wall-clock timings ("ms", "ms:case"), which no run repeats. */
function computed(o: RunResults['claims'][number]['jobs'][number]['output']) {
  if (!o?.meta) return JSON.stringify(o);
  return JSON.stringify({ ...o, meta: Object.fromEntries(Object.entries(o.meta).filter(([k]) => !/^ms($|:)/.test(k))) });
}
const jobsOf = (r: RunResults) => r.claims.map((c) => [c.id, [...c.jobs].sort((a, b) => a.key.localeCompare(b.key)).map((j) => [j.key, j.status, computed(j.output)])]);

function run(...args: string[]): RunResults {
  const r = cli(['run', ...claims, '--tier', 'smoke', '--no-cache', '--json', ...args], env);
  expect(r.status === 0 || r.status === 1, r.stderr).toBe(true);
  return parseResults(r.stdout);
}

describe('worker-count determinism', () => {
  it('--jobs 1 and --jobs 2: bit-identical job outputs (default: one BLAS thread per job)', () => {
    const one = run('--jobs', '1');
    const two = run('--jobs', '2');
    expect(one.environment.blasThreads).toBe(1);
    expect(two.environment.blasThreads).toBe(1);
    expect(one.claims.reduce((s, c) => s + c.jobs.length, 0)).toBeGreaterThan(30);
    expect(jobsOf(two)).toEqual(jobsOf(one));
  });

  it('--threads 2: the same with both worker counts, and other job keys than with 1 thread', () => {
    const one = run('--jobs', '1', '--threads', '2');
    const two = run('--jobs', '2', '--threads', '2');
    expect(one.environment.blasThreads).toBe(2);
    expect(jobsOf(two)).toEqual(jobsOf(one));
    const single = run('--jobs', '1', '--threads', '1');
    const keys = (r: RunResults) => new Set(r.claims.flatMap((c) => c.jobs.map((j) => j.key)));
    const k2 = keys(one);
    expect([...keys(single)].some((k) => k2.has(k))).toBe(false);
  });
});
