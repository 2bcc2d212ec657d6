/**
 * Content-addressed job cache. One JSON file per finished job under
 * <cacheDir>/<claimId>/<key>.json, key = sha256 of everything that determines the job's
 * numbers (engine version, claim file contents, resolved setting, sweep value, trial,
 * root seed). Files are written atomically (temp file + rename), so a run killed at
 * any moment leaves only complete entries and the next run resumes from them.
 * Failed jobs are not cached: a rerun retries them.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { hashText, workspaceRoot } from './engine-version';
import { type JobRecord, jobRecordSchema } from './results';

export function defaultCacheDir(): string {
  return process.env.NTKV_CACHE_DIR ? path.resolve(process.env.NTKV_CACHE_DIR) : path.join(workspaceRoot(), '.ntkv-cache');
}

export interface JobKeyParts {
  engineVersion: string;
  claimId: string;
  claimSourceHash: string;
  setting: Record<string, unknown>;
  x: number;
  trial: number;
  rootSeed: string | number;
}

/** Canonical JSON (sorted keys) so equal settings hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function jobKey(p: JobKeyParts): string {
  return hashText(canonicalJson(p)).slice(0, 32);
}

export class JobCache {
  constructor(readonly dir: string = defaultCacheDir(), readonly enabled = true) {}

  private file(claimId: string, key: string): string {
    return path.join(this.dir, claimId, `${key}.json`);
  }

  get(claimId: string, key: string): JobRecord | undefined {
    if (!this.enabled) return undefined;
    const f = this.file(claimId, key);
    if (!existsSync(f)) return undefined;
    try {
      const r = jobRecordSchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
      return r.success && r.data.status === 'ok' ? r.data : undefined;
    } catch {
      return undefined; // a damaged entry is recomputed
    }
  }

  put(claimId: string, rec: JobRecord): void {
    if (!this.enabled || rec.status !== 'ok') return;
    const f = this.file(claimId, rec.key);
    mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rec));
    renameSync(tmp, f);
  }
}
