/**
 * index.html (every claim with its verdict, predictions and plots) and one page per
 * claim (<claim>/index.html: every table and plot of that claim, and its jobs). The pages
 * are self-contained: inline CSS, no scripts, no network; plots are relative <img> links.
 * Every text field is HTML-escaped; a claim's note is Markdown, rendered with raw HTML off (note.ts).
 */
import type { Verdict } from '../runner/define';
import type { ClaimResult, RunResults } from '../runner/results';
import { escapeHtml as h, fmtDuration, fmtShort, variableSymbol, VERDICT_ICON } from './format';
import { renderNoteHtml } from './note';
import { finiteSizeNotes, looseBounds, overlayWarning, unpredictedExponents, type ClaimLayout, type PlotRef } from './model';
import {
  claimsTable,
  failedJobs,
  fitSummary,
  looseText,
  constantNeededText,
  sizeLimitedText,
  verdictMarks,
  notMeasuredLines,
  notMeasuredSummary,
  observableTable,
  predictionsTable,
  runFacts,
  settingItems,
  sweepText,
  timingText,
  unpredictedText,
  verdictCounts,
  type Table,
} from './tables';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:1em 2em;color:#1b1b1b;background:#fff}
h1{font-size:1.6em;margin:.4em 0}h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{font-size:1.1em;margin-top:1.4em}h4{margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:13px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}th{background:#f4f5f7}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;white-space:nowrap}
.CONFIRMED{background:#e3f4e6;color:#16632a}.REFUTED{background:#fbe4e4;color:#9b1c1c}.INCONCLUSIVE{background:#f1ecd9;color:#6b5510}
.warn{color:#9b4d00;font-weight:600}
.note{border-left:4px solid #e0a800;background:#fff8e1;padding:.5em .9em;margin:.8em 0}.note p,.note ul,.note ol{margin:.4em 0}.note table{background:#fff}.note code{background:#f3ecd2;padding:0 .2em}
.facts th{width:10em}.muted{color:#666}
.plots{display:flex;flex-wrap:wrap;gap:12px}.plots figure{margin:0;border:1px solid #eee;padding:4px}.plots img{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:#555;padding:2px 4px}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.4em .6em;margin:.2em 0}
`;

/**
 * The Markdown and terminal output use emoji marks; in the HTML pages they become symbols
 * that ordinary text fonts carry (a machine without an emoji font draws emoji as boxes).
 */
const PLAIN_MARKS: [string, string][] = [['✅', '✓'], ['❌', '✗'], ['❔', '?'], ['⚠️', '⚠']];

function plainMarks(html: string): string {
  let out = html;
  for (const [emoji, plain] of PLAIN_MARKS) out = out.split(emoji).join(plain);
  return out;
}

function page(title: string, body: string): string {
  return plainMarks(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`);
}

function badge(v: Verdict): string {
  return `<span class="badge ${v}">${VERDICT_ICON[v]} ${v}</span>`;
}

const NUMERIC_HEADER = /slope|mean|min|max|trials|^[a-zη]$|Acceptance|Time|Jobs/;

function table(t: Table, raw: Partial<Record<number, (row: number) => string>> = {}): string {
  const numeric = t.header.map((c) => NUMERIC_HEADER.test(c));
  const head = `<tr>${t.header.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`;
  const rows = t.rows.map(
    (row, r) => `<tr>${row.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${raw[i] ? raw[i]!(r) : h(c)}</td>`).join('')}</tr>`,
  );
  return `<table>\n${head}\n${rows.join('\n')}\n</table>`;
}

function facts(results: RunResults): string {
  return `<table class="facts">${runFacts(results)
    .map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`)
    .join('')}</table>`;
}

/** A plot as a linked image; `src` is relative to the page that shows it. */
function figure(ref: PlotRef, src: string): string {
  return `<figure><a href="${h(src)}"><img src="${h(src)}" alt="${h(ref.title)}" loading="lazy"></a><figcaption>${h(ref.title)}</figcaption></figure>`;
}

/** Warnings about the claim's declared plots (patterns that match nothing, ...). */
function overlayWarnings(layout: ClaimLayout): string {
  const ws = layout.overlays.map((o) => overlayWarning(layout.claim, o.data)).filter((w): w is string => w !== undefined);
  return ws.map((w) => `<p class="warn">⚠️ ${h(w)}</p>`).join('\n');
}

function claimHeader(c: ClaimResult): string {
  return [
    `<p>${badge(c.verdict)}${c.matchesExpected ? '' : ' <span class="warn">⚠️ differs from the expected verdict</span>'}</p>`,
    `<p><b>Source:</b> ${h(c.paper)}, ${h(c.source)}${c.file ? ` <span class="muted">(${h(c.file)})</span>` : ''}</p>`,
    `<p><b>Statement:</b> ${h(c.statement)}</p>`,
    `<p><b>Expectation:</b> ${h(c.expectation)}</p>`,
    c.note ? `<div class="note"><p><b>Known disagreement / setting note.</b></p>\n${renderNoteHtml(c.note)}</div>` : '',
  ].join('\n');
}

function tailSections(results: RunResults, linkFor: (c: ClaimResult) => string): string {
  const loose = looseBounds(results);
  const unp = unpredictedExponents(results);
  const fin = finiteSizeNotes(results);
  const li = (c: ClaimResult, text: string) => `<li><a href="${h(linkFor(c))}"><b>${h(c.id)}</b></a> · ${h(text)}</li>`;
  return [
    '<h2 id="size-limited">Refutations that may be finite-size effects</h2>',
    fin.sizeLimited.length === 0
      ? '<p>None: no slope that missed its prediction has local slopes drifting toward it.</p>'
      : `<p>Slopes that missed their prediction while their local slopes drift toward it as the size grows (drift's 99% CI excludes 0): read these verdicts as limited by the sizes run, not as refutations of the statement.</p><ul>${fin.sizeLimited.map((l) => li(l.claim, sizeLimitedText(l))).join('')}</ul>`,
    '<h2 id="constants">Verdicts that needed a larger constant</h2>',
    fin.neededConstant.length === 0
      ? '<p>None.</p>'
      : `<p>Predictions not confirmed with the baseline value of a constant the statement leaves unstated (n, m ≳ …), and confirmed with a larger one.</p><ul>${fin.neededConstant.map((l) => li(l.claim, constantNeededText(l))).join('')}</ul>`,
    '<h2 id="loose">Bounds that look loose</h2>',
    loose.length === 0
      ? '<p>None: no confirmed bound has its CI well inside the bound.</p>'
      : `<p>Confirmed bounds whose CI lies more than 0.25 inside them (<code>slope ≤ b</code>: upper end below b − 0.25; <code>slope ≥ b</code>: lower end above b + 0.25): the exponent the lemma gives may not be sharp.</p><ul>${loose.map((l) => li(l.claim, looseText(l))).join('')}</ul>`,
    '<h2 id="unpredicted">Exponents nobody predicted</h2>',
    unp.length === 0
      ? '<p>None: every fitted observable has a slope prediction.</p>'
      : `<p>Fitted log-log slopes of observables that no slope prediction is about (measured, not judged).</p><ul>${unp.map((u) => li(u.claim, unpredictedText(u))).join('')}</ul>`,
  ].join('\n');
}

/** The report's front page. */
export function renderIndex(results: RunResults, layouts: ClaimLayout[]): string {
  const anchorOf = new Map(layouts.map((l) => [l.claim, `claim-${l.dir}`]));
  const ct = claimsTable(results);
  const parts: string[] = [
    `<h1>ntk-verify report — run ${h(results.runId)}</h1>`,
    facts(results),
    `<p><b>${h(verdictCounts(results))}.</b> Also in this folder: <a href="summary.md">summary.md</a>, <a href="results.json">results.json</a>.</p>`,
    '<h2>Claims</h2>',
    table(ct, {
      0: (r) => `<a href="#${h(anchorOf.get(layouts[r]!.claim)!)}">${h(layouts[r]!.claim.id)}</a>`,
      2: (r) => badge(layouts[r]!.claim.verdict),
    }),
  ];
  for (const l of layouts) {
    const c = l.claim;
    parts.push(
      `<section id="${h(anchorOf.get(c)!)}">`,
      `<h2>${h(c.id)} — ${h(c.title)}</h2>`,
      claimHeader(c),
      `<p><a href="${h(`${l.dir}/index.html`)}">Full detail: observables per size, failed jobs, every job →</a></p>`,
      '<h3>Predictions</h3>',
      predictionsHtml(c),
      notMeasuredHtml(c),
      overlayWarnings(l),
    );
    if (l.plots.length > 0) parts.push(`<div class="plots">${l.plots.map((p) => figure(p, p.path)).join('\n')}</div>`);
    parts.push('</section>');
  }
  parts.push(tailSections(results, (c) => `#${anchorOf.get(c)}`));
  return page(`ntk-verify ${results.runId}`, parts.join('\n'));
}

/** The front page's list of observables with trials not measured (plots skip those points). */
function notMeasuredHtml(c: ClaimResult): string {
  const nm = notMeasuredSummary(c);
  if (nm.length === 0) return '';
  const items = nm.flatMap((e) => e.lines.map((l) => `<li>${h(e.observable.label)} <code>${h(e.observable.name)}</code> — ${h(l)}</li>`));
  return `<p class="warn">⚠️ Values not measured (left out of fits, verdicts and plots):</p><ul>${items.join('')}</ul>`;
}

function predictionsHtml(c: ClaimResult): string {
  const t = predictionsTable(c);
  return table(t, { 4: (r) => [badge(c.predictions[r]!.verdict), ...verdictMarks(c.predictions[r]!).map((m) => `<span class="muted">(${h(m)})</span>`)].join(' ') });
}

/** <claim>/index.html: everything about one claim. */
export function renderClaimPage(results: RunResults, layout: ClaimLayout): string {
  const c = layout.claim;
  const X = variableSymbol(c.sweep.variable);
  const parts: string[] = [
    `<p><a href="../index.html">← all claims of run ${h(results.runId)}</a></p>`,
    `<h1>${h(c.id)} — ${h(c.title)}</h1>`,
    claimHeader(c),
    `<p><b>Sweep:</b> ${h(sweepText(c))}<br>${c.departures ? `<b>Departs from the paper's setting:</b> ${h(c.departures)}<br>` : ''}<b>Timing:</b> ${h(timingText(c))}<br><b>Run:</b> ${h(results.runId)}, tier ${h(results.tier)}, root seed ${h(String(results.environment.rootSeed))}</p>`,
  ];
  const setting = settingItems(c);
  if (setting.length > 0) parts.push(`<details><summary>Setting (${setting.length} entries)</summary><ul>${setting.map((s) => `<li><code>${h(s)}</code></li>`).join('')}</ul></details>`);
  parts.push('<h2>Predictions</h2>', predictionsHtml(c));
  if (layout.overlays.length > 0) {
    parts.push(
      '<h2>Plots declared by the claim</h2>',
      overlayWarnings(layout),
      `<div class="plots">${layout.overlays.map((o) => figure(o.ref, o.ref.file)).join('\n')}</div>`,
    );
  }

  parts.push('<h2>Observables</h2>');
  if (c.observables.length === 0) parts.push('<p>No observables recorded.</p>');
  for (const o of c.observables) {
    parts.push(`<h3>${h(o.label)} <code>${h(o.name)}</code></h3>`, `<p>${h(fitSummary(c, o))}</p>`, table(observableTable(c, o)));
    const nm = notMeasuredLines(c, o);
    if (nm.length > 0) parts.push(`<ul>${nm.map((l) => `<li class="warn">⚠️ ${h(l)}</li>`).join('')}</ul>`);
    const ref = layout.observables.get(o.name);
    if (ref) parts.push(`<div class="plots">${figure(ref, ref.file)}</div>`);
  }

  const failed = failedJobs(c);
  if (failed.length > 0) {
    parts.push('<h2>Failed jobs</h2>', `<ul>${failed.map((f) => `<li>${h(f.where)}<pre>${h(f.error)}</pre></li>`).join('')}</ul>`);
  }
  if (layout.spectra.length + layout.series.length > 0) {
    parts.push('<h2>Spectra and training curves</h2>');
    parts.push(`<div class="plots">${[...layout.spectra, ...layout.series].map((s) => figure(s.ref, s.ref.file)).join('\n')}</div>`);
  }

  const jobs = [...c.jobs].sort((a, b) => a.x - b.x || a.trial - b.trial);
  parts.push(
    '<h2>Jobs</h2>',
    table({
      header: [X, 'trial', 'status', 'cached', 'time', 'key', 'seed key', 'meta / error'],
      rows: jobs.map((j) => [
        fmtShort(j.x),
        String(j.trial),
        j.status,
        j.cached ? 'yes' : 'no',
        fmtDuration(j.ms),
        j.key.slice(0, 12),
        j.seedKey,
        j.status === 'failed'
          ? (j.error ?? '').split('\n')[0]!
          : [
              ...Object.entries(j.output?.notMeasured ?? {}).map(([k, why]) => `${k} not measured: ${why}`),
              ...Object.entries(j.output?.meta ?? {}).map(([k, v]) => `${k}=${typeof v === 'number' ? fmtShort(v) : String(v)}`),
            ].join(', '),
      ]),
    }),
  );
  return page(`${c.id} — ntk-verify ${results.runId}`, parts.join('\n'));
}
