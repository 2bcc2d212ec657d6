/** Shards as a Slurm array runs them, and merge's checks, through the CLI. */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults, type RunResults } from '../../src/runner/results';
import { cli, tempDir, toyDir, userEnv } from './helpers';

const tmp = tempDir('shards');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = userEnv({ NTKV_CLAIMS_DIR: toyDir, NTKV_CACHE_DIR: path.join(tmp, 'cache'), NTKV_REPORTS_DIR: path.join(tmp, 'reports') });
const outputs = (r: RunResults) => r.claims.map((c) => [c.id, [...c.jobs].sort((a, b) => a.key.localeCompare(b.key)).map((j) => [j.key, j.output])]);

describe('shards and merge', () => {
  it('every shard exits 0 and points to merge; the merge equals the whole run; missing or repeated shards exit 2', () => {
    const dirs = [1, 2, 3].map((k) => path.join(tmp, `shard-${k}`));
    for (const [i, d] of dirs.entries()) {
      const r = cli(['run', 'T1', 'T3', '--tier', 'smoke', '--shard', `${i + 1}/3`, '--out', d], env);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${i + 1}/3: (\\d+) of \\1 job\\(s\\) ran\\. Verdicts come with \`ntk-verify merge\` of all 3 shards\\.`));
      expect(r.stdout).not.toMatch(/INCONCLUSIVE/);
    }
    const merged = cli(['merge', ...dirs, '--out', path.join(tmp, 'merged')], env);
    expect(merged.status, merged.stderr).toBe(0);
    const whole = cli(['run', 'T1', 'T3', '--tier', 'smoke', '--json', '--no-cache', '--out', path.join(tmp, 'whole')], env);
    expect(whole.status, whole.stderr).toBe(0);
    const m = parseResults(readFileSync(path.join(tmp, 'merged', 'results.json'), 'utf8'));
    const w = parseResults(whole.stdout);
    expect(outputs(m)).toEqual(outputs(w));
    expect(m.claims.map((c) => [c.id, c.verdict, c.matchesExpected])).toEqual(w.claims.map((c) => [c.id, c.verdict, c.matchesExpected]));

    const missing = cli(['merge', dirs[0]!, dirs[2]!, '--out', path.join(tmp, 'm2')], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/merge: missing shard 2\/3 \(given: 1\/3, 3\/3\)/);
    const twice = cli(['merge', dirs[0]!, dirs[1]!, dirs[1]!, dirs[2]!, '--json'], env);
    expect(twice.status).toBe(2);
    expect(JSON.parse(twice.stdout).error.message).toMatch(/shard 2\/3 given 2 times/);
    const seed = cli(['run', 'T1', 'T3', '--tier', 'smoke', '--shard', '2/3', '--seed', '5', '--out', path.join(tmp, 'seed5')], env);
    expect(seed.status).toBe(0);
    const foreign = cli(['merge', dirs[0]!, path.join(tmp, 'seed5'), dirs[2]!], env);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toMatch(/different runs: root seed 20231123 .* but 5/);
  });

  it('a shard with a failed job exits 1 and names it', () => {
    const shards = [1, 2].map((k) => cli(['run', 'T2', '--tier', 'smoke', '--shard', `${k}/2`, '--out', path.join(tmp, `t2-${k}`)], env));
    // T2 fails at n = 400, trial 1: exactly one of the two shards holds that job.
    expect(shards.map((s) => s.status).sort()).toEqual([0, 1]);
    const bad = shards.find((s) => s.status === 1)!;
    expect(bad.stdout).toMatch(/job failed: claim T2, n=400, trial 1/);
    expect(bad.stdout).toMatch(/shard [12]\/2: 5 of 6 job\(s\) ran, 1 failed\. Verdicts come with `ntk-verify merge`/);
  });
});
