/**
 * Verdict rules (CLAIMS.md, "Verdict rules"): turn measured data into CONFIRMED, REFUTED or
 * INCONCLUSIVE with a reason a researcher can read in a report.
 *
 *   assessSlope       a fitted log-log exponent with a bootstrap CI against `slope ≈ b ± δ`,
 *                     `slope ≤ b + δ`, `slope ≥ b − δ` or `bounded` (|slope| ≤ δ);
 *   assessHolds       an inequality checked at every size, trial (and step);
 *   assessCompare     a comparison of two means (or a mean and a fixed threshold);
 *   assessTransition  a mean crossing a threshold as the swept variable grows.
 *
 * Numbers in reasons use a true minus sign (−) and as many digits as needed to tell apart
 * the two numbers being compared.
 */
import { bootstrapSlopeCI, meanStd, welchDiffCI, type SlopeCI } from './bootstrap';
import { fitLogLog, localSlopes, pointProblem, type LocalSlope, type LogLogFit, type Point } from './fit';

/** The three verdicts, in the order reports list them; the one definition of `Verdict`. */
export const VERDICTS = ['CONFIRMED', 'REFUTED', 'INCONCLUSIVE'] as const;
export type Verdict = (typeof VERDICTS)[number];

// ---------------------------------------------------------------------------------------------
// Number formatting for reasons.

function minus(s: string): string {
  return s.replace(/^-/, '−').replace(/e-/, 'e−');
}

/** Fixed-point with `decimals` digits, true minus sign, no "−0.00", ±∞ for infinities. */
export function fmtFixed(v: number, decimals = 2): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  let s = v.toFixed(decimals);
  if (/^-0\.?0*$/.test(s)) s = s.slice(1);
  return minus(s);
}

/** `digits` significant digits (plain integers stay as they are), true minus sign. */
export function fmtSig(v: number, digits = 3): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return minus(String(v));
  const s = v.toPrecision(digits);
  // Drop trailing zeros of a plain decimal ("0.5000" → "0.5"), keep exponent forms as they are.
  return minus(s.includes('e') || !s.includes('.') ? s : s.replace(/\.?0+$/, ''));
}

/** Format a and b with the fewest digits (at least the default) that tell them apart. */
function fmtPair(a: number, b: number, fmt: (v: number, d: number) => string, d0: number): [string, string] {
  for (let d = d0; d <= 17; d++) {
    const sa = fmt(a, d);
    const sb = fmt(b, d);
    if (sa !== sb || a === b) return [sa, sb];
  }
  return [fmt(a, 17), fmt(b, 17)];
}

/** A size value as it appears in reasons: "n=400", "η=0.001". */
function at(xName: string, x: number): string {
  return `${xName}=${fmtSig(x, 4)}`;
}

function pct(level: number): string {
  return `${fmtSig(level * 100, 3)}%`;
}

// ---------------------------------------------------------------------------------------------
// Slopes.

/** What a claim predicts about the log-log slope; `tol` is δ (default 0.15). */
export type SlopePrediction =
  | { kind: 'slope≈'; exponent: number; tol?: number }
  | { kind: 'slope≤'; exponent: number; tol?: number }
  | { kind: 'slope≥'; exponent: number; tol?: number }
  | { kind: 'bounded'; tol?: number };

/** Default δ of every slope prediction. */
export const DEFAULT_SLOPE_TOL = 0.15;
/** Default data requirements of a slope (CLAIMS.md, "Tiers"). */
export const DEFAULT_MIN_SIZES = 4;
export const DEFAULT_MIN_SPAN = 4;
export const DEFAULT_MIN_TRIALS = 3;
/** A confirmed `slope ≤ b` bound is loose when the CI's upper end is < b − this. */
export const DEFAULT_LOOSE_MARGIN = 0.25;

export interface SlopeAssessOptions {
  /** Root seed of the bootstrap (use the claim's seed). */
  seed: string | number;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** CI level (default 0.95). */
  level?: number;
  /** Small-sample correction of the bootstrap (default true; see bootstrapSlopeCI). */
  smallSample?: boolean;
  /** Fewest distinct sizes for a verdict (default 4). */
  minSizes?: number;
  /** Smallest ratio largest/smallest size for a verdict (default 4). */
  minSpan?: number;
  /** Fewest trials at every size for a verdict (default 3). */
  minTrials?: number;
  /** Name of the swept variable in reasons (default 'n'). */
  xName?: string;
  /** Margin of the tightness flag (default 0.25): see SlopeAssessment.loose. */
  looseMargin?: number;
}

/** Whether the data meet the minimums for judging a slope. */
export interface SlopeDataCheck {
  /** True when every requirement is met and every point is usable. */
  ok: boolean;
  /** Number of distinct sizes. */
  sizes: number;
  /** Largest size / smallest size (1 for one size, 0 for no points). */
  span: number;
  /** Fewest distinct trials at any size (0 for no points). */
  minTrials: number;
  /** Every failed requirement, e.g. "only 3 sizes (need 4)"; absent when ok. */
  problem?: string;
}

export interface SlopeAssessment {
  verdict: Verdict;
  /** One line for the report, with the numbers that decided the verdict. */
  reason: string;
  /** The prediction, with tol filled in. */
  prediction: SlopePrediction & { tol: number };
  /** Least-squares log-log fit over all points (absent when it cannot be computed). */
  fit?: LogLogFit;
  /** Bootstrap CI of the slope (absent when it cannot be computed). */
  ci?: SlopeCI;
  /** Slopes between consecutive sizes from the mean log y at each (finite-size drift). */
  local: LocalSlope[];
  /** Acceptance interval of the slope, [b−δ, b+δ], [−∞, b+δ], [b−δ, ∞] or [−δ, δ]. (JSON writes ±∞ as null.) */
  interval: [number, number];
  /**
   * Tightness: for a CONFIRMED `slope≤` bound, true when the CI's upper end < b − looseMargin
   * (the data sit well below the bound); mirrored for `slope≥` (lower end > b + looseMargin).
   * Absent for other kinds and verdicts.
   */
  loose?: boolean;
  dataCheck: SlopeDataCheck;
}

function normalizePrediction(pred: SlopePrediction): SlopePrediction & { tol: number } {
  const tol = pred.tol ?? DEFAULT_SLOPE_TOL;
  if (!(Number.isFinite(tol) && tol >= 0)) throw new RangeError(`assessSlope: tol must be finite and ≥ 0, got ${tol}`);
  if (pred.kind !== 'bounded' && !Number.isFinite(pred.exponent)) {
    throw new RangeError(`assessSlope: exponent must be finite, got ${pred.exponent}`);
  }
  return { ...pred, tol };
}

function acceptanceInterval(pred: SlopePrediction & { tol: number }): [number, number] {
  switch (pred.kind) {
    case 'slope≈':
      return [pred.exponent - pred.tol, pred.exponent + pred.tol];
    case 'slope≤':
      return [-Infinity, pred.exponent + pred.tol];
    case 'slope≥':
      return [pred.exponent - pred.tol, Infinity];
    case 'bounded':
      return [-pred.tol, pred.tol];
  }
}

function describePrediction(pred: SlopePrediction & { tol: number }): string {
  const d = fmtFixed(pred.tol);
  switch (pred.kind) {
    case 'slope≈':
      return `predicted slope ${fmtFixed(pred.exponent)} ± ${d}`;
    case 'slope≤':
      return `bound: slope ≤ ${fmtFixed(pred.exponent)} + ${d}`;
    case 'slope≥':
      return `bound: slope ≥ ${fmtFixed(pred.exponent)} − ${d}`;
    case 'bounded':
      return `predicted bounded: |slope| ≤ ${d}`;
  }
}

/** Check the minimums: sizes, span and trials per size; also that every point can be logged. */
export function checkSlopeData(
  points: readonly Point[],
  req: { minSizes?: number; minSpan?: number; minTrials?: number; xName?: string } = {},
): SlopeDataCheck {
  const minSizes = req.minSizes ?? DEFAULT_MIN_SIZES;
  const minSpan = req.minSpan ?? DEFAULT_MIN_SPAN;
  const minTrials = req.minTrials ?? DEFAULT_MIN_TRIALS;
  const xName = req.xName ?? 'n';
  if (points.length === 0) return { ok: false, sizes: 0, span: 0, minTrials: 0, problem: 'no data points' };
  const problems: string[] = [];
  for (const p of points) {
    const bad = pointProblem(p);
    if (bad !== undefined) {
      problems.push(bad);
      break;
    }
  }
  const trials = new Map<number, Set<number>>();
  for (const p of points) {
    const s = trials.get(p.x) ?? new Set<number>();
    s.add(p.trial);
    trials.set(p.x, s);
  }
  const xs = [...trials.keys()].sort((a, b) => a - b);
  const sizes = xs.length;
  const span = xs[0]! > 0 ? xs[sizes - 1]! / xs[0]! : Number.NaN;
  let fewest = Infinity;
  for (const s of trials.values()) fewest = Math.min(fewest, s.size);
  if (sizes < minSizes) problems.push(`only ${sizes} size${sizes === 1 ? '' : 's'} (need ${minSizes})`);
  if (!(span >= minSpan)) {
    const range = `${at(xName, xs[0]!)}…${fmtSig(xs[sizes - 1]!, 4)}`;
    problems.push(`sizes span a factor ${fmtSig(span, 3)} (${range}; need ≥ ${fmtSig(minSpan, 3)})`);
  }
  if (fewest < minTrials) {
    const short = xs.filter((x) => trials.get(x)!.size === fewest);
    const where = short.slice(0, 3).map((x) => at(xName, x)).join(', ') + (short.length > 3 ? `, …` : '');
    problems.push(`only ${fewest} trial${fewest === 1 ? '' : 's'} at ${where} (need ${minTrials})`);
  }
  const check: SlopeDataCheck = { ok: problems.length === 0, sizes, span, minTrials: fewest };
  if (problems.length > 0) check.problem = problems.join('; ');
  return check;
}

/**
 * Judge a log-log slope against a prediction (CLAIMS.md "Verdict rules"):
 *  - `slope≈` b ± δ and `bounded` (b = 0): CONFIRMED when the CI lies inside [b−δ, b+δ]
 *    (ends included); REFUTED when it misses the interval entirely; INCONCLUSIVE otherwise.
 *  - `slope≤` b (bound b+δ): CONFIRMED when CI.hi ≤ b+δ; REFUTED when CI.lo > b+δ;
 *    INCONCLUSIVE otherwise. `slope≥` mirrors it with b−δ.
 *  - Data minimums (default 4 sizes, span ≥ 4, ≥ 3 trials per size; the options may lower
 *    them) failing, or a point with y ≤ 0 / non-finite values → INCONCLUSIVE, the reason
 *    naming each failed requirement. The fit and CI are still reported when computable.
 */
export function assessSlope(points: readonly Point[], pred: SlopePrediction, opts: SlopeAssessOptions): SlopeAssessment {
  const prediction = normalizePrediction(pred);
  const interval = acceptanceInterval(prediction);
  const xName = opts.xName ?? 'n';
  const dataCheck = checkSlopeData(points, { ...opts, xName });
  const usable = points.length > 0 && points.every((p) => pointProblem(p) === undefined) && dataCheck.sizes >= 2;
  const predText = describePrediction(prediction);

  let fit: LogLogFit | undefined;
  let ci: SlopeCI | undefined;
  let local: LocalSlope[] = [];
  if (usable) {
    fit = fitLogLog(points);
    ci = bootstrapSlopeCI(points, { seed: opts.seed, resamples: opts.resamples, level: opts.level, smallSample: opts.smallSample });
    local = localSlopes(points);
  }
  const base = { prediction, fit, ci, local, interval, dataCheck };

  if (!dataCheck.ok) {
    const fitted =
      fit && ci
        ? `; fitted slope ${fmtFixed(fit.slope)}, ${pct(ci.level)} CI [${fmtFixed(ci.lo)}, ${fmtFixed(ci.hi)}] not judged`
        : '';
    return { ...base, verdict: 'INCONCLUSIVE', reason: `${dataCheck.problem}${fitted} (${predText})` };
  }
  const c = ci!;
  // With one trial per size the bootstrap has nothing to resample: say so in the reason.
  const noSpread =
    c.df === 0 && dataCheck.minTrials < 2 ? ' [no within-size spread to resample (single-trial sizes): the CI is just the point estimate]' : '';
  const judged = judgeSlope(fit!, c, prediction, base, opts.looseMargin ?? DEFAULT_LOOSE_MARGIN);
  return { ...judged, reason: judged.reason + noSpread };
}

/** The verdict rules of assessSlope once the data requirements are met. */
function judgeSlope(
  f: LogLogFit,
  c: SlopeCI,
  prediction: SlopePrediction & { tol: number },
  base: Omit<SlopeAssessment, 'verdict' | 'reason' | 'loose'>,
  looseMargin: number,
): SlopeAssessment {
  const predText = describePrediction(prediction);
  const head = `slope ${fmtFixed(f.slope)}, ${pct(c.level)} CI`;
  const ciText = `[${fmtFixed(c.lo)}, ${fmtFixed(c.hi)}]`;
  const [a, b] = base.interval;
  switch (prediction.kind) {
    case 'slope≈':
    case 'bounded': {
      const ivText = `[${fmtFixed(a)}, ${fmtFixed(b)}]`;
      if (c.lo >= a && c.hi <= b) {
        return { ...base, verdict: 'CONFIRMED', reason: `${head} ${ciText} lies inside ${ivText} (${predText})` };
      }
      if (c.hi < a || c.lo > b) {
        const side = c.hi < a ? 'below' : 'above';
        const [e, g] = c.hi < a ? fmtPair(c.hi, a, fmtFixed, 2) : fmtPair(c.lo, b, fmtFixed, 2);
        const why = c.hi < a ? `upper end ${e} < ${g}` : `lower end ${e} > ${g}`;
        return {
          ...base,
          verdict: 'REFUTED',
          reason: `${head} ${ciText} lies entirely ${side} ${ivText}: ${why} (${predText})`,
        };
      }
      const out: string[] = [];
      if (c.lo < a) out.push(`below by ${fmtSig(a - c.lo, 2)}`);
      if (c.hi > b) out.push(`above by ${fmtSig(c.hi - b, 2)}`);
      return {
        ...base,
        verdict: 'INCONCLUSIVE',
        reason: `${head} ${ciText} overlaps ${ivText} but sticks out ${out.join(' and ')} (${predText})`,
      };
    }
    case 'slope≤': {
      const [hiS, bS] = fmtPair(c.hi, b, fmtFixed, 2);
      if (c.hi <= b) {
        const limit = prediction.exponent - looseMargin;
        const loose = c.hi < limit;
        const note = loose
          ? `; loose: upper end ${fmtFixed(c.hi)} < ${fmtFixed(prediction.exponent)} − ${fmtFixed(looseMargin)} = ${fmtFixed(limit)}, the data sit well below the bound`
          : '';
        return { ...base, verdict: 'CONFIRMED', loose, reason: `${head} ${ciText}: upper end ${hiS} ≤ ${bS} (${predText})${note}` };
      }
      if (c.lo > b) {
        const [loS, bS2] = fmtPair(c.lo, b, fmtFixed, 2);
        return { ...base, verdict: 'REFUTED', reason: `${head} ${ciText}: lower end ${loS} > ${bS2} (${predText})` };
      }
      return {
        ...base,
        verdict: 'INCONCLUSIVE',
        reason: `${head} ${ciText} straddles the bound ${fmtFixed(b)}: upper end ${hiS} > ${bS} but lower end ≤ it (${predText})`,
      };
    }
    case 'slope≥': {
      const [loS, aS] = fmtPair(c.lo, a, fmtFixed, 2);
      if (c.lo >= a) {
        const limit = prediction.exponent + looseMargin;
        const loose = c.lo > limit;
        const note = loose
          ? `; loose: lower end ${fmtFixed(c.lo)} > ${fmtFixed(prediction.exponent)} + ${fmtFixed(looseMargin)} = ${fmtFixed(limit)}, the data sit well above the bound`
          : '';
        return { ...base, verdict: 'CONFIRMED', loose, reason: `${head} ${ciText}: lower end ${loS} ≥ ${aS} (${predText})${note}` };
      }
      if (c.hi < a) {
        const [hiS, aS2] = fmtPair(c.hi, a, fmtFixed, 2);
        return { ...base, verdict: 'REFUTED', reason: `${head} ${ciText}: upper end ${hiS} < ${aS2} (${predText})` };
      }
      return {
        ...base,
        verdict: 'INCONCLUSIVE',
        reason: `${head} ${ciText} straddles the bound ${fmtFixed(a)}: lower end ${loS} < ${aS} but upper end ≥ it (${predText})`,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Inequalities checked case by case.

/** A comparison between two sides: `lhs relation rhs`. */
export type Relation = '<' | '<=' | '>' | '>=';

const SYMBOL: Record<Relation, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };
const NEGATED: Record<Relation, string> = { '<': '≥', '<=': '>', '>': '≤', '>=': '<' };

function relationHolds(a: number, rel: Relation, b: number): boolean {
  switch (rel) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** One check of an inequality `lhs relation rhs` at one size, trial (and step). */
export interface HoldsCase {
  /** The swept size. */
  x: number;
  /** Trial index. */
  trial: number;
  /** Training step (or other inner index), when the inequality is checked along a run. */
  step?: number;
  /** Left-hand side, as measured. */
  lhs: number;
  /** Right-hand side (the bound). */
  rhs: number;
  /** Whether the inequality holds in this case (the caller's decision; see makeHoldsCase). */
  ok: boolean;
  /** What is being checked, shown with a counterexample. */
  label?: string;
  /** The inequality, for the text of reasons (default '<=': lhs ≤ rhs). */
  relation?: Relation;
}

/** A HoldsCase with `ok` computed as `lhs relation rhs` (NaN never holds). */
export function makeHoldsCase(c: Omit<HoldsCase, 'ok'>): HoldsCase {
  return { ...c, ok: relationHolds(c.lhs, c.relation ?? '<=', c.rhs) };
}

export interface HoldsAssessment {
  verdict: Verdict;
  reason: string;
  /** Number of cases checked. */
  checked: number;
  /** Number of failing cases (after the relTol allowance). */
  failures: number;
  /** Cases with ok = false that were accepted because their relative gap is ≤ relTol. */
  tolerated: number;
  /** The first failing case in the order x, trial, step. */
  firstCounterexample?: HoldsCase;
  /** The case with the smallest margin. */
  worstCase?: HoldsCase;
  /**
   * Smallest signed relative margin over the cases: |rhs − lhs| / max(|lhs|, |rhs|), positive
   * when the case holds and negative when it fails (−∞ for a non-finite failing side);
   * NaN when there are no cases.
   */
  worstMargin: number;
}

function relativeGap(c: HoldsCase): number {
  if (!Number.isFinite(c.lhs) || !Number.isFinite(c.rhs)) return Infinity;
  const scale = Math.max(Math.abs(c.lhs), Math.abs(c.rhs));
  return scale === 0 ? 0 : Math.abs(c.rhs - c.lhs) / scale;
}

function caseOrder(a: HoldsCase, b: HoldsCase): number {
  return a.x - b.x || a.trial - b.trial || (a.step ?? -Infinity) - (b.step ?? -Infinity) || 0;
}

function where(c: HoldsCase, xName: string): string {
  return `${at(xName, c.x)}, trial ${c.trial}${c.step !== undefined ? `, step ${c.step}` : ''}`;
}

function sides(c: HoldsCase, holds: boolean): string {
  const rel = c.relation ?? '<=';
  const [l, r] = fmtPair(c.lhs, c.rhs, fmtSig, 3);
  return `${l} ${holds ? SYMBOL[rel] : NEGATED[rel]} ${r}`;
}

/**
 * Judge an inequality checked case by case. Cases are ordered by x, then trial, then step
 * (cases without a step first). A case fails when ok is false — unless relTol > 0 and the
 * relative gap |rhs − lhs| / max(|lhs|, |rhs|) ≤ relTol (round-off at equality), in which
 * case it is counted as tolerated. CONFIRMED when no case fails, REFUTED with the first
 * counterexample otherwise; no cases → INCONCLUSIVE.
 */
export function assessHolds(cases: readonly HoldsCase[], relTol = 0, opts: { xName?: string } = {}): HoldsAssessment {
  if (!(relTol >= 0)) throw new RangeError(`assessHolds: relTol must be ≥ 0, got ${relTol}`);
  const xName = opts.xName ?? 'n';
  if (cases.length === 0) {
    return { verdict: 'INCONCLUSIVE', reason: 'no cases were checked', checked: 0, failures: 0, tolerated: 0, worstMargin: Number.NaN };
  }
  const sorted = [...cases].sort(caseOrder);
  let failures = 0;
  let tolerated = 0;
  let first: HoldsCase | undefined;
  let worst: HoldsCase | undefined;
  let worstMargin = Infinity;
  for (const c of sorted) {
    const gap = relativeGap(c);
    const margin = c.ok ? gap : -gap;
    if (worst === undefined || margin < worstMargin) {
      worst = c;
      worstMargin = margin;
    }
    if (c.ok) continue;
    if (relTol > 0 && gap <= relTol) {
      tolerated++;
      continue;
    }
    failures++;
    if (first === undefined) first = c;
  }
  const n = sorted.length;
  const tolNote = tolerated > 0 ? `; ${tolerated} within relTol ${fmtSig(relTol, 2)}` : '';
  const w = worst!;
  const worstText = `${fmtSig(Math.abs(worstMargin) * 100, 2)}% at ${where(w, xName)}: ${sides(w, w.ok)}`;
  if (first === undefined) {
    return {
      verdict: 'CONFIRMED',
      reason: `all ${n} case${n === 1 ? '' : 's'} hold (tightest relative margin ${worstText}${tolNote})`,
      checked: n,
      failures: 0,
      tolerated,
      worstCase: w,
      worstMargin,
    };
  }
  const label = first.label ? ` (${first.label})` : '';
  return {
    verdict: 'REFUTED',
    reason:
      `first counterexample at ${where(first, xName)}: ${sides(first, false)}${label}; ` +
      `${failures} of ${n} cases fail (worst relative violation ${worstText}${tolNote})`,
    checked: n,
    failures,
    tolerated,
    firstCounterexample: first,
    worstCase: w,
    worstMargin,
  };
}

// ---------------------------------------------------------------------------------------------
// Comparisons of means.

export interface CompareOptions {
  /** Per-trial values of the left quantity. */
  left: readonly number[];
  /** Per-trial values of the right quantity, or a fixed threshold (exact, no uncertainty). */
  right: readonly number[] | number;
  /** The predicted relation: mean(left) relation mean(right). */
  relation: Relation;
  /** The comparison in words, e.g. "testError(Case 3) < testError(lazy)". */
  label: string;
  /** Absolute margin m ≥ 0 the relation must hold by (default 0); see assessCompare. */
  margin?: number;
  /** CI level (default 0.95). */
  level?: number;
  /** Pair left[i] with right[i] (same trial seeds): t interval of the differences. Needs equal lengths. */
  paired?: boolean;
}

export interface CompareAssessment {
  verdict: Verdict;
  reason: string;
  /** Mean of left. */
  leftMean: number;
  /** Mean of right (the threshold itself when right is a number). */
  rightMean: number;
  /** leftMean − rightMean. */
  difference: number;
  /** t interval of the difference at `level` (NaN ends when a group has one value). */
  ci: [number, number];
  /** CI level. */
  level: number;
  /** 'welch' (two independent groups), 'paired' (differences), 'one-sample' (right is a number). */
  method: 'welch' | 'paired' | 'one-sample';
  /** Number of left values. */
  leftN: number;
  /** Number of right values (0 when right is a number). */
  rightN: number;
  /** The margin used. */
  margin: number;
}

/**
 * Compare two means. With D = mean(left) − mean(right) and margin m ≥ 0 the relation holds when
 *   '<': D < −m    '<=': D ≤ −m    '>': D > m    '>=': D ≥ m.
 * Rule, symmetric, as a slope's (its CI, not its estimate, decides):
 *   - the whole t interval of D (Welch, paired or one-sample; see welchDiffCI) lies on the
 *     holding side → CONFIRMED;
 *   - the whole interval lies on the failing side → REFUTED;
 *   - otherwise (the CI straddles the threshold, or it cannot be computed because a group
 *     has a single value) → INCONCLUSIVE, saying on which side the means fall.
 * (Until 2026-12-05 a relation that held at the means was CONFIRMED whatever its CI: five
 * standard-tier comparisons had been confirmed on means their CI could not tell apart.)
 * Non-finite or missing values → INCONCLUSIVE naming the first bad value.
 */
export function assessCompare(opts: CompareOptions): CompareAssessment {
  const margin = opts.margin ?? 0;
  const level = opts.level ?? 0.95;
  if (!(Number.isFinite(margin) && margin >= 0)) throw new RangeError(`assessCompare: margin must be finite and ≥ 0, got ${margin}`);
  const rel = opts.relation;
  const oneSample = typeof opts.right === 'number';
  const method: CompareAssessment['method'] = oneSample ? 'one-sample' : opts.paired ? 'paired' : 'welch';
  const left = opts.left;
  const right = opts.right;
  const leftN = left.length;
  const rightN = typeof right === 'number' ? 0 : right.length;
  const L = meanStd(left);
  const rightMean = typeof right === 'number' ? right : meanStd(right).mean;
  const difference = L.mean - rightMean;
  const base = { leftMean: L.mean, rightMean, difference, level, method, leftN, rightN, margin };

  const bad = (vals: readonly number[], name: string): string | undefined => {
    if (vals.length === 0) return `no ${name} values`;
    const i = vals.findIndex((v) => !Number.isFinite(v));
    return i >= 0 ? `${name} value ${i} is ${vals[i]}` : undefined;
  };
  const problem =
    bad(left, 'left') ??
    (typeof right === 'number' ? (Number.isFinite(right) ? undefined : `threshold is ${right}`) : bad(right, 'right')) ??
    (opts.paired && typeof right !== 'number' && right.length !== left.length
      ? `paired comparison needs equal lengths, got ${left.length} and ${right.length}`
      : undefined);
  if (problem !== undefined) {
    return { ...base, ci: [Number.NaN, Number.NaN], verdict: 'INCONCLUSIVE', reason: `${opts.label}: ${problem}` };
  }

  const ciRaw =
    typeof right === 'number'
      ? welchDiffCI(left, right, level)
      : opts.paired
        ? welchDiffCI(
            left.map((v, i) => v - right[i]!),
            0,
            level,
          )
        : welchDiffCI(left, right, level);
  const ci: [number, number] = [ciRaw.lo, ciRaw.hi];
  // The relation in terms of D: D rel t with t = −m for '<'/'<=' and +m for '>'/'>='.
  const t = rel === '<' || rel === '<=' ? -margin : margin;
  const holds = relationHolds(difference, rel, t);
  const [lS, rS] = fmtPair(L.mean, rightMean, fmtSig, 3);
  const rightText = typeof right === 'number' ? `threshold ${rS}` : `${rS} (${rightN} values)`;
  const means = `mean ${lS} (${leftN} values) vs ${rightText}`;
  const ciKnown = !Number.isNaN(ci[0]) && !Number.isNaN(ci[1]);
  const ciText = ciKnown ? `${pct(level)} CI [${fmtSig(ci[0], 3)}, ${fmtSig(ci[1], 3)}]` : `${pct(level)} CI unknown`;
  const [dS, tS] = fmtPair(difference, t, fmtSig, 3);
  const diffText = `difference ${dS} ${holds ? SYMBOL[rel] : NEGATED[rel]} ${tS}${margin > 0 ? ` (margin ${fmtSig(margin, 3)})` : ''}`;
  const how = method === 'welch' ? 'Welch t' : method === 'paired' ? 'paired t' : 'one-sample t';
  const ciHow = `${ciText} (${how})`;
  const detail = `${means}; ${diffText}; ${ciHow}`;

  if (!ciKnown) {
    return {
      ...base,
      ci,
      verdict: 'INCONCLUSIVE',
      reason: `${opts.label} ${holds ? 'holds' : 'fails'} at the means but a group has a single value, so the uncertainty is unknown: ${detail}`,
    };
  }
  if (holds) {
    if (relationHolds(ci[0], rel, t) && relationHolds(ci[1], rel, t)) {
      return { ...base, ci, verdict: 'CONFIRMED', reason: `${opts.label} holds: ${detail}` };
    }
    return {
      ...base,
      ci,
      verdict: 'INCONCLUSIVE',
      reason: `${opts.label} holds at the means (${means}; ${diffText}) but the ${ciHow} reaches the failing side of ${tS}`,
    };
  }
  // Failing side of D: the negation of the relation; REFUTED when both CI ends are on it.
  const fails = (v: number): boolean => !relationHolds(v, rel, t);
  if (fails(ci[0]) && fails(ci[1])) {
    return { ...base, ci, verdict: 'REFUTED', reason: `${opts.label} fails: ${means}; ${diffText}, and the whole ${ciHow} is on the failing side of ${tS}` };
  }
  return {
    ...base,
    ci,
    verdict: 'INCONCLUSIVE',
    reason: `${opts.label} fails at the means (${means}; ${diffText}) but the ${ciHow} reaches the holding side of ${tS}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Transitions.

/** One measurement of the quantity whose transition is judged. */
export interface TransitionPoint {
  /** Value of the swept variable. */
  x: number;
  /** The quantity (any sign). */
  y: number;
  /** Trial index (informational). */
  trial?: number;
}

export interface TransitionOptions {
  /** The threshold the mean crosses. A mean equal to it counts as below. */
  threshold: number;
  /** 'rises' (default): below at small x, above at large x. 'falls': the reverse. */
  direction?: 'rises' | 'falls';
  /**
   * Where the crossing is predicted, [lo, hi] in x. If given, a single crossing outside it is
   * REFUTED, and no crossing is REFUTED when the sweep covers [lo, hi] (else INCONCLUSIVE).
   */
  expectedAt?: [number, number];
  /** Fewest distinct x for a verdict (default 3). */
  minSizes?: number;
  /** Interpolate the crossing in log x (default: true when every x > 0). */
  logX?: boolean;
  /** Name of the swept variable in reasons (default 'n'). */
  xName?: string;
  /** Name of the quantity in reasons (default 'mean'). */
  label?: string;
}

/** The mean of the quantity at one x. */
export interface TransitionLevel {
  x: number;
  /** Mean over the trials at x. */
  mean: number;
  /** Standard error of the mean (NaN with one trial). */
  se: number;
  /** Number of values at x. */
  n: number;
  /** 'above' when mean > threshold, else 'below'. */
  side: 'below' | 'above';
}

export interface TransitionAssessment {
  verdict: Verdict;
  reason: string;
  /** Estimated x of the crossing when the mean crosses exactly once in the predicted direction. */
  crossing?: number;
  /** Every interpolated crossing between consecutive sizes, ascending. */
  crossings: number[];
  /** Mean, SE and side at every x, ascending. */
  levels: TransitionLevel[];
  threshold: number;
  direction: 'rises' | 'falls';
}

/**
 * Judge "the mean of y crosses the threshold as x grows". The mean at each distinct x is
 * put on a side of the threshold; between consecutive sizes on different sides the crossing
 * is located by linear interpolation of the means (in log x by default). Verdict:
 *   - starts on the 'before' side (below for 'rises'), ends on the 'after' side, one crossing:
 *     CONFIRMED (REFUTED if expectedAt is given and the crossing lies outside it);
 *   - starts and ends on the sides the other way round: REFUTED;
 *   - either of those, but the 95% t interval of the mean at the first or the last size reaches
 *     the threshold: INCONCLUSIVE — as for a comparison, the CI decides, not the means alone
 *     (an end with a single value, a deterministic sweep, has no interval: its mean decides);
 *   - starts on the before side and ends on the after side with several crossings: INCONCLUSIVE;
 *   - starts and ends on the same side: REFUTED if expectedAt is given and the sweep covers it,
 *     else INCONCLUSIVE (the transition may lie outside the sweep);
 *   - fewer than minSizes sizes or a non-finite value: INCONCLUSIVE.
 */
export function assessTransition(points: readonly TransitionPoint[], opts: TransitionOptions): TransitionAssessment {
  const direction = opts.direction ?? 'rises';
  const threshold = opts.threshold;
  const xName = opts.xName ?? 'n';
  const label = opts.label ?? 'mean';
  const minSizes = opts.minSizes ?? 3;
  if (!Number.isFinite(threshold)) throw new RangeError(`assessTransition: threshold must be finite, got ${threshold}`);
  const none = { crossings: [] as number[], levels: [] as TransitionLevel[], threshold, direction };
  const badPoint = points.find((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y));
  if (badPoint) {
    const trial = badPoint.trial !== undefined ? `, trial ${badPoint.trial}` : '';
    return { ...none, verdict: 'INCONCLUSIVE', reason: `non-finite value at ${xName}=${badPoint.x}${trial}: y=${badPoint.y}` };
  }
  const byX = new Map<number, number[]>();
  for (const p of points) {
    const g = byX.get(p.x) ?? [];
    g.push(p.y);
    byX.set(p.x, g);
  }
  const xs = [...byX.keys()].sort((a, b) => a - b);
  const levels: TransitionLevel[] = xs.map((x) => {
    const s = meanStd(byX.get(x)!);
    return { x, mean: s.mean, se: s.std / Math.sqrt(s.n), n: s.n, side: s.mean > threshold ? 'above' : 'below' };
  });
  if (xs.length < minSizes) {
    return {
      ...none,
      levels,
      verdict: 'INCONCLUSIVE',
      reason: `only ${xs.length} size${xs.length === 1 ? '' : 's'} (need ${minSizes})`,
    };
  }
  const logX = opts.logX ?? xs[0]! > 0;
  const before = direction === 'rises' ? 'below' : 'above';
  const after = direction === 'rises' ? 'above' : 'below';
  const crossings: number[] = [];
  for (let k = 1; k < levels.length; k++) {
    const p = levels[k - 1]!;
    const q = levels[k]!;
    if (p.side === q.side) continue;
    const f = (threshold - p.mean) / (q.mean - p.mean);
    crossings.push(
      logX ? Math.exp(Math.log(p.x) + f * (Math.log(q.x) - Math.log(p.x))) : p.x + f * (q.x - p.x),
    );
  }
  const first = levels[0]!;
  const last = levels[levels.length - 1]!;
  const thr = fmtSig(threshold, 3);
  const verb = direction === 'rises' ? 'rise above' : 'fall below';
  const lvl = (l: TransitionLevel): string => `${fmtSig(l.mean, 3)} at ${at(xName, l.x)}`;
  const res = { crossings, levels, threshold, direction };
  const expected = opts.expectedAt;
  const expText = expected ? ` (expected in [${fmtSig(expected[0], 4)}, ${fmtSig(expected[1], 4)}])` : '';

  // The ends' t intervals, where they have one: the CI of a side must lie on that side.
  const endsUnclear = (): string | undefined => {
    const unclear = [first, last].flatMap((l) => {
      const ys = byX.get(l.x)!;
      if (ys.length < 2) return [];
      const ci = welchDiffCI(ys, threshold);
      const [lo, hi] = [ci.lo + threshold, ci.hi + threshold];
      return (l.side === 'above' ? lo > threshold : hi <= threshold) ? [] : [`the 95% CI of the mean at ${at(xName, l.x)}, [${fmtSig(lo, 3)}, ${fmtSig(hi, 3)}], reaches ${thr}`];
    });
    return unclear.length > 0 ? unclear.join(' and ') : undefined;
  };
  if (first.side === before && last.side === after) {
    if (crossings.length === 1) {
      const unclear = endsUnclear();
      const crossing = crossings[0]!;
      const k = levels.findIndex((l) => l.side === after);
      const text =
        `${label} ${direction === 'rises' ? 'rises above' : 'falls below'} ${thr} between ${lvl(levels[k - 1]!)} ` +
        `and ${lvl(levels[k]!)}, crossing at ${xName}≈${fmtSig(crossing, 3)}${logX ? ' (interpolated in log ' + xName + ')' : ''}`;
      if (unclear) return { ...res, crossing, verdict: 'INCONCLUSIVE', reason: `${text} at the means, but ${unclear}` };
      if (expected && !(crossing >= expected[0] && crossing <= expected[1])) {
        return { ...res, crossing, verdict: 'REFUTED', reason: `${text}, outside the expected [${fmtSig(expected[0], 4)}, ${fmtSig(expected[1], 4)}]` };
      }
      return { ...res, crossing, verdict: 'CONFIRMED', reason: text + expText };
    }
    return {
      ...res,
      verdict: 'INCONCLUSIVE',
      reason:
        `${label} goes from ${lvl(first)} to ${lvl(last)} but crosses ${thr} ${crossings.length} times ` +
        `(at ${xName}≈${crossings.map((c) => fmtSig(c, 3)).join(', ')}); not a clean transition`,
    };
  }
  if (first.side === after && last.side === before) {
    const wrong = `${label} goes the wrong way: ${lvl(first)} is ${after} ${thr} but ${lvl(last)} is ${before} it (predicted to ${verb} as ${xName} grows)`;
    const unclear = endsUnclear();
    return unclear ? { ...res, verdict: 'INCONCLUSIVE', reason: `${wrong} at the means, but ${unclear}` } : { ...res, verdict: 'REFUTED', reason: wrong };
  }
  const stays = first.side === before ? `stays ${before} ${thr}` : `is already ${after} ${thr} at the smallest size`;
  const range = `${at(xName, first.x)}…${fmtSig(last.x, 4)}`;
  const text = `${label} ${stays} over the sweep ${range} (${lvl(first)}, ${lvl(last)}; predicted to ${verb})`;
  if (expected && first.x <= expected[0] && last.x >= expected[1]) {
    return { ...res, verdict: 'REFUTED', reason: `${text}, although the sweep covers the expected transition [${fmtSig(expected[0], 4)}, ${fmtSig(expected[1], 4)}]` };
  }
  return { ...res, verdict: 'INCONCLUSIVE', reason: `${text}; no transition inside the sweep${expText}` };
}
