/**
 * The import rules of docs/ARCHITECTURE.md, read from its table and checked on every source
 * file: each room under src/ imports only the rooms its row allows (type-only where it says
 * so), claim files import only the public entries, only the backend loads native/, and
 * nothing under src/ imports bench/. A new arrow is either allowed in the table (a reviewed
 * change of the architecture) or a failure here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/runner/engine-version';

interface Rule {
  rooms: string[];
  allowed: Set<string>;
  typeOnly: Set<string>;
}

function rules(): { rules: Rule[]; all: string[] } {
  const text = readFileSync(path.join(PROJECT_ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const rows = text.split('\n').filter((l) => /^\| `/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
  const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\.ts$/, '.ts'));
  const all = rows.flatMap((r) => names(r[1]!));
  const engineEnd = rows.findIndex((r) => names(r[1]!).includes('experiments'));
  const engine = rows.slice(0, engineEnd).flatMap((r) => names(r[1]!));
  const out = rows.map((r) => {
    const cell = r[3]!;
    const allowed = new Set<string>();
    const typeOnly = new Set<string>();
    if (/every engine room/.test(cell)) engine.forEach((e) => allowed.add(e));
    if (/every room under src\//.test(cell)) all.forEach((e) => allowed.add(e));
    const but = /every room but (`[^`]+`)/.exec(cell);
    if (but) all.filter((e) => !names(but[1]!).includes(e)).forEach((e) => allowed.add(e));
    const types = /from (`[^`]+`) types only/.exec(cell);
    for (const n of names(cell)) {
      if (types && names(types[1]!).includes(n)) typeOnly.add(n);
      else if (!but || !names(but[1]!).includes(n)) if (!/never/.test(cell) || n !== 'bench/') allowed.add(n);
    }
    return { rooms: names(r[1]!), allowed, typeOnly };
  });
  return { rules: out, all };
}

function files(dir: string, ext = /\.(ts|mjs)$/): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (ext.test(e)) out.push(p);
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** Static imports, re-exports and dynamic import() of a file. */
export function importsOf(text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) {
    out.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** The room of a path under src/: its first folder, or the file name for src/index.ts and src/vitest.ts. */
function roomOf(abs: string): string | undefined {
  const rel = path.relative(path.join(PROJECT_ROOT, 'src'), abs);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(path.sep);
  return parts.length === 1 ? parts[0]! : parts[0]!;
}

describe('import rules (docs/ARCHITECTURE.md)', () => {
  const { rules: table, all } = rules();

  it('the table names every room under src/', () => {
    const rooms = readdirSync(path.join(PROJECT_ROOT, 'src')).filter((e) => statSync(path.join(PROJECT_ROOT, 'src', e)).isDirectory() || /^(index|vitest)\.ts$/.test(e));
    expect(rooms.filter((r) => !all.includes(r))).toEqual([]);
    // The engine's first rooms import nothing; the CLI may import every room.
    expect(table.find((r) => r.rooms.includes('linalg'))!.allowed.size).toBe(0);
    expect(table.find((r) => r.rooms.includes('experiments'))!.typeOnly.has('runner')).toBe(true);
  });

  it('every room under src/ imports only what its row allows, and nothing under src/ imports bench/ or native/ but the backend', () => {
    const broken: string[] = [];
    for (const f of files(path.join(PROJECT_ROOT, 'src'))) {
      const room = roomOf(f)!;
      const rule = table.find((r) => r.rooms.includes(room));
      if (!rule) { broken.push(`${f}: room '${room}' is not in docs/ARCHITECTURE.md`); continue; }
      for (const imp of importsOf(readFileSync(f, 'utf8'))) {
        if (!imp.spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(f), imp.spec);
        const rel = path.relative(PROJECT_ROOT, target);
        if (rel.startsWith('bench')) { broken.push(`${path.relative(PROJECT_ROOT, f)} imports ${imp.spec} (bench/)`); continue; }
        if (rel.startsWith('native')) {
          if (path.relative(PROJECT_ROOT, f) !== path.join('src', 'linalg', 'backend.ts')) broken.push(`${path.relative(PROJECT_ROOT, f)} loads native/ (${imp.spec})`);
          continue;
        }
        const to = roomOf(target);
        if (to === undefined || to === room) continue;
        if (rule.allowed.has(to)) continue;
        if (rule.typeOnly.has(to) && imp.typeOnly) continue;
        broken.push(`${path.relative(PROJECT_ROOT, f)} (${room}) imports ${imp.spec} (${to}${rule.typeOnly.has(to) ? ', types only allowed' : ''})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('src/experiments is cut by concept: index.ts (its one public door) and the folders its row names (settings/, protocols/, measurements/)', () => {
    const row = readFileSync(path.join(PROJECT_ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8').split('\n').find((l) => l.startsWith('| `experiments` |'))!;
    const folders = [...row.split('|')[2]!.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!).sort();
    expect(folders).toEqual(['measurements', 'protocols', 'settings']);
    const dir = path.join(PROJECT_ROOT, 'src', 'experiments');
    const entries = readdirSync(dir).sort();
    expect(entries).toEqual(['index.ts', ...folders].sort());
    for (const f of folders) for (const e of readdirSync(path.join(dir, f))) expect(e, `${f}/${e}`).toMatch(/^[a-z0-9-]+\.ts$/);
  });

  it('claim files import only the public entries (never a relative path into src/ or native/)', () => {
    const broken: string[] = [];
    for (const dir of ['claims', path.join('docs', 'examples')]) {
      for (const f of files(path.join(PROJECT_ROOT, dir), /\.ts$/)) {
        for (const imp of importsOf(readFileSync(f, 'utf8'))) {
          if (imp.spec.startsWith('.') || imp.spec.includes('/src/') || imp.spec.includes('native')) broken.push(`${path.relative(PROJECT_ROOT, f)} imports ${imp.spec}`);
          else if (imp.spec.startsWith('ntk-verify') && !['ntk-verify', 'ntk-verify/experiments', 'ntk-verify/vitest'].includes(imp.spec)) broken.push(`${path.relative(PROJECT_ROOT, f)} imports ${imp.spec}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the scanner sees static, re-exported, type-only and dynamic imports (a planted violation is caught)', () => {
    const found = importsOf(`import { a } from '../runner/runner';\nimport type { B } from '../runner/define';\nexport { c } from "../report";\nconst m = await import('../../bench/run');\nimport '../side-effect';`);
    expect(found).toEqual([
      { spec: '../runner/runner', typeOnly: false }, { spec: '../runner/define', typeOnly: true }, { spec: '../report', typeOnly: false },
      { spec: '../side-effect', typeOnly: false }, { spec: '../../bench/run', typeOnly: false },
    ]);
  });
});
