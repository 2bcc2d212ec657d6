/**
 * Unstated constants of a hypothesis, swept (a claim's `constant`). A theorem that asks
 * n, m ≳ d^{1+α} holds for SOME constant in front of d^{1+α}; a run at one constant can
 * refute only that constant. So each prediction is judged at every value tried and the
 * verdicts combine as:
 * - CONFIRMED at the baseline → CONFIRMED;
 * - else CONFIRMED at another value → CONFIRMED, naming the constant it needed;
 * - else REFUTED at every value → REFUTED;
 * - else INCONCLUSIVE.
 *
 * Jobs at the baseline are the claim's jobs without the sweep (same settings, seeds and
 * observable names, so fixtures and caches of the baseline stay valid). Jobs at another
 * value reuse the baseline's random streams (common random numbers: the comparison
 * between constants is then paired) and report every observable, check and not-measured
 * entry as `<name>@<symbol>=<value>`.
 */
import type { ClaimDefinition, JobOutput, PlotDeclaration, Tier, Verdict } from './define';

/** The values run at a tier, baseline first ([] when the claim sweeps no constant there). */
export function constantValues(def: ClaimDefinition, tier: Tier): number[] {
  return def.constant?.values[tier] ?? [];
}

/** '@c=4': the suffix of observables measured at a non-baseline constant. */
export function constantSuffix(symbol: string, value: number): string {
  return `@${symbol}=${value}`;
}

/**
 * The inverse of constantSuffix: 'gap@c_n=4' → { base: 'gap', value: 4 }; a name without the
 * suffix (of `symbol`, or of any symbol when none is given) → { base: name }.
 */
export function splitConstantName(name: string, symbol?: string): { base: string; value?: number } {
  const at = name.lastIndexOf('@');
  if (at <= 0) return { base: name };
  const m = /^@([^@=\s]+)=([^@]+)$/.exec(name.slice(at));
  if (!m || (symbol !== undefined && m[1] !== symbol) || !Number.isFinite(Number(m[2]))) return { base: name };
  return { base: name.slice(0, at), value: Number(m[2]) };
}

/** 'c = 4' for labels. */
export function constantText(symbol: string, value: number): string {
  return `${symbol} = ${value}`;
}

/** A job's output renamed for a non-baseline constant: values, not-measured entries and checks. */
export function renameOutput(out: JobOutput, suffix: string): JobOutput {
  const values = Object.fromEntries(Object.entries(out.values).map(([k, v]) => [`${k}${suffix}`, v]));
  return {
    ...out,
    values,
    ...(out.notMeasured ? { notMeasured: Object.fromEntries(Object.entries(out.notMeasured).map(([k, v]) => [`${k}${suffix}`, v])) } : {}),
    ...(out.checks ? { checks: out.checks.map((c) => ({ ...c, check: `${c.check}${suffix}` })) } : {}),
  };
}

export type ObservableDecl = ClaimDefinition['observables'][string];

/** The claim's observables plus their copies at each non-baseline constant of the tier. */
export function observablesAt(def: ClaimDefinition, tier: Tier): Record<string, ObservableDecl> {
  const out: Record<string, ObservableDecl> = { ...def.observables };
  const k = def.constant;
  for (const v of constantValues(def, tier).slice(1)) {
    for (const [name, o] of Object.entries(def.observables)) {
      out[`${name}${constantSuffix(k!.symbol, v)}`] = { ...o, label: `${o.label} [${constantText(k!.symbol, v)}]` };
    }
  }
  return out;
}

export interface ConstantVerdict {
  value: number;
  verdict: Verdict;
}

export interface CombinedVerdict {
  verdict: Verdict;
  /** The non-baseline value whose CONFIRMED decided the verdict (the constant it needed). */
  needed?: number;
  /** One sentence for the reason: which value decided, and what the others said. */
  summary: string;
}

/**
 * Combines one prediction's verdicts over the constants tried (baseline first), by the rule
 * at the top of this file. Where several non-baseline values confirm, the one closest to the
 * baseline is named: it is the smallest step in the favoured direction that was needed.
 */
export function combineOverConstants(symbol: string, verdicts: readonly ConstantVerdict[]): CombinedVerdict {
  if (verdicts.length === 0) throw new RangeError('combineOverConstants: no verdicts');
  const [base, ...others] = verdicts as [ConstantVerdict, ...ConstantVerdict[]];
  const list = verdicts.map((v) => `${constantText(symbol, v.value)}: ${v.verdict}`).join('; ');
  if (base.verdict === 'CONFIRMED') {
    const against = others.filter((o) => o.verdict === 'REFUTED');
    return {
      verdict: 'CONFIRMED',
      summary: `CONFIRMED at the baseline ${constantText(symbol, base.value)} (${list})` +
        (against.length > 0 ? ` — note: REFUTED at ${against.map((o) => constantText(symbol, o.value)).join(', ')}, a value the hypothesis favours` : ''),
    };
  }
  const confirming = others.find((o) => o.verdict === 'CONFIRMED');
  if (confirming) {
    return {
      verdict: 'CONFIRMED', needed: confirming.value,
      summary: `CONFIRMED only with the larger constant ${constantText(symbol, confirming.value)} (${list}): at the baseline the verdict was ${base.verdict}`,
    };
  }
  if (verdicts.every((v) => v.verdict === 'REFUTED')) {
    return { verdict: 'REFUTED', summary: `REFUTED at every constant tried (${list})` };
  }
  return { verdict: 'INCONCLUSIVE', summary: `not refuted at every constant tried (${list})` };
}

/**
 * One plot per observable a prediction looks at, with the curve at every constant: what the
 * report draws so a reader sees the baseline and the larger constant side by side.
 */
export function constantPlots(def: ClaimDefinition, tier: Tier, predictedObservables: readonly string[]): PlotDeclaration[] {
  const k = def.constant;
  const vs = constantValues(def, tier);
  if (!k || vs.length < 2) return [];
  return [...new Set(predictedObservables)].filter((o) => o in def.observables).map((o) => ({
    id: `constant-${o.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    title: `${def.observables[o]!.label}: ${vs.map((v) => constantText(k.symbol, v)).join(' vs ')}`,
    observables: vs.map((v, i) => (i === 0 ? o : `${o}${constantSuffix(k.symbol, v)}`)),
    caption: `${k.label}; baseline ${constantText(k.symbol, vs[0]!)}; REFUTED only where every ${k.symbol} refutes`,
  }));
}
