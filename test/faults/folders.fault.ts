/**
 * Unusable report and cache folders, as a user meets them: a read-only mount, a folder
 * the user may not write, /proc, a file in the way. Each fails before any job runs, in
 * seconds, with exit 2 and the real cause (and a JSON error object with --json).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, canMountReadOnly, cacheEntries, cli, tempDir, toyDir, userEnv } from './helpers';

const tmp = tempDir('folders');
chmodSync(tmp, 0o755);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = userEnv({ NTKV_CLAIMS_DIR: toyDir, NTKV_CACHE_DIR: path.join(tmp, 'cache'), NTKV_REPORTS_DIR: path.join(tmp, 'reports'), NTKV_TOY_SLEEP_MS: '300', NTKV_TOY_NO_FAIL: '1' });
const ro = canMountReadOnly();

function jsonError(stdout: string): { message: string; kind: string; exitCode: number } {
  return JSON.parse(stdout.trim().split('\n').at(-1)!).error;
}

describe('unusable folders', () => {
  it.skipIf(!ro)('a read-only mount: "read-only file system", for --out and for NTKV_CACHE_DIR, before any job', () => {
    const mnt = path.join(tmp, 'ro');
    mkdirSync(mnt);
    const script = [
      `mount -t tmpfs -o ro tmpfs '${mnt}'`,
      `'${process.execPath}' '${bin}' run T2 --tier smoke --json --out '${mnt}/report' > '${tmp}/out1.json'; echo $? > '${tmp}/rc1'`,
      `NTKV_CACHE_DIR='${mnt}/cache' '${process.execPath}' '${bin}' run T2 --tier smoke --json > '${tmp}/out2.json'; echo $? > '${tmp}/rc2'`,
    ].join('; ');
    const t0 = Date.now();
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000); // 12 jobs × 300 ms would be > 3.6 s each: none ran
    const read = (f: string) => spawnSync('cat', [path.join(tmp, f)], { encoding: 'utf8' }).stdout;
    expect(read('rc1').trim()).toBe('2');
    expect(jsonError(read('out1.json'))).toEqual({ message: `report folder (--out) ${mnt}/report: cannot create ${mnt}/report: read-only file system`, kind: 'folder', exitCode: 2 });
    expect(read('rc2').trim()).toBe('2');
    expect(jsonError(read('out2.json')).message).toBe(`job cache folder (NTKV_CACHE_DIR) ${mnt}/cache: cannot create ${mnt}/cache: read-only file system`);
    expect(cacheEntries(path.join(tmp, 'cache'), 'T2')).toEqual([]);
  });

  const nobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', '0']).status === 0 &&
    spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, '--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!nobody)('a folder the user may not write: "permission denied" (run as user nobody)', () => {
    const locked = path.join(tmp, 'locked');
    mkdirSync(locked, { mode: 0o755 }); // owned by root, not writable by nobody
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'run', 'T2', '--tier', 'smoke', '--no-cache', '--json', '--out', path.join(locked, 'rep')],
      { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(jsonError(r.stdout).message).toBe(`report folder (--out) ${locked}/rep: cannot create ${locked}/rep: permission denied`);
    mkdirSync(path.join(locked, 'rep'));
    const w = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'run', 'T2', '--tier', 'smoke', '--no-cache', '--out', path.join(locked, 'rep')],
      { env, encoding: 'utf8', timeout: 60_000 });
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(/rep: cannot write in it: permission denied/);
  });

  it('/proc/nonexistent and /sys: refused in seconds (no spinning mkdir), exit 2, nothing computed', () => {
    for (const out of ['/proc/nonexistent', '/proc/self/ntkv', '/sys/kernel/ntkv']) {
      const t0 = Date.now();
      const r = cli(['run', 'T2', '--tier', 'smoke', '--out', out], env, 30_000);
      expect(r.status, `${out}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/pseudo-filesystem/);
      expect(Date.now() - t0).toBeLessThan(15_000);
    }
    expect(cacheEntries(path.join(tmp, 'cache'), 'T2')).toEqual([]);
  });

  it('a file in the way of --out or of the reports folder: named, before any job', () => {
    const f = path.join(tmp, 'a-file');
    writeFileSync(f, '');
    const a = cli(['run', 'T2', '--tier', 'smoke', '--out', path.join(f, 'rep')], env);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/a-file is a file, not a folder/);
    const b = cli(['run', 'T2', '--tier', 'smoke', '--json'], { ...env, NTKV_REPORTS_DIR: f });
    expect(b.status).toBe(2);
    expect(jsonError(b.stdout).message).toMatch(/reports folder .*a-file: is a file, not a folder/);
    expect(cacheEntries(path.join(tmp, 'cache'), 'T2')).toEqual([]);
    expect(existsSync(path.join(tmp, 'reports'))).toBe(false);
  });
});
