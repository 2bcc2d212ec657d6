/**
 * The README's results table is generated from results/<tier>/results.json (scripts/update-readme.ts):
 * it must be exactly what the committed files give, so no figure in it is copied by hand.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, expectedReadme } from '../../scripts/update-readme';
import { RESULTS_BEGIN, RESULTS_END, resultsTable, spliceResultsTable } from '../../src/report/results-table';

describe('README results table', () => {
  it('is what scripts/update-readme.ts generates from the committed results', async () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(RESULTS_BEGIN);
    expect(readme).toContain(RESULTS_END);
    expect(readme, 'README.md is out of date: run npx tsx scripts/update-readme.ts').toBe(await expectedReadme());
  });

  it('marks claims not run at a tier, and refuses a README without markers', () => {
    const t = resultsTable([{ label: 'paper', results: undefined }], ['W1']);
    expect(t).toContain('paper: no results committed yet');
    expect(() => spliceResultsTable('no markers here', t)).toThrow(/markers not found/);
  });
});
