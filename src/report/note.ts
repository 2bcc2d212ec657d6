/**
 * A claim's note is Markdown (the .md file beside the claim file, src/runner/notes.ts): the
 * HTML pages render it, summary.md embeds it. markdown-it does the parsing, with raw HTML
 * off — a tag written in a note comes out as text, so a note cannot inject a script — and
 * images off, because the report's pages load nothing from outside their folder. Links keep
 * markdown-it's own check, which refuses javascript:, vbscript:, file: and data: targets.
 *
 * A note's headings sit inside a claim's section, so both renderings move them down two
 * levels (a note's `#` under the claim's `##`), never below h6.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false }).disable('image');

/** Levels a note's headings move down: # → h3, ## → h4, ... (h6 at most). */
const HEADING_SHIFT = 2;

function shifted(level: number): number {
  return Math.min(6, level + HEADING_SHIFT);
}

/** The note as HTML: paragraphs, lists, tables, code, emphasis; raw HTML escaped. */
export function renderNoteHtml(note: string): string {
  const tokens = md.parse(note, {});
  for (const t of tokens) {
    if (t.type === 'heading_open' || t.type === 'heading_close') t.tag = `h${shifted(Number(t.tag.slice(1)))}`;
  }
  return md.renderer.render(tokens, md.options, {});
}

/**
 * The note as Markdown to embed in a document whose claim sections are `##`: headings moved
 * down (setext underlines become `#` headings), and `<` before a letter or `/!?` and `&`
 * before an entity name escaped, as every other text field of summary.md is, so that no raw
 * HTML in a note renders.
 */
export function noteMarkdown(note: string): string {
  const lines = note.replace(/\r\n?/g, '\n').split('\n');
  const drop = new Set<number>();
  for (const t of md.parse(note, {})) {
    if (t.type !== 'heading_open' || !t.map) continue;
    const [start, end] = t.map;
    const level = Number(t.tag.slice(1));
    if (t.markup.startsWith('#')) {
      lines[start] = lines[start]!.replace(/^(\s*)#{1,6}/, `$1${'#'.repeat(shifted(level))}`);
    } else {
      // Setext: the text lines, then the underline (=== or ---) on the last line of the map.
      lines[start] = `${'#'.repeat(shifted(level))} ${lines.slice(start, end - 1).map((l) => l.trim()).join(' ')}`;
      for (let i = start + 1; i < end; i++) drop.add(i);
    }
  }
  return lines
    .filter((_, i) => !drop.has(i))
    .map((l) => l.replace(/&(?=[A-Za-z#][A-Za-z0-9]*;)/g, '&amp;').replace(/<(?=[A-Za-z/!?])/g, '&lt;'))
    .join('\n');
}
