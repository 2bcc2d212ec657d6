/**
 * Rewrites the README's results table from results/standard/results.json and
 * results/paper/results.json (src/report/results-table.ts). Run after committing new results:
 *
 *   npx tsx scripts/update-readme.ts          # rewrites README.md
 *   npx tsx scripts/update-readme.ts --check  # exit 1 when README.md is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseResults, type RunResults } from '../src/runner/results';
import { loadRegistry } from '../src/runner/registry';
import { resultsTable, spliceResultsTable } from '../src/report/results-table';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(ROOT, 'README.md');

function load(tier: string): RunResults | undefined {
  const f = path.join(ROOT, 'results', tier, 'results.json');
  return existsSync(f) ? parseResults(readFileSync(f, 'utf8'), f) : undefined;
}

/** The README as it should be, given the committed results. */
export async function expectedReadme(): Promise<string> {
  const order = (await loadRegistry()).map((c) => c.def.id);
  const table = resultsTable([{ label: 'standard', results: load('standard') }, { label: 'paper', results: load('paper') }], order);
  return spliceResultsTable(readFileSync(README, 'utf8'), table);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const want = await expectedReadme();
  if (process.argv.includes('--check')) {
    if (want !== readFileSync(README, 'utf8')) {
      console.error('README.md: the results table is out of date: run npx tsx scripts/update-readme.ts');
      process.exit(1);
    }
    console.log('README.md: results table up to date');
  } else {
    writeFileSync(README, want);
    console.log('README.md: results table rewritten');
  }
}
