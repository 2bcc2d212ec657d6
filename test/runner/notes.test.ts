/**
 * Notes beside the claim (src/runner/notes.ts): a claim file's note is the Markdown file of
 * the same name beside it; a claim without one keeps its inline note; with both, the inline
 * note comes first. The toy claims of test/runner/toy-notes show the three cases, loaded as a
 * user's own folder (`--claims`) is.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { combineNotes, noteFileOf, readNoteBeside } from '../../src/runner/notes';
import { loadClaimFile, loadRegistry } from '../../src/runner/registry';
import { runClaim } from '../../src/runner/run-claim';
import { runClaims } from '../../src/runner/runner';
import { parseResults } from '../../src/runner/results';
import { writeReport } from '../../src/report';
import n1 from './toy-notes/N1-note-beside';

const dir = path.join(__dirname, 'toy-notes');
const beside = readFileSync(path.join(dir, 'N1-note-beside.md'), 'utf8').trim();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-notes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('notes beside the claim', async () => {
  const reg = await loadRegistry([dir]);
  const note = (id: string) => reg.find((c) => c.def.id === id)!.def.note;

  it('names the note after the claim file', () => {
    expect(noteFileOf('/a/claims/W/W9-training-cases-vs-lazy.ts')).toBe('/a/claims/W/W9-training-cases-vs-lazy.md');
    expect(readNoteBeside(path.join(dir, 'N2-inline-note.ts'))).toBeUndefined();
  });

  it('loads only the .ts files as claims; the .md beside one becomes its note', () => {
    expect(reg.map((c) => c.def.id)).toEqual(['N1', 'N2', 'N3']);
    expect(note('N1')).toBe(beside);
    expect(note('N2')).toBe('Inline only: no Markdown file beside this claim.');
  });

  it('keeps an inline note before the one beside the file (BOM and CRLF of the .md dropped)', () => {
    expect(note('N3')).toBe('The short version, inline.\n\nThe long version, beside the file.\n\nA second paragraph.');
    expect(combineNotes(undefined, undefined)).toBeUndefined();
    expect(combineNotes('  ', 'x')).toBe('x');
  });

  it('leaves the claim module\'s own export untouched', async () => {
    expect(n1.note).toBeUndefined();
    expect((await loadClaimFile(path.join(dir, 'N1-note-beside.ts'))).def.note).toBe(beside);
  });

  it('results.json carries the note; the HTML report renders its Markdown and escapes its raw HTML', async () => {
    const r = await runClaims(reg, { tier: 'smoke', cache: new JobCache(path.join(tmp, 'cache'), false) });
    expect(r.claims.map((c) => c.note)).toEqual([beside, note('N2'), note('N3')]);
    const out = path.join(tmp, 'report');
    await writeReport(r, out);
    expect(parseResults(readFileSync(path.join(out, 'results.json'), 'utf8')).claims[0]!.note).toBe(beside);
    const page = readFileSync(path.join(out, 'N1', 'index.html'), 'utf8');
    const box = page.slice(page.indexOf('<div class="note">'), page.indexOf('</div>', page.indexOf('<div class="note">')));
    expect(box).toContain('<h4>Measured</h4>');
    expect(box).toMatch(/<table>[\s\S]*<td>400<\/td>[\s\S]*<td>0.05<\/td>[\s\S]*<\/table>/);
    expect(box).toContain('<li>the slope is <code>−0.50</code>;</li>');
    expect(box).toContain('&lt;script&gt;alert(');
    expect(page).not.toContain('<script');
    const md = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(md).toContain('> #### Measured\n>\n> Measured at the smoke tier');
    expect(md).toContain('> | 400 | 0.05 |');
    expect(md).toContain("> &lt;script>alert('from a note')&lt;/script>");
  });

  it('runClaim reads the note beside the claim\'s file, given its path or { file }; a bare object keeps its own', async () => {
    const file = path.join(dir, 'N1-note-beside.ts');
    const opts = { tier: 'smoke' as const, cache: false };
    expect((await runClaim(file, opts)).note).toBe(beside);
    expect((await runClaim(n1, { ...opts, file })).note).toBe(beside);
    expect((await runClaim(n1, opts)).note).toBeUndefined();
  });

  it('the package ships every claim\'s note (npm pack, as `files` selects them)', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const packed = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    const notes = readdirSync(path.join(root, 'claims'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
    expect(notes).toHaveLength(readdirSync(path.join(root, 'claims'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !path.basename(f).startsWith('_')).length);
    for (const n of notes) expect(packed).toContain(`claims/${n.split(path.sep).join('/')}`);
  });
});
