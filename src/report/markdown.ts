/**
 * summary.md: the run's header, one row per claim, then per claim its statement,
 * predictions, observables per size, failed jobs and plots; at the end the bounds that
 * look loose and the exponents nobody predicted.
 */
import type { RunResults } from '../runner/results';
import { fmtShort, mdCell, mdText, variableSymbol, verdictBadge } from './format';
import { noteMarkdown } from './note';
import { finiteSizeNotes, looseBounds, overlayWarning, slopePredictionsOn, unpredictedExponents, type ClaimLayout } from './model';
import {
  claimsTable,
  failedJobs,
  fitSummary,
  looseText,
  constantNeededText,
  sizeLimitedText,
  notMeasuredLines,
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

function mdTable(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(t.header), `|${t.header.map(() => '---').join('|')}|`, ...t.rows.map(line)].join('\n');
}

function image(alt: string, path: string): string {
  return `![${mdText(alt).replace(/[[\]]/g, '\\$&')}](${path})`;
}

function anchor(layout: ClaimLayout): string {
  return `claim-${layout.dir}`;
}

export function renderSummary(results: RunResults, layouts: ClaimLayout[]): string {
  const out: string[] = [];
  out.push(`# ntk-verify report — run ${mdText(results.runId)}`, '');
  out.push('| | |', '|---|---|', ...runFacts(results).map(([k, v]) => `| ${mdCell(k)} | ${mdCell(v)} |`), '');
  out.push(`**${mdText(verdictCounts(results))}.** Open \`index.html\` for the plots in a browser.`, '');

  out.push('## Claims', '');
  const ct = claimsTable(results);
  // The first cell links to the claim's section.
  out.push(
    [
      `| ${ct.header.join(' | ')} |`,
      `|${ct.header.map(() => '---').join('|')}|`,
      ...ct.rows.map((row, i) => `| [${mdCell(layouts[i]!.claim.id)}](#${anchor(layouts[i]!)}) | ${row.slice(1).map(mdCell).join(' | ')} |`),
    ].join('\n'),
    '',
  );

  for (const layout of layouts) out.push(...claimSection(layout));

  const fin = finiteSizeNotes(results);
  out.push('## Refutations that may be finite-size effects', '');
  if (fin.sizeLimited.length === 0) out.push('None: no slope that missed its prediction has local slopes drifting toward it.', '');
  else {
    out.push('Slopes that missed their prediction while their local slopes drift toward it as the size grows (drift\'s 99% CI excludes 0): read these verdicts as limited by the sizes run, not as refutations of the statement.', '');
    for (const l of fin.sizeLimited) out.push(`- **${mdText(l.claim.id)}** · ${mdText(sizeLimitedText(l))}`);
    out.push('');
  }
  if (fin.neededConstant.length > 0) {
    out.push('## Verdicts that needed a larger constant', '');
    out.push('Predictions not confirmed with the baseline value of a constant the statement leaves unstated (n, m ≳ …), and confirmed with a larger one.', '');
    for (const l of fin.neededConstant) out.push(`- **${mdText(l.claim.id)}** · ${mdText(constantNeededText(l))}`);
    out.push('');
  }

  out.push('## Bounds that look loose', '');
  const loose = looseBounds(results);
  if (loose.length === 0) out.push('None: no confirmed bound has its CI well inside the bound.', '');
  else {
    out.push('Confirmed bounds whose CI lies more than 0.25 inside them (`slope ≤ b`: upper end below b − 0.25; `slope ≥ b`: lower end above b + 0.25): the exponent the lemma gives may not be sharp.', '');
    for (const l of loose) out.push(`- **${mdText(l.claim.id)}** · ${mdText(looseText(l))}`);
    out.push('');
  }

  out.push('## Exponents nobody predicted', '');
  const unp = unpredictedExponents(results);
  if (unp.length === 0) out.push('None: every fitted observable has a slope prediction.', '');
  else {
    out.push('Fitted log-log slopes of observables that no slope prediction is about (measured, not judged).', '');
    for (const u of unp) out.push(`- **${mdText(u.claim.id)}** · ${mdText(unpredictedText(u))}`);
    out.push('');
  }
  return out.join('\n');
}

function claimSection(layout: ClaimLayout): string[] {
  const c = layout.claim;
  const X = variableSymbol(c.sweep.variable);
  const out: string[] = [];
  out.push(`<a id="${anchor(layout)}"></a>`, '', `## ${mdText(c.id)} — ${mdText(c.title)}`, '');
  out.push(`**Verdict: ${verdictBadge(c.verdict)}**${c.matchesExpected ? '' : ' — ⚠️ differs from the expected verdict'}`, '');
  out.push(`- **Source:** ${mdText(c.paper)}, ${mdText(c.source)}${c.file ? ` (\`${c.file.replace(/`/g, "'")}\`)` : ''}`);
  out.push(`- **Statement:** ${mdText(c.statement)}`);
  out.push(`- **Expectation:** ${mdText(c.expectation)}`);
  out.push(`- **Sweep:** ${mdText(sweepText(c))}`);
  if (c.departures) out.push(`- **Departs from the paper's setting:** ${mdText(c.departures)}`);
  out.push(`- **Timing:** ${mdText(timingText(c))}`);
  const setting = settingItems(c);
  if (setting.length > 0) out.push(`- **Setting:** ${setting.map((s) => `\`${s.replace(/`/g, "'")}\``).join(', ')}`);
  out.push('');
  // The note is Markdown: quoted line by line, so its paragraphs, lists and tables stay inside the box.
  if (c.note) out.push('> **Known disagreement / setting note.**', '>', ...noteMarkdown(c.note).split('\n').map((l) => (l === '' ? '>' : `> ${l}`)), '');

  out.push('### Predictions', '', mdTable(predictionsTable(c)), '');

  if (layout.overlays.length > 0) {
    out.push('### Plots declared by the claim', '');
    for (const o of layout.overlays) {
      const w = overlayWarning(c, o.data);
      if (w) out.push(`> ⚠️ ${mdText(w)}`, '');
    }
    for (const o of layout.overlays) out.push(image(o.ref.title, o.ref.path), '');
  }

  out.push('### Observables', '');
  if (c.observables.length === 0) out.push('No observables recorded.', '');
  for (const o of c.observables) {
    const marked = slopePredictionsOn(c, o.name).length > 0 ? '' : o.fit ? ' (no prediction)' : '';
    out.push(`#### ${mdText(o.label)} (\`${o.name.replace(/`/g, "'")}\`)${marked}`, '');
    out.push(mdText(fitSummary(c, o)), '');
    out.push(mdTable(observableTable(c, o)), '');
    const nm = notMeasuredLines(c, o);
    if (nm.length > 0) out.push(...nm.map((l) => `- ⚠️ ${mdText(l)}`), '');
    const ref = layout.observables.get(o.name);
    if (ref) out.push(image(`${o.label} against ${X}`, ref.path), '');
  }

  const failed = failedJobs(c);
  if (failed.length > 0) {
    out.push('### Failed jobs', '');
    for (const f of failed) out.push(`- ${mdText(f.where)}: \`${f.error.split('\n')[0]!.replace(/`/g, "'")}\``);
    out.push('');
  }

  if (layout.spectra.length > 0 || layout.series.length > 0) {
    out.push('### Spectra and training curves', '');
    for (const s of layout.spectra) out.push(`- [${mdText(s.ref.title)}](${s.ref.path}) (${X} = ${fmtShort(s.data.job.x)}, trial ${s.data.job.trial})`);
    for (const s of layout.series) out.push(`- [${mdText(s.ref.title)}](${s.ref.path})`);
    out.push('');
    for (const s of [...layout.spectra, ...layout.series]) out.push(image(s.ref.title, s.ref.path), '');
  }
  return out;
}
