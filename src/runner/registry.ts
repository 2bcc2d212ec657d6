/**
 * The claim registry: every `*.ts` file under claims/ (one claim per file, its default
 * export made by defineClaim). A user adds a claim by adding a file; NTKV_CLAIMS_DIR or
 * `--claims <dir>` points at another folder (their own claims). A claim's long-form note is
 * the Markdown file beside it (notes.ts).
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ClaimDefinition, ClaimDefinitionError, claimSchema } from './define';
import { PROJECT_ROOT, hashText } from './engine-version';
import { withNoteBeside } from './notes';

export interface RegisteredClaim {
  /** The claim file's definition, its `note` joined with the Markdown note beside the file. */
  def: ClaimDefinition;
  /** Absolute path of the claim file. */
  file: string;
  /** sha256 of the claim file's text (part of every job's cache key). */
  sourceHash: string;
}

export function defaultClaimsDirs(): string[] {
  const env = process.env.NTKV_CLAIMS_DIR;
  return env ? env.split(path.delimiter).map((d) => path.resolve(d)) : [path.join(PROJECT_ROOT, 'claims')];
}

function claimFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`claims folder not found: ${dir}`);
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...claimFiles(p));
    else if (e.endsWith('.ts') && !e.endsWith('.d.ts') && !e.startsWith('_')) out.push(p);
  }
  return out;
}

let hooksInstalled = false;

/**
 * Claim files load as ES modules (as this repo's own claims do) even in a project whose
 * package.json has no "type": "module": see claim-hooks.mjs. Installed once per process.
 */
function installClaimHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  register('./claim-hooks.mjs', import.meta.url, { data: { loaderDir: new URL('.', import.meta.url).href } });
}

/** Loads and validates one claim file, and reads the note beside it (`<name>.md`). */
export async function loadClaimFile(file: string): Promise<RegisteredClaim> {
  installClaimHooks();
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const def = mod.default as ClaimDefinition | undefined;
  if (!def || typeof def !== 'object') {
    throw new ClaimDefinitionError(`${file}: a claim file must 'export default defineClaim({...})'`);
  }
  const r = claimSchema.safeParse(def);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ClaimDefinitionError(`${file}: invalid claim: ${i.path.join('.')}: ${i.message}`);
  }
  // The job key hashes the claim file only: editing its note recomputes nothing.
  return { def: withNoteBeside(def, file), file, sourceHash: hashText(readFileSync(file, 'utf8')) };
}

/** All claims, sorted by paper then id (W2 before W10: natural order). Duplicate ids are an error. */
export async function loadRegistry(dirs: string[] = defaultClaimsDirs()): Promise<RegisteredClaim[]> {
  const all: RegisteredClaim[] = [];
  for (const d of dirs) for (const f of claimFiles(d)) all.push(await loadClaimFile(f));
  const seen = new Map<string, string>();
  for (const c of all) {
    const prev = seen.get(c.def.id);
    if (prev) throw new ClaimDefinitionError(`duplicate claim id '${c.def.id}' in ${prev} and ${c.file}`);
    seen.set(c.def.id, c.file);
  }
  return all.sort((a, b) => compareIds(a.def, b.def));
}

const collator = new Intl.Collator('en', { numeric: true });
function compareIds(a: ClaimDefinition, b: ClaimDefinition): number {
  return collator.compare(a.paper, b.paper) || collator.compare(a.id, b.id);
}

/**
 * Selects claims by ids or glob patterns ('W*', 'H1?'), and/or by paper. Unknown ids are
 * an error listing the valid ones.
 */
export function selectClaims(reg: RegisteredClaim[], patterns: string[], paper?: string): RegisteredClaim[] {
  let pool = reg;
  if (paper) {
    const papers = [...new Set(reg.map((c) => c.def.paper))];
    pool = reg.filter((c) => c.def.paper.toLowerCase() === paper.toLowerCase());
    if (pool.length === 0) throw new SelectionError(`no claims of paper '${paper}' (papers: ${papers.join(', ')})`);
  }
  if (patterns.length === 0) return pool;
  const chosen = new Set<RegisteredClaim>();
  for (const p of patterns) {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    const hits = pool.filter((c) => re.test(c.def.id));
    if (hits.length === 0) {
      throw new SelectionError(`unknown claim '${p}'. Valid ids: ${pool.map((c) => c.def.id).join(', ')}`);
    }
    for (const h of hits) chosen.add(h);
  }
  return pool.filter((c) => chosen.has(c));
}

export class SelectionError extends Error {
  override name = 'SelectionError';
}
