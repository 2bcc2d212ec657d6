/** Runs started at the same moment each get their own report folder (issue 17, case 1). */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults } from '../../src/runner/results';
import { cli, cliAsync, tempDir, toyDir, userEnv } from './helpers';

const tmp = tempDir('collide');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('colliding runs', () => {
  it('four runs at once (cached jobs: they finish within the same second) leave four complete reports', async () => {
    const reports = path.join(tmp, 'reports');
    const env = userEnv({ NTKV_CLAIMS_DIR: toyDir, NTKV_CACHE_DIR: path.join(tmp, 'cache'), NTKV_REPORTS_DIR: reports });
    for (const id of ['T1', 'T3']) expect(cli(['run', id, '--tier', 'smoke', '--out', path.join(tmp, `warm-${id}`)], env).status).not.toBe(2);
    const ids = ['T1', 'T3', 'T1', 'T3'];
    const runs = ids.map((id) => cliAsync(['run', id, '--tier', 'smoke'], env));
    const ends = await Promise.all(runs.map((r) => r.done));
    for (const e of ends) expect(e.stderr).not.toMatch(/ntk-verify: /);
    const folders = readdirSync(reports).sort();
    expect(folders).toHaveLength(4);
    const claimsFound = folders.map((f) => {
      const r = parseResults(readFileSync(path.join(reports, f, 'results.json'), 'utf8'));
      expect(r.runId).toBe(f); // the folder is the run's own
      expect(r.claims.every((c) => c.timing.cachedJobs === c.timing.jobs)).toBe(true);
      return r.claims.map((c) => c.id).join(',');
    });
    expect(claimsFound.sort()).toEqual(['T1', 'T1', 'T3', 'T3']);
  });
});
