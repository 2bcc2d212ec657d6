/**
 * ntk-verify/vitest — assertions on claim results inside your own vitest suite.
 *
 *   import 'ntk-verify/vitest';                  // registers the matchers (expect.extend)
 *   import { runClaim } from 'ntk-verify';
 *   import claim from '../runner/U1-my-lemma';
 *
 *   test('U1 holds at the smoke tier', async () => {
 *     const r = await runClaim(claim, { tier: 'smoke' });
 *     expect(r).toBeConfirmed();
 *     expect(r).toHaveSlope('op', 0.5, 0.1);
 *   });
 *
 * A result is what runClaim returns (or one entry of results.json's `claims`, or a whole
 * results.json with a single claim). Failure messages print every prediction's verdict
 * with its fitted slope and confidence interval.
 */
import { expect } from 'vitest';
import type { Verdict } from './runner/define';
import { fmtFixed, fmtSig } from './stats/verdict';
import type { ClaimResult, ObservableSummary, PredictionResult, RunResults } from './runner/results';

/** The matchers, as added to vitest's `expect(...)`. */
export interface NtkVerifyMatchers<R = unknown> {
  /** The claim's verdict (its worst prediction's) is CONFIRMED. */
  toBeConfirmed(): R;
  /** The claim's verdict is REFUTED. */
  toBeRefuted(): R;
  /** The claim's verdict is `verdict` (CONFIRMED, REFUTED or INCONCLUSIVE). */
  toHaveVerdict(verdict: Verdict): R;
  /**
   * The observable's log-log slope is b ± tol, judged like a `slope≈` prediction: the
   * fitted slope's bootstrap confidence interval lies inside [b − tol, b + tol].
   */
  toHaveSlope(observable: string, b: number, tol: number): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends NtkVerifyMatchers<T> {}
}

const VERDICTS: readonly string[] = ['CONFIRMED', 'REFUTED', 'INCONCLUSIVE'];

/** Slopes and bounds: three decimals, as the reports write them (− for minus). */
function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? '?' : fmtFixed(x, 3);
}

function ciText(ci: { lo: number; hi: number; level: number } | undefined): string {
  return ci ? `${Math.round(ci.level * 100)}% CI [${fmt(ci.lo)}, ${fmt(ci.hi)}]` : 'no CI';
}

/** One claim's result from what the user passed, or a message saying why not. */
function asClaim(received: unknown): ClaimResult | string {
  if (received === null || typeof received !== 'object') {
    return `expected a claim result (what runClaim returns), got ${received === null ? 'null' : typeof received}`;
  }
  const r = received as Partial<ClaimResult & RunResults>;
  if (Array.isArray(r.claims)) {
    if (r.claims.length === 1) return r.claims[0] as ClaimResult;
    return `expected one claim's result, got a run with ${r.claims.length} claims (${r.claims.map((c) => c.id).join(', ')}): pass results.claims[i]`;
  }
  if (typeof r.id !== 'string' || !VERDICTS.includes(r.verdict as string) || !Array.isArray(r.predictions)) {
    return 'expected a claim result (what runClaim returns: id, verdict, predictions, observables, jobs)';
  }
  return r as ClaimResult;
}

function predictionLine(p: PredictionResult): string {
  const fit = p.fit ? `; fit slope ${fmt(p.fit.slope)}, ${ciText(p.ci)}` : '';
  const acc = p.interval ? `, accepted [${fmt(p.interval[0] ?? -Infinity)}, ${fmt(p.interval[1] ?? Infinity)}]` : '';
  return `  ${p.verdict.padEnd(12)} ${p.label}${fit}${acc}\n               ${p.reason}`;
}

function claimSummary(c: ClaimResult): string {
  const failed = c.jobs.filter((j) => j.status === 'failed');
  const lines = [`claim ${c.id} (${c.source}): ${c.verdict}`, ...c.predictions.map(predictionLine)];
  for (const j of failed.slice(0, 3)) lines.push(`  job failed: ${j.error}`);
  if (failed.length > 3) lines.push(`  … and ${failed.length - 3} more failed job(s)`);
  return lines.join('\n');
}

function verdictMatcher(received: unknown, want: Verdict, isNot: boolean) {
  const c = asClaim(received);
  if (typeof c === 'string') return { pass: false, message: () => c };
  const pass = c.verdict === want;
  return {
    pass,
    message: () => `expected claim ${c.id} ${isNot ? 'not ' : ''}to be ${want}, it is ${c.verdict}\n${claimSummary(c)}`,
    actual: c.verdict,
    expected: want,
  };
}

function observableLine(o: ObservableSummary): string {
  const local = o.local.map((l) => `${fmtSig(l.x0)}→${fmtSig(l.x1)}: ${fmt(l.slope)}`).join(', ');
  const fit = o.fit ? `fit slope ${fmt(o.fit.slope)} (R² ${fmt(o.fit.r2)}, ${o.fit.sizes} sizes, ${o.fit.points} points), ${ciText(o.ci)}` : `no fit (${o.fitProblem ?? 'not fitted'})`;
  return `  ${o.name} — ${o.label}: ${fit}${local ? `\n  local slopes ${local}` : ''}`;
}

expect.extend({
  toBeConfirmed(received: unknown) {
    return verdictMatcher(received, 'CONFIRMED', this.isNot);
  },
  toBeRefuted(received: unknown) {
    return verdictMatcher(received, 'REFUTED', this.isNot);
  },
  toHaveVerdict(received: unknown, verdict: Verdict) {
    if (!VERDICTS.includes(verdict)) {
      return { pass: false, message: () => `toHaveVerdict: verdict must be one of ${VERDICTS.join(', ')}, got '${String(verdict)}'` };
    }
    return verdictMatcher(received, verdict, this.isNot);
  },
  toHaveSlope(received: unknown, observable: string, b: number, tol: number) {
    const c = asClaim(received);
    if (typeof c === 'string') return { pass: false, message: () => c };
    if (!Number.isFinite(b) || !Number.isFinite(tol) || tol < 0) {
      return { pass: false, message: () => `toHaveSlope: b must be finite and tol ≥ 0, got b = ${b}, tol = ${tol}` };
    }
    const o = c.observables.find((x) => x.name === observable);
    if (!o) {
      return {
        pass: false,
        message: () => `claim ${c.id} has no observable '${observable}' (observables: ${c.observables.map((x) => x.name).join(', ')})`,
      };
    }
    const lo = b - tol, hi = b + tol;
    const not = this.isNot ? 'not ' : '';
    if (!o.fit || !o.ci) {
      return {
        pass: false,
        message: () => `expected ${c.id}'s ${observable} ${not}to have slope ${fmt(b)} ± ${fmt(tol)}, but it has no fitted slope\n${observableLine(o)}`,
      };
    }
    const pass = o.ci.lo >= lo && o.ci.hi <= hi;
    const where = pass ? 'lies inside' : o.ci.hi < lo || o.ci.lo > hi ? 'misses' : 'is not inside';
    return {
      pass,
      message: () =>
        `expected ${c.id}'s ${observable} ${not}to have slope ${fmt(b)} ± ${fmt(tol)}: its ${ciText(o.ci)} ${where} [${fmt(lo)}, ${fmt(hi)}]\n${observableLine(o)}`,
      actual: o.fit.slope,
      expected: b,
    };
  },
});
