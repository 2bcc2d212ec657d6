/**
 * Turns a claim's job records into its result: per-size summaries of every observable,
 * a log-log fit with a bootstrap CI for each positive observable (predicted or not),
 * and a verdict for each prediction by the rules of CLAIMS.md (src/stats).
 *
 * Pure and deterministic: the same jobs give the same result bit for bit (the bootstrap
 * is seeded by (root seed, claim, observable)), which is what makes shard + merge equal
 * to a whole run.
 */
import { type Prediction, type Tier, type Verdict, expectedVerdict } from './define';
import type { RegisteredClaim } from './registry';
import type { ClaimResult, JobRecord, ObservableSummary, PredictionResult } from './results';
import {
  assessCompare,
  assessHolds,
  assessSlope,
  assessTransition,
  bootstrapSlopeCI,
  checkSlopeData,
  fitLogLog,
  localSlopes,
  type Point,
} from '../stats';
import { streamKey } from '../random';
import path from 'node:path';
import { PROJECT_ROOT } from './engine-version';
import { combineOverConstants, constantPlots, constantSuffix, constantText, constantValues, observablesAt, splitConstantName, type ObservableDecl } from './constants';
import { sizeLimitedSlope } from '../stats/drift';

const isSlopeKind = (k: string) => k === 'slope≈' || k === 'slope≤' || k === 'slope≥' || k === 'bounded';

/** A prediction about the copies of its observables (or checks) at a non-baseline constant. */
function renamePrediction(p: Prediction, suffix: string): Prediction {
  switch (p.kind) {
    case 'holds': return { ...p, check: `${p.check}${suffix}` };
    case 'compare': return { ...p, left: `${p.left}${suffix}`, right: typeof p.right === 'string' ? `${p.right}${suffix}` : p.right };
    default: return { ...p, observable: `${p.observable}${suffix}` };
  }
}

const RANK: Record<Verdict, number> = { CONFIRMED: 0, INCONCLUSIVE: 1, REFUTED: 2 };

function mean(a: number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}

function sd(a: number[]): number {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
}

function pointsOf(jobs: JobRecord[], name: string): Point[] {
  const pts: Point[] = [];
  for (const j of jobs) {
    if (j.status !== 'ok' || !j.output) continue;
    const v = j.output.values[name];
    if (v !== undefined) pts.push({ x: j.x, y: v, trial: j.trial });
  }
  return pts.sort((a, b) => a.x - b.x || a.trial - b.trial);
}

/** Trials at one size that did not measure an observable (JobOutput.notMeasured). */
export interface NotMeasuredGroup {
  x: number;
  /** The trials not measured. */
  trials: number[];
  /** Jobs that returned at this size (measured or not; failed jobs are counted apart). */
  of: number;
  /** Distinct reasons, in trial order. */
  reasons: string[];
}

/** Per size, the trials whose job listed `name` as not measured, with the distinct reasons. */
export function notMeasuredOf(jobs: readonly JobRecord[], name: string): NotMeasuredGroup[] {
  const bySize = new Map<number, NotMeasuredGroup>();
  const sorted = [...jobs].filter((j) => j.status === 'ok' && j.output).sort((a, b) => a.x - b.x || a.trial - b.trial);
  for (const j of sorted) {
    const g = bySize.get(j.x) ?? { x: j.x, trials: [], of: 0, reasons: [] };
    g.of++;
    const reason = j.output!.notMeasured?.[name];
    if (reason !== undefined) {
      g.trials.push(j.trial);
      if (!g.reasons.includes(reason)) g.reasons.push(reason);
    }
    bySize.set(j.x, g);
  }
  return [...bySize.values()].filter((g) => g.trials.length > 0);
}

/** How many reasons a one-line text shows per size (all are kept in results.json). */
const REASONS_SHOWN = 3;

/** 'not measured: 1 of 4 trials at n = 800: training diverged at step 37 (loss 3.1e9)', sizes joined by '; '. */
export function notMeasuredText(groups: readonly NotMeasuredGroup[], xName: string, lead = 'not measured: '): string {
  return lead + groups.map((g) => {
    const shown = g.reasons.slice(0, REASONS_SHOWN).join(' | ');
    const k = g.reasons.length - REASONS_SHOWN;
    const more = k > 0 ? ` | … (${k} more reason${k === 1 ? '' : 's'})` : '';
    return `${g.trials.length} of ${g.of} trial${g.of === 1 ? '' : 's'} at ${xName} = ${fmt(g.x)}: ${shown}${more}`;
  }).join('; ');
}

/** 3 significant digits with a true minus sign (labels are read by people). */
function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString().replace('-', '−') : String(v);
}

function summarize(
  name: string, label: string, pts: Point[], fitWanted: boolean, seed: string, notMeasured: NotMeasuredGroup[], xName: string,
): ObservableSummary {
  const xs = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const perSize = xs.map((x) => {
    const values = pts.filter((p) => p.x === x).map((p) => p.y);
    return { x, mean: mean(values), sd: sd(values), min: Math.min(...values), max: Math.max(...values), trials: values.length, values };
  });
  const s: ObservableSummary = { name, label, perSize, local: [] };
  if (notMeasured.length > 0) s.notMeasured = notMeasured;
  if (!fitWanted) return s;
  if (xs.length < 2) {
    s.fitProblem = `only ${xs.length} size${xs.length === 1 ? '' : 's'}${notMeasured.length > 0 ? ` with measured values (${notMeasuredText(notMeasured, xName)})` : ''}`;
    return s;
  }
  const bad = pts.find((p) => !(p.y > 0) || !Number.isFinite(p.y));
  if (bad) {
    s.fitProblem = `non-positive or non-finite value ${bad.y} at x=${bad.x}, trial ${bad.trial}: no log-log fit`;
    return s;
  }
  s.fit = fitLogLog(pts);
  s.ci = bootstrapSlopeCI(pts, { seed });
  s.local = localSlopes(pts);
  return s;
}

const SYMBOL: Record<string, string> = { n: 'n', d: 'd', m: 'm', h: 'h', eta: 'η' };

function slopeLabel(
  p: Extract<Prediction, { kind: 'slope≈' | 'slope≤' | 'slope≥' | 'bounded' }>, obsLabel: string, tol: number, variable: string,
): string {
  const b = p.exponent ?? 0;
  const x = SYMBOL[variable] ?? variable;
  switch (p.kind) {
    case 'slope≈': return `${obsLabel} ∝ ${x}^b, b ≈ ${fmt(b)} ± ${fmt(tol)}`;
    case 'slope≤': return `${obsLabel} = O(${x}^{${fmt(b)}}): slope ≤ ${fmt(b)} + ${fmt(tol)}`;
    case 'slope≥': return `${obsLabel} decays no faster than ${x}^{${fmt(b)}}: slope ≥ ${fmt(b)} − ${fmt(tol)}`;
    case 'bounded': return `${obsLabel} bounded in ${x}: |slope| ≤ ${fmt(tol)}`;
  }
}

type Judged = Omit<PredictionResult, 'expected' | 'matchesExpected'>;

interface JudgeContext {
  c: RegisteredClaim;
  /** The finished jobs at one constant (all of the claim's jobs when it sweeps none). */
  okJobs: JobRecord[];
  failedCount: number;
  /** Observable declarations, including the copies at non-baseline constants. */
  observables: Record<string, ObservableDecl>;
  rootSeed: string | number;
  /** '' at the baseline, '@c=4' at another constant (keeps the bootstrap streams apart). */
  suffix: string;
}

/** One prediction's verdict on one set of jobs (the rules of src/stats). */
function judgePrediction(ctx: JudgeContext, p: Prediction, idx: number): Judged {
  const { c, okJobs } = ctx;
  const d = { ...c.def, observables: ctx.observables };
  const req = d.slopeRequirements ?? {};
  const xName = SYMBOL[d.sweep.variable] ?? d.sweep.variable;
  const unmeasured = (name: string, sizes?: number[]) => notMeasuredOf(okJobs, name).filter((g) => !sizes || sizes.includes(g.x));
  const failed = { length: ctx.failedCount };
  const seed = streamKey(ctx.suffix === '' ? [ctx.rootSeed, d.id, 'prediction', idx] : [ctx.rootSeed, d.id, 'prediction', idx, ctx.suffix]);
  let r: Omit<PredictionResult, 'expected' | 'matchesExpected'>;
  if (p.kind === 'slope≈' || p.kind === 'slope≤' || p.kind === 'slope≥' || p.kind === 'bounded') {
    const tol = p.tol ?? 0.15;
    const obsLabel = d.observables[p.observable]!.label;
    const pts = pointsOf(okJobs, p.observable);
    const a = assessSlope(pts, p.kind === 'bounded' ? { kind: 'bounded', tol } : { kind: p.kind, exponent: p.exponent!, tol }, {
      seed, xName: SYMBOL[d.sweep.variable] ?? d.sweep.variable, ...(req.minSizes !== undefined ? { minSizes: req.minSizes } : {}),
      ...(req.minSpan !== undefined ? { minSpan: req.minSpan } : {}),
      ...(req.minTrials !== undefined ? { minTrials: req.minTrials } : {}),
    });
    r = {
      kind: p.kind, label: p.label ?? slopeLabel(p, obsLabel, tol, d.sweep.variable), observable: p.observable,
      exponent: p.kind === 'bounded' ? 0 : p.exponent, tol, interval: [Number.isFinite(a.interval[0]) ? a.interval[0] : null, Number.isFinite(a.interval[1]) ? a.interval[1] : null], verdict: a.verdict, reason: a.reason,
      ...(a.fit ? { fit: a.fit } : {}), ...(a.ci ? { ci: a.ci } : {}), local: a.local,
      ...(a.loose !== undefined ? { loose: a.loose } : {}),
    };
    const nm = unmeasured(p.observable);
    if (nm.length > 0) {
      // Would the minimums be met had these points been measured? Then they are why the slope is not judged.
      const req2 = { xName, ...(req.minSizes !== undefined ? { minSizes: req.minSizes } : {}), ...(req.minSpan !== undefined ? { minSpan: req.minSpan } : {}), ...(req.minTrials !== undefined ? { minTrials: req.minTrials } : {}) };
      const withThem = [...pts, ...nm.flatMap((g) => g.trials.map((trial) => ({ x: g.x, y: 1, trial })))];
      const because = !a.dataCheck.ok && checkSlopeData(withThem, req2).ok;
      r = {
        ...r,
        reason: because
          ? `too few measured points: ${a.reason}; ${notMeasuredText(nm, xName)}`
          : `${a.reason}; fitted on the measured points only, ${notMeasuredText(nm, xName)}`,
      };
    }
  } else if (p.kind === 'holds') {
    const cases = okJobs.flatMap((j) => (j.output!.checks ?? []).filter((k) => k.check === p.check).map((k) => ({
      x: j.x, trial: j.trial, ...(k.step !== undefined ? { step: k.step } : {}), lhs: k.lhs, rhs: k.rhs,
      ok: k.lhs <= k.rhs * (1 + (p.relTol ?? 0)) + (p.relTol ?? 0) * 1e-300, label: k.check,
    })));
    const a = assessHolds(cases, p.relTol ?? 0, { xName: SYMBOL[d.sweep.variable] ?? d.sweep.variable });
    r = {
      kind: 'holds', label: p.label ?? `${p.check} holds at every step of every trial`, verdict: a.verdict, reason: a.reason,
      details: { checked: a.checked, failures: a.failures, worstMargin: a.worstMargin },
      ...(a.firstCounterexample ? { counterexample: { x: a.firstCounterexample.x, trial: a.firstCounterexample.trial, ...(a.firstCounterexample.step !== undefined ? { step: a.firstCounterexample.step } : {}), lhs: a.firstCounterexample.lhs, rhs: a.firstCounterexample.rhs, check: p.check } } : {}),
    };
    // Jobs that could not measure something and returned no case of this check: say so.
    const silent = okJobs.filter((j) => Object.keys(j.output!.notMeasured ?? {}).length > 0 && !(j.output!.checks ?? []).some((k) => k.check === p.check));
    if (silent.length > 0) {
      const groups = new Map<number, NotMeasuredGroup>();
      for (const j of silent) {
        const g = groups.get(j.x) ?? { x: j.x, trials: [], of: okJobs.filter((o) => o.x === j.x).length, reasons: [] };
        g.trials.push(j.trial);
        for (const why of Object.values(j.output!.notMeasured!)) if (!g.reasons.includes(why)) g.reasons.push(why);
        groups.set(j.x, g);
      }
      r = { ...r, reason: `${r.reason}; no case of ${p.check} from jobs that did not measure everything — ${notMeasuredText([...groups.values()], xName, '')}` };
    }
  } else if (p.kind === 'compare') {
    const xs = [...new Set(okJobs.map((j) => j.x))];
    const has = (j: JobRecord, k: string) => j.output!.values[k] !== undefined;
    const sides = [p.left, ...(typeof p.right === 'string' && p.right !== p.left ? [p.right] : [])];
    // 'largestMeasured': a size where some trial could not measure a side (a diverged run has
    // no trained network) is passed over, not judged on the trials that survived it.
    const largestMeasured = () => {
      const complete = xs.filter((x) => okJobs.every((j) => j.x !== x || sides.every((k) => has(j, k))));
      return complete.length > 0 ? [Math.max(...complete)] : [];
    };
    const at = p.at === undefined || p.at === 'largest' ? [Math.max(...xs)]
      : p.at === 'largestMeasured' ? largestMeasured()
      : p.at === 'all' ? xs : [p.at];
    const sel = okJobs.filter((j) => at.includes(j.x));
    const pairedRight = p.paired && typeof p.right === 'string' ? p.right : undefined;
    // Paired: only the jobs that measured both sides (a not-measured value drops its pair).
    const selL = pairedRight !== undefined ? sel.filter((j) => has(j, p.left) && has(j, pairedRight)) : sel.filter((j) => has(j, p.left));
    const selR = pairedRight !== undefined ? selL : sel;
    const left = selL.map((j) => j.output!.values[p.left]!);
    // A fixed number is a one-sample comparison (assessCompare's t-interval of the left mean).
    const right: number[] | number = typeof p.right === 'number' ? p.right : selR.filter((j) => has(j, p.right as string)).map((j) => j.output!.values[p.right as string]!);
    const label = p.label ?? `${p.left} ${p.relation} ${p.right}`;
    const a = assessCompare({ left, right, relation: p.relation, label, ...(p.margin !== undefined ? { margin: p.margin } : {}), ...(p.paired && Array.isArray(right) ? { paired: true } : {}) });
    r = { kind: 'compare', label, verdict: a.verdict, reason: a.reason, details: { leftMean: a.leftMean, rightMean: a.rightMean, at: at.join(',') } };
    const sidesText = sides.map((k) => `'${k}'`).join(' and ');
    if (p.at === 'largestMeasured') {
      const over = xs.filter((x) => x > (at[0] ?? -Infinity));
      const skipped = sides.map((k) => ({ k, g: unmeasured(k, over) })).filter((u) => u.g.length > 0);
      const text = skipped.map((u) => `'${u.k}' in ${notMeasuredText(u.g, xName, '')}`).join('; ');
      if (at.length === 0) r = { ...r, verdict: 'INCONCLUSIVE', reason: `no ${xName} at which every trial measured ${sidesText}; not measured: ${text}` };
      else if (over.length > 0) r = { ...r, reason: `${r.reason}; at ${xName} = ${fmt(at[0]!)}, the largest ${xName} at which every trial measured ${sidesText}; passed over: ${text}` };
    }
    const nm = sides.map((k) => ({ k, g: unmeasured(k, at) })).filter((u) => u.g.length > 0);
    if (nm.length > 0) {
      r = { ...r, reason: `${r.reason}; skipped as not measured: ${nm.map((u) => `'${u.k}' in ${notMeasuredText(u.g, xName, '')}`).join('; ')}` };
    }
  } else {
    const t = p as Extract<Prediction, { kind: 'transition' }>;
    const pts = pointsOf(okJobs, t.observable);
    const a = assessTransition(pts, { threshold: t.threshold, direction: t.direction, xName: d.sweep.variable, label: d.observables[t.observable]!.label, ...(t.expectedAt ? { expectedAt: t.expectedAt } : {}) });
    r = {
      kind: 'transition', label: t.label ?? `${d.observables[t.observable]!.label} crosses ${t.threshold} (${t.direction})`,
      observable: t.observable, verdict: a.verdict, reason: a.reason,
      details: {
        threshold: t.threshold, direction: t.direction, estimatedCrossing: a.crossings[0] ?? null,
        // For the report's plot (a band where the crossing is predicted).
        ...(t.expectedAt ? { expectedAtLo: t.expectedAt[0], expectedAtHi: t.expectedAt[1] } : {}),
      },
    };
    const nm = unmeasured(t.observable);
    if (nm.length > 0) r = { ...r, reason: `${r.reason}; means over the measured trials only, ${notMeasuredText(nm, xName)}` };
  }
  if (failed.length > 0 && r.verdict === 'CONFIRMED') {
    r = { ...r, reason: `${r.reason} (note: ${failed.length} job(s) failed and are not in this verdict)` };
  }
  // JSON has no NaN/∞: an undefined detail (a comparison with an empty side) is written as null.
  if (r.details) r = { ...r, details: Object.fromEntries(Object.entries(r.details).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v])) };
  return r;
}

export function analyzeClaim(c: RegisteredClaim, tier: Tier, jobs: JobRecord[], opts: { rootSeed: string | number }): ClaimResult {
  const d = c.def;
  const sorted = [...jobs].sort((a, b) => a.x - b.x || a.trial - b.trial);
  const okJobs = sorted.filter((j) => j.status === 'ok');
  const failed = sorted.filter((j) => j.status === 'failed');

  const xName = SYMBOL[d.sweep.variable] ?? d.sweep.variable;
  // At a swept constant, each observable's copy is summarised over that constant's jobs only.
  const observables: ObservableSummary[] = Object.entries(observablesAt(d, tier)).map(([name, o]) => {
    const value = d.constant ? splitConstantName(name, d.constant.symbol).value : undefined;
    const jobs = okJobs.filter((j) => j.constant === value);
    return summarize(name, o.label, pointsOf(jobs, name), o.fit ?? true, streamKey([opts.rootSeed, d.id, name, 'bootstrap']), notMeasuredOf(jobs, name), xName);
  });

  const values = constantValues(d, tier);
  const k = values.length >= 2 ? d.constant! : undefined;
  const observablesAll = observablesAt(d, tier);
  const jobsAt = (v: number | undefined) => okJobs.filter((j) => j.constant === v);
  const failedAt = (v: number | undefined) => failed.filter((j) => j.constant === v).length;
  const baseCtx: JudgeContext = { c, okJobs: jobsAt(undefined), failedCount: failedAt(undefined), observables: observablesAll, rootSeed: opts.rootSeed, suffix: '' };
  const predictions: PredictionResult[] = d.predictions.map((p, idx) => {
    const expected: Verdict = expectedVerdict(p.expected, tier);
    let r = judgePrediction(baseCtx, p, idx);
    // The data the size-limited rule looks at: the most favoured constant's (the baseline's without a sweep).
    const slopeObs = isSlopeKind(p.kind) ? (p as { observable: string }).observable : undefined;
    let drift: { points: Point[]; r: Judged } | undefined = slopeObs !== undefined ? { points: pointsOf(baseCtx.okJobs, slopeObs), r } : undefined;
    if (k) {
      const per = [{ value: values[0]!, r }];
      for (const v of values.slice(1)) {
        const suffix = constantSuffix(k.symbol, v);
        const rv = judgePrediction({ ...baseCtx, okJobs: jobsAt(v), failedCount: failedAt(v), suffix }, renamePrediction(p, suffix), idx);
        per.push({ value: v, r: rv });
        if (slopeObs !== undefined) drift = { points: pointsOf(jobsAt(v), `${slopeObs}${suffix}`), r: rv };
      }
      const comb = combineOverConstants(k.symbol, per.map((q) => ({ value: q.value, verdict: q.r.verdict })));
      r = {
        ...r,
        verdict: comb.verdict,
        reason: `${comb.summary}. ${per.map((q) => `${constantText(k.symbol, q.value)}: ${q.r.reason}`).join(' | ')}`,
        byConstant: per.map((q) => ({ value: q.value, verdict: q.r.verdict, reason: q.r.reason, ...(q.r.fit ? { fit: q.r.fit } : {}), ...(q.r.ci ? { ci: q.r.ci } : {}) })),
        ...(comb.needed !== undefined ? { constantNeeded: { symbol: k.symbol, value: comb.needed } } : {}),
      };
    }
    // A slope not confirmed whose local slopes drift toward the prediction: likely a finite-size effect.
    if (drift && r.verdict !== 'CONFIRMED' && drift.r.interval) {
      const lim = sizeLimitedSlope(drift.points, drift.r.interval, { xName });
      if (lim) r = { ...r, sizeLimited: lim };
    }
    return { ...r, source: p.source, expected, matchesExpected: r.verdict === expected };
  });
  const plots = [...(d.plots ?? []), ...constantPlots(d, tier, d.predictions.flatMap((p) => (p.kind === 'holds' ? [] : p.kind === 'compare' ? [p.left, ...(typeof p.right === 'string' ? [p.right] : [])] : [p.observable])))];

  const verdict = predictions.reduce<Verdict>((w, p) => (RANK[p.verdict] > RANK[w] ? p.verdict : w), 'CONFIRMED');
  const computeMs = sorted.reduce((s, j) => s + j.ms, 0);
  return {
    id: d.id, paper: d.paper, source: d.source, title: d.title, statement: d.statement, expectation: d.expectation,
    ...(d.note ? { note: d.note } : {}),
    ...(d.departures?.[tier] ? { departures: d.departures[tier] } : {}),
    file: path.relative(PROJECT_ROOT, c.file),
    setting: { ...d.setting, ...(d.tierSetting?.[tier] ?? {}) },
    sweep: { variable: d.sweep.variable, values: d.sweep.values[tier], trials: d.sweep.trials[tier] },
    jobs: sorted,
    observables,
    predictions,
    ...(plots.length > 0 ? { plots } : {}),
    ...(k ? { constant: { key: k.key, symbol: k.symbol, label: k.label, favours: k.favours, values } } : {}),
    verdict,
    matchesExpected: predictions.every((p) => p.matchesExpected) && failed.length === 0,
    timing: { wallMs: computeMs, computeMs, jobs: sorted.length, cachedJobs: sorted.filter((j) => j.cached).length, failedJobs: failed.length },
  };
}
