/**
 * The report of a run: `writeReport(results, outDir)` writes
 *
 *   results.json                 the validated results, pretty-printed
 *   summary.md                   header, verdict table, per-claim sections, loose bounds,
 *                                exponents nobody predicted
 *   index.html                   every claim with its verdict, predictions and plots
 *   <claim>/index.html           one claim in full (all tables, plots and jobs)
 *   <claim>/<observable>.svg     log-log scaling plot with fit and predicted lines
 *   <claim>/spectrum-<base>.svg  histogram (final vs initial, Marchenko–Pastur) + Q-Q
 *   <claim>/series-<name>.svg    training curves, one line per size
 *   <claim>/plot-<id>.svg        a plot the claim declares (`plots`): several series or
 *                                observables in one plot, with a legend
 *
 * A declared plot whose series patterns match nothing is drawn with what did match and a
 * ⚠ line in its subtitle; one that matches nothing at all becomes a placeholder SVG that
 * says why. Either way the problem is listed under the claim in the pages and in the
 * returned warnings.
 *
 * Everything comes from results.json; nothing is recomputed. Folder and file names are
 * the ids and names with characters outside [A-Za-z0-9_.-] replaced by '_' (made unique).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RESULTS_SCHEMA_VERSION, runResultsSchema, type RunResults } from '../runner/results';
import { escapeHtml } from './format';
import { renderClaimPage, renderIndex } from './html';
import { prettyJson } from './json';
import { renderSummary } from './markdown';
import { layoutReport, overlayWarning, slopePredictionsOn, type ClaimLayout } from './model';
import { observableSpec, overlaySpec, renderSvg, seriesSpec, spectrumSpec } from './plots';

export { fmtNum, fmtDuration, escapeHtml, safeStem } from './format';
export { layoutReport, overlaysOf, overlayWarning, type ClaimLayout, type OverlayData, type PlotRef } from './model';
export { observableSpec, overlaySpec, spectrumSpec, seriesSpec, renderSvg, qqPairs } from './plots';
export { prettyJson } from './json';

export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export interface WriteReportOptions {
  /** Plots rendered at once (default 8). */
  concurrency?: number;
}

export interface WriteReportResult {
  /** Absolute paths of every file written. */
  files: string[];
  /** Plots that could not be rendered (a placeholder SVG was written in their place). */
  warnings: string[];
}

/** Validates results against the schema, with a message naming the first bad field. */
export function validateResults(results: unknown): RunResults {
  const r = runResultsSchema.safeParse(results);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.path.length > 0 ? i.path.map(String).join('.') : '(root)';
    throw new ReportInputError(`results do not match schema ${RESULTS_SCHEMA_VERSION} at ${field}: ${i.message}`);
  }
  return r.data;
}

interface PlotTask {
  path: string;
  title: string;
  spec: () => Record<string, unknown>;
  /** A declared plot's problems (a warning; a placeholder when nothing can be drawn). */
  warning?: string;
  empty?: boolean;
}

function plotTasks(layouts: ClaimLayout[]): PlotTask[] {
  const tasks: PlotTask[] = [];
  for (const l of layouts) {
    for (const o of l.claim.observables) {
      const ref = l.observables.get(o.name);
      if (ref) tasks.push({ path: ref.path, title: ref.title, spec: () => observableSpec(l.claim, o, slopePredictionsOn(l.claim, o.name)) });
    }
    for (const s of l.spectra) tasks.push({ path: s.ref.path, title: s.ref.title, spec: () => spectrumSpec(l.claim, s.data) });
    for (const s of l.series) tasks.push({ path: s.ref.path, title: s.ref.title, spec: () => seriesSpec(l.claim, s.data) });
    for (const o of l.overlays) {
      const warning = overlayWarning(l.claim, o.data);
      tasks.push({
        path: o.ref.path, title: o.ref.title, spec: () => overlaySpec(l.claim, o.data),
        ...(warning ? { warning } : {}), ...(o.data.lines.length === 0 ? { empty: true } : {}),
      });
    }
  }
  return tasks;
}

/** Splits text into lines of at most `width` characters at spaces (longer words stay whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

function placeholderSvg(title: string, message: string, lead = 'plot could not be rendered: '): string {
  const lines = wrap(`${lead}${message}`, 90);
  const height = 45 + 16 * lines.length;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="${height}" viewBox="0 0 620 ${height}">` +
    `<rect width="620" height="${height}" fill="#fff8e1"/>` +
    `<text x="10" y="30" font-family="sans-serif" font-size="13" font-weight="bold">${escapeHtml(title)}</text>` +
    lines.map((l, i) => `<text x="10" y="${55 + 16 * i}" font-family="sans-serif" font-size="11">${escapeHtml(l)}</text>`).join('') +
    `</svg>`
  );
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Writes the whole report of a run into outDir (created if missing). */
export async function writeReport(results: RunResults, outDir: string, options: WriteReportOptions = {}): Promise<WriteReportResult> {
  const data = validateResults(results);
  const root = resolve(outDir);
  const layouts = layoutReport(data);
  await mkdir(root, { recursive: true });
  await Promise.all(layouts.map((l) => mkdir(join(root, l.dir), { recursive: true })));

  const written: string[] = [];
  const warnings: string[] = [];
  const put = async (rel: string, text: string) => {
    await writeFile(join(root, rel), text, 'utf8');
    written.push(rel);
  };

  await pool(plotTasks(layouts), options.concurrency ?? 8, async (t) => {
    let svg: string;
    if (t.warning) warnings.push(`${t.path}: ${t.warning}`);
    if (t.empty) {
      await put(t.path, placeholderSvg(t.title, t.warning ?? 'nothing to draw', '⚠ '));
      return;
    }
    try {
      svg = await renderSvg(t.spec());
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      warnings.push(`${t.path}: ${msg}`);
      svg = placeholderSvg(t.title, msg);
    }
    await put(t.path, svg);
  });

  await Promise.all([
    put('results.json', `${prettyJson(data)}\n`),
    put('summary.md', renderSummary(data, layouts)),
    put('index.html', renderIndex(data, layouts)),
    ...layouts.map((l) => put(`${l.dir}/index.html`, renderClaimPage(data, l))),
  ]);

  written.sort();
  return { files: written.map((rel) => join(root, rel)), warnings };
}
