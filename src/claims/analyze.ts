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
  fitLogLog,
  localSlopes,
  type Point,
} from '../stats';
import { streamKey } from '../random';
import path from 'node:path';
import { PROJECT_ROOT } from './engine-version';

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

/** 3 significant digits with a true minus sign (labels are read by people). */
function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString().replace('-', '−') : String(v);
}

function summarize(name: string, label: string, pts: Point[], fitWanted: boolean, seed: string): ObservableSummary {
  const xs = [...new Set(pts.map((p) => p.x))].sort((a, b) => a - b);
  const perSize = xs.map((x) => {
    const values = pts.filter((p) => p.x === x).map((p) => p.y);
    return { x, mean: mean(values), sd: sd(values), min: Math.min(...values), max: Math.max(...values), trials: values.length, values };
  });
  const s: ObservableSummary = { name, label, perSize, local: [] };
  if (!fitWanted) return s;
  if (xs.length < 2) {
    s.fitProblem = `only ${xs.length} size${xs.length === 1 ? '' : 's'}`;
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

export function analyzeClaim(c: RegisteredClaim, tier: Tier, jobs: JobRecord[], opts: { rootSeed: string | number }): ClaimResult {
  const d = c.def;
  const sorted = [...jobs].sort((a, b) => a.x - b.x || a.trial - b.trial);
  const okJobs = sorted.filter((j) => j.status === 'ok');
  const failed = sorted.filter((j) => j.status === 'failed');
  const req = d.slopeRequirements ?? {};

  const observables: ObservableSummary[] = Object.entries(d.observables).map(([name, o]) =>
    summarize(name, o.label, pointsOf(okJobs, name), o.fit ?? true, streamKey([opts.rootSeed, d.id, name, 'bootstrap'])));

  const predictions: PredictionResult[] = d.predictions.map((p, idx) => {
    const expected: Verdict = expectedVerdict(p.expected, tier);
    const base = { source: p.source, expected };
    const seed = streamKey([opts.rootSeed, d.id, 'prediction', idx]);
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
    } else if (p.kind === 'compare') {
      const xs = [...new Set(okJobs.map((j) => j.x))];
      const at = p.at === undefined || p.at === 'largest' ? [Math.max(...xs)] : p.at === 'all' ? xs : [p.at];
      const sel = okJobs.filter((j) => at.includes(j.x));
      const left = sel.map((j) => j.output!.values[p.left]!).filter((v) => v !== undefined);
      // A fixed number is a one-sample comparison (assessCompare's t-interval of the left mean).
      const right: number[] | number = typeof p.right === 'number' ? p.right : sel.map((j) => j.output!.values[p.right as string]!).filter((v) => v !== undefined);
      const label = p.label ?? `${p.left} ${p.relation} ${p.right}`;
      const a = assessCompare({ left, right, relation: p.relation, label, ...(p.margin !== undefined ? { margin: p.margin } : {}), ...(p.paired && Array.isArray(right) ? { paired: true } : {}) });
      r = { kind: 'compare', label, verdict: a.verdict, reason: a.reason, details: { leftMean: a.leftMean, rightMean: a.rightMean, at: at.join(',') } };
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
    }
    if (failed.length > 0 && r.verdict === 'CONFIRMED') {
      r = { ...r, reason: `${r.reason} (note: ${failed.length} job(s) failed and are not in this verdict)` };
    }
    // JSON has no NaN/∞: an undefined detail (a comparison with an empty side) is written as null.
    if (r.details) r = { ...r, details: Object.fromEntries(Object.entries(r.details).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v])) };
    return { ...r, ...base, matchesExpected: r.verdict === expected };
  });

  const verdict = predictions.reduce<Verdict>((w, p) => (RANK[p.verdict] > RANK[w] ? p.verdict : w), 'CONFIRMED');
  const computeMs = sorted.reduce((s, j) => s + j.ms, 0);
  return {
    id: d.id, paper: d.paper, source: d.source, title: d.title, statement: d.statement, expectation: d.expectation,
    ...(d.note ? { note: d.note } : {}),
    file: path.relative(PROJECT_ROOT, c.file),
    setting: { ...d.setting, ...(d.tierSetting?.[tier] ?? {}) },
    sweep: { variable: d.sweep.variable, values: d.sweep.values[tier], trials: d.sweep.trials[tier] },
    jobs: sorted,
    observables,
    predictions,
    ...(d.plots && d.plots.length > 0 ? { plots: d.plots } : {}),
    verdict,
    matchesExpected: predictions.every((p) => p.matchesExpected) && failed.length === 0,
    timing: { wallMs: computeMs, computeMs, jobs: sorted.length, cachedJobs: sorted.filter((j) => j.cached).length, failedJobs: failed.length },
  };
}
