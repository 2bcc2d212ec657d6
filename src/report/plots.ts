/**
 * Vega-Lite specs for the report's plots and their headless SVG rendering (vega's 'none'
 * renderer: no canvas, no DOM). Every spec carries its data inline; nothing is fetched.
 *
 * - Scaling plot of an observable: every trial as a point, per-size means, the fitted
 *   line y = exp(intercept)·x^slope (a line mark named "fit", aria-label "fitted line",
 *   legend entry "fit"), and one dashed line per slope prediction with the predicted
 *   exponent, anchored at the geometric mean of the data (where the least-squares line
 *   also passes), so the two slopes are compared at the same point.
 * - Spectrum: density histogram of the final eigenvalues, the initial ones as a step
 *   line, the Marchenko–Pastur density (variance 1, ratio γ) when the job gives γ, and
 *   a Q-Q panel (final against initial quantiles) with the line y = x.
 *   A `transition` prediction on the observable adds its threshold as a horizontal rule
 *   (aria-label "threshold"), the predicted crossing `expectedAt` as a shaded band and the
 *   estimated crossing of the means as a dotted vertical rule, each labelled on the plot.
 * - Training curves: one line per size, log y when every value is positive.
 * - Declared plots (a claim's `plots`): several series (or observables against the sweep
 *   variable) in one plot, one line per series with its name in the legend (each line's
 *   aria-label is its name), optional dashed lines and labelled reference rules.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write';
import path from 'node:path';
import { defaultCacheDir } from '../runner/cache';
import { PROJECT_ROOT } from '../runner/engine-version';
import type { ClaimResult, ObservableSummary, PredictionResult } from '../runner/results';
import { mpDensity, mpEdges } from '../spectra/mp';
import { fmtInterval, fmtLevel, fmtNum, fmtShort, variableSymbol } from './format';
import {
  observablePoints, predictedExponent, transitionMarks, transitionPredictionsOn, type OverlayData, type SeriesData, type SpectrumData, type TransitionMarks,
} from './model';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>;

const WIDTH = 420;
const HEIGHT = 280;
const PALETTE = { trials: '#9db7d5', mean: '#1f4e8c', fit: '#d62728', predicted: ['#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'] };
const CONFIG = {
  background: 'white',
  font: 'sans-serif',
  // Per-point aria labels would make SVGs several times larger; the marks that matter
  // (fit, predicted lines) switch it back on.
  aria: false,
  view: { stroke: '#ddd' },
  title: { anchor: 'start', fontSize: 13, subtitleFontSize: 11, subtitleColor: '#444' },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 260 },
};

/** A dependency's version: in this repo's node_modules, or (installed as a dependency) hoisted above it. */
function packageVersion(name: string): string {
  for (let dir = PROJECT_ROOT; ; dir = path.dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      if (path.dirname(dir) === dir) return 'unknown';
    }
  }
}

let rendererVersion: string | undefined;

/**
 * Where a rendered SVG is kept: <cache>/svg/<sha256 of the spec and the vega, vega-lite
 * versions>.svg, or undefined with NTKV_SVG_CACHE=0. A report rebuilt from cached jobs
 * (`run` again, `report`, `merge`) then neither imports nor runs vega for unchanged plots:
 * about a second of a cached rerun.
 */
function svgCachePath(spec: Spec): string | undefined {
  if (process.env.NTKV_SVG_CACHE === '0') return undefined;
  rendererVersion ??= `vega ${packageVersion('vega')} vega-lite ${packageVersion('vega-lite')}`;
  const key = createHash('sha256').update(SVG_CACHE_FORMAT).update('\0').update(rendererVersion).update('\0').update(JSON.stringify(spec)).digest('hex').slice(0, 40);
  return path.join(defaultCacheDir(), 'svg', `${key}.svg`);
}

/**
 * A memoised SVG ends with a comment holding the sha256 of the SVG before it, so a
 * truncated or edited entry is detected (and rendered again) rather than copied into a
 * report. Part of the file name's hash: entries of the older format are never read.
 */
const SVG_CACHE_FORMAT = 'ntk-verify.svg/2';
const SVG_TRAILER = /\n<!-- ntk-verify sha256:([0-9a-f]{64}) -->\n$/;

export function sealSvg(svg: string): string {
  return `${svg}\n<!-- ntk-verify sha256:${createHash('sha256').update(svg).digest('hex')} -->\n`;
}

/** The SVG of a memoised entry, or why the entry is not usable. */
export function unsealSvg(text: string): { svg: string } | { problem: string } {
  const m = SVG_TRAILER.exec(text);
  if (!m) return { problem: 'no content hash at its end (truncated or not written by ntk-verify)' };
  const svg = text.slice(0, m.index);
  const h = createHash('sha256').update(svg).digest('hex');
  if (h !== m[1]) return { problem: `content hash ${h.slice(0, 12)}… differs from the stored ${m[1]!.slice(0, 12)}…` };
  if (!svg.startsWith('<svg') || !svg.trimEnd().endsWith('</svg>')) return { problem: 'not an SVG document' };
  return { svg };
}

/** Renders a Vega-Lite spec to an SVG string (no canvas needed); memoised on disk by spec. */
export async function renderSvg(spec: Spec): Promise<string> {
  const file = svgCachePath(spec);
  if (file && existsSync(file)) {
    let problem: string;
    try {
      const r = unsealSvg(readFileSync(file, 'utf8'));
      if ('svg' in r) return r.svg;
      problem = r.problem;
    } catch (e) {
      problem = `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
    console.error(`warning: cached plot ${file} is damaged (${problem}); rendering it again`);
  }
  // vega and vega-lite take ~0.5 s to import: only when something has to be drawn.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec as import('vega-lite').TopLevelSpec).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  if (file) {
    try {
      writeFileAtomic(file, sealSvg(svg)); // a concurrent reader sees the whole file or none
    } catch {
      // a read-only cache folder only costs the speed-up
    }
  }
  return svg;
}

function predictionLegend(p: PredictionResult, b: number): string {
  const tol = p.tol !== undefined ? fmtShort(p.tol) : undefined;
  switch (p.kind) {
    case 'slope≤':
      return `bound: slope ≤ ${fmtShort(b)}${tol ? ` + ${tol}` : ''}`;
    case 'slope≥':
      return `bound: slope ≥ ${fmtShort(b)}${tol ? ` − ${tol}` : ''}`;
    case 'bounded':
      return `bounded: slope 0${tol ? ` ± ${tol}` : ''}`;
    default:
      return `predicted: slope ${fmtShort(b)}${tol ? ` ± ${tol}` : ''}`;
  }
}

function geometricMean(v: number[]): number {
  return Math.exp(v.reduce((s, t) => s + Math.log(t), 0) / v.length);
}

const RULE_COLOR = '#444444';
const BAND_COLOR = '#f2b134';

/** Horizontal ({ y }) or vertical ({ x }) reference rule with its label written beside it. */
function ruleLayers(
  r: { x?: number; y?: number; label: string },
  style: { color?: string; dash?: number[]; description: string; /** Vertical rules: write the label to the left of the line. */ labelLeft?: boolean },
): Spec[] {
  const color = style.color ?? RULE_COLOR;
  const rule: Spec = {
    data: { values: [r.y !== undefined ? { y: r.y } : { x: r.x }] },
    mark: { type: 'rule', color, strokeWidth: 1.3, strokeDash: style.dash ?? [5, 3], aria: true, description: style.description },
    encoding: r.y !== undefined ? { y: { field: 'y', type: 'quantitative' } } : { x: { field: 'x', type: 'quantitative' } },
  };
  const text: Spec = r.y !== undefined
    ? {
        data: { values: [{ y: r.y, label: r.label }] },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, fontSize: 10, color },
        encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: WIDTH - 3 }, text: { field: 'label' } },
      }
    : {
        data: { values: [{ x: r.x, label: r.label }] },
        mark: { type: 'text', align: style.labelLeft ? 'right' : 'left', baseline: 'top', dx: style.labelLeft ? -3 : 3, fontSize: 10, color },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 3 }, text: { field: 'label' } },
      };
  return [rule, text];
}

/**
 * A transition's marks: threshold rule, the band where the crossing is predicted, and the
 * estimated crossing. Values a log axis cannot show are left out with a subtitle line.
 */
/** Whether x lies in the right part of [lo, hi] (on the axis' scale), where a label should go to the left of its line. */
function inRightPart(x: number, lo: number, hi: number, log: boolean): boolean {
  const f = (v: number) => (log ? Math.log(v) : v);
  return hi > lo && (f(x) - f(lo)) / (f(hi) - f(lo)) > 0.6;
}

function transitionLayers(t: TransitionMarks, scales: { logX: boolean; logY: boolean; xMin: number; xMax: number }, subtitle: string[]): Spec[] {
  const layers: Spec[] = [];
  if (t.expectedAt) {
    const [lo, hi] = t.expectedAt;
    if (scales.logX && !(lo > 0)) subtitle.push(`predicted crossing ${fmtInterval(lo, hi)} not shown on the log scale`);
    else {
      const right = inRightPart(lo, Math.min(lo, scales.xMin), Math.max(hi, scales.xMax), scales.logX);
      layers.push(
        {
          data: { values: [{ lo, hi }] },
          mark: { type: 'rect', color: BAND_COLOR, opacity: 0.18, aria: true, description: 'predicted crossing' },
          encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
        },
        {
          data: { values: [{ x: right ? hi : lo, label: `predicted crossing ${fmtInterval(lo, hi)}` }] },
          mark: { type: 'text', align: right ? 'right' : 'left', baseline: 'bottom', dx: right ? -3 : 3, fontSize: 10, color: '#8a5a00' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: HEIGHT - 3 }, text: { field: 'label' } },
        },
      );
    }
  }
  if (t.threshold !== undefined) {
    if (scales.logY && !(t.threshold > 0)) subtitle.push(`threshold ${fmtShort(t.threshold)} not shown on the log scale`);
    else layers.push(...ruleLayers({ y: t.threshold, label: `threshold ${fmtShort(t.threshold)}${t.direction ? ` (${t.direction})` : ''}` }, { description: 'threshold' }));
  }
  if (t.estimatedCrossing !== undefined && (!scales.logX || t.estimatedCrossing > 0)) {
    const labelLeft = inRightPart(t.estimatedCrossing, scales.xMin, scales.xMax, scales.logX);
    layers.push(...ruleLayers({ x: t.estimatedCrossing, label: `means cross at ≈ ${fmtShort(t.estimatedCrossing, 3)}` }, { color: '#8a5a00', dash: [2, 2], description: 'estimated crossing', labelLeft }));
  }
  return layers;
}

/** Scaling plot of one observable against the sweep variable. */
export function observableSpec(claim: ClaimResult, obs: ObservableSummary, predictions: PredictionResult[]): Spec {
  const X = variableSymbol(claim.sweep.variable);
  const all = observablePoints(claim, obs);
  const allPositive = all.every((p) => p.y > 0);
  const logY = obs.fit !== undefined || allPositive;
  const logX = all.every((p) => p.x > 0);
  const pts = logY ? all.filter((p) => p.y > 0) : all;
  const dropped = all.length - pts.length;
  const xs = pts.map((p) => p.x);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);

  const subtitle: string[] = [];
  if (obs.fit) {
    const ci = obs.ci ? ` ${fmtInterval(obs.ci.lo, obs.ci.hi)} (${fmtLevel(obs.ci.level)} CI)` : '';
    subtitle.push(`fitted slope ${fmtNum(obs.fit.slope)}${ci}, r² = ${fmtNum(obs.fit.r2)}`);
  } else {
    subtitle.push(`no fit${obs.fitProblem ? `: ${obs.fitProblem}` : ''}`);
  }
  const transitions = transitionPredictionsOn(claim, obs.name);
  for (const p of [...predictions, ...transitions]) subtitle.push(`${p.label}: ${p.verdict}${p.verdict !== p.expected ? ` (expected ${p.expected})` : ''}`);
  if (predictions.length === 0 && obs.fit) subtitle.push('no prediction on this exponent');
  if (dropped > 0) subtitle.push(`${dropped} non-positive value${dropped > 1 ? 's' : ''} not shown on the log scale`);
  const nm = obs.notMeasured ?? [];
  if (nm.length > 0) {
    const k = nm.reduce((s, g) => s + g.trials.length, 0);
    subtitle.push(`${k} trial${k === 1 ? '' : 's'} not measured, not shown (${X} = ${nm.map((g) => fmtShort(g.x)).join(', ')})`);
  }

  const domain = ['trials', 'mean'];
  const range = [PALETTE.trials, PALETTE.mean];
  const xEnc = { field: 'x', type: 'quantitative', title: X, scale: logX ? { type: 'log', nice: false, padding: 14 } : { zero: false, padding: 14 } };
  const yEnc = { field: 'y', type: 'quantitative', title: obs.label, scale: logY ? { type: 'log', nice: false, padding: 14 } : { zero: false, padding: 14 } };
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range } };
  const layer: Spec[] = [
    {
      name: 'trials',
      data: { values: pts.map((p) => ({ x: p.x, y: p.y, trial: p.trial, series: 'trials' })) },
      mark: { type: 'point', filled: true, opacity: 0.75, size: 28 },
      encoding: { x: xEnc, y: yEnc, color },
    },
    {
      name: 'means',
      data: { values: obs.perSize.filter((s) => !logY || s.mean > 0).map((s) => ({ x: s.x, y: s.mean, series: 'mean' })) },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 90 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
    },
  ];
  if (obs.fit && pts.length > 0 && logX && logY) {
    const { slope, intercept } = obs.fit;
    const line = (x: number) => ({ x, y: Math.exp(intercept) * x ** slope, series: 'fit' });
    domain.push('fit');
    range.push(PALETTE.fit);
    layer.push({
      name: 'fit',
      data: { values: [line(xMin), line(xMax)] },
      mark: { type: 'line', strokeWidth: 2, aria: true, description: 'fitted line' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
    });
  }
  if (pts.length > 0 && logX && logY) {
    const xg = geometricMean(xs);
    const yg = geometricMean(pts.map((p) => p.y));
    const rows: Spec[] = [];
    for (const p of predictions) {
      const b = predictedExponent(p);
      if (b === undefined) continue;
      const name = predictionLegend(p, b);
      if (domain.includes(name)) continue;
      domain.push(name);
      range.push(PALETTE.predicted[(domain.length - 4) % PALETTE.predicted.length]!);
      for (const x of [xMin, xMax]) rows.push({ x, y: yg * (x / xg) ** b, series: name });
    }
    if (rows.length > 0) {
      layer.push({
        name: 'predicted',
        data: { values: rows },
        mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, aria: true, description: 'predicted exponent' },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          color: { field: 'series', type: 'nominal' },
          detail: { field: 'series', type: 'nominal' },
        },
      });
    }
  }
  for (const t of transitions) {
    const marks = transitionMarks(t);
    layer.push(...transitionLayers(marks, { logX, logY, xMin, xMax }, subtitle));
  }
  return layeredSpec(obs.label, subtitle, layer, ['color']);
}

/** Equal-width bins over [lo, hi]: Freedman–Diaconis width, 20 to 150 bins. */
function binEdges(values: number[], lo: number, hi: number): number[] {
  if (!(hi > lo)) {
    const w = Math.max(Math.abs(lo) * 1e-3, 1e-12);
    return [lo - w, lo + w];
  }
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(s, p);
  const iqr = q(0.75) - q(0.25);
  const fd = iqr > 0 ? 2 * iqr * s.length ** (-1 / 3) : (hi - lo) / Math.sqrt(s.length);
  const bins = Math.min(150, Math.max(20, Math.ceil((hi - lo) / fd)));
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
}

/** Normalized histogram: density in each bin (integrates to 1 over the bins). */
function density(values: number[], edges: number[]): number[] {
  const k = edges.length - 1;
  const lo = edges[0]!;
  const w = (edges[k]! - lo) / k;
  const counts = new Array<number>(k).fill(0);
  for (const v of values) counts[Math.min(k - 1, Math.max(0, Math.floor((v - lo) / w)))]!++;
  return counts.map((c) => c / (values.length * w));
}

/** Linear-interpolation quantile of sorted data at probability p ∈ [0, 1]. */
export function quantileSorted(s: number[], p: number): number {
  if (s.length === 1) return s[0]!;
  const h = p * (s.length - 1);
  const i = Math.min(s.length - 2, Math.floor(h));
  return s[i]! + (h - i) * (s[i + 1]! - s[i]!);
}

/**
 * Q-Q pairs (initial quantile, final quantile). Equal lengths pair the sorted values;
 * otherwise both are interpolated at the plotting positions of the shorter one. At most
 * `maxPoints` pairs.
 */
export function qqPairs(initial: number[], final: number[], maxPoints = 400): [number, number][] {
  const a = [...initial].sort((u, v) => u - v);
  const b = [...final].sort((u, v) => u - v);
  const m = Math.min(a.length, b.length, maxPoints);
  if (m === 0) return [];
  if (a.length === b.length && a.length === m) return a.map((v, i) => [v, b[i]!]);
  return Array.from({ length: m }, (_, k) => {
    const p = m === 1 ? 0.5 : k / (m - 1);
    return [quantileSorted(a, p), quantileSorted(b, p)];
  });
}

/** Histogram of the final spectrum, initial overlaid, MP density, and a Q-Q panel. */
export function spectrumSpec(claim: ClaimResult, d: SpectrumData): Spec {
  const X = variableSymbol(claim.sweep.variable);
  const main = d.final && d.final.length > 0 ? d.final : d.initial!;
  const mainName = d.final && d.final.length > 0 ? 'final' : 'initial';
  const other = mainName === 'final' && d.initial && d.initial.length > 0 ? d.initial : undefined;
  const both = other ? [...main, ...other] : main;
  let lo = Math.min(...both);
  let hi = Math.max(...both);
  let mp: { lower: number; upper: number } | undefined;
  if (d.mpRatio !== undefined) {
    mp = mpEdges(d.mpRatio);
    lo = Math.min(lo, mp.lower);
    hi = Math.max(hi, mp.upper);
  }
  const edges = binEdges(main, lo, hi);
  const domain = [mainName];
  const range = ['#4c78a8'];
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain, range } };
  const layer: Spec[] = [
    {
      name: 'histogram',
      data: { values: density(main, edges).map((y, i) => ({ x0: edges[i], x1: edges[i + 1], y, series: mainName })) },
      mark: { type: 'rect', opacity: 0.55 },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: 'eigenvalue', scale: { zero: false, nice: false } },
        x2: { field: 'x1' },
        y: { field: 'y', type: 'quantitative', title: 'density' },
        color,
      },
    },
  ];
  if (other) {
    domain.push('initial');
    range.push('#222222');
    const dens = density(other, edges);
    const rows = dens.map((y, i) => ({ x: edges[i], y, series: 'initial' }));
    rows.push({ x: edges[edges.length - 1], y: dens[dens.length - 1]!, series: 'initial' });
    layer.push({
      name: 'initial',
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2, aria: true, description: 'initial spectrum' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
    });
  }
  if (mp && d.mpRatio !== undefined) {
    const name = `Marchenko–Pastur (γ = ${fmtShort(d.mpRatio)})`;
    domain.push(name);
    range.push('#d62728');
    const k = 240;
    const rows = Array.from({ length: k + 1 }, (_, i) => {
      const x = mp!.lower + ((mp!.upper - mp!.lower) * i) / k;
      return { x, y: mpDensity(x, d.mpRatio!), series: name };
    });
    layer.push({
      name: 'mp',
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 1.8, aria: true, description: 'Marchenko–Pastur density' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
    });
  }
  const describe = (name: string, v: number[]) => `${name}: ${v.length} eigenvalues in ${fmtInterval(Math.min(...v), Math.max(...v))}`;
  const subtitle = [describe(mainName, main)];
  if (other) subtitle.push(describe('initial', other));
  if (mp) subtitle.push(`MP support ${fmtInterval(mp.lower, mp.upper)}${d.mpRatio! > 1 ? `, plus an atom of mass ${fmtNum(1 - 1 / d.mpRatio!)} at 0` : ''}`);
  const hist: Spec = {
    width: WIDTH,
    height: HEIGHT,
    title: { text: 'histogram', fontSize: 11 },
    layer,
    resolve: { scale: { color: 'shared' } },
  };
  const panels: Spec[] = [hist];
  if (other) {
    const pairs = qqPairs(other, main);
    const qlo = Math.min(...pairs.map(([a, b]) => Math.min(a, b)));
    const qhi = Math.max(...pairs.map(([a, b]) => Math.max(a, b)));
    panels.push({
      width: HEIGHT,
      height: HEIGHT,
      title: { text: 'Q-Q: final against initial', fontSize: 11 },
      layer: [
        {
          name: 'qq',
          data: { values: pairs.map(([a, b]) => ({ a, b })) },
          mark: { type: 'point', filled: true, size: 14, opacity: 0.7, color: '#4c78a8' },
          encoding: {
            x: { field: 'a', type: 'quantitative', title: 'initial quantile', scale: { zero: false } },
            y: { field: 'b', type: 'quantitative', title: 'final quantile', scale: { zero: false } },
          },
        },
        {
          name: 'identity',
          data: { values: [{ a: qlo, b: qlo }, { a: qhi, b: qhi }] },
          mark: { type: 'line', color: '#888888', strokeDash: [4, 3], aria: true, description: 'y = x' },
          encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
        },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Spectrum of ${d.base} at ${X} = ${fmtShort(d.job.x)}, trial ${d.job.trial}`, subtitle },
    config: CONFIG,
    hconcat: panels,
  };
}

/** Keeps at most `max` points: evenly spaced indices plus the first, last, min and max. */
export function decimate(points: [number, number][], max = 500): [number, number][] {
  if (points.length <= max) return points;
  const keep = new Set<number>([0, points.length - 1]);
  let iMin = 0;
  let iMax = 0;
  points.forEach(([, y], i) => {
    if (y < points[iMin]![1]) iMin = i;
    if (y > points[iMax]![1]) iMax = i;
  });
  keep.add(iMin).add(iMax);
  const step = (points.length - 1) / (max - 1);
  for (let k = 0; k < max; k++) keep.add(Math.round(k * step));
  return [...keep].sort((a, b) => a - b).map((i) => points[i]!);
}

/** Training curve: one line per size (lowest trial at each size). */
export function seriesSpec(claim: ClaimResult, s: SeriesData): Spec {
  const X = variableSymbol(claim.sweep.variable);
  const rows: Spec[] = [];
  const sizes: string[] = [];
  for (const c of s.curves) {
    const size = `${X} = ${fmtShort(c.x)}`;
    if (!sizes.includes(size)) sizes.push(size);
    for (const [t, y] of decimate(c.points)) rows.push({ t, y, size, order: c.x });
  }
  const logY = rows.length > 0 && rows.every((r) => r.y > 0);
  const trials = [...new Set(s.curves.map((c) => c.trial))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: s.name, subtitle: [`${claim.id}: one line per size, trial ${trials.join('/')}`] },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'step', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: s.name, scale: logY ? { type: 'log' } : { zero: false } },
      color: { field: 'size', type: 'ordinal', title: null, sort: sizes, scale: { domain: sizes, scheme: { name: 'viridis', extent: [0, 0.85] } } },
      detail: { field: 'order', type: 'quantitative' },
    },
  };
}

const OVERLAY_LEGEND = { orient: 'bottom', direction: 'vertical', columns: 1, labelLimit: 1000, symbolStrokeWidth: 2, title: null };

/** Whether a y axis should be logarithmic by default: every value positive, spanning a factor ≥ 10. */
function autoLogY(ys: number[]): boolean {
  if (ys.length === 0 || !ys.every((y) => y > 0)) return false;
  return Math.max(...ys) / Math.min(...ys) >= 10;
}

/**
 * A declared plot: several series (or observables against the sweep variable) in one plot,
 * one line per series with its name in the legend. Series plots take each curve at the size
 * the declaration says (default: the largest); with at = 'all', colour tells the sizes apart
 * and the dash pattern the series. Rules are drawn as labelled reference lines.
 */
export function overlaySpec(claim: ClaimResult, o: OverlayData): Spec {
  const X = variableSymbol(claim.sweep.variable);
  const decl = o.decl;
  const subtitle: string[] = [];
  if (decl.caption) subtitle.push(decl.caption);
  const ys = o.lines.flatMap((l) => l.points.map((p) => p.y));
  const logY = decl.logY ?? autoLogY(ys);
  const xsAll = o.lines.flatMap((l) => l.points.map((p) => p.x));
  const logX = decl.logX ?? (o.kind === 'observables' && xsAll.length > 0 && xsAll.every((x) => x > 0));
  const keep = (p: { x: number; y: number }) => (!logY || p.y > 0) && (!logX || p.x > 0);
  const dropped = o.lines.reduce((n, l) => n + l.points.filter((p) => !keep(p)).length, 0);
  if (dropped > 0) subtitle.push(`${dropped} non-positive value${dropped > 1 ? 's' : ''} not shown on the log scale`);
  const names = [...new Set(o.lines.map((l) => l.name))];
  const scale = (log: boolean) => (log ? { type: 'log', nice: false } : { zero: false });
  const xTitle = decl.x ?? (o.kind === 'observables' ? X : 'step');
  const yTitle = decl.y ?? (names.length === 1 ? names[0] : 'value');
  const xEnc = { field: 'x', type: 'quantitative', title: xTitle, scale: { ...scale(logX), ...(o.kind === 'observables' ? { padding: 14 } : {}) } };
  const yEnc = { field: 'y', type: 'quantitative', title: yTitle, scale: scale(logY) };
  const dashRange = (n: string) => (o.lines.find((l) => l.name === n)?.dashed ? [6, 4] : [1, 0]);
  const layer: Spec[] = [];

  if (o.kind === 'series') {
    const sizes = [...new Set(o.lines.map((l) => l.size!))].sort((a, b) => a - b);
    const perSize = (decl.at ?? 'largest') === 'all';
    const sizeName = (x: number) => `${X} = ${fmtShort(x)}`;
    const rows = o.lines.flatMap((l) =>
      decimate(l.points.filter(keep).map((p) => [p.x, p.y] as [number, number])).map(([x, y]) => ({ x, y, series: l.name, size: sizeName(l.size!), order: l.size })),
    );
    const where = [...new Set(o.lines.map((l) => `${sizeName(l.size!)}, trial ${l.trial}`))];
    if (!perSize && where.length > 0) subtitle.push(`${claim.id}: ${where.join('; ')}`);
    if (perSize) subtitle.push(`${claim.id}: one line per series and size (lowest trial at each size)`);
    const series = { field: 'series', type: 'nominal', title: null, sort: names };
    const encoding: Spec = perSize
      ? {
          x: xEnc,
          y: yEnc,
          color: { field: 'size', type: 'ordinal', title: null, sort: sizes.map(sizeName), scale: { domain: sizes.map(sizeName), scheme: { name: 'viridis', extent: [0, 0.85] } }, legend: { ...OVERLAY_LEGEND } },
          strokeDash: { ...series, scale: { domain: names }, legend: { ...OVERLAY_LEGEND } },
          detail: { field: 'order', type: 'quantitative' },
          description: { field: 'series' },
        }
      : {
          x: xEnc,
          y: yEnc,
          color: { ...series, scale: { domain: names, scheme: decl.paired ? 'category20' : 'tableau10' }, legend: { ...OVERLAY_LEGEND } },
          strokeDash: { ...series, scale: { domain: names, range: names.map(dashRange) }, legend: { ...OVERLAY_LEGEND } },
          description: { field: 'series' },
        };
    layer.push({ name: 'overlay', data: { values: rows }, mark: { type: 'line', strokeWidth: 1.6, clip: true, aria: true }, encoding });
  } else {
    const rows = o.lines.flatMap((l) => l.points.filter(keep).map((p) => ({ x: p.x, y: p.y, series: l.name })));
    const means = o.lines.flatMap((l) => (l.means ?? []).filter(keep).map((p) => ({ x: p.x, y: p.y, series: l.name })));
    const color = { field: 'series', type: 'nominal', title: null, sort: names, scale: { domain: names, scheme: decl.paired ? 'category20' : 'tableau10' }, legend: { ...OVERLAY_LEGEND, symbolType: 'stroke' } };
    // The line layer comes first so that the legend shows line symbols (with their dash).
    layer.push(
      {
        name: 'overlay',
        data: { values: means },
        mark: { type: 'line', strokeWidth: 1.8, aria: true },
        encoding: {
          x: xEnc,
          y: yEnc,
          color,
          strokeDash: { field: 'series', type: 'nominal', title: null, sort: names, scale: { domain: names, range: names.map(dashRange) }, legend: { ...OVERLAY_LEGEND, symbolType: 'stroke' } },
          description: { field: 'series' },
        },
      },
      {
        name: 'means',
        data: { values: means },
        mark: { type: 'point', filled: true, size: 45, opacity: 1 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
      },
      {
        name: 'trials',
        data: { values: rows },
        mark: { type: 'point', filled: true, opacity: 0.45, size: 22 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
      },
    );
    subtitle.push(`${claim.id}: per-size means (lines) and every trial (points)`);
  }

  for (const r of decl.rules ?? []) {
    const v = r.y ?? r.x!;
    const log = r.y !== undefined ? logY : logX;
    if (log && !(v > 0)) subtitle.push(`rule '${r.label}' at ${fmtShort(v)} not shown on the log scale`);
    else {
      const xs = xsAll.filter((x) => !logX || x > 0);
      const labelLeft = r.x !== undefined && xs.length > 0 && inRightPart(r.x, Math.min(...xs), Math.max(...xs), logX);
      layer.push(...ruleLayers(r, { description: r.label, labelLeft }));
    }
  }
  for (const p of o.problems) subtitle.push(`⚠ ${p}`);
  return layeredSpec(decl.title, subtitle, layer, ['color', 'strokeDash']);
}

/** A single-panel layered plot of the report's size and style, the named scales shared across layers. */
function layeredSpec(title: string, subtitle: string[], layer: Spec[], shared: readonly string[]): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    layer,
    resolve: { scale: Object.fromEntries(shared.map((k) => [k, 'shared'])) },
  };
}
