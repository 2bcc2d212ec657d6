/**
 * Content-addressed job cache. One JSON file per finished job under
 * <cacheDir>/<claimId>/<key>.json, key = sha256 of everything that determines the job's
 * numbers (engine version, claim file contents, resolved setting, sweep value, trial,
 * root seed). Files are written atomically (temp file + rename), so a run killed at
 * any moment leaves only complete entries and the next run resumes from them.
 * Failed jobs are not cached: a rerun retries them.
 *
 * Integrity: an entry is { format, sha256, record }, where sha256 is the hash of the
 * record's canonical JSON. On read the entry must parse, have this format, match the job
 * schema with status 'ok' and an output, carry the key it is filed under, and hash to its
 * stored sha256. Anything else (a truncated file, a deleted or edited field) is reported
 * in one warning line and the job is recomputed; the bad entry is then overwritten.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write';
import path from 'node:path';
import { z } from 'zod';
import { hashText, workspaceRoot } from './engine-version';
import { type JobRecord, jobOutputSchema, jobRecordSchema } from './results';
import { jobBlasThreads } from './threads';
import { removeTrainingCheckpoints } from '../train/checkpoints';

/** Format tag of a cache entry (part of the job key too: older entries are never read). */
export const CACHE_FORMAT = 'ntk-verify.job/2';

/** What a cached record must satisfy: the job schema, finished, with its output. */
const cachedRecordSchema = jobRecordSchema.extend({ status: z.literal('ok'), output: jobOutputSchema });

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
  /** BLAS threads the job runs with (default: jobBlasThreads()); results differ in the last bits across counts. */
  blasThreads?: number;
}

/** Canonical JSON (sorted keys) so equal settings hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function jobKey(p: JobKeyParts): string {
  return hashText(canonicalJson({ ...p, blasThreads: p.blasThreads ?? jobBlasThreads(), cacheFormat: CACHE_FORMAT })).slice(0, 32);
}

/** The stored hash of a record: sha256 of its canonical JSON. */
export function recordHash(rec: unknown): string {
  return hashText(canonicalJson(rec));
}

/** Why a cache entry's text is not a usable record for `key`, or the record. */
export function checkCacheEntry(text: string, key: string): { record: JobRecord } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'not a JSON object' };
  const entry = raw as Record<string, unknown>;
  if (entry.format !== CACHE_FORMAT) return { problem: `format is ${JSON.stringify(entry.format)}, expected '${CACHE_FORMAT}'` };
  if (typeof entry.sha256 !== 'string') return { problem: 'no stored sha256' };
  if (entry.record === undefined) return { problem: 'no record' };
  const r = cachedRecordSchema.safeParse(entry.record);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { problem: `record does not match the job schema at ${i.path.map(String).join('.') || '(root)'}: ${i.message}` };
  }
  if (r.data.key !== key) return { problem: `record is for key ${r.data.key}, filed under ${key}` };
  const h = recordHash(entry.record);
  if (h !== entry.sha256) return { problem: `content hash ${h.slice(0, 12)}… differs from the stored ${String(entry.sha256).slice(0, 12)}…` };
  return { record: r.data as JobRecord };
}

export class JobCache {
  /** Damaged entries found by get() (file and problem), for callers and tests. */
  readonly damaged: { file: string; problem: string }[] = [];

  constructor(
    readonly dir: string = defaultCacheDir(),
    readonly enabled = true,
    private readonly warn: (line: string) => void = (line) => console.error(line),
  ) {}

  private file(claimId: string, key: string): string {
    return path.join(this.dir, claimId, `${key}.json`);
  }

  /**
   * The folder where an uncached job's training runs save their state (src/train/checkpoints.ts),
   * beside the entry its result will get; none when the cache is off (nothing would keep it).
   */
  checkpointDir(claimId: string, key: string): string | undefined {
    return this.enabled ? this.trainDir(claimId, key) : undefined;
  }

  private trainDir(claimId: string, key: string): string {
    return path.join(this.dir, claimId, `${key}.train`);
  }

  /** Whether an uncached job has left training checkpoints (a rerun resumes it part-way). */
  hasTrainingCheckpoints(claimId: string, key: string): boolean {
    const d = this.checkpointDir(claimId, key);
    return d !== undefined && existsSync(d) && readdirSync(d).some((f) => f.endsWith('.ckpt'));
  }

  get(claimId: string, key: string): JobRecord | undefined {
    if (!this.enabled) return undefined;
    const f = this.file(claimId, key);
    if (!existsSync(f)) return undefined;
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      return this.bad(f, `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const c = checkCacheEntry(text, key);
    return 'record' in c ? c.record : this.bad(f, c.problem);
  }

  private bad(file: string, problem: string): undefined {
    this.damaged.push({ file, problem });
    this.warn(`warning: cache entry ${file} is damaged (${problem}); recomputing the job`);
    return undefined; // a damaged entry is recomputed (and overwritten by put)
  }

  put(claimId: string, rec: JobRecord): void {
    if (!this.enabled || rec.status !== 'ok') return;
    const record = JSON.parse(JSON.stringify(rec)) as JobRecord; // exactly what a reader will parse
    writeFileAtomic(this.file(claimId, rec.key), JSON.stringify({ format: CACHE_FORMAT, sha256: recordHash(record), record }));
    // The result is kept: its training checkpoints are of no more use.
    removeTrainingCheckpoints(this.trainDir(claimId, rec.key));
  }
}
