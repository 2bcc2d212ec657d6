/**
 * A tampered cache through the CLI, on a real claim (issue 17, case 2): deleting "output"
 * from one cached H3 job, or truncating a memoised SVG, is reported in one warning line and
 * recomputed; the results and the plots equal a clean run's.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResults, type RunResults } from '../../src/runner/results';
import { cacheEntries, cli, tempDir, userEnv } from './helpers';

const tmp = tempDir('cache');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cacheDir = path.join(tmp, 'cache');
const env = userEnv({ NTKV_CACHE_DIR: cacheDir, NTKV_REPORTS_DIR: path.join(tmp, 'reports') });
const stable = (r: RunResults) => r.claims.map((c) => ({ ...c, timing: undefined, jobs: c.jobs.map((j) => ({ ...j, ms: undefined, cpuMs: undefined, cached: undefined })) }));

describe('tampered cache, end to end', () => {
  it('H3: an entry without "output" and a truncated plot are recomputed with one warning each', () => {
    const clean = cli(['run', 'H3', '--tier', 'smoke', '--json', '--out', path.join(tmp, 'clean')], env);
    expect([0, 1]).toContain(clean.status);
    const a = parseResults(clean.stdout);
    const entries = cacheEntries(cacheDir, 'H3');
    expect(entries.length).toBe(a.claims[0]!.jobs.length);
    const victim = entries[0]!;
    const e = JSON.parse(readFileSync(victim, 'utf8'));
    delete e.record.output;
    writeFileSync(victim, JSON.stringify(e));
    const svgDir = path.join(cacheDir, 'svg');
    const svgs = readdirSync(svgDir).filter((f) => f.endsWith('.svg')).sort();
    const svgVictim = path.join(svgDir, svgs[0]!);
    writeFileSync(svgVictim, readFileSync(svgVictim, 'utf8').slice(0, 300));

    const again = cli(['run', 'H3', '--tier', 'smoke', '--json', '--out', path.join(tmp, 'again')], env);
    expect(again.status).toBe(clean.status);
    const warnings = again.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warning: cache entry .*H3.* is damaged \(record does not match the job schema at output: .*\); recomputing the job$/);
    expect(warnings[1]).toMatch(/^warning: cached plot .*svg is damaged \(no content hash .*\); rendering it again$/);
    const b = parseResults(again.stdout);
    expect(b.claims[0]!.timing.cachedJobs).toBe(a.claims[0]!.jobs.length - 1);
    expect(stable(b)).toEqual(stable(a));
    // Every plot of the report equals the clean run's.
    const plots = (d: string) => readdirSync(path.join(tmp, d, 'H3')).filter((f) => f.endsWith('.svg')).sort();
    expect(plots('again')).toEqual(plots('clean'));
    for (const f of plots('clean')) expect(readFileSync(path.join(tmp, 'again', 'H3', f), 'utf8')).toBe(readFileSync(path.join(tmp, 'clean', 'H3', f), 'utf8'));
  });
});
