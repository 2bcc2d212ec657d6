/**
 * A claim's long-form note — what was measured, why a verdict differs from the paper, the
 * setting choices a reader must know — lives in a Markdown file beside the claim file, named
 * after it: claims/W/W9-training-cases-vs-lazy.ts → claims/W/W9-training-cases-vs-lazy.md.
 * A lab notebook reads better as Markdown (paragraphs, lists, tables) than as a string
 * concatenated inside the claim's code, and it travels with the file: a user's own claims
 * folder (`--claims`) works the same way.
 *
 * The note does not enter the job cache key (the key hashes the claim file alone), so
 * editing a note recomputes nothing; results.json carries it as the claim's `note`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The Markdown file a claim file's note lives in: the same name with `.md`. */
export function noteFileOf(claimFile: string): string {
  const p = path.parse(claimFile);
  return path.join(p.dir, `${p.name}.md`);
}

/**
 * A note file's text with its lines as on disk (for line numbers): a BOM or Windows line ends
 * from an editor would otherwise show up in the report.
 */
export function readNoteFile(file: string): string {
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The note beside a claim file, or undefined when there is none (or it is blank). */
export function readNoteBeside(claimFile: string): string | undefined {
  const f = noteFileOf(claimFile);
  if (!existsSync(f)) return undefined;
  const text = readNoteFile(f).trim();
  return text === '' ? undefined : text;
}

/**
 * The note a claim's results carry: the inline `note` of the definition (a short one) first,
 * then the Markdown file's text, as separate paragraphs; either alone when only one exists.
 */
export function combineNotes(inline: string | undefined, beside: string | undefined): string | undefined {
  const parts = [inline?.trim(), beside].filter((s): s is string => s !== undefined && s !== '');
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * The definition with the note beside its file folded into `note` (a new object: the claim
 * module's own export is left as it is). Unchanged when the file has no note beside it.
 */
export function withNoteBeside<D extends { note?: string }>(def: D, claimFile: string): D {
  const beside = readNoteBeside(claimFile);
  if (beside === undefined) return def;
  return { ...def, note: combineNotes(def.note, beside) };
}
