/**
 * SIGKILL in the middle of a long job: its training run resumes from its last checkpoint on the
 * next run (NTKV_CHECKPOINT_MINUTES sets the save interval), computes only the steps after it,
 * and ends with exactly the values of a run never stopped; the checkpoint folder goes once the
 * job is cached.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults } from '../../src/runner/results';
import { cacheEntries, cli, cliAsync, root, tempDir, userEnv, waitFor } from './helpers';

const tmp = tempDir('kill-mid-job');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const claims = path.join(root, 'test/faults/toy-train');

function checkpointFiles(cacheDir: string): string[] {
  const d = path.join(cacheDir, 'T9');
  if (!existsSync(d)) return [];
  return readdirSync(d).filter((f) => f.endsWith('.train')).flatMap((f) => readdirSync(path.join(d, f)).filter((g) => g.endsWith('.ckpt')));
}

describe('kill -9 mid-job, then resume', () => {
  it.each([1, 2])('--jobs %i: the rerun resumes the training run from its checkpoint and ends as a run never stopped', async (jobs) => {
    const cacheDir = path.join(tmp, `cache-${jobs}`);
    const env = userEnv({ NTKV_CLAIMS_DIR: claims, NTKV_CACHE_DIR: cacheDir, NTKV_REPORTS_DIR: path.join(tmp, 'reports'), NTKV_CHECKPOINT_MINUTES: '0.002' });
    const { child, exited } = cliAsync(['run', 'T9', '--tier', 'smoke', '--jobs', String(jobs)], env);
    expect(await waitFor(() => checkpointFiles(cacheDir).length > 0, 90_000, 10)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    expect(cacheEntries(cacheDir, 'T9')).toHaveLength(0); // the job had not finished
    expect(checkpointFiles(cacheDir)).toEqual(['train-0.ckpt']);

    const resumed = cli(['run', 'T9', '--tier', 'smoke', '--json', '--jobs', String(jobs)], env);
    expect(resumed.status, resumed.stderr).toBe(0);
    const fresh = cli(['run', 'T9', '--tier', 'smoke', '--json', '--no-cache'], { ...env, NTKV_CACHE_DIR: path.join(tmp, `other-${jobs}`) });
    expect(fresh.status, fresh.stderr).toBe(0);
    const a = parseResults(resumed.stdout).claims[0]!.jobs[0]!;
    const b = parseResults(fresh.stdout).claims[0]!.jobs[0]!;
    expect(a.output!.values).toEqual(b.output!.values);
    expect(b.output!.meta!.stepsHere).toBe(3001); // steps 0…3000
    expect(a.output!.meta!.stepsHere as number).toBeLessThan(3001);
    expect(a.output!.meta!.stepsHere as number).toBeGreaterThan(0);
    // Cached now: the checkpoint folder is gone.
    expect(cacheEntries(cacheDir, 'T9')).toHaveLength(1);
    expect(checkpointFiles(cacheDir)).toEqual([]);
    expect(readdirSync(path.join(cacheDir, 'T9')).filter((f) => f.endsWith('.train'))).toEqual([]);
  });
});
