/** Shared by the fault tests: the CLI as a child process, process-table look-ups, temp folders. */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(__dirname, '../..');
export const bin = path.join(root, 'bin/ntk-verify.mjs');
export const toyDir = path.join(root, 'test/runner/toy-claims');

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ntkv-${tag}-`));
}

/** The environment of a user's shell: no test-runner thread setting. */
export function userEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const e: Record<string, string | undefined> = { ...process.env, ...extra };
  if (!('NTKV_BLAS_THREADS' in extra)) delete e.NTKV_BLAS_THREADS;
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e as Record<string, string>;
}

export function cli(args: string[], env: Record<string, string>, timeout = 180_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout });
}

/** Starts the CLI without waiting; resolves with exit status, stdout and stderr. */
export function cliAsync(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  // 'exit': the process ended (its orphans, if any, may still hold the pipes open).
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (status, signal) => resolve({ status, signal })));
  // 'close': ended and every pipe closed, so stdout and stderr are complete.
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, exited, done };
}

function statOf(pid: number): { ppid: number; state: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => {
    const s = statOf(p);
    return s !== undefined && s.ppid === pid && s.state !== 'Z';
  });
}

export function alive(pid: number): boolean {
  const s = statOf(pid);
  return s !== undefined && s.state !== 'Z';
}

export async function waitFor(cond: () => boolean, ms: number, step = 25): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return cond();
}

export function cacheEntries(dir: string, claim: string): string[] {
  const d = path.join(dir, claim);
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => path.join(d, f)) : [];
}

/** Whether `unshare -m` can mount a read-only tmpfs here (root in a container usually can). */
export function canMountReadOnly(): boolean {
  const probe = tempDir('ro-probe');
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o ro tmpfs '${probe}' && ! touch '${probe}/x' 2>/dev/null`], { encoding: 'utf8' });
  return r.status === 0;
}
