/**
 * Folders the CLI writes to (reports, the job cache), made and write-tested before any
 * job runs, with an error that names the real cause: a read-only file system, a missing
 * permission, a file where a folder should be, a kernel pseudo-filesystem (/proc, /sys,
 * …). Every step is bounded: the folder is created one component at a time (Node's
 * recursive mkdir can loop forever on /proc), and nothing is retried without limit.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, statSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A folder that cannot be used; the CLI exits 2 with this message. */
export class FolderError extends Error {
  override name = 'FolderError';
}

/** statfs magic numbers of kernel pseudo-filesystems (linux/magic.h). */
const PSEUDO_FS: Record<number, string> = {
  0x9fa0: 'proc', 0x62656572: 'sysfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2', 0x64626720: 'debugfs',
  0x74726163: 'tracefs', 0x73636673: 'securityfs', 0x1cd1: 'devpts', 0xcafe4a11: 'bpf', 0x62656570: 'configfs',
  0x6165676c: 'pstore', 0xde5e81e4: 'efivarfs', 0x6e736673: 'nsfs',
};
const PSEUDO_PREFIXES = ['/proc', '/sys', '/dev'];

/** Plain words for a file-system error code. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'EROFS': return 'read-only file system';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    case 'EEXIST': return 'exists and is not a folder';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'ENAMETOOLONG': return 'name too long';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EISDIR': return 'is a folder';
    case 'ENOENT': return 'does not exist';
    case 'EIO': return 'input/output error';
    default: return err?.code ? `${err.code}: ${err.message}` : String((e as Error)?.message ?? e);
  }
}

function pseudoFsOf(p: string): string | undefined {
  let real = p;
  try {
    real = realpathSync(p);
  } catch {
    // keep p
  }
  for (const pre of PSEUDO_PREFIXES) {
    if (real === pre || real.startsWith(`${pre}/`)) return `a kernel pseudo-filesystem (${pre})`;
  }
  try {
    const name = PSEUDO_FS[statfsSync(real).type];
    if (name) return `a ${name} pseudo-filesystem`;
  } catch {
    // statfs unsupported here: the prefix check above is all we can do
  }
  return undefined;
}

/**
 * Makes `dir` (and its missing parents) and checks a file can be written in it.
 * `what` names the folder in errors, e.g. "report folder" or "job cache folder (NTKV_CACHE_DIR)".
 * Returns the absolute path.
 */
export function prepareFolder(dir: string, what: string): string {
  const abs = path.resolve(dir);
  const fail = (msg: string): never => {
    throw new FolderError(`${what} ${abs}: ${msg}`);
  };
  // Nearest existing ancestor (bounded by the path's depth).
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st;
    try {
      st = statSync(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') fail(`cannot look at ${cur}: ${describeFsError(e)}`);
      const up = path.dirname(cur);
      if (up === cur) fail('no part of the path exists');
      missing.unshift(path.basename(cur));
      cur = up;
      continue;
    }
    if (!st.isDirectory()) fail(cur === abs ? 'is a file, not a folder' : `${cur} is a file, not a folder`);
    break;
  }
  const pseudo = pseudoFsOf(cur);
  if (pseudo) fail(`${cur} is on ${pseudo}; reports and caches cannot be written there (choose a folder on a disk)`);
  for (const part of missing) {
    const next = path.join(cur, part);
    try {
      mkdirSync(next); // one level, no recursion: bounded
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const raced = code === 'EEXIST' && (() => { try { return statSync(next).isDirectory(); } catch { return false; } })();
      if (!raced) fail(`cannot create ${next}: ${describeFsError(e)}`);
    }
    cur = next;
  }
  const probe = path.join(abs, `.ntkv-write-test-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    writeFileSync(probe, 'ntk-verify write test\n');
  } catch (e) {
    fail(`cannot write in it: ${describeFsError(e)}`);
  }
  try {
    unlinkSync(probe);
  } catch (e) {
    fail(`cannot delete a file written in it: ${describeFsError(e)}`);
  }
  return abs;
}

/**
 * Creates a new run folder <parent>/<id> exclusively: the folder must not exist yet. On a
 * collision (another run made the same id) a fresh id is drawn, up to `attempts` times.
 */
export function createRunFolder(parent: string, newId: () => string, attempts = 8): { id: string; dir: string } {
  const base = prepareFolder(parent, 'reports folder');
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    const id = newId();
    const dir = path.join(base, id);
    try {
      mkdirSync(dir); // fails with EEXIST when the id is taken: never share a folder
      return { id, dir };
    } catch (e) {
      last = e;
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break;
    }
  }
  throw new FolderError(`reports folder ${base}: cannot create a new run folder: ${describeFsError(last)}`);
}
