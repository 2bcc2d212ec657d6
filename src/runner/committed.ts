/**
 * The results this repository commits (results/<tier>/results.json, assembled with `combine`):
 * the source of the README's tables and what the claims' notes are held to.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './engine-version';
import { parseResults, type RunResults } from './results';

export const COMMITTED_TIERS = ['standard', 'paper'] as const;
export type CommittedTier = (typeof COMMITTED_TIERS)[number];

export function committedResultsFile(tier: CommittedTier): string {
  return path.join(PROJECT_ROOT, 'results', tier, 'results.json');
}

/** The committed results of each tier, where the file exists. */
export function committedResults(): Partial<Record<CommittedTier, RunResults>> {
  const out: Partial<Record<CommittedTier, RunResults>> = {};
  for (const t of COMMITTED_TIERS) {
    const f = committedResultsFile(t);
    if (existsSync(f)) out[t] = parseResults(readFileSync(f, 'utf8'), f);
  }
  return out;
}
