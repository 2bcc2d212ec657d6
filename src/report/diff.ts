/**
 * Run diffs: what changed between two runs of the same claims, or between a run and the
 * golden fixtures. This is how a numerical change (a new optimizer, a BLAS upgrade, a
 * refactor) is regression-tested: run before and after, then `ntk-verify diff A B`.
 *
 * Per claim it reports
 *   - every prediction whose verdict differs (and the claim's overall verdict),
 *   - per observable, the fitted log-log slope on both sides, their difference and
 *     whether the two bootstrap CIs overlap (fixtures keep no CI: overlap is then null),
 *   - every per-job observable value whose relative difference exceeds the tolerance, and
 *     every value measured on one side and not measured (JobOutput.notMeasured) on the other
 *     (not measured on both sides counts as equal, whatever the reasons say),
 *   - jobs present, failed or missing on one side only.
 *
 * Tolerances are relative, per observable: the claim's `fixtureRelTol` when the caller
 * knows it, else `relTol` (default 1e-6, the fixtures' default; see src/runner/fixtures.ts).
 * A slope counts as changed when |Δ| > tol·max(1, |slope A|), with tol at least 1e-6 —
 * the rule `ntk-verify fixtures check` applies.
 *
 * Pure: no file system, no clock. `sideFromResults` / `sideFromFixtures` adapt the two
 * sources; `diffRuns` compares; `formatDiffMarkdown` writes the table a person reads.
 * Side A is the reference (the older run, or the fixtures), side B the new one: Δ = B − A.
 */
import type { Verdict } from '../runner/define';
import type { Fixture } from '../runner/fixtures';
import type { RunResults } from '../runner/results';
import { fmtNum, fmtShort, mdCell, variableSymbol } from './format';

export const DIFF_SCHEMA_VERSION = 'ntk-verify.diff/1';
export const DEFAULT_DIFF_REL_TOL = 1e-6;

/** A fitted slope, with its CI when the source records one. */
export interface DiffSlope {
  slope: number;
  lo?: number;
  hi?: number;
}

export interface DiffPrediction {
  label: string;
  verdict: Verdict;
  /** The verdict the claim file expects (runs only; fixtures do not record it). */
  expected?: Verdict;
}

export interface DiffJob {
  x: number;
  trial: number;
  /** A non-baseline value of the claim's swept constant. */
  constant?: number;
  status: 'ok' | 'failed';
  values: Record<string, number>;
  /** Observables the job did not measure → reason. */
  notMeasured?: Record<string, string>;
}

/** One claim as the diff sees it: verdicts, slopes, per-job values. */
export interface DiffClaimSide {
  id: string;
  title?: string;
  variable?: string;
  verdict: Verdict;
  predictions: DiffPrediction[];
  /** Fitted slope per observable name. */
  slopes: Record<string, DiffSlope>;
  /** Observable labels, where known. */
  labels: Record<string, string>;
  jobs: DiffJob[];
}

/** Facts about one side of a diff (what the header shows). */
export interface DiffSideInfo {
  kind: 'run' | 'fixtures';
  /** What the user named: run id, folder, file, or the fixtures folder. */
  label: string;
  runId?: string;
  tier?: string;
  rootSeed?: string | number;
  engineVersion?: string;
  backend?: string;
  blas?: string;
}

export interface DiffSide extends DiffSideInfo {
  claims: DiffClaimSide[];
}

/** Adapts a run's results.json. */
export function sideFromResults(r: RunResults, label: string = r.runId): DiffSide {
  return {
    kind: 'run',
    label,
    runId: r.runId,
    tier: r.tier,
    rootSeed: r.environment.rootSeed,
    engineVersion: r.environment.engineVersion,
    backend: r.environment.backend,
    blas: r.environment.blas,
    claims: r.claims.map((c) => {
      const slopes: Record<string, DiffSlope> = {};
      const labels: Record<string, string> = {};
      for (const o of c.observables) {
        labels[o.name] = o.label;
        if (o.fit) slopes[o.name] = { slope: o.fit.slope, ...(o.ci ? { lo: o.ci.lo, hi: o.ci.hi } : {}) };
      }
      return {
        id: c.id,
        title: c.title,
        variable: c.sweep.variable,
        verdict: c.verdict,
        predictions: c.predictions.map((p) => ({ label: p.label, verdict: p.verdict, expected: p.expected })),
        slopes,
        labels,
        jobs: c.jobs.map((j) => ({
          x: j.x, trial: j.trial, ...(j.constant !== undefined ? { constant: j.constant } : {}), status: j.status, values: j.status === 'ok' ? (j.output?.values ?? {}) : {},
          ...(j.status === 'ok' && j.output?.notMeasured ? { notMeasured: j.output.notMeasured } : {}),
        })),
      };
    }),
  };
}

/** Adapts golden fixtures (one per claim, all of one tier). Fixtures keep slopes without CIs. */
export function sideFromFixtures(fixtures: Fixture[], label = 'fixtures'): DiffSide {
  const first = fixtures[0];
  return {
    kind: 'fixtures',
    label,
    ...(first ? { tier: first.tier, rootSeed: first.rootSeed, engineVersion: first.engineVersion } : {}),
    claims: fixtures.map((f) => ({
      id: f.claim,
      verdict: f.verdict,
      predictions: f.predictions.map((p) => ({ label: p.label, verdict: p.verdict })),
      slopes: Object.fromEntries(Object.entries(f.slopes).map(([k, s]) => [k, { slope: s }])),
      labels: {},
      jobs: f.jobs.map((j) => ({ x: j.x, trial: j.trial, ...(j.constant !== undefined ? { constant: j.constant } : {}), status: 'ok' as const, values: j.values, ...(j.notMeasured ? { notMeasured: j.notMeasured } : {}) })),
    })),
  };
}

export interface SlopeDiff {
  observable: string;
  label?: string;
  a?: DiffSlope;
  b?: DiffSlope;
  /** slope B − slope A, when both sides have a fit. */
  delta?: number;
  /** Whether the two CIs overlap; null when either side has no CI. */
  ciOverlap: boolean | null;
  /** Beyond tolerance, or fitted on one side only. */
  changed: boolean;
  tol: number;
}

export interface VerdictDiff {
  /** 0-based index of the prediction in the claim file. */
  index: number;
  label: string;
  /** Verdict on side A (undefined: the prediction is not there). */
  a?: Verdict;
  b?: Verdict;
  /** The verdict the claim file expects on side B, where known. */
  expected?: Verdict;
}

export interface ValueDiff {
  observable: string;
  x: number;
  trial: number;
  a?: number;
  b?: number;
  /** The reason on side A / B when that side did not measure the value (JobOutput.notMeasured). */
  notMeasuredA?: string;
  notMeasuredB?: string;
  /** |a − b| / max(|a|, |b|); undefined when a side lacks the value. */
  relDiff?: number;
  tol: number;
}

export type JobState = 'ok' | 'failed' | 'missing';

export interface JobDiff {
  x: number;
  trial: number;
  a: JobState;
  b: JobState;
}

export interface ClaimDiff {
  id: string;
  title?: string;
  variable?: string;
  presence: 'both' | 'only-a' | 'only-b';
  verdictA?: Verdict;
  verdictB?: Verdict;
  /** The claim's overall verdict differs. */
  claimVerdictChanged: boolean;
  /** Predictions whose verdict differs (or that exist on one side only). */
  predictionVerdicts: VerdictDiff[];
  /** Every observable fitted on either side, changed or not. */
  slopes: SlopeDiff[];
  /** Values beyond tolerance (or present on one side only). */
  values: ValueDiff[];
  /** How many (job, observable) values were compared. */
  valuesCompared: number;
  /** Jobs whose status differs between the sides. */
  jobs: JobDiff[];
}

export interface DiffTotals {
  /** Claims on both sides. */
  compared: number;
  onlyA: number;
  onlyB: number;
  /** Predictions (plus claim-level verdicts) that changed. */
  verdictChanges: number;
  slopeChanges: number;
  /** Observables whose two CIs do not overlap. */
  disjointCis: number;
  valueChanges: number;
  /** Of valueChanges: measured on one side, not measured on the other. */
  measuredChanges: number;
  valuesCompared: number;
  jobChanges: number;
}

/** The typed record of a diff (what `ntk-verify diff --json` prints). */
export interface RunDiff {
  schema: typeof DIFF_SCHEMA_VERSION;
  a: DiffSideInfo;
  b: DiffSideInfo;
  /** Default relative tolerance (per-observable tolerances may override it). */
  relTol: number;
  /** relTol was given (`--rel-tol`) rather than the default. */
  relTolGiven?: boolean;
  claims: ClaimDiff[];
  totals: DiffTotals;
  /** A verdict changed on a claim present on both sides: the CLI's exit code 1. */
  verdictChanged: boolean;
  /** No verdict, slope, value or job differs, and both sides hold the same claims. */
  identical: boolean;
  /** Things a reader must know (tiers or seeds differ, claims on one side only). */
  notes: string[];
}

export interface DiffOptions {
  /** Relative tolerance for values and slopes (default 1e-6). */
  relTol?: number;
  /** Per claim id, per observable: a tolerance that overrides relTol (a claim's fixtureRelTol). */
  tolerances?: Record<string, Record<string, number | undefined>>;
}

type DiffInput = RunResults | DiffSide;

function toSide(x: DiffInput): DiffSide {
  return 'schema' in x ? sideFromResults(x) : x;
}

function infoOf(s: DiffSide): DiffSideInfo {
  const { claims: _claims, ...info } = s;
  return info;
}

/** Relative difference as the fixtures measure it; NaN on one side only is infinitely far. */
export function relativeDifference(a: number, b: number): number {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const r = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
  return Number.isNaN(r) ? Infinity : r;
}

/** Jobs at a swept constant (src/runner/constants.ts) share x and trial with the baseline's. */
function jobKey(x: number, trial: number, constant?: number): string {
  return `${x}/${trial}${constant !== undefined ? `@${constant}` : ''}`;
}

function diffSlopes(a: DiffClaimSide, b: DiffClaimSide, tolOf: (obs: string) => number): SlopeDiff[] {
  const names = [...new Set([...Object.keys(a.slopes), ...Object.keys(b.slopes)])];
  return names.map((observable) => {
    const sa = a.slopes[observable];
    const sb = b.slopes[observable];
    const tol = Math.max(tolOf(observable), DEFAULT_DIFF_REL_TOL);
    const label = b.labels[observable] ?? a.labels[observable];
    const out: SlopeDiff = { observable, ...(label !== undefined ? { label } : {}), ciOverlap: null, changed: sa === undefined || sb === undefined, tol };
    if (sa) out.a = sa;
    if (sb) out.b = sb;
    if (sa && sb) {
      out.delta = sb.slope - sa.slope;
      out.changed = !(Math.abs(out.delta) <= tol * Math.max(1, Math.abs(sa.slope)));
      if (sa.lo !== undefined && sa.hi !== undefined && sb.lo !== undefined && sb.hi !== undefined) {
        out.ciOverlap = sa.lo <= sb.hi && sb.lo <= sa.hi;
      }
    }
    return out;
  });
}

function diffPredictions(a: DiffClaimSide, b: DiffClaimSide): VerdictDiff[] {
  const out: VerdictDiff[] = [];
  const n = Math.max(a.predictions.length, b.predictions.length);
  for (let i = 0; i < n; i++) {
    const pa = a.predictions[i];
    const pb = b.predictions[i];
    if (pa && pb && pa.verdict === pb.verdict) continue;
    out.push({
      index: i,
      label: (pb ?? pa)!.label,
      ...(pa ? { a: pa.verdict } : {}),
      ...(pb ? { b: pb.verdict } : {}),
      ...(pb?.expected ? { expected: pb.expected } : {}),
    });
  }
  return out;
}

function diffJobs(a: DiffClaimSide, b: DiffClaimSide, tolOf: (obs: string) => number) {
  const ja = new Map(a.jobs.map((j) => [jobKey(j.x, j.trial, j.constant), j]));
  const jb = new Map(b.jobs.map((j) => [jobKey(j.x, j.trial, j.constant), j]));
  const keys = [...new Set([...ja.keys(), ...jb.keys()])];
  const all = keys.map((k) => (ja.get(k) ?? jb.get(k))!).sort((p, q) => p.x - q.x || p.trial - q.trial);
  const jobs: JobDiff[] = [];
  const values: ValueDiff[] = [];
  let compared = 0;
  for (const { x, trial, constant } of all) {
    const p = ja.get(jobKey(x, trial, constant));
    const q = jb.get(jobKey(x, trial, constant));
    const sa: JobState = p?.status ?? 'missing';
    const sb: JobState = q?.status ?? 'missing';
    if (sa !== sb) jobs.push({ x, trial, a: sa, b: sb });
    if (sa !== 'ok' || sb !== 'ok') continue;
    const nmA = p!.notMeasured ?? {};
    const nmB = q!.notMeasured ?? {};
    for (const name of [...new Set([...Object.keys(p!.values), ...Object.keys(q!.values), ...Object.keys(nmA), ...Object.keys(nmB)])]) {
      const va = p!.values[name];
      const vb = q!.values[name];
      const tol = tolOf(name);
      compared++;
      const wa = nmA[name];
      const wb = nmB[name];
      if (wa !== undefined && wb !== undefined) continue; // not measured on both sides: equal
      if (va === undefined || vb === undefined) {
        values.push({
          observable: name, x, trial, ...(va !== undefined ? { a: va } : {}), ...(vb !== undefined ? { b: vb } : {}),
          ...(wa !== undefined ? { notMeasuredA: wa } : {}), ...(wb !== undefined ? { notMeasuredB: wb } : {}), tol,
        });
        continue;
      }
      const r = relativeDifference(va, vb);
      if (r > tol) values.push({ observable: name, x, trial, a: va, b: vb, relDiff: r, tol });
    }
  }
  values.sort((u, v) => (u.observable < v.observable ? -1 : u.observable > v.observable ? 1 : 0) || u.x - v.x || u.trial - v.trial);
  return { jobs, values, compared };
}

/** Compares two runs (or a run and its fixtures). A is the reference, B the new side. */
export function diffRuns(aIn: DiffInput, bIn: DiffInput, opts: DiffOptions = {}): RunDiff {
  const a = toSide(aIn);
  const b = toSide(bIn);
  const relTol = opts.relTol ?? DEFAULT_DIFF_REL_TOL;
  if (!(relTol >= 0) || !Number.isFinite(relTol)) throw new RangeError(`diff: relTol must be a finite number ≥ 0, got ${relTol}`);
  const notes: string[] = [];
  if (a.tier && b.tier && a.tier !== b.tier) notes.push(`tiers differ (A ${a.tier}, B ${b.tier}): sizes and trials differ, so values and slopes are not expected to agree`);
  if (a.rootSeed !== undefined && b.rootSeed !== undefined && String(a.rootSeed) !== String(b.rootSeed)) {
    notes.push(`root seeds differ (A ${a.rootSeed}, B ${b.rootSeed}): every random draw differs, so per-job values are not expected to agree`);
  }
  if (a.engineVersion && b.engineVersion && a.engineVersion !== b.engineVersion) notes.push(`engine versions differ (A ${a.engineVersion}, B ${b.engineVersion})`);
  if (a.kind === 'run' && b.kind === 'run' && (a.backend !== b.backend || a.blas !== b.blas)) {
    notes.push(`linear-algebra backends differ (A ${a.backend}, ${a.blas}; B ${b.backend}, ${b.blas})`);
  }

  const byIdB = new Map(b.claims.map((c) => [c.id, c]));
  const byIdA = new Map(a.claims.map((c) => [c.id, c]));
  const ids = [...a.claims.map((c) => c.id), ...b.claims.map((c) => c.id).filter((id) => !byIdA.has(id))];
  const claims: ClaimDiff[] = ids.map((id) => {
    const ca = byIdA.get(id);
    const cb = byIdB.get(id);
    const either = (cb ?? ca)!;
    const head = { id, ...(either.title !== undefined ? { title: either.title } : {}), ...(either.variable !== undefined ? { variable: either.variable } : {}) };
    if (!ca || !cb) {
      return {
        ...head,
        presence: ca ? 'only-a' : 'only-b',
        ...(ca ? { verdictA: ca.verdict } : { verdictB: either.verdict }),
        claimVerdictChanged: false,
        predictionVerdicts: [],
        slopes: [],
        values: [],
        valuesCompared: 0,
        jobs: [],
      } satisfies ClaimDiff;
    }
    const own = opts.tolerances?.[id] ?? {};
    const tolOf = (obs: string) => own[obs] ?? relTol;
    const { jobs, values, compared } = diffJobs(ca, cb, tolOf);
    return {
      ...head,
      presence: 'both',
      verdictA: ca.verdict,
      verdictB: cb.verdict,
      claimVerdictChanged: ca.verdict !== cb.verdict,
      predictionVerdicts: diffPredictions(ca, cb),
      slopes: diffSlopes(ca, cb, tolOf),
      values,
      valuesCompared: compared,
      jobs,
    } satisfies ClaimDiff;
  });

  const both = claims.filter((c) => c.presence === 'both');
  const onlyA = claims.filter((c) => c.presence === 'only-a');
  const onlyB = claims.filter((c) => c.presence === 'only-b');
  const what = (s: DiffSide) => (s.kind === 'fixtures' ? 'fixtures' : 'run');
  if (onlyA.length > 0) notes.push(`only in A (${what(a)} ${a.label}): ${onlyA.map((c) => c.id).join(', ')}`);
  if (onlyB.length > 0) notes.push(`only in B (${what(b)} ${b.label}): ${onlyB.map((c) => c.id).join(', ')}`);

  const totals: DiffTotals = {
    compared: both.length,
    onlyA: onlyA.length,
    onlyB: onlyB.length,
    verdictChanges: both.reduce((s, c) => s + c.predictionVerdicts.length + (c.claimVerdictChanged ? 1 : 0), 0),
    slopeChanges: both.reduce((s, c) => s + c.slopes.filter((x) => x.changed).length, 0),
    disjointCis: both.reduce((s, c) => s + c.slopes.filter((x) => x.ciOverlap === false).length, 0),
    valueChanges: both.reduce((s, c) => s + c.values.length, 0),
    measuredChanges: both.reduce((s, c) => s + c.values.filter((v) => v.notMeasuredA !== undefined || v.notMeasuredB !== undefined).length, 0),
    valuesCompared: both.reduce((s, c) => s + c.valuesCompared, 0),
    jobChanges: both.reduce((s, c) => s + c.jobs.length, 0),
  };
  const verdictChanged = totals.verdictChanges > 0;
  const identical = !verdictChanged && totals.slopeChanges === 0 && totals.valueChanges === 0 && totals.jobChanges === 0 && onlyA.length === 0 && onlyB.length === 0;
  return { schema: DIFF_SCHEMA_VERSION, a: infoOf(a), b: infoOf(b), relTol, ...(opts.relTol !== undefined ? { relTolGiven: true } : {}), claims, totals, verdictChanged, identical, notes };
}

// ---------------------------------------------------------------------------------------------
// Markdown

function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function sideText(s: DiffSideInfo): string {
  if (s.kind === 'fixtures') return `fixtures ${s.label}/*/${s.tier ?? '*'}.json`;
  return s.runId && s.runId !== s.label ? `${s.label} (run ${s.runId})` : s.label;
}

function slopeText(s: DiffSlope | undefined): string {
  if (!s) return 'no fit';
  const ci = s.lo !== undefined && s.hi !== undefined ? ` [${fmtNum(s.lo)}, ${fmtNum(s.hi)}]` : '';
  return `${fmtNum(s.slope, 4)}${ci}`;
}

function signed(v: number | undefined): string {
  if (v === undefined) return '—';
  if (v === 0) return '0';
  return `${v > 0 ? '+' : ''}${fmtNum(v)}`;
}

function valueText(v: number | undefined, notMeasured?: string): string {
  if (notMeasured !== undefined) return `not measured: ${notMeasured}`;
  return v === undefined ? 'missing' : v.toPrecision(10);
}

export interface FormatDiffOptions {
  /** Rows of value changes shown (largest relative differences first; default 20). */
  limit?: number;
}

/** The diff as Markdown: header, verdict changes, slopes per observable, values beyond tolerance. */
export function formatDiffMarkdown(d: RunDiff, opts: FormatDiffOptions = {}): string {
  const limit = opts.limit ?? 20;
  const t = d.totals;
  const out: string[] = ['# ntk-verify diff', ''];
  const row = (k: string, f: (s: DiffSideInfo) => string | undefined) => [k, f(d.a) ?? '—', f(d.b) ?? '—'];
  out.push(
    mdTable(['', 'A (reference)', 'B'], [
      row('Source', sideText),
      row('Tier', (s) => s.tier),
      row('Root seed', (s) => (s.rootSeed === undefined ? undefined : String(s.rootSeed))),
      row('Engine', (s) => s.engineVersion),
      row('Backend', (s) => (s.backend ? `${s.backend}${s.blas ? `, ${s.blas}` : ''}` : undefined)),
    ]),
    '',
  );
  const headline = d.verdictChanged
    ? `**${t.verdictChanges} verdict change${t.verdictChanges === 1 ? '' : 's'}.**`
    : d.identical
      ? '**No differences.**'
      : '**No verdict changed.**';
  out.push(
    `${headline} ${t.compared} claim${t.compared === 1 ? '' : 's'} compared; ${t.slopeChanges} slope change${t.slopeChanges === 1 ? '' : 's'} beyond tolerance ` +
      `(${t.disjointCis} with disjoint CIs), ${t.valueChanges} of ${t.valuesCompared} values beyond tolerance (relative, ${d.relTolGiven ? '--rel-tol' : 'default'} ${fmtNum(d.relTol)})` +
      `${t.measuredChanges > 0 ? ` — ${t.measuredChanges} of them measured on one side and not measured on the other` : ''}, ` +
      `${t.jobChanges} job${t.jobChanges === 1 ? '' : 's'} failed or missing on one side.`,
    '',
  );
  for (const n of d.notes) out.push(`> Note: ${n}`, '');

  const both = d.claims.filter((c) => c.presence === 'both');
  out.push('## Verdicts', '');
  const vrows: string[][] = [];
  for (const c of both) {
    if (c.claimVerdictChanged) vrows.push([c.id, '(claim verdict)', c.verdictA!, c.verdictB!, '']);
    for (const p of c.predictionVerdicts) {
      const exp = p.expected === undefined ? '' : p.b === p.expected ? `now as expected (${p.expected})` : `⚠️ expected ${p.expected}`;
      vrows.push([c.id, `${p.index + 1}. ${p.label}`, p.a ?? 'absent', p.b ?? 'absent', exp]);
    }
  }
  out.push(vrows.length === 0 ? 'No verdict changed.' : mdTable(['Claim', 'Prediction', 'A', 'B', 'Expected'], vrows), '');

  out.push('## Slopes', '');
  const srows: string[][] = [];
  for (const c of both) {
    for (const s of c.slopes) {
      const overlap = s.ciOverlap === null ? '—' : s.ciOverlap ? 'yes' : '**no**';
      srows.push([c.id, s.label ? `${s.label} (${s.observable})` : s.observable, slopeText(s.a), slopeText(s.b), signed(s.delta), overlap, s.changed ? 'changed' : '']);
    }
  }
  out.push(
    srows.length === 0 ? 'No fitted slopes.' : mdTable(['Claim', 'Observable', 'Slope A [CI]', 'Slope B [CI]', 'Δ slope', 'CIs overlap', ''], srows),
    '',
  );

  out.push('## Values beyond tolerance', '');
  const values = both.flatMap((c) => c.values.map((v) => ({ c, v })));
  if (values.length === 0) out.push(`None: all ${t.valuesCompared} values agree within tolerance.`, '');
  else {
    const ranked = [...values].sort((p, q) => (q.v.relDiff ?? Infinity) - (p.v.relDiff ?? Infinity));
    const rows = ranked.slice(0, limit).map(({ c, v }) => [
      c.id, v.observable, `${variableSymbol(c.variable ?? 'n')} = ${fmtShort(v.x)}`, String(v.trial), valueText(v.a, v.notMeasuredA), valueText(v.b, v.notMeasuredB),
      v.relDiff === undefined ? '—' : fmtNum(v.relDiff), fmtNum(v.tol),
    ]);
    out.push('Largest relative differences first.', '', mdTable(['Claim', 'Observable', 'Size', 'Trial', 'A', 'B', 'Rel. diff', 'Tol'], rows), '');
    if (ranked.length > limit) out.push(`… and ${ranked.length - limit} more (\`--json\` lists them all).`, '');
  }

  const jobs = both.flatMap((c) => c.jobs.map((j) => ({ c, j })));
  if (jobs.length > 0) {
    out.push('## Jobs failed or missing on one side', '');
    out.push(mdTable(['Claim', 'Size', 'Trial', 'A', 'B'], jobs.map(({ c, j }) => [c.id, `${variableSymbol(c.variable ?? 'n')} = ${fmtShort(j.x)}`, String(j.trial), j.a, j.b])), '');
  }
  return out.join('\n');
}
