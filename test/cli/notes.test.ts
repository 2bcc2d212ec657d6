/**
 * `ntk-verify notes` (src/cli/notes.ts): a user's own claims folder, its notes held to the
 * user's own run — the stale figure named by the note file and line to edit, exit 1 — and the
 * default, this repository's notes against its committed results.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notesCheck, formatNotes, runsByTier } from '../../src/cli/notes';
import { JobCache } from '../../src/runner/cache';
import { loadRegistry } from '../../src/runner/registry';
import { runClaims } from '../../src/runner/runner';
import type { RunResults } from '../../src/runner/results';

const root = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-notes-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const claims = path.join(tmp, 'claims');
const note = path.join(claims, 'T1-toy-power-law.md');
const resultsFile = path.join(tmp, 'run', 'results.json');
let run: RunResults;
let quoted: string;

const r2 = (v: number) => v.toFixed(2).replace('-', '−');

beforeAll(async () => {
  mkdirSync(claims, { recursive: true });
  // The toy claim of test/runner/toy-claims, as a user's own folder holds it.
  const src = readFileSync(path.join(root, 'test/runner/toy-claims/T1-toy-power-law.ts'), 'utf8')
    .replace('../../../src/runner/define', path.join(root, 'src/runner/define'));
  writeFileSync(path.join(claims, 'T1-toy-power-law.ts'), src);
  const reg = await loadRegistry([claims]);
  run = await runClaims(reg, { tier: 'standard', cache: new JobCache(undefined, false), runId: 'toy' });
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify(run));
  const p = run.claims[0]!.predictions[0]!;
  quoted = `slope ${r2(p.fit!.slope)} [${r2(p.ci!.lo)}, ${r2(p.ci!.hi)}]`;
});

describe('ntk-verify notes', () => {
  it('passes a note that quotes the run, and counts what it checked', async () => {
    writeFileSync(note, `# Measured\n\nThe a-series falls as ${quoted}.\n`);
    const r = await notesCheck([], { claims, from: resultsFile });
    expect(r.stale).toEqual([]);
    expect(r.figures).toBe(1);
    expect(formatNotes(r)).toMatch(/^notes: 1 quoted figure in 1 claim's note, every one held by/);
  });

  it('names the note file and line of a stale figure, and exits 1', async () => {
    const stale = quoted.replace(/\[(\S+),/, (_, lo: string) => `[${r2(Number(lo.replace('−', '-')) - 0.05)},`);
    writeFileSync(note, `# Measured\n\nfirst ${quoted}\n\nthen ${stale}.\n`);
    const r = await notesCheck(['T1'], { claims, from: [resultsFile] });
    expect(r.stale).toHaveLength(1);
    expect(r.stale[0]).toMatchObject({ claim: 'T1', line: 5, file: path.relative(process.cwd(), note) });
    expect(r.stale[0]!.why).toMatch(/no CI of T1 in its standard results rounds to \[/);
    const cli = spawnSync(process.execPath, [path.join(root, 'bin/ntk-verify.mjs'), 'notes', '--claims', claims, '--from', resultsFile], {
      cwd: root, encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/T1 {2}note line 5: no CI of T1/);
    expect(cli.stdout).toMatch(/1 of 2 quoted figures are not held/);
  });

  it('joins two runs of one tier, a claim from the first that has it', () => {
    const other = { ...run, runId: 'other', claims: [{ ...run.claims[0]!, id: 'T9' }] };
    const j = runsByTier([run, other, { ...run, runId: 'again' }]);
    expect(j.standard!.claims.map((c) => c.id)).toEqual(['T1', 'T9']);
    expect(j.standard!.runId).toBe('toy');
  });
});
