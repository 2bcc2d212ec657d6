/**
 * The report's tables as plain-text cells, shared by summary.md and the HTML pages (each
 * escapes the cells for its own format).
 */
import type { ClaimResult, ObservableSummary, PredictionResult, RunResults } from '../runner/results';
import { fmtDuration, fmtInterval, fmtLevel, fmtNum, fmtShort, variableSymbol, verdictBadge } from './format';
import { expectedClaimVerdict, isSlopePrediction, predictedExponent, predictionCounts, slopePredictionsOn, type LooseBound, type UnpredictedExponent } from './model';

export interface Table {
  header: string[];
  rows: string[][];
}

/** The run's header facts as [label, value] pairs. */
export function runFacts(r: RunResults): [string, string][] {
  const e = r.environment;
  const facts: [string, string][] = [
    ['Run', r.runId],
    ['Tier', r.tier],
    ['Date', `${r.startedAt} → ${r.finishedAt}`],
    ['Wall time', fmtDuration(r.wallMs)],
    ['Engine', `${e.engineVersion} (package ${e.packageVersion})`],
    ['Backend', `${e.backend}, BLAS ${e.blas}, ${e.blasThreads} BLAS thread${e.blasThreads === 1 ? '' : 's'}`],
    ['Workers', `${e.workers} worker${e.workers === 1 ? '' : 's'} on ${e.cpus} CPUs`],
    ['Node / platform', `${e.node} / ${e.platform}`],
    ['Root seed', String(e.rootSeed)],
  ];
  if (r.shard) facts.push(['Shard', `${r.shard.index}/${r.shard.count} (this report covers one shard only)`]);
  return facts;
}

export function verdictCounts(r: RunResults): string {
  const n = (v: string) => r.claims.filter((c) => c.verdict === v).length;
  const differ = r.claims.filter((c) => !c.matchesExpected).length;
  return (
    `${r.claims.length} claim${r.claims.length === 1 ? '' : 's'}: ${n('CONFIRMED')} ✅ CONFIRMED, ${n('REFUTED')} ❌ REFUTED, ` +
    `${n('INCONCLUSIVE')} ❔ INCONCLUSIVE; ${differ} differ${differ === 1 ? 's' : ''} from the expected verdict`
  );
}

/** "⚠️ expected X" when a claim (or prediction) does not have its expected verdict. */
export function expectationMarker(matches: boolean, expected: string | undefined): string {
  if (matches) return expected ?? '';
  return `⚠️ differs (expected ${expected ?? '?'})`;
}

/** The claim's expected verdict, or which predictions differ from theirs. */
export function claimExpectation(c: ClaimResult): string {
  const expected = expectedClaimVerdict(c) ?? '?';
  if (c.matchesExpected) return expected;
  const k = c.predictions.filter((p) => !p.matchesExpected).length;
  return `⚠️ ${k} of ${c.predictions.length} prediction${c.predictions.length === 1 ? '' : 's'} differ${k === 1 ? 's' : ''} (expected overall ${expected})`;
}

export function claimsTable(r: RunResults): Table {
  return {
    header: ['Claim', 'Title', 'Verdict', 'Expected', 'Predictions', 'Jobs', 'Time'],
    rows: r.claims.map((c) => {
      const n = predictionCounts(c);
      const jobs = `${c.timing.jobs}${c.timing.cachedJobs ? ` (${c.timing.cachedJobs} cached)` : ''}${c.timing.failedJobs ? `, ${c.timing.failedJobs} failed` : ''}`;
      return [
        c.id,
        c.title,
        verdictBadge(c.verdict),
        claimExpectation(c),
        `${n.CONFIRMED}✅ ${n.REFUTED}❌ ${n.INCONCLUSIVE}❔`,
        jobs,
        fmtDuration(c.timing.wallMs),
      ];
    }),
  };
}

/** "-0.512 [-0.55, -0.47]" from a prediction's own fit (or its observable's). */
export function measuredSlope(claim: ClaimResult, p: PredictionResult): string {
  const obs = p.observable ? claim.observables.find((o) => o.name === p.observable) : undefined;
  const fit = p.fit ?? (isSlopePrediction(p) ? obs?.fit : undefined);
  const ci = p.ci ?? (isSlopePrediction(p) ? obs?.ci : undefined);
  if (!fit) return '—';
  return `${fmtNum(fit.slope)}${ci ? ` ${fmtInterval(ci.lo, ci.hi)}` : ''}`;
}

export function fmtAcceptance(iv: [number | null, number | null] | undefined): string {
  if (!iv) return '—';
  const lo = iv[0] ?? -Infinity;
  const hi = iv[1] ?? Infinity;
  const inf = (v: number) => !Number.isFinite(v) || Math.abs(v) >= 1e100;
  if (inf(lo) && inf(hi)) return 'any';
  if (inf(lo)) return `≤ ${fmtNum(hi)}`;
  if (inf(hi)) return `≥ ${fmtNum(lo)}`;
  return fmtInterval(lo, hi);
}

export function counterexampleText(claim: ClaimResult, p: PredictionResult): string | undefined {
  const c = p.counterexample;
  if (!c) return undefined;
  const X = variableSymbol(claim.sweep.variable);
  const step = c.step !== undefined ? `, step ${c.step}` : '';
  const check = c.check ? ` ${c.check}` : '';
  return `counterexample${check} at ${X} = ${fmtShort(c.x)}, trial ${c.trial}${step}: lhs ${fmtShort(c.lhs)} > rhs ${fmtShort(c.rhs)}`;
}

/** '(needs c = 4)', '(size-limited)': the marks a verdict cell carries beside the verdict. */
export function verdictMarks(p: PredictionResult): string[] {
  const out: string[] = [];
  if (p.loose) out.push('loose');
  if (p.constantNeeded) out.push(`needs ${p.constantNeeded.symbol} = ${p.constantNeeded.value}`);
  if (p.sizeLimited) out.push('size-limited');
  return out;
}

/** One line for the report's list of size-limited misses. */
export function sizeLimitedText(l: LooseBound): string {
  const p = l.prediction;
  const ci = p.ci ? ` ${fmtInterval(p.ci.lo, p.ci.hi)}` : '';
  return `${p.label}: ${p.verdict}, slope ${p.fit ? fmtNum(p.fit.slope) : '—'}${ci}; ${p.sizeLimited!.text}`;
}

/** One line for the report's list of verdicts that needed a larger unstated constant. */
export function constantNeededText(l: LooseBound): string {
  const p = l.prediction;
  const k = p.constantNeeded!;
  const per = (p.byConstant ?? []).map((b) => `${k.symbol} = ${b.value}: ${b.verdict}${b.fit ? ` (slope ${fmtNum(b.fit.slope)}${b.ci ? ` ${fmtInterval(b.ci.lo, b.ci.hi)}` : ''})` : ''}`).join('; ');
  return `${p.label}: CONFIRMED with ${k.symbol} = ${k.value} (${per})`;
}

export function predictionsTable(claim: ClaimResult): Table {
  const ciLevel = claim.predictions.find((p) => p.ci)?.ci?.level ?? claim.observables.find((o) => o.ci)?.ci?.level ?? 0.95;
  return {
    header: ['Prediction', 'Source', `Measured slope [${fmtLevel(ciLevel)} CI]`, 'Acceptance', 'Verdict', 'Expected', 'Reason'],
    rows: claim.predictions.map((p) => {
      const reason = [p.reason, counterexampleText(claim, p), p.sizeLimited?.text].filter(Boolean).join('; ');
      return [
        p.label,
        p.source ?? '—',
        measuredSlope(claim, p),
        fmtAcceptance(p.interval),
        [verdictBadge(p.verdict), ...verdictMarks(p).map((m) => `(${m})`)].join(' '),
        expectationMarker(p.matchesExpected, p.expected),
        reason,
      ];
    }),
  };
}

/**
 * Per-size rows of one observable, with the local slope from the previous size. Where some
 * trials did not measure it, the trials cell says how many; a size where none did gets a
 * row of its own saying so.
 */
export function observableTable(claim: ClaimResult, obs: ObservableSummary): Table {
  const X = variableSymbol(claim.sweep.variable);
  const sizes = [...obs.perSize].sort((a, b) => a.x - b.x);
  const nm = obs.notMeasured ?? [];
  const unmeasured = (x: number) => nm.find((g) => g.x === x)?.trials.length ?? 0;
  const rows = sizes.map((s, i) => {
    const prev = i > 0 ? sizes[i - 1]!.x : undefined;
    const loc = prev !== undefined ? obs.local.find((l) => l.x0 === prev && l.x1 === s.x) : undefined;
    const k = unmeasured(s.x);
    const trials = k > 0 ? `${s.trials} (${k} not measured)` : String(s.trials);
    return { x: s.x, cells: [fmtShort(s.x), `${fmtNum(s.mean)} ± ${fmtNum(s.sd)}`, fmtNum(s.min), fmtNum(s.max), trials, loc ? `${fmtNum(loc.slope)} (from ${fmtShort(prev!)})` : '—'] };
  });
  for (const g of nm) {
    if (!sizes.some((s) => s.x === g.x)) rows.push({ x: g.x, cells: [fmtShort(g.x), 'not measured', '—', '—', `0 (${g.trials.length} not measured)`, '—'] });
  }
  rows.sort((a, b) => a.x - b.x);
  return { header: [X, 'mean ± sd', 'min', 'max', 'trials', 'local slope'], rows: rows.map((r) => r.cells) };
}

/**
 * One line per size where trials did not measure the observable:
 * 'not measured: 1 of 4 trials at n = 800: training diverged at step 37 (loss 3.1e9)',
 * distinct reasons joined by ' | '. Empty when every trial measured it.
 */
export function notMeasuredLines(claim: ClaimResult, obs: ObservableSummary): string[] {
  const X = variableSymbol(claim.sweep.variable);
  return (obs.notMeasured ?? []).map((g) =>
    `not measured: ${g.trials.length} of ${g.of} trial${g.of === 1 ? '' : 's'} at ${X} = ${fmtShort(g.x)} ` +
    `(trial${g.trials.length === 1 ? '' : 's'} ${g.trials.join(', ')}): ${g.reasons.join(' | ')}`);
}

/** Per observable with trials not measured, its label and lines (for a claim's overview). */
export function notMeasuredSummary(claim: ClaimResult): { observable: ObservableSummary; lines: string[] }[] {
  return claim.observables.map((o) => ({ observable: o, lines: notMeasuredLines(claim, o) })).filter((e) => e.lines.length > 0);
}

/** One line on the observable's fit and the predictions about it. */
export function fitSummary(claim: ClaimResult, obs: ObservableSummary): string {
  const parts: string[] = [];
  if (obs.fit) {
    const ci = obs.ci ? ` ${fmtInterval(obs.ci.lo, obs.ci.hi)} (${fmtLevel(obs.ci.level)} CI, ${obs.ci.resamples} bootstrap resamples)` : '';
    parts.push(`fitted slope ${fmtNum(obs.fit.slope)}${ci}, r² = ${fmtNum(obs.fit.r2)}, ${obs.fit.points} points over ${obs.fit.sizes} sizes`);
  } else {
    parts.push(`no fit${obs.fitProblem ? ` (${obs.fitProblem})` : ''}`);
  }
  if (obs.local.length > 0) parts.push(`local slopes ${obs.local.map((l) => fmtNum(l.slope)).join(', ')}`);
  const preds = slopePredictionsOn(claim, obs.name);
  if (preds.length > 0) parts.push(preds.map((p) => `${p.label}: ${verdictBadge(p.verdict)}`).join('; '));
  else if (obs.fit) parts.push('no prediction on this exponent');
  return parts.join(' · ');
}

export function failedJobs(claim: ClaimResult): { where: string; error: string }[] {
  const X = variableSymbol(claim.sweep.variable);
  return claim.jobs
    .filter((j) => j.status === 'failed')
    .sort((a, b) => a.x - b.x || a.trial - b.trial)
    .map((j) => ({ where: `${X} = ${fmtShort(j.x)}, trial ${j.trial}`, error: j.error ?? '(no error message recorded)' }));
}

export function timingText(claim: ClaimResult): string {
  const t = claim.timing;
  return `wall ${fmtDuration(t.wallMs)}, compute ${fmtDuration(t.computeMs)}, ${t.jobs} jobs (${t.cachedJobs} cached, ${t.failedJobs} failed)`;
}

export function sweepText(claim: ClaimResult): string {
  const X = variableSymbol(claim.sweep.variable);
  return `${X} ∈ {${claim.sweep.values.map((v) => fmtShort(v)).join(', ')}}, ${claim.sweep.trials} trial${claim.sweep.trials === 1 ? '' : 's'} each`;
}

/** The setting as `key = value` items (values as compact JSON, long ones cut). */
export function settingItems(claim: ClaimResult): string[] {
  return Object.entries(claim.setting).map(([k, v]) => {
    let s: string;
    try {
      s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
    } catch {
      s = String(v);
    }
    if (s.length > 120) s = `${s.slice(0, 117)}…`;
    return `${k} = ${s}`;
  });
}

export function looseText(l: LooseBound): string {
  const p = l.prediction;
  const b = predictedExponent(p);
  const ci = p.ci ? fmtInterval(p.ci.lo, p.ci.hi) : 'no CI';
  const slope = p.fit ? fmtNum(p.fit.slope) : '—';
  // A `slope ≥ b` bound is loose when the CI's lower end lies well above b; `slope ≤ b` mirrors it.
  const lower = p.kind === 'slope≥';
  const bound = b !== undefined ? `${fmtNum(b)}${p.tol !== undefined ? ` (${lower ? '−' : '+'}${fmtNum(p.tol)} tolerance)` : ''}` : '—';
  const gap =
    b === undefined || !p.ci
      ? ''
      : lower
        ? `; the CI's lower end is ${fmtNum(p.ci.lo - b)} above the bound`
        : `; the CI's upper end is ${fmtNum(b - p.ci.hi)} below the bound`;
  return `${p.label}: measured ${slope} ${ci} against the bound ${bound}${gap}`;
}

export function unpredictedText(u: UnpredictedExponent): string {
  const o = u.observable;
  const ci = o.ci ? ` ${fmtInterval(o.ci.lo, o.ci.hi)}` : '';
  return `${o.label} (${o.name}): slope ${fmtNum(o.fit!.slope)}${ci}, r² = ${fmtNum(o.fit!.r2)} over ${o.fit!.sizes} sizes`;
}
