/**
 * How the verdicts move from the standard tier to the paper's sizes (src/report/scale-table.ts):
 * every prediction measured at both tiers is counted once, as kept or moved, and each move is
 * listed with what both tiers measured.
 */
import { describe, expect, it } from 'vitest';
import { committedResults } from '../../src/runner/committed';
import { scaleSummary, scaleTable } from '../../src/report/scale-table';
import type { RunResults } from '../../src/runner/results';

const { standard, paper } = committedResults();

describe('the scale table', () => {
  it('counts every prediction measured at both tiers once, as kept or moved', () => {
    const ids = standard!.claims.map((c) => c.id);
    const s = scaleSummary(standard!, paper!, ids);
    const both = paper!.claims.filter((c) => standard!.claims.some((x) => x.id === c.id));
    const labels = both.flatMap((c) => c.predictions.filter((p) => standard!.claims.find((x) => x.id === c.id)!.predictions.some((q) => q.label === p.label)));
    expect(s.claims).toBe(both.length);
    expect(s.compared).toBe(labels.length);
    expect(s.kept.CONFIRMED + s.kept.REFUTED + s.kept.INCONCLUSIVE + s.moved.length).toBe(s.compared);
    for (const m of s.moved) expect(m.from).not.toBe(m.to);
  });

  it('lists a verdict that moves with both tiers\' measurements, and says when none moves', () => {
    const w2: RunResults = { ...standard!, claims: standard!.claims.filter((c) => c.id === 'W2') };
    const same = scaleTable({ label: 'standard', results: w2 }, { label: 'standard again', results: w2 }, ['W2']);
    expect(same).toMatch(/^\d+ predictions of 1 claim are measured at both .* keep their verdict .* None changes its verdict\.$/);
    const flipped = structuredClone(w2);
    const p = flipped.claims[0]!.predictions.find((q) => q.verdict === 'REFUTED')!;
    p.verdict = 'CONFIRMED';
    const t = scaleTable({ label: 'standard', results: w2 }, { label: 'paper', results: flipped }, ['W2']);
    expect(t).toMatch(/1 changes \(REFUTED → CONFIRMED 1\):/);
    const row = t.split('\n').find((l) => l.startsWith('| W2 |'))!;
    expect(row).toContain(`| ${p.label.replace(/\|/g, '\\|')} | REFUTED |`);
    expect(row).toMatch(/\| CONFIRMED( ⚠️ expected REFUTED)? \| slope /);
    expect(scaleTable({ label: 'standard', results: w2 }, { label: 'paper', results: undefined }, ['W2'])).toMatch(/^No predictions are measured at both/);
  });
});
