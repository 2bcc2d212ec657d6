/**
 * Do a claim's notes still say what its results say? A note explains a verdict with the
 * figures measured when it was written — "−0.73 [−0.82, −0.64]", "REFUTED 23 / 3 / 1" — and
 * the results move under it whenever a tier is rerun. This module finds the figures a note
 * quotes that no committed result backs any more, so a stale note fails a test instead of
 * misleading its reader.
 *
 * What is checked, and why only that:
 * - Every interval "[a, b]" printed with decimals (a 95% CI; "[0, 1]" is a range) must be a
 *   CI of that claim's results — a fitted slope's, a swept constant's, an observable's, or the
 *   interval a comparison's reason prints (also shifted by its threshold: a note may quote the
 *   CI of a ratio where the reason prints the CI of the ratio minus 1). Intervals are
 *   distinctive; bare point estimates ("slope −0.47") are not, and are left alone.
 * - A number printed just before the interval ("−0.73 [", "0.129, CI [") is its estimate and
 *   must be the estimate of the same result (the fitted slope, or the difference or mean a
 *   comparison's reason prints with its CI).
 * - Every verdict tally "REFUTED 23 / 3 / 1" must be the claim's verdict with its
 *   CONFIRMED / REFUTED / INCONCLUSIVE counts at the tier the note's section names ("## Paper
 *   tier …" → paper, "(standard: 22 / 3 / 2)" → standard, else the standard tier).
 * - A figure whose sentence, up to the figure, names the smoke tier is held to a smoke run's
 *   results when one is given (npm test's smoke tests run every claim and pass theirs: smoke
 *   results are recomputed, never committed), and left alone otherwise.
 * A quoted figure matches when it is the result rounded to the digits the note prints (half a
 * unit of its last digit, plus half a unit of the reason's own last digit when the result is
 * read from a reason's text).
 */
import type { ClaimResult, RunResults } from '../runner/results';
import { predictionCounts } from './model';

/** A number as notes and reasons print it: "−0.47", "-1", "0.0958", "1.5e-5". */
const NUM = String.raw`[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?`;
const INTERVAL = new RegExp(String.raw`\[(${NUM}), (${NUM})\]`, 'g');
/** An estimate printed right before an interval: "−0.73 [", "**−1.11, CI [", "0.129, 95% CI [". */
const ESTIMATE_BEFORE = new RegExp(String.raw`(?:^|[\s(*:])(\+?${NUM})\**(?:,?\s(?:95%\s)?CI)?\s$`);
/** The estimate a reason prints before its CI: "slope −0.01, 95% CI [", "difference −0.239 < 0; 95% CI [". */
const REASON_ESTIMATE = new RegExp(String.raw`(?:difference|slope) (${NUM})`, 'g');
const TALLY = /(?:\b(CONFIRMED|REFUTED|INCONCLUSIVE) |\((standard|paper): )(\d+) \/ (\d+) \/ (\d+)\b/g;

export type NoteTier = 'standard' | 'paper';

/** One figure a note quotes, with where it stands and what it claims to be. */
export interface QuotedFigure {
  kind: 'interval' | 'tally';
  /** The text as the note has it. */
  text: string;
  /** 1-based line and column in the note. */
  line: number;
  column: number;
  /** The tier the figure speaks of, by the section it stands in (or its own "(standard: …)"). */
  tier: NoteTier;
  /** Its sentence names the smoke tier before it: not checked. */
  smoke: boolean;
  /** interval: the bounds and half a unit of their last printed digit. */
  lo?: number;
  hi?: number;
  loSlack?: number;
  hiSlack?: number;
  /** interval: the estimate printed just before it, if any, and its half unit. */
  estimate?: number;
  estimateSlack?: number;
  /** tally: verdict (undefined for "(standard: a / b / c)") and counts C / R / I. */
  verdict?: string;
  counts?: [number, number, number];
}

export function parseNum(s: string): number {
  return Number(s.replace(/−/g, '-'));
}

/** Half a unit of the last digit printed: "0.47" → 0.005, "1" → 0.5, "1.5e-5" → 0.05e-5. */
export function halfUnit(s: string): number {
  const m = /^[−-]?\d+(?:\.(\d+))?(?:e([−+-]?\d+))?$/.exec(s);
  if (!m) return 0;
  const decimals = m[1]?.length ?? 0;
  const exp = m[2] ? parseNum(m[2]) : 0;
  return 0.5 * 10 ** (exp - decimals);
}

/** The tier each line of a note speaks of: "## Paper tier …" to the next "## " heading is paper. */
function lineTiers(lines: string[]): NoteTier[] {
  let tier: NoteTier = 'standard';
  return lines.map((l) => {
    if (/^##\s/.test(l)) tier = /^##\s+paper tier/i.test(l) ? 'paper' : 'standard';
    return tier;
  });
}

/**
 * Where the sentence holding offset `at` starts: after the last full stop followed by a
 * capital, a blank line, a list item or a table row.
 */
function sentenceStart(text: string, at: number): number {
  const before = text.slice(0, at);
  let start = 0;
  for (const m of before.matchAll(/[.!?]\s+(?=[A-Z*(])|\n\s*\n|\n\s*(?:[-*]|\d+\.)\s|\n\|/g)) start = m.index! + m[0].length;
  return start;
}

/** The intervals and verdict tallies a note quotes. */
export function quotedFigures(note: string): QuotedFigure[] {
  const lines = note.split('\n');
  const tiers = lineTiers(lines);
  const lineStarts: number[] = [];
  let o = 0;
  for (const l of lines) {
    lineStarts.push(o);
    o += l.length + 1;
  }
  const lineOf = (at: number): number => {
    let i = 0;
    while (i + 1 < lineStarts.length && lineStarts[i + 1]! <= at) i++;
    return i;
  };
  const smokeAt = (at: number) => /smoke/i.test(note.slice(sentenceStart(note, at), at));
  const out: QuotedFigure[] = [];
  for (const m of note.matchAll(INTERVAL)) {
    // A CI is printed with decimals; "[0, 1]" or "[2, 8]" is a range of values, not a measurement.
    if (!/[.e]/.test(m[1]! + m[2]!)) continue;
    const i = lineOf(m.index!);
    const est = ESTIMATE_BEFORE.exec(note.slice(Math.max(0, m.index! - 40), m.index!));
    out.push({
      kind: 'interval', text: m[0], line: i + 1, column: m.index! - lineStarts[i]! + 1, tier: tiers[i]!, smoke: smokeAt(m.index!),
      lo: parseNum(m[1]!), hi: parseNum(m[2]!), loSlack: halfUnit(m[1]!), hiSlack: halfUnit(m[2]!),
      ...(est ? { estimate: parseNum(est[1]!.replace(/^\+/, '')), estimateSlack: halfUnit(est[1]!.replace(/^\+/, '')) } : {}),
    });
  }
  for (const m of note.matchAll(TALLY)) {
    const i = lineOf(m.index!);
    out.push({
      kind: 'tally', text: m[0], line: i + 1, column: m.index! - lineStarts[i]! + 1, tier: (m[2] as NoteTier | undefined) ?? tiers[i]!, smoke: smokeAt(m.index!),
      ...(m[1] ? { verdict: m[1] } : {}),
      counts: [Number(m[3]), Number(m[4]), Number(m[5])],
    });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** An interval a result holds, with the rounding of the text it was read from (0 if numeric). */
interface HeldInterval {
  lo: number;
  hi: number;
  slack: number;
  /** The estimate it was computed around, where the result says. */
  estimate?: number;
  estimateSlack?: number;
}

/**
 * Every interval a claim's results hold: each {lo, hi} object (slope CIs, per-constant CIs,
 * observables' CIs) and each "CI [a, b]" a reason prints, also shifted by the reason's
 * "threshold X".
 */
export function heldIntervals(c: ClaimResult): HeldInterval[] {
  const out: HeldInterval[] = [];
  const fromText = (s: string) => {
    const threshold = /vs threshold (\S+?);/.exec(s);
    const t = threshold ? parseNum(threshold[1]!) : undefined;
    for (const m of s.matchAll(INTERVAL)) {
      const slack = Math.max(halfUnit(m[1]!), halfUnit(m[2]!));
      const lo = parseNum(m[1]!);
      const hi = parseNum(m[2]!);
      // "slope −0.01, 95% CI [" or "difference −0.239 < 0; 95% CI [": the last such before it.
      const before = [...s.slice(0, m.index!).matchAll(REASON_ESTIMATE)].at(-1);
      const est = before ? { estimate: parseNum(before[1]!), estimateSlack: halfUnit(before[1]!) } : {};
      out.push({ lo, hi, slack, ...est });
      if (t !== undefined && Number.isFinite(t)) {
        out.push({ lo: lo + t, hi: hi + t, slack, ...(before ? { estimate: est.estimate! + t, estimateSlack: est.estimateSlack! } : {}) });
      }
    }
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string') fromText(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const r = v as Record<string, unknown>;
      if (typeof r.lo === 'number' && typeof r.hi === 'number') {
        out.push({ lo: r.lo, hi: r.hi, slack: 0, ...(typeof r.estimate === 'number' ? { estimate: r.estimate, estimateSlack: 0 } : {}) });
      }
      for (const val of Object.values(r)) walk(val);
    }
  };
  // The jobs' outputs are raw measurements, and the note is what is being checked.
  walk(c.predictions);
  walk(c.observables);
  return out;
}

/**
 * A printed bound x (rounded, half a unit `s`) stands for a value v that the result holds
 * exactly (|v − x| ≤ s) or printed as y with its own rounding r: then some v within r of y
 * must round to x, which needs |x − y| < s + r (at equality only the shared edge would do).
 */
function boundHeld(x: number, s: number, y: number, r: number): boolean {
  const d = Math.abs(x - y);
  return r > 0 ? d < s + r - 1e-12 : d <= s + 1e-12;
}

/**
 * Whether a quoted interval is held: 'no' when no result's CI rounds to it, 'estimate' when some
 * do but none around the estimate printed before it (a result that names no estimate counts).
 */
function intervalHeld(q: QuotedFigure, held: HeldInterval[]): 'yes' | 'no' | 'estimate' {
  const same = held.filter((h) => boundHeld(q.lo!, q.loSlack!, h.lo, h.slack) && boundHeld(q.hi!, q.hiSlack!, h.hi, h.slack));
  if (same.length === 0) return 'no';
  if (q.estimate === undefined) return 'yes';
  return same.some((h) => h.estimate === undefined || boundHeld(q.estimate!, q.estimateSlack!, h.estimate, h.estimateSlack!)) ? 'yes' : 'estimate';
}

/** The claim's verdict and its prediction counts C / R / I, as the results table writes them. */
export function verdictTally(c: ClaimResult): { verdict: string; counts: [number, number, number] } {
  const n = predictionCounts(c);
  return { verdict: c.verdict, counts: [n.CONFIRMED, n.REFUTED, n.INCONCLUSIVE] };
}

/** A quoted figure no committed result backs, and why. */
export interface StaleFigure {
  figure: QuotedFigure;
  why: string;
}

/**
 * Checks the figures of `note` against the claim's results: how many could be checked, and those
 * the results at their tier do not back. An interval may come from either tier's results (a paper
 * section compares with the standard figures, and the standard part of a note names a paper
 * figure now and then); a tally must match the tier it names. A tier without results checks
 * nothing (it has not been run yet), nor does a figure said to be from the smoke tier without a
 * smoke run.
 */
export function checkNoteFigures(
  note: string, claimId: string, results: Partial<Record<NoteTier | 'smoke', RunResults>>,
): { checked: number; stale: StaleFigure[] } {
  const at: Partial<Record<NoteTier | 'smoke', ClaimResult>> = {};
  for (const t of ['standard', 'paper', 'smoke'] as const) {
    const c = results[t]?.claims.find((x) => x.id === claimId);
    if (c) at[t] = c;
  }
  const held = [at.standard, at.paper, at.smoke].flatMap((c) => (c ? heldIntervals(c) : []));
  const where = `its ${(['smoke', 'standard', 'paper'] as const).filter((t) => at[t]).join(', ')} results`;
  const stale: StaleFigure[] = [];
  let checked = 0;
  for (const q of quotedFigures(note)) {
    if (q.smoke && !at.smoke) continue;
    if (q.kind === 'interval') {
      if (held.length === 0) continue;
      checked++;
      const h = intervalHeld(q, held);
      if (h === 'no') stale.push({ figure: q, why: `no CI of ${claimId} in ${where} rounds to ${q.text}` });
      if (h === 'estimate') stale.push({ figure: q, why: `${claimId}'s CI ${q.text} in ${where} is not around the estimate ${q.estimate} the note prints before it` });
      continue;
    }
    const c = q.smoke ? at.smoke : at[q.tier];
    if (!c) continue;
    checked++;
    const t = verdictTally(c);
    const same = t.counts.every((v, i) => v === q.counts![i]) && (q.verdict === undefined || q.verdict === t.verdict);
    const tier = q.smoke ? 'smoke' : q.tier;
    if (!same) stale.push({ figure: q, why: `${claimId} at the ${tier} tier is ${t.verdict} ${t.counts.join(' / ')}, the note says ${q.text}` });
  }
  return { checked, stale };
}

/** The figures of `note` that the claim's results do not back (checkNoteFigures). */
export function staleFigures(note: string, claimId: string, results: Partial<Record<NoteTier | 'smoke', RunResults>>): StaleFigure[] {
  return checkNoteFigures(note, claimId, results).stale;
}
