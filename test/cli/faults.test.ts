/**
 * Fault handling that is fast enough for `npm test` (issue 17): cache entries tampered
 * field by field, memoised SVGs truncated, run ids and exclusive run folders, unusable
 * folders named by their real cause, merge's shard checks, inspect's empty inputs and
 * repeated flags, one exit-code convention, JSON errors. The slower end-to-end cases
 * (SIGKILL and resume, colliding CLI runs, read-only mounts, worker counts, orphaned
 * workers) are in test/faults/ (`npm run test:faults`).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CACHE_FORMAT, JobCache, checkCacheEntry } from '../../src/runner/cache';
import { loadRegistry, selectClaims } from '../../src/runner/registry';
import { newRunId, runClaims } from '../../src/runner/runner';
import { parseResults, type RunResults } from '../../src/runner/results';
import { jobBlasThreads, parseThreads } from '../../src/runner/threads';
import { createRunFolder, describeFsError, FolderError, prepareFolder } from '../../src/cli/folders';
import { checkShardSet, mergeRuns } from '../../src/cli/run';
import { renderSvg, sealSvg, unsealSvg } from '../../src/report/plots';
import { writeNpy } from '../../src/io/npy';
import { zeros } from '../../src/linalg/mat';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/ntk-verify.mjs');
const toyDir = path.join(__dirname, '../runner/toy-claims');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const env = { ...process.env, NTKV_CLAIMS_DIR: toyDir, NTKV_CACHE_DIR: path.join(tmp, 'cli-cache'), NTKV_REPORTS_DIR: path.join(tmp, 'reports') };
const cli = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });

/** Job outputs and keys, without what legitimately differs between runs (times, cache flags). */
function outputs(r: RunResults) {
  return r.claims.map((c) => c.jobs.map((j) => ({ key: j.key, x: j.x, trial: j.trial, status: j.status, output: j.output })));
}

describe('cache integrity: every field of an entry is checked', async () => {
  const reg = await loadRegistry([toyDir]);
  const sel = selectClaims(reg, ['T1']);
  const dir = path.join(tmp, 'tamper-cache');
  const fresh = await runClaims(sel, { tier: 'smoke', cache: new JobCache(dir, true, () => {}) });
  const files = readdirSync(path.join(dir, 'T1')).filter((f) => f.endsWith('.json')).sort();
  const victim = path.join(dir, 'T1', files[3]!);
  const pristine = readFileSync(victim, 'utf8');

  it('an intact cache is served in full, without warnings', async () => {
    const warnings: string[] = [];
    const again = await runClaims(sel, { tier: 'smoke', cache: new JobCache(dir, true, (w) => warnings.push(w)) });
    expect(warnings).toEqual([]);
    expect(again.claims[0]!.timing.cachedJobs).toBe(12);
    expect(outputs(again)).toEqual(outputs(fresh));
  });

  const entry = JSON.parse(pristine);
  const paths: string[][] = [['format'], ['sha256'], ['record'],
    ...Object.keys(entry.record).map((k) => ['record', k]),
    ...Object.keys(entry.record.output).map((k) => ['record', 'output', k]),
    ...Object.keys(entry.record.output.values).map((k) => ['record', 'output', 'values', k])];
  const tampered: [string, (e: any) => void][] = [
    ...paths.map((p): [string, (e: any) => void] => [`delete ${p.join('.')}`, (e) => {
      let o = e;
      for (const k of p.slice(0, -1)) o = o[k];
      delete o[p.at(-1)!];
    }]),
    ['change record.output.values.a by 1e-12 (relative)', (e) => { e.record.output.values.a *= 1 + 1e-12; }],
    ['change record.x', (e) => { e.record.x *= 2; }],
    ['change record.key', (e) => { e.record.key = 'f'.repeat(32); }],
    ['status failed', (e) => { e.record.status = 'failed'; }],
    ['an older format', (e) => { e.format = 'ntk-verify.job/1'; }],
    ['a bare record (the old layout)', (e) => { for (const k of Object.keys(e)) delete e[k]; Object.assign(e, JSON.parse(pristine).record); }],
  ];
  it.each(tampered)('%s: warned in one line, recomputed, results unchanged, entry rewritten', async (_what, edit) => {
    const e = JSON.parse(pristine);
    edit(e);
    writeFileSync(victim, JSON.stringify(e));
    const warnings: string[] = [];
    const cache = new JobCache(dir, true, (w) => warnings.push(w));
    const r = await runClaims(sel, { tier: 'smoke', cache });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^warning: cache entry .*${files[3]} is damaged \\(.+\\); recomputing the job$`));
    expect(warnings[0]).not.toMatch(/\n/);
    expect(r.claims[0]!.timing.cachedJobs).toBe(11);
    expect(outputs(r)).toEqual(outputs(fresh));
    // The recomputed job replaced the bad entry: the next run is fully cached.
    expect(checkCacheEntry(readFileSync(victim, 'utf8'), files[3]!.replace(/\.json$/, ''))).toHaveProperty('record');
  });

  it.each([
    ['truncated', pristine.slice(0, pristine.length >> 1)],
    ['empty', ''],
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
  ])('a %s entry is recomputed with a warning', async (_what, text) => {
    writeFileSync(victim, text);
    const warnings: string[] = [];
    const r = await runClaims(sel, { tier: 'smoke', cache: new JobCache(dir, true, (w) => warnings.push(w)) });
    expect(warnings).toHaveLength(1);
    expect(r.claims[0]!.timing.cachedJobs).toBe(11);
    expect(outputs(r)).toEqual(outputs(fresh));
  });

  it('the entry format names what is checked', () => {
    expect(entry.format).toBe(CACHE_FORMAT);
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(checkCacheEntry(pristine, 'other-key')).toEqual({ problem: expect.stringMatching(/filed under other-key/) });
  });
});

describe('memoised SVGs carry a content hash', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

  it('seal/unseal round trip; truncation, edits and foreign files are refused', () => {
    const sealed = sealSvg(svg);
    expect(unsealSvg(sealed)).toEqual({ svg });
    expect(unsealSvg(sealed.slice(0, 60))).toHaveProperty('problem');
    expect(unsealSvg(sealed.replace('width="10"', 'width="11"'))).toEqual({ problem: expect.stringMatching(/content hash/) });
    expect(unsealSvg(svg)).toEqual({ problem: expect.stringMatching(/no content hash/) });
  });

  it('a truncated cached plot is rendered again with a warning, never copied into a report', async () => {
    const cacheDir = path.join(tmp, 'svg-cache');
    const before = process.env.NTKV_CACHE_DIR;
    process.env.NTKV_CACHE_DIR = cacheDir;
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const spec = { data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } };
      const first = await renderSvg(spec);
      const [file] = readdirSync(path.join(cacheDir, 'svg')).filter((f) => f.endsWith('.svg'));
      const full = path.join(cacheDir, 'svg', file!);
      expect(await renderSvg(spec)).toBe(first); // served from the cache
      expect(spy).not.toHaveBeenCalled();
      writeFileSync(full, readFileSync(full, 'utf8').slice(0, 200));
      expect(await renderSvg(spec)).toBe(first);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(/^warning: cached plot .* is damaged \(no content hash .*\); rendering it again$/);
      expect(unsealSvg(readFileSync(full, 'utf8'))).toEqual({ svg: first }); // repaired
    } finally {
      spy.mockRestore();
      if (before === undefined) delete process.env.NTKV_CACHE_DIR;
      else process.env.NTKV_CACHE_DIR = before;
    }
  });
});

describe('run ids and run folders cannot collide', () => {
  it('ids carry milliseconds and a random suffix: 200 ids drawn at once are distinct (a 32-bit suffix: a collision among 200 in the same millisecond has probability 5e-6)', () => {
    const ids = Array.from({ length: 200 }, () => newRunId('smoke'));
    expect(new Set(ids).size).toBe(200);
    expect(ids[0]).toMatch(/^\d{8}-\d{6}-\d{3}-smoke-[0-9a-f]{8}$/);
    expect(newRunId('paper', { index: 2, count: 8 })).toMatch(/-paper-[0-9a-f]{8}-shard2of8$/);
  });

  it('a run folder is created exclusively; a taken id draws a new one', () => {
    const parent = path.join(tmp, 'runs');
    mkdirSync(path.join(parent, 'taken'), { recursive: true });
    const ids = ['taken', 'taken', 'fresh'];
    const made = createRunFolder(parent, () => ids.shift()!);
    expect(made.id).toBe('fresh');
    expect(existsSync(made.dir)).toBe(true);
    expect(() => createRunFolder(parent, () => 'taken', 3)).toThrow(/cannot create a new run folder: exists/);
  });
});

describe('folders are checked up front and the cause is named', () => {
  it('under /proc and /sys: refused at once (no recursive mkdir that spins)', () => {
    const t0 = Date.now();
    expect(() => prepareFolder('/proc/nonexistent/deeper', 'report folder')).toThrow(/\/proc is on a kernel pseudo-filesystem/);
    expect(() => prepareFolder('/sys/ntkv', 'report folder')).toThrow(/pseudo-filesystem/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a file in the way: "is a file, not a folder", naming which', () => {
    const f = path.join(tmp, 'plain-file');
    writeFileSync(f, 'x');
    expect(() => prepareFolder(f, 'report folder')).toThrow(FolderError);
    expect(() => prepareFolder(f, 'report folder')).toThrow(/plain-file: is a file, not a folder/);
    expect(() => prepareFolder(path.join(f, 'a', 'b'), 'report folder')).toThrow(/plain-file is a file, not a folder/);
  });

  it('makes missing parents and leaves no write-test file behind', () => {
    const d = prepareFolder(path.join(tmp, 'new', 'deep', 'er'), 'report folder');
    expect(readdirSync(d)).toEqual([]);
  });

  it('a folder without write permission: "permission denied" (as a non-root user)', () => {
    const d = path.join(tmp, 'locked');
    mkdirSync(d);
    chmodSync(d, 0o500);
    try {
      if (process.getuid?.() === 0) {
        // root writes anyway; the read-only and permission cases run as a real mount and
        // as user nobody in test/faults/folders.fault.ts. Here: the wording of the causes.
        expect(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied');
        expect(describeFsError(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe('read-only file system');
        expect(describeFsError(Object.assign(new Error('x'), { code: 'ENOTDIR' }))).toMatch(/not a folder/);
      } else {
        expect(() => prepareFolder(path.join(d, 'sub'), 'report folder')).toThrow(/permission denied/);
      }
    } finally {
      chmodSync(d, 0o700);
    }
  });

  it('CLI: an unusable --out fails before any job runs, exit 2; with --json a JSON error on stdout', () => {
    const cacheDir = path.join(tmp, 'untouched-cache');
    const r = cli(['run', 'T1', '--tier', 'smoke', '--out', '/proc/nonexistent', '--json'], { NTKV_CACHE_DIR: cacheDir });
    expect(r.status).toBe(2);
    const o = JSON.parse(r.stdout);
    expect(o).toEqual({ error: { message: expect.stringMatching(/report folder \(--out\) \/proc\/nonexistent: .*pseudo-filesystem/), kind: 'folder', exitCode: 2 } });
    expect(existsSync(path.join(cacheDir, 'T1'))).toBe(false); // nothing computed
    const f = path.join(tmp, 'a-file');
    writeFileSync(f, '');
    const c = cli(['run', 'T1', '--tier', 'smoke', '--json'], { NTKV_CACHE_DIR: f });
    expect(c.status).toBe(2);
    expect(JSON.parse(c.stdout).error.message).toMatch(/job cache folder \(NTKV_CACHE_DIR\) .*a-file: is a file, not a folder/);
  });
});

describe('merge: all the shards of one run, once each', async () => {
  const reg = await loadRegistry([toyDir]);
  const sel = selectClaims(reg, ['T1']);
  const cache = new JobCache(path.join(tmp, 'shard-cache'), true, () => {});
  const shard = async (index: number, count: number, extra: { rootSeed?: number } = {}) =>
    parseResults(JSON.stringify(await runClaims(sel, { tier: 'smoke', shard: { index, count }, cache, ...extra })));
  const [s1, s2, s3] = [await shard(1, 3), await shard(2, 3), await shard(3, 3)];

  it('the three shards merge; a missing, repeated or foreign shard is an error naming it', async () => {
    const merged = await mergeRuns([s3, s1, s2], reg);
    expect(merged.claims[0]!.jobs).toHaveLength(12);
    expect(() => checkShardSet([s1, s3])).toThrow(/missing shard 2\/3 \(given: 1\/3, 3\/3\)/);
    expect(() => checkShardSet([s1, s2, s2, s3])).toThrow(/shard 2\/3 given 2 times/);
    const other = await shard(2, 3, { rootSeed: 99 });
    expect(() => checkShardSet([s1, other, s3])).toThrow(/different runs: root seed 20231123 .* but 99/);
    const halves = await shard(1, 2);
    expect(() => checkShardSet([s1, halves])).toThrow(/shard count 3 .* but 2/);
    const whole = parseResults(JSON.stringify(await runClaims(sel, { tier: 'smoke', cache })));
    expect(() => checkShardSet([whole])).toThrow(/is not a shard/);
    const threads = { ...s2, environment: { ...s2.environment, blasThreads: 4 } };
    expect(() => checkShardSet([s1, threads, s3])).toThrow(/BLAS threads per job 1 .* but 4/);
    const engine = { ...s2, environment: { ...s2.environment, engineVersion: '0.0.0+old' } };
    expect(() => checkShardSet([s1, engine, s3])).toThrow(/engine version/);
  });

  it('a claim whose jobs are not all in the shards is refused', async () => {
    const holed = { ...s2, claims: s2.claims.map((c) => ({ ...c, jobs: c.jobs.slice(1) })) };
    await expect(mergeRuns([s1, holed, s3], reg)).rejects.toThrow(/claim T1 has 11 of the 12 jobs/);
  });
});

describe('threads per job', () => {
  it('NTKV_BLAS_THREADS or 1; anything else is refused', () => {
    const before = process.env.NTKV_BLAS_THREADS;
    try {
      delete process.env.NTKV_BLAS_THREADS;
      expect(jobBlasThreads()).toBe(1);
      process.env.NTKV_BLAS_THREADS = '3';
      expect(jobBlasThreads()).toBe(3);
    } finally {
      if (before === undefined) delete process.env.NTKV_BLAS_THREADS;
      else process.env.NTKV_BLAS_THREADS = before;
    }
    expect(() => parseThreads('0', '--threads')).toThrow(/--threads must be a whole number/);
    expect(() => parseThreads('2.5', '--threads')).toThrow(/got '2.5'/);
  });
});

describe('inspect: empty inputs, repeated flags, absurd step counts', () => {
  const f = (name: string) => path.join(tmp, name);
  writeNpy(f('X.npy'), zeros(3, 4));
  writeNpy(f('X-d0n.npy'), zeros(3, 0));
  writeNpy(f('X-0n.npy'), zeros(0, 4));
  writeNpy(f('W.npy'), zeros(5, 3));
  writeNpy(f('W-0.npy'), zeros(0, 3));
  writeNpy(f('W-h0.npy'), zeros(5, 0));
  writeNpy(f('v.npy'), new Float64Array(5));
  writeNpy(f('v0.npy'), new Float64Array(0));
  writeNpy(f('y.npy'), new Float64Array(4));
  const inspect = (X: string, W: string, v: string, ...more: string[]) =>
    cli(['inspect', '--X', f(X), '--W', f(W), '--v', f(v), '--act', 'relu', ...more]);

  it.each([
    ['a d×0 X', ['X-d0n.npy', 'W.npy', 'v.npy'], /--X .*X-d0n.npy is 3×0 \(d×n\): every dimension must be at least 1/],
    ['a 0×n X (d = 0)', ['X-0n.npy', 'W-h0.npy', 'v.npy'], /--X .*is 0×4 \(d×n\)/],
    ['h = 0', ['X.npy', 'W-0.npy', 'v0.npy'], /--W .*is 0×3 \(h×d\)/],
  ])('%s: exit 2 with the shape, on stderr and as a JSON error', (_what, [X, W, v], msg) => {
    const j = inspect(X!, W!, v!, '--json');
    expect(j.status).toBe(2);
    expect(j.stderr).toMatch(msg);
    expect(JSON.parse(j.stdout).error.message).toMatch(msg);
  });

  it('a repeated flag names the flag and its values', () => {
    const r = cli(['inspect', '--X', f('X.npy'), '--W', f('W.npy'), '--v', f('v.npy'), '--act', 'relu', '--act', 'tanh']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--act was given 2 times \('relu', 'tanh'\); give it once/);
  });

  it('--steps 1e9 is refused with the cap; --lr Infinity too', () => {
    const r = inspect('X.npy', 'W.npy', 'v.npy', '--y', f('y.npy'), '--train', 'gd', '--steps', '1e9');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--steps 1000000000 is more than the 100000 steps inspect runs/);
    const l = inspect('X.npy', 'W.npy', 'v.npy', '--y', f('y.npy'), '--train', 'gd', '--lr', 'Infinity');
    expect(l.status).toBe(2);
    expect(l.stderr).toMatch(/--lr must be a finite number > 0/);
  });
});

describe('one exit-code convention', () => {
  it('--help documents it; input errors of report, merge and diff all exit 2', () => {
    const h = cli(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Exit codes:\n\s+0 {2}success[^\n]*\n\s+1 {2}a verdict, check or comparison differs[^\n]*\n\s+2 {2}the command could not do what was asked/);
    expect(cli(['run', '--help']).stdout).toMatch(/--no-cache\s+Recompute every job and plot, neither reading nor writing the cache/);
    const bad = path.join(tmp, 'bad-results.json');
    writeFileSync(bad, '{"schema": "nope"}');
    for (const args of [['report', bad], ['merge', bad], ['diff', bad, bad], ['report', path.join(tmp, 'none')], ['merge', path.join(tmp, 'none')]]) {
      const r = cli(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^ntk-verify: /);
    }
    const j = cli(['diff', bad, bad, '--json']);
    expect(JSON.parse(j.stdout)).toEqual({ error: { message: expect.stringMatching(/bad-results.json/), kind: 'usage', exitCode: 2 } });
  });
});
