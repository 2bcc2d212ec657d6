/**
 * SIGKILL of the main process mid-run: the pool's workers die with it (no orphan computes
 * on), every finished job is in the cache, and the next run resumes from exactly those.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults } from '../../src/runner/results';
import { alive, cacheEntries, childrenOf, cli, cliAsync, tempDir, toyDir, userEnv, waitFor } from './helpers';

const tmp = tempDir('kill');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('kill -9 mid-run, then resume', () => {
  it.each([1, 2])('--jobs %i: workers die with the main process; the rerun serves every finished job from the cache', async (jobs) => {
    const cacheDir = path.join(tmp, `cache-${jobs}`);
    // Jobs of 3 s with workers: killed right after a job lands in the cache, the worker that
    // finished it has just started a new one, so without its own watch it would compute on
    // for ~3 s (the IPC 'disconnect' event waits for the busy job to end).
    const sleepMs = jobs > 1 ? '3000' : '400';
    const env = userEnv({ NTKV_CLAIMS_DIR: toyDir, NTKV_CACHE_DIR: cacheDir, NTKV_REPORTS_DIR: path.join(tmp, 'reports'), NTKV_TOY_SLEEP_MS: sleepMs, NTKV_TOY_NO_FAIL: '1' });
    const { child, exited } = cliAsync(['run', 'T2', '--tier', 'smoke', '--jobs', String(jobs)], env);
    expect(await waitFor(() => cacheEntries(cacheDir, 'T2').length >= 3, 90_000, 10)).toBe(true);
    const workers = childrenOf(child.pid!);
    if (jobs > 1) expect(workers.length).toBeGreaterThanOrEqual(jobs); // the pool is up
    child.kill('SIGKILL');
    const ended = await exited;
    expect(ended.signal).toBe('SIGKILL');
    // Orphans: re-parented, they notice within ~100 ms even mid-job (400 ms busy jobs here).
    const t0 = Date.now();
    expect(await waitFor(() => workers.every((p) => !alive(p)), 3000)).toBe(true);
    const orphanMs = Date.now() - t0;
    expect(orphanMs).toBeLessThan(1000);
    const finished = cacheEntries(cacheDir, 'T2').length;
    expect(finished).toBeGreaterThanOrEqual(3);
    expect(finished).toBeLessThan(12);
    // Nothing wrote after the kill (no orphan finished a job into the cache).
    await new Promise((r) => setTimeout(r, 600));
    expect(cacheEntries(cacheDir, 'T2').length).toBe(finished);

    // The busy wait does not change a job's numbers: resume without it.
    const resumed = cli(['run', 'T2', '--tier', 'smoke', '--json', '--jobs', String(jobs)], { ...env, NTKV_TOY_SLEEP_MS: '0' });
    expect(resumed.status, resumed.stderr).toBe(0);
    const r = parseResults(resumed.stdout);
    expect(r.claims[0]!.timing.cachedJobs).toBe(finished);
    expect(r.claims[0]!.jobs.every((j) => j.status === 'ok')).toBe(true);
    expect(resumed.stderr).not.toMatch(/damaged/); // atomic writes: no half-written entry
  });
});
