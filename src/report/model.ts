/**
 * What the report derives from results.json before writing anything: which predictions
 * are slope predictions on which observable, which bounds look loose, which fitted
 * exponents nobody predicted, the data points of every plot, and the layout of the output
 * folder (one folder per claim, one SVG per observable / spectrum / series).
 */
import type { PlotDeclaration, Verdict } from '../runner/define';
import type { ClaimResult, JobRecord, ObservableSummary, PredictionResult, RunResults } from '../runner/results';
import { fmtShort, NameAllocator, safeStem, variableSymbol, worstVerdict } from './format';
import { splitConstantName } from '../runner/constants';


export const SLOPE_KINDS = ['slope≈', 'slope≤', 'slope≥', 'bounded'] as const;

/** A prediction about a fitted log-log slope (including `bounded`, slope ≈ 0). */
export function isSlopePrediction(p: PredictionResult): boolean {
  return (SLOPE_KINDS as readonly string[]).includes(p.kind);
}

/** The exponent a slope prediction draws: its `exponent`, or 0 for `bounded`. */
export function predictedExponent(p: PredictionResult): number | undefined {
  if (p.exponent !== undefined) return p.exponent;
  return p.kind === 'bounded' ? 0 : undefined;
}

export function slopePredictionsOn(claim: ClaimResult, observable: string): PredictionResult[] {
  return claim.predictions.filter((p) => isSlopePrediction(p) && p.observable === observable);
}

/** How many of the claim's predictions are CONFIRMED, REFUTED and INCONCLUSIVE (the "C / R / I" of the tables). */
export function predictionCounts(claim: ClaimResult): { CONFIRMED: number; REFUTED: number; INCONCLUSIVE: number } {
  const n: Record<Verdict, number> = { CONFIRMED: 0, REFUTED: 0, INCONCLUSIVE: 0 };
  for (const p of claim.predictions) n[p.verdict]++;
  return n;
}

/** The verdict the suite expects for the claim as a whole: the worst expected verdict. */
export function expectedClaimVerdict(claim: ClaimResult): Verdict | undefined {
  return worstVerdict(claim.predictions.map((p) => p.expected));
}

export interface LooseBound {
  claim: ClaimResult;
  prediction: PredictionResult;
}

/** Confirmed bounds whose CI sits well inside them (prediction.loose). */
export function looseBounds(results: RunResults): LooseBound[] {
  const out: LooseBound[] = [];
  for (const claim of results.claims) for (const p of claim.predictions) if (p.loose) out.push({ claim, prediction: p });
  return out;
}

/** Predictions that are only size-limited misses, or that needed a larger unstated constant. */
export function finiteSizeNotes(results: RunResults): { sizeLimited: LooseBound[]; neededConstant: LooseBound[] } {
  const sizeLimited: LooseBound[] = [];
  const neededConstant: LooseBound[] = [];
  for (const claim of results.claims) {
    for (const p of claim.predictions) {
      if (p.sizeLimited) sizeLimited.push({ claim, prediction: p });
      if (p.constantNeeded) neededConstant.push({ claim, prediction: p });
    }
  }
  return { sizeLimited, neededConstant };
}

export interface UnpredictedExponent {
  claim: ClaimResult;
  observable: ObservableSummary;
}

/** Observables with a fitted slope that no slope prediction is about. */
export function unpredictedExponents(results: RunResults): UnpredictedExponent[] {
  const out: UnpredictedExponent[] = [];
  for (const claim of results.claims) {
    for (const o of claim.observables) {
      // A copy at a swept constant ('gap@c=4') is predicted where its observable is.
      const base = claim.constant ? splitConstantName(o.name, claim.constant.symbol).base : o.name;
      if (o.fit && slopePredictionsOn(claim, base).length === 0) out.push({ claim, observable: o });
    }
  }
  return out;
}

export interface Point {
  x: number;
  y: number;
  trial: number;
}

/**
 * Every trial's value of an observable: from the jobs' outputs, or from perSize.values
 * when no job carries one (results written without outputs).
 */
export function observablePoints(claim: ClaimResult, obs: ObservableSummary): Point[] {
  const pts: Point[] = [];
  for (const j of claim.jobs) {
    const v = j.status === 'ok' ? j.output?.values[obs.name] : undefined;
    if (v !== undefined && Number.isFinite(v)) pts.push({ x: j.x, y: v, trial: j.trial });
  }
  if (pts.length > 0) return pts;
  for (const s of obs.perSize) s.values.forEach((y, trial) => Number.isFinite(y) && pts.push({ x: s.x, y, trial }));
  return pts;
}

/** Spectra keys follow `<base>@initial` / `<base>@final`; a key without '@' is its own base (final). */
export function splitSpectrumKey(key: string): { base: string; when: 'initial' | 'final' } {
  const at = key.lastIndexOf('@');
  if (at > 0) {
    const when = key.slice(at + 1);
    if (when === 'initial' || when === 'final') return { base: key.slice(0, at), when };
  }
  return { base: key, when: 'final' };
}

function okJobs(claim: ClaimResult): JobRecord[] {
  return claim.jobs.filter((j) => j.status === 'ok' && j.output !== undefined);
}

/** Largest x first, then lowest trial. */
function byLargestThenTrial(a: JobRecord, b: JobRecord): number {
  return b.x - a.x || a.trial - b.trial;
}

export interface SpectrumData {
  base: string;
  job: JobRecord;
  final?: number[];
  initial?: number[];
  /** Marchenko–Pastur ratio γ from meta['mpRatio:<base>']. */
  mpRatio?: number;
}

/** For each spectrum base: the largest size's lowest trial (trial 0) that has it. */
export function spectraOf(claim: ClaimResult): SpectrumData[] {
  const bases: string[] = [];
  for (const j of okJobs(claim)) {
    for (const k of Object.keys(j.output!.spectra ?? {})) {
      const { base } = splitSpectrumKey(k);
      if (!bases.includes(base)) bases.push(base);
    }
  }
  const out: SpectrumData[] = [];
  for (const base of bases) {
    const has = (j: JobRecord) => Object.keys(j.output!.spectra ?? {}).some((k) => splitSpectrumKey(k).base === base);
    const job = okJobs(claim).filter(has).sort(byLargestThenTrial)[0]!;
    const d: SpectrumData = { base, job };
    for (const [k, v] of Object.entries(job.output!.spectra ?? {})) {
      const s = splitSpectrumKey(k);
      if (s.base !== base) continue;
      const finite = v.filter(Number.isFinite);
      if (s.when === 'initial') d.initial = finite;
      else if (d.final === undefined || k.endsWith('@final')) d.final = finite;
    }
    const g = job.output!.meta?.[`mpRatio:${base}`];
    if (typeof g === 'number' && Number.isFinite(g) && g > 0) d.mpRatio = g;
    if ((d.final?.length ?? 0) + (d.initial?.length ?? 0) > 0) out.push(d);
  }
  return out;
}

export interface SeriesData {
  name: string;
  /** One curve per size (ascending x): the lowest trial (trial 0) carrying the series. */
  curves: { x: number; trial: number; points: [number, number][] }[];
}

export function seriesOf(claim: ClaimResult): SeriesData[] {
  const names: string[] = [];
  for (const j of okJobs(claim)) for (const k of Object.keys(j.output!.series ?? {})) if (!names.includes(k)) names.push(k);
  return names.map((name) => {
    const bySize = new Map<number, JobRecord>();
    for (const j of okJobs(claim)) {
      if (!j.output!.series?.[name]) continue;
      const cur = bySize.get(j.x);
      if (!cur || j.trial < cur.trial) bySize.set(j.x, j);
    }
    const curves = [...bySize.values()]
      .sort((a, b) => a.x - b.x)
      .map((j) => ({ x: j.x, trial: j.trial, points: j.output!.series![name]!.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)) }));
    return { name, curves };
  });
}

/** Transition predictions on an observable (their threshold is drawn on its plot). */
export function transitionPredictionsOn(claim: ClaimResult, observable: string): PredictionResult[] {
  return claim.predictions.filter((p) => p.kind === 'transition' && p.observable === observable);
}

export interface TransitionMarks {
  label: string;
  threshold?: number;
  direction?: string;
  /** Where the crossing is predicted, [lo, hi] in the sweep variable. */
  expectedAt?: [number, number];
  /** Where the per-size means cross the threshold (linear interpolation). */
  estimatedCrossing?: number;
}

/** What a transition prediction's plot draws, from its recorded details. */
export function transitionMarks(p: PredictionResult): TransitionMarks {
  const num = (k: string) => {
    const v = p.details?.[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const out: TransitionMarks = { label: p.label };
  const threshold = num('threshold');
  if (threshold !== undefined) out.threshold = threshold;
  if (typeof p.details?.direction === 'string') out.direction = p.details.direction;
  const lo = num('expectedAtLo');
  const hi = num('expectedAtHi');
  if (lo !== undefined && hi !== undefined) out.expectedAt = [Math.min(lo, hi), Math.max(lo, hi)];
  const c = num('estimatedCrossing');
  if (c !== undefined) out.estimatedCrossing = c;
  return out;
}

/** Glob match of a whole name: '*' any text, '?' one character, everything else literal. */
export function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${re}$`).test(name);
}

/** Names matched by the patterns, pattern by pattern (each name once), and the patterns that matched nothing. */
export function matchNames(patterns: readonly string[], names: readonly string[]): { matched: string[]; unmatched: string[] } {
  const matched: string[] = [];
  const unmatched: string[] = [];
  for (const p of patterns) {
    const hits = names.filter((n) => globMatch(p, n));
    if (hits.length === 0) unmatched.push(p);
    for (const n of hits) if (!matched.includes(n)) matched.push(n);
  }
  return { matched, unmatched };
}

export interface OverlayLine {
  /** Legend entry: the series name, or the observable's label. */
  name: string;
  dashed: boolean;
  /** Series: the size and trial of the job the curve comes from. */
  size?: number;
  trial?: number;
  /** Series: the curve. Observables: every trial's value. */
  points: { x: number; y: number; trial?: number }[];
  /** Observables: the per-size means. */
  means?: { x: number; y: number }[];
}

export interface OverlayData {
  decl: PlotDeclaration;
  kind: 'series' | 'observables';
  lines: OverlayLine[];
  /** What in the declaration did not resolve (shown on the plot, in the page and as report warnings). */
  problems: string[];
  /** Series plots: every series name the claim's jobs returned (to help fix a pattern). */
  available?: string[];
}

/** One line naming a declared plot's problems, for the report's warnings. */
export function overlayWarning(claim: ClaimResult, o: OverlayData): string | undefined {
  if (o.problems.length === 0 && o.lines.length > 0) return undefined;
  const what = o.lines.length === 0 ? 'draws nothing' : 'is incomplete';
  const why = o.problems.length > 0 ? o.problems.join('; ') : 'no data';
  const avail = o.available && o.problems.some((p) => p.startsWith('series pattern')) && o.available.length > 0
    ? ` — series of this claim: ${o.available.map((n) => `'${n}'`).join(', ')}`
    : '';
  return `claim ${claim.id}: declared plot '${o.decl.id}' ${what}: ${why}${avail}`;
}

/** Resolves a claim's declared plots against its results. */
export function overlaysOf(claim: ClaimResult): OverlayData[] {
  const decls = claim.plots ?? [];
  if (decls.length === 0) return [];
  const all = seriesOf(claim);
  const X = variableSymbol(claim.sweep.variable);
  return decls.map((decl) => {
    const problems: string[] = [];
    const isDashed = (name: string) => (decl.dashed ?? []).some((p) => globMatch(p, name));
    if (decl.observables) {
      const lines: OverlayLine[] = [];
      const labels = new Set<string>();
      for (const name of decl.observables) {
        const obs = claim.observables.find((o) => o.name === name);
        if (!obs) {
          problems.push(`observable '${name}' is not in the results`);
          continue;
        }
        const points = observablePoints(claim, obs);
        if (points.length === 0) {
          problems.push(`observable '${name}' has no finite value`);
          continue;
        }
        const legend = labels.has(obs.label) ? `${obs.label} (${name})` : obs.label;
        labels.add(legend);
        const means = obs.perSize.filter((s) => Number.isFinite(s.mean)).map((s) => ({ x: s.x, y: s.mean }));
        lines.push({ name: legend, dashed: isDashed(name), points, means });
      }
      return { decl, kind: 'observables', lines, problems };
    }
    const names = all.map((s) => s.name);
    const { matched, unmatched } = matchNames(decl.series!, names);
    for (const p of unmatched) {
      problems.push(`series pattern '${p}' matches no series of this claim${names.length > 0 ? '' : ' (its jobs returned none)'}`);
    }
    const data = matched.map((n) => all.find((s) => s.name === n)!);
    const at = decl.at ?? 'largest';
    let sizes: number[];
    if (at === 'all') sizes = [...new Set(data.flatMap((s) => s.curves.map((c) => c.x)))].sort((a, b) => a - b);
    else if (at === 'largest') {
      const xs = data.flatMap((s) => s.curves.filter((c) => c.points.length > 0).map((c) => c.x));
      sizes = xs.length > 0 ? [Math.max(...xs)] : [];
    } else sizes = [at];
    const lines: OverlayLine[] = [];
    for (const s of data) {
      for (const x of sizes) {
        const c = s.curves.find((k) => k.x === x);
        if (!c || c.points.length === 0) {
          if (at !== 'all') problems.push(`series '${s.name}' has no curve at ${X} = ${fmtShort(x)}`);
          continue;
        }
        lines.push({ name: s.name, dashed: isDashed(s.name), size: c.x, trial: c.trial, points: c.points.map(([px, py]) => ({ x: px, y: py })) });
      }
    }
    return { decl, kind: 'series', lines, problems, available: names };
  });
}

export interface PlotRef {
  kind: 'observable' | 'spectrum' | 'series' | 'overlay';
  /** Observable name, spectrum base or series name. */
  key: string;
  /** File name inside the claim's folder. */
  file: string;
  /** Path relative to the report root (posix separators). */
  path: string;
  title: string;
}

export interface ClaimLayout {
  claim: ClaimResult;
  /** The claim's folder, relative to the report root. */
  dir: string;
  observables: Map<string, PlotRef>;
  spectra: { ref: PlotRef; data: SpectrumData }[];
  series: { ref: PlotRef; data: SeriesData }[];
  /** The plots the claim declares (`plots`), resolved. */
  overlays: { ref: PlotRef; data: OverlayData }[];
  /** Every plot of the claim in reading order. */
  plots: PlotRef[];
}

/** Assigns folders and file names; plots only observables that have at least one value. */
export function layoutReport(results: RunResults): ClaimLayout[] {
  const dirs = new NameAllocator(['index.html', 'summary.md', 'results.json']);
  return results.claims.map((claim) => {
    const dir = dirs.take(safeStem(claim.id));
    const files = new NameAllocator(['index.html']);
    const ref = (kind: PlotRef['kind'], key: string, stem: string, title: string): PlotRef => {
      const file = files.take(stem, '.svg');
      return { kind, key, file, path: `${dir}/${file}`, title };
    };
    const observables = new Map<string, PlotRef>();
    for (const o of claim.observables) {
      if (observablePoints(claim, o).length > 0) observables.set(o.name, ref('observable', o.name, safeStem(o.name), o.label));
    }
    const spectra = spectraOf(claim).map((data) => ({ ref: ref('spectrum', data.base, `spectrum-${safeStem(data.base)}`, `spectrum of ${data.base}`), data }));
    const series = seriesOf(claim)
      .filter((s) => s.curves.some((c) => c.points.length > 0))
      .map((data) => ({ ref: ref('series', data.name, `series-${safeStem(data.name)}`, data.name), data }));
    const overlays = overlaysOf(claim).map((data) => ({ ref: ref('overlay', data.decl.id, `plot-${safeStem(data.decl.id)}`, data.decl.title), data }));
    const plots = [...overlays.map((o) => o.ref), ...observables.values(), ...spectra.map((s) => s.ref), ...series.map((s) => s.ref)];
    return { claim, dir, observables, spectra, series, overlays, plots };
  });
}
