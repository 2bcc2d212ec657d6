/**
 * What the report derives from results.json before writing anything: which predictions
 * are slope predictions on which observable, which bounds look loose, which fitted
 * exponents nobody predicted, the data points of every plot, and the layout of the output
 * folder (one folder per claim, one SVG per observable / spectrum / series).
 */
import type { Verdict } from '../claims/define';
import type { ClaimResult, JobRecord, ObservableSummary, PredictionResult, RunResults } from '../claims/results';
import { NameAllocator, safeStem, worstVerdict } from './format';

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

export interface UnpredictedExponent {
  claim: ClaimResult;
  observable: ObservableSummary;
}

/** Observables with a fitted slope that no slope prediction is about. */
export function unpredictedExponents(results: RunResults): UnpredictedExponent[] {
  const out: UnpredictedExponent[] = [];
  for (const claim of results.claims) {
    for (const o of claim.observables) {
      if (o.fit && slopePredictionsOn(claim, o.name).length === 0) out.push({ claim, observable: o });
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

export interface PlotRef {
  kind: 'observable' | 'spectrum' | 'series';
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
    const plots = [...observables.values(), ...spectra.map((s) => s.ref), ...series.map((s) => s.ref)];
    return { claim, dir, observables, spectra, series, plots };
  });
}
