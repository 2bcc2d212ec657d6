/**
 * `ntk-verify notes [ids|globs] [--from run…] [--claims dir] [--json]`: are the claims' notes
 * still true to the results? Every 95% CI, the estimate printed before it, and every verdict
 * tally a note quotes must round from a run's results (src/report/note-figures.ts). By default
 * the runs are this repository's committed results/standard and results/paper; give --from for
 * your own (a smoke run makes what notes say of the smoke tier checkable too). Exit 1 when a
 * note quotes a figure no given run backs, so it can gate a commit or CI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { COMMITTED_TIERS, committedResultsFile } from '../runner/committed';
import { noteFileOf, readNoteBeside, readNoteFile } from '../runner/notes';
import { selectClaims } from '../runner/registry';
import type { RunResults } from '../runner/results';
import { checkNoteFigures } from '../report/note-figures';
import { loadRun, registry, UsageError } from './run';

export interface NotesOptions {
  from?: string | string[];
  claims?: string;
  paper?: string;
  json?: boolean;
}

type ByTier = Partial<Record<'smoke' | 'standard' | 'paper', RunResults>>;

/** The runs by tier; two runs of one tier are joined (a claim from the first that has it). */
export function runsByTier(runs: RunResults[]): ByTier {
  const out: ByTier = {};
  for (const r of runs) {
    const have = out[r.tier];
    if (!have) out[r.tier] = r;
    else {
      const ids = new Set(have.claims.map((c) => c.id));
      out[r.tier] = { ...have, claims: [...have.claims, ...r.claims.filter((c) => !ids.has(c.id))] };
    }
  }
  return out;
}

function defaultRuns(): string[] {
  return COMMITTED_TIERS.map(committedResultsFile).filter((f) => existsSync(f));
}

export interface NotesReport {
  runs: string[];
  claims: number;
  figures: number;
  stale: { claim: string; file: string; line: number; column: number; text: string; why: string }[];
}

export async function notesCheck(ids: string[], opts: NotesOptions): Promise<NotesReport> {
  const from = [opts.from ?? []].flat().map(String);
  const files = from.length > 0 ? from : defaultRuns();
  if (files.length === 0) throw new UsageError('notes: no results to hold the notes to: give --from <run> (a run id, folder or results.json)');
  const byTier = runsByTier(files.map(loadRun));
  const claims = selectClaims(await registry(opts.claims), ids, opts.paper);
  const report: NotesReport = { runs: files, claims: claims.length, figures: 0, stale: [] };
  for (const c of claims) {
    for (const part of noteParts(c.file, c.def.note)) {
      const { checked, stale } = checkNoteFigures(part.text, c.def.id, byTier);
      report.figures += checked;
      for (const s of stale) {
        report.stale.push({
          claim: c.def.id, file: path.relative(process.cwd(), part.file), line: s.figure.line, column: s.figure.column, text: s.figure.text, why: s.why,
        });
      }
    }
  }
  return report;
}

/**
 * Where a claim's note is written, so a stale figure is named by the file and line to edit:
 * the Markdown file beside the claim (read as it is on disk), and the inline `note` of the
 * definition, which the loaded note holds before it.
 */
function noteParts(claimFile: string, note: string | undefined): { file: string; text: string }[] {
  const md = noteFileOf(claimFile);
  const beside = readNoteBeside(claimFile);
  if (beside === undefined) return note ? [{ file: claimFile, text: note }] : [];
  const parts = [{ file: md, text: readNoteFile(md) }];
  const inline = (note ?? '').endsWith(beside) ? (note ?? '').slice(0, (note ?? '').length - beside.length).trim() : '';
  if (inline !== '') parts.unshift({ file: claimFile, text: inline });
  return parts;
}

export function formatNotes(r: NotesReport): string {
  const lines = r.stale.map((s) => `${s.claim}  note line ${s.line}: ${s.why}`);
  const runs = r.runs.map((f) => path.relative(process.cwd(), f) || f).join(', ');
  lines.push(
    r.stale.length === 0
      ? `notes: ${r.figures} quoted ${r.figures === 1 ? 'figure' : 'figures'} in ${r.claims} ${r.claims === 1 ? "claim's note" : "claims' notes"}, every one held by ${runs}`
      : `notes: ${r.stale.length} of ${r.figures} quoted figures are not held by ${runs}: rerun, or rewrite the note`,
  );
  return lines.join('\n');
}

export async function notesCommand(ids: string[], opts: NotesOptions): Promise<number> {
  const r = await notesCheck(ids, opts);
  console.log(opts.json ? JSON.stringify(r, null, 2) : formatNotes(r));
  return r.stale.length === 0 ? 0 : 1;
}
