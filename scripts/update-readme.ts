/**
 * Rewrites the README's results table, how the verdicts move from the standard tier to the paper's
 * sizes, and its table of the predictions not confirmed from
 * results/standard/results.json and results/paper/results.json (src/report/results-table.ts,
 * src/report/scale-table.ts, src/report/findings-table.ts). Run after committing new results:
 *
 *   npx tsx scripts/update-readme.ts          # rewrites README.md
 *   npx tsx scripts/update-readme.ts --check  # exit 1 when README.md is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { committedResults } from '../src/runner/committed';
import { loadRegistry } from '../src/runner/registry';
import { noteFileOf } from '../src/runner/notes';
import { resultsTable, spliceBetween, spliceResultsTable } from '../src/report/results-table';
import { FINDINGS_BEGIN, FINDINGS_END, findingsTable } from '../src/report/findings-table';
import { SCALE_BEGIN, SCALE_END, scaleTable } from '../src/report/scale-table';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(ROOT, 'README.md');


/** The README as it should be, given the committed results. */
export async function expectedReadme(): Promise<string> {
  const registry = await loadRegistry();
  const order = registry.map((c) => c.def.id);
  const { standard, paper } = committedResults();
  const runs = [{ label: 'standard', results: standard }, { label: 'paper', results: paper }];
  // Each claim's note file, as a link relative to the README (POSIX separators: it is a URL).
  const notes = new Map(registry.flatMap((c) => {
    const f = noteFileOf(c.file);
    return existsSync(f) ? [[c.def.id, path.relative(ROOT, f).split(path.sep).join('/')] as const] : [];
  }));
  const readme = spliceResultsTable(readFileSync(README, 'utf8'), resultsTable(runs, order));
  const scaled = spliceBetween(readme, SCALE_BEGIN, SCALE_END, scaleTable(runs[0]!, runs[1]!, order));
  return spliceBetween(scaled, FINDINGS_BEGIN, FINDINGS_END, findingsTable(runs, order, (id) => notes.get(id)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const want = await expectedReadme();
  if (process.argv.includes('--check')) {
    if (want !== readFileSync(README, 'utf8')) {
      console.error('README.md: the results tables are out of date: run npx tsx scripts/update-readme.ts');
      process.exit(1);
    }
    console.log('README.md: results tables up to date');
  } else {
    writeFileSync(README, want);
    console.log('README.md: results tables rewritten');
  }
}
