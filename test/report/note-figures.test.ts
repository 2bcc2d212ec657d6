/**
 * A claim's note quotes the figures it explains ("−0.73 [−0.82, −0.64]", "REFUTED 23 / 3 / 1");
 * the results under results/<tier>/ move whenever a tier is rerun. Every CI and verdict tally
 * a note quotes must still be one the committed results hold (src/report/note-figures.ts), so
 * a rerun that changes a figure fails here until the note says what was measured.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNoteFigures, halfUnit, heldIntervals, quotedFigures, staleFigures, verdictTally } from '../../src/report/note-figures';
import { loadRegistry } from '../../src/runner/registry';
import type { ClaimResult, RunResults } from '../../src/runner/results';
import { committedResults } from '../../src/runner/committed';

const root = path.resolve(__dirname, '../..');
const committed = committedResults();

/** A committed claim result, cloned so a test may change it. */
function claimAt(tier: 'standard' | 'paper', id: string): ClaimResult {
  const c = committed[tier]!.claims.find((x) => x.id === id);
  if (!c) throw new Error(`${id} has no committed ${tier} result`);
  return structuredClone(c);
}

function runOf(tier: 'standard' | 'paper', claims: ClaimResult[]): RunResults {
  return { ...committed[tier]!, claims };
}

describe('figures a note quotes', () => {
  const NOTE = [
    'Measured at the standard tier: slope −0.73 [−0.82, −0.64], and a ratio of 1.5e-5 [1.2e-5, 1.8e-5].',
    'At the smoke tier the CI [−0.85, 0.22] decides neither. Then [0.1, 0.2] again.',
    '',
    '## Paper tier (n = 500…8000)',
    '',
    'REFUTED 23 / 3 / 1 (standard: 22 / 3 / 2): slope −0.47 [−0.52, −0.43].',
    '- at smoke sizes −0.28 [−0.59, 0.02]',
    '- then [−1.00, −0.75]',
    '',
    '## Run time',
    'widths 16 / 32 / 64 are not a tally; [0.3, 0.4] is standard again; t ∈ [0, 1] is a range.',
  ].join('\n');

  it('reads intervals with the rounding they print, the tier of their section, and whether they speak of smoke', () => {
    const q = quotedFigures(NOTE).filter((f) => f.kind === 'interval');
    expect(q.map((f) => [f.text, f.line, f.tier, f.smoke])).toEqual([
      ['[−0.82, −0.64]', 1, 'standard', false],
      ['[1.2e-5, 1.8e-5]', 1, 'standard', false],
      ['[−0.85, 0.22]', 2, 'standard', true],
      ['[0.1, 0.2]', 2, 'standard', false],
      ['[−0.52, −0.43]', 6, 'paper', false],
      ['[−0.59, 0.02]', 7, 'paper', true],
      ['[−1.00, −0.75]', 8, 'paper', false],
      ['[0.3, 0.4]', 11, 'standard', false],
    ]);
    expect(q[0]).toMatchObject({ lo: -0.82, hi: -0.64, loSlack: 0.005, hiSlack: 0.005, estimate: -0.73, estimateSlack: 0.005 });
    expect(q.map((f) => f.estimate)).toEqual([-0.73, 1.5e-5, undefined, undefined, -0.47, -0.28, undefined, undefined]);
    const more = quotedFigures('**−1.11, CI [−1.12, −1.10]**, over 0.1 by 0.129, 95% CI [0.106, 0.152]; (slope −1.50\n[−1.58, −1.42]; +0.185 [0.144, 0.226]');
    expect(more.map((f) => f.estimate)).toEqual([-1.11, 0.129, -1.5, 0.185]);
    expect(q[1]!.lo).toBe(1.2e-5);
    expect(q[1]!.loSlack).toBeCloseTo(0.05e-5, 20);
    expect([halfUnit('1'), halfUnit('−0.470'), halfUnit('2.5e3')]).toEqual([0.5, 0.0005, 50]);
  });

  it('reads verdict tallies and the tier each names', () => {
    const t = quotedFigures(NOTE).filter((f) => f.kind === 'tally');
    expect(t.map((f) => [f.text, f.tier, f.verdict, f.counts])).toEqual([
      ['REFUTED 23 / 3 / 1', 'paper', 'REFUTED', [23, 3, 1]],
      ['(standard: 22 / 3 / 2', 'standard', undefined, [22, 3, 2]],
    ]);
  });
});

describe('stale figures', () => {
  const w7 = claimAt('paper', 'W7');
  const tally = verdictTally(w7);
  // The slope with the lowest CI: nothing else in W7's results lies near it.
  const slope = w7.predictions.filter((p) => p.ci && p.fit).sort((a, b) => a.ci!.lo - b.ci!.lo)[0]!;
  const ci = slope.ci!;
  const r2 = (v: number) => (Math.round(v * 100) / 100).toFixed(2).replace('-', '−');
  const quoted = `[${r2(ci.lo)}, ${r2(ci.hi)}]`;

  it('accepts a CI rounded from the results and a tally that is the claim\'s, at the tier its section names', () => {
    const note = `## Paper tier\n\n${tally.verdict} ${tally.counts.join(' / ')}: slope ${quoted}.`;
    expect(staleFigures(note, 'W7', { paper: runOf('paper', [w7]) })).toEqual([]);
  });

  it('flags a CI one unit of its last digit off, a tally with another count, and a tally at the wrong tier', () => {
    const off = `[${r2(ci.lo - 0.01)}, ${r2(ci.hi)}]`;
    const wrongCount = `${tally.verdict} ${tally.counts[0]! + 1} / ${tally.counts[1]} / ${tally.counts[2]}`;
    const note = `## Paper tier\n\n${wrongCount}: slope ${off}.\n\n## Notes\n\n${tally.verdict} ${tally.counts.join(' / ')}`;
    const stale = staleFigures(note, 'W7', { standard: runOf('standard', [claimAt('standard', 'W7')]), paper: runOf('paper', [w7]) });
    expect(stale.map((s) => s.figure.text)).toEqual([wrongCount, off, `${tally.verdict} ${tally.counts.join(' / ')}`]);
    expect(stale[1]!.why).toMatch(/no CI of W7 in its standard, paper results rounds to/);
    expect(stale[2]!.why).toMatch(/at the standard tier is REFUTED 22 \/ 3 \/ 2/);
  });

  it('flags an estimate printed before a held CI that is not the estimate of that CI', () => {
    const est = slope.fit!.slope;
    const ok = `## Paper tier\n\nslope ${r2(est)} ${quoted}`;
    const bad = `## Paper tier\n\nslope ${r2(est + 0.05)} ${quoted}`;
    const run = { paper: runOf('paper', [w7]) };
    expect(staleFigures(ok, 'W7', run)).toEqual([]);
    const stale = staleFigures(bad, 'W7', run);
    expect(stale).toHaveLength(1);
    expect(stale[0]!.why).toMatch(/is not around the estimate/);
  });

  it('does not check what speaks of smoke without a smoke run, nor a tier with no results', () => {
    const note = 'At smoke sizes −0.28 [−9.99, 9.99].\n\n## Paper tier\n\nREFUTED 1 / 2 / 3 [−9.99, 9.99]';
    expect(staleFigures(note, 'W7', { standard: runOf('standard', []) })).toEqual([]);
  });

  it('holds what speaks of smoke to a smoke run when one is given: its CIs and its tally', () => {
    const smoke = claimAt('standard', 'W7'); // stands in for a smoke run of W7
    const t = verdictTally(smoke);
    const p = smoke.predictions.filter((q) => q.ci && q.fit).sort((a, b) => a.ci!.lo - b.ci!.lo)[0]!;
    const held = `[${r2(p.ci!.lo)}, ${r2(p.ci!.hi)}]`;
    const note = `At the smoke tier: ${t.verdict} ${t.counts.join(' / ')}, slope ${held}; smoke also [−9.99, 9.99] and ${t.verdict} 0 / 0 / 0.`;
    const stale = staleFigures(note, 'W7', { smoke: runOf('standard', [smoke]) });
    expect(stale.map((s) => s.figure.text)).toEqual(['[−9.99, 9.99]', `${t.verdict} 0 / 0 / 0`]);
    expect(stale[0]!.why).toMatch(/in its smoke results rounds to/);
    expect(stale[1]!.why).toMatch(/at the smoke tier is/);
  });

  it('holds a comparison\'s CI as its reason prints it, shifted by the threshold too, but no wider than both roundings allow', () => {
    const c = structuredClone(w7);
    c.predictions = [{ ...c.predictions[0]!, reason: 'x holds: mean 0.761 (3 values) vs threshold 1; difference −0.239 < 0; 95% CI [−0.61, 0.00] (one-sample t)' }];
    c.observables = [];
    const held = heldIntervals(c);
    expect(held).toEqual([
      { lo: -0.61, hi: 0, slack: 0.005, estimate: -0.239, estimateSlack: 0.0005 },
      { lo: 0.39, hi: 1, slack: 0.005, estimate: 0.761, estimateSlack: 0.0005 },
    ]);
    const run = { standard: runOf('standard', [c]) };
    expect(staleFigures('ratio CI [0.39, 1.00]; difference [−0.61, 0.00]; 3 digits [−0.612, 0.004]; ratio 0.76 [0.39, 1.00]', 'W7', run)).toEqual([]);
    expect(staleFigures('ratio 0.80 [0.39, 1.00]', 'W7', run).map((s) => s.why)).toEqual([expect.stringMatching(/not around the estimate 0.8 /)]);
    // −0.62 would need a value at −0.615 exactly, the edge both roundings share: not held.
    expect(staleFigures('[−0.62, 0.00]', 'W7', run).map((s) => s.figure.text)).toEqual(['[−0.62, 0.00]']);
  });
});

describe('the claim notes of this repository', async () => {
  const reg = await loadRegistry();

  it('quote only CIs and tallies that the committed results hold', () => {
    let checked = 0;
    const stale: string[] = [];
    for (const c of reg) {
      const note = c.def.note ?? '';
      const r = checkNoteFigures(note, c.def.id, committed);
      checked += r.checked;
      for (const s of r.stale) stale.push(`${path.relative(root, c.file)} line ${s.figure.line}: ${s.why}`);
    }
    expect(stale, 'a note quotes a figure the results no longer give: rerun or rewrite the note').toEqual([]);
    // The check must have something to check: the notes quote well over a hundred CIs.
    expect(checked).toBeGreaterThan(100);
  });
});
