/**
 * Declared plots (a claim's `plots`): several series — or several observables against the
 * sweep variable — in one plot with a legend. Checked through the whole pipeline
 * (defineClaim → runClaims → results.json → writeReport) on an in-memory claim, and on
 * overlaySpec directly:
 * - the SVG of a declared overlay names every series in its legend and draws one line per
 *   series (vega writes each line's aria-label from the series name), dashed where declared;
 * - `at: 'all'` draws one line per series and size;
 * - rules are drawn as labelled reference lines;
 * - a pattern that matches no series is a visible warning (plot subtitle, claim pages,
 *   summary.md, writeReport's warnings), and a plot that matches nothing at all becomes a
 *   placeholder SVG saying why;
 * - defineClaim rejects declarations it can check without running (unknown observable,
 *   duplicate id, both or neither of series/observables, a rule with both x and y);
 * - a claim that declares nothing gets exactly the default plots.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { ClaimDefinitionError, defineClaim, type ClaimDefinition, type PlotDeclaration } from '../../src/runner/define';
import type { RegisteredClaim } from '../../src/runner/registry';
import { runResultsSchema, type ClaimResult, type RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { overlaySpec, renderSvg, writeReport } from '../../src/report';
import { globMatch, matchNames, overlaysOf } from '../../src/report/model';
import { syntheticResults } from './fixture';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-overlay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Text of every legend label in an SVG. */
function legendLabels(svg: string): string[] {
  return [...svg.matchAll(/role-legend-label"[^>]*><text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!));
}

/** aria-labels of the line marks (one <path> per drawn line). */
function lineLabels(svg: string): string[] {
  return [...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g)].map((m) => unescape(m[1]!));
}

/** The <path> element of the line labelled `name`. */
function linePath(svg: string, name: string): string {
  const esc = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const at = svg.indexOf(`<path aria-label="${esc}" role="graphics-symbol" aria-roledescription="line mark"`);
  expect(at, `a line labelled ${name}`).toBeGreaterThanOrEqual(0);
  return svg.slice(at, svg.indexOf('>', at) + 1);
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

const SERIES = {
  net: 'train loss, network [x = t/T]',
  lin: 'train loss, linear model [x = t/T]',
  testNet: 'test loss, network [x = t/T]',
  testLin: 'test loss, linear model [x = t/T]',
  align: 'alignment <a & b>',
};

const PLOTS: PlotDeclaration[] = [
  {
    id: 'losses', title: 'network against the linear model', series: ['train loss, *', 'test loss, *'], dashed: ['*linear model*'], paired: true,
    x: 't/T', y: 'loss', rules: [{ x: 1, label: 't = T' }, { y: 0.05, label: 'target 0.05' }],
  },
  { id: 'every-size', title: 'training loss at every size', series: [SERIES.net, SERIES.lin], at: 'all', logY: true },
  { id: 'half', title: 'one good pattern, one bad', series: [SERIES.align, 'no such series*'] },
  { id: 'nothing', title: 'nothing matches', series: ['nothing*', 'neither?'] },
  { id: 'bound', title: 'u against its bound', observables: ['u', 'uBound'], dashed: ['uBound'], rules: [{ y: 0.5, label: 'half' }] },
];

const SIZES = [100, 200, 400, 800];

function overlayClaim(plots: PlotDeclaration[] | undefined): ClaimDefinition {
  return defineClaim({
    id: 'OV',
    paper: 'T',
    source: 'synthetic',
    title: 'Overlay plots',
    statement: 'u ∝ n^{-1/2} stays below 2·n^{-1/2}; two models trained side by side.',
    expectation: 'u: slope −1/2.',
    setting: {},
    sweep: { variable: 'n', values: { smoke: SIZES, standard: SIZES, paper: SIZES }, trials: { smoke: 3, standard: 3, paper: 3 } },
    observables: { u: { label: 'u' }, uBound: { label: 'bound 2·n^{-1/2}' } },
    predictions: [{ kind: 'slope≈', observable: 'u', exponent: -0.5 }],
    ...(plots ? { plots } : {}),
    run: ({ x, rng, keepDetail }) => {
      const r = rng.split('noise');
      const values = { u: x ** -0.5 * Math.exp(0.02 * r.normal()), uBound: 2 * x ** -0.5 };
      if (!keepDetail) return { values };
      const curve = (f: (t: number) => number): [number, number][] => Array.from({ length: 31 }, (_, k) => [k / 10, f(k / 10)]);
      const rate = x / 400;
      return {
        values,
        series: {
          [SERIES.net]: curve((t) => 0.5 * Math.exp(-2 * rate * t)),
          [SERIES.lin]: curve((t) => 0.5 * Math.exp(-1.5 * rate * t) + 0.01),
          [SERIES.testNet]: curve((t) => 0.5 * Math.exp(-rate * t) + 0.1),
          [SERIES.testLin]: curve((t) => 0.5 * Math.exp(-rate * t) + 0.12),
          [SERIES.align]: curve((t) => t / 3),
        },
      };
    },
  });
}

async function runAndReport(plots: PlotDeclaration[] | undefined, name: string): Promise<{ results: RunResults; dir: string; warnings: string[] }> {
  const reg: RegisteredClaim = { def: overlayClaim(plots), file: path.join(tmp, `${name}.ts`), sourceHash: name };
  const results = await runClaims([reg], { tier: 'smoke', cache: new JobCache(path.join(tmp, `cache-${name}`), false), runId: name });
  const dir = path.join(tmp, name);
  const { warnings } = await writeReport(results, dir);
  return { results, dir, warnings };
}

describe('declared plots through the pipeline', () => {
  let results: RunResults;
  let dir: string;
  let warnings: string[];
  const read = (rel: string) => readFileSync(path.join(dir, rel), 'utf8');

  beforeAll(async () => {
    ({ results, dir, warnings } = await runAndReport(PLOTS, 'with-plots'));
  });

  it('keeps the declarations in results.json (validated by its schema)', () => {
    const c = results.claims[0]!;
    expect(c.plots?.map((p) => p.id)).toEqual(PLOTS.map((p) => p.id));
    const reparsed = runResultsSchema.parse(JSON.parse(read('results.json')));
    expect(reparsed.claims[0]!.plots).toEqual(PLOTS);
  });

  it('writes one plot-<id>.svg per declaration beside the default plots', () => {
    const files = readdirSync(path.join(dir, 'OV')).sort();
    expect(files).toEqual(
      [
        'index.html', 'u.svg', 'uBound.svg',
        ...Object.values(SERIES).map((s) => `series-${s.replace(/[^A-Za-z0-9_.-]/g, '_')}.svg`),
        ...PLOTS.map((p) => `plot-${p.id}.svg`),
      ].sort(),
    );
  });

  it('overlay of series: every series name in the legend, one line per series, linear models dashed', () => {
    const svg = read('OV/plot-losses.svg');
    const names = [SERIES.net, SERIES.lin, SERIES.testNet, SERIES.testLin];
    expect(legendLabels(svg)).toEqual(names);
    expect(lineLabels(svg).sort()).toEqual([...names].sort());
    for (const n of [SERIES.net, SERIES.testNet]) expect(linePath(svg, n)).not.toMatch(/stroke-dasharray="6,4"/);
    for (const n of [SERIES.lin, SERIES.testLin]) expect(linePath(svg, n)).toMatch(/stroke-dasharray="6,4"/);
    // The largest size, trial 0; axis titles and the labelled rules.
    expect(svg).toContain('OV: n = 800, trial 0');
    expect(svg).toContain('>t/T</text>');
    for (const label of ['t = T', 'target 0.05']) {
      expect(svg).toContain(`aria-label="${label}" role="graphics-symbol" aria-roledescription="rule mark"`);
      expect(svg).toContain(`>${label}</text>`);
    }
  });

  it("at: 'all' draws one line per series and size", () => {
    const svg = read('OV/plot-every-size.svg');
    const lines = lineLabels(svg);
    expect(lines).toHaveLength(2 * SIZES.length);
    expect(lines.filter((l) => l === SERIES.net)).toHaveLength(SIZES.length);
    const legend = legendLabels(svg);
    expect(legend).toEqual(expect.arrayContaining([SERIES.net, SERIES.lin, ...SIZES.map((n) => `n = ${n}`)]));
  });

  it('overlay of observables: every label in the legend, one line of means per observable', () => {
    const svg = read('OV/plot-bound.svg');
    expect(legendLabels(svg)).toEqual(['u', 'bound 2·n^{-1/2}']);
    expect(lineLabels(svg).sort()).toEqual(['bound 2·n^{-1/2}', 'u']);
    expect(linePath(svg, 'bound 2·n^{-1/2}')).toMatch(/stroke-dasharray="6,4"/);
    expect(svg).toContain('aria-label="half" role="graphics-symbol" aria-roledescription="rule mark"');
  });

  it('a pattern that matches nothing: the plot shows what matched, with a warning', () => {
    const svg = read('OV/plot-half.svg');
    expect(lineLabels(svg)).toEqual([SERIES.align]);
    expect(legendLabels(svg)).toEqual([SERIES.align]);
    expect(svg).toContain("<tspan x=\"0\" dy=\"13\">⚠ series pattern 'no such series*' matches no series of this claim</tspan>");
    const w = warnings.find((x) => x.startsWith('OV/plot-half.svg'));
    expect(w).toMatch(/declared plot 'half' is incomplete: series pattern 'no such series\*' matches no series of this claim — series of this claim: 'train loss, network/);
  });

  it('a plot that matches nothing at all is a placeholder that says why, and a warning on every page', () => {
    const svg = read('OV/plot-nothing.svg');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toContain('line mark');
    // The message, wrapped over several <text> lines.
    const text = unescape([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).join(' '));
    expect(text).toMatch(/^nothing matches ⚠ claim OV: declared plot 'nothing' draws nothing: series pattern 'nothing\*' matches no series of this claim; series pattern 'neither\?' matches no series of this claim — series of this claim: 'train loss, network \[x = t\/T\]', /);
    expect(warnings.filter((x) => x.startsWith('OV/plot-nothing.svg'))).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    const page = read('OV/index.html');
    expect(page).toContain('<h2>Plots declared by the claim</h2>');
    expect(page).toMatch(/<p class="warn">⚠ claim OV: declared plot &#39;nothing&#39; draws nothing/);
    for (const p of PLOTS) expect(page).toContain(`<img src="plot-${p.id}.svg"`);
    expect(read('index.html')).toMatch(/<p class="warn">⚠ claim OV: declared plot &#39;half&#39; is incomplete/);
    const md = read('summary.md');
    expect(md).toContain('### Plots declared by the claim');
    expect(md).toMatch(/> ⚠️ claim OV: declared plot 'nothing' draws nothing/);
    expect(md).toContain('![network against the linear model](OV/plot-losses.svg)');
  });

  it('a claim that declares nothing gets exactly the default plots', async () => {
    const plain = await runAndReport(undefined, 'no-plots');
    expect(plain.results.claims[0]!.plots).toBeUndefined();
    expect(plain.warnings).toEqual([]);
    const files = readdirSync(path.join(plain.dir, 'OV')).sort();
    expect(files.filter((f) => f.startsWith('plot-'))).toEqual([]);
    expect(files).toEqual(readdirSync(path.join(dir, 'OV')).filter((f) => !f.startsWith('plot-')).sort());
    const page = readFileSync(path.join(plain.dir, 'OV/index.html'), 'utf8');
    expect(page).not.toContain('Plots declared by the claim');
    expect(readFileSync(path.join(plain.dir, 'OV/u.svg'), 'utf8')).toBe(read('OV/u.svg'));
  });
});

describe('overlaySpec on the synthetic run', () => {
  const claimWith = (plots: PlotDeclaration[]): ClaimResult => ({ ...syntheticResults().claims[1]!, plots });

  it('renders a two-series overlay with both names in the legend and two lines', async () => {
    const c = claimWith([{ id: 'two', title: 'loss and alignment', series: ['loss', 'alignment'], dashed: ['alignment'] }]);
    const [o] = overlaysOf(c);
    expect(o!.problems).toEqual([]);
    expect(o!.lines.map((l) => [l.name, l.size, l.trial, l.dashed])).toEqual([['loss', 2000, 0, false], ['alignment', 2000, 0, true]]);
    const svg = await renderSvg(overlaySpec(c, o!));
    expect(legendLabels(svg)).toEqual(['loss', 'alignment']);
    expect(lineLabels(svg)).toEqual(['loss', 'alignment']);
  });

  it('a size named by `at` that has no curve is a problem, not a silent empty plot', () => {
    const [o] = overlaysOf(claimWith([{ id: 'at', title: 't', series: ['loss'], at: 333 }]));
    expect(o!.lines).toEqual([]);
    expect(o!.problems).toEqual(["series 'loss' has no curve at n = 333"]);
  });
});

describe('pattern matching', () => {
  it('globs match whole names: * any text, ? one character, the rest literal', () => {
    expect(globMatch('train loss, *', 'train loss, network [x = t/T]')).toBe(true);
    expect(globMatch('train loss, *', 'test loss, network')).toBe(false);
    expect(globMatch('erf: *', 'erfWide: train loss')).toBe(false);
    expect(globMatch('ℓ_t/ℓ₀ (*, η theorem)', 'ℓ_t/ℓ₀ (relu, η theorem)')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('[x = t/T]', '[x = t/T]')).toBe(true);
  });

  it('keeps pattern order, each name once, and lists the patterns that matched nothing', () => {
    expect(matchNames(['b*', 'a*', 'ab', 'z'], ['a1', 'b1', 'ab', 'b2'])).toEqual({ matched: ['b1', 'b2', 'a1', 'ab'], unmatched: ['z'] });
  });
});

describe('defineClaim validates plots', () => {
  const base = overlayClaim(undefined);
  const withPlots = (plots: unknown) => () => defineClaim({ ...base, plots } as ClaimDefinition);

  it('accepts the declarations of the tests above', () => {
    expect(withPlots(PLOTS)).not.toThrow();
  });

  it('rejects an unknown observable, naming the plot and the observables', () => {
    expect(withPlots([{ id: 'p', title: 't', observables: ['u', 'nope'] }])).toThrow(/claim OV: plot 'p' names observable 'nope', not among u, uBound/);
  });

  it('rejects duplicate ids, both or neither of series/observables, a rule with both x and y, a bad id', () => {
    expect(withPlots([{ id: 'p', title: 't', series: ['a'] }, { id: 'p', title: 't', series: ['b'] }])).toThrow(/two plots have the id 'p'/);
    expect(withPlots([{ id: 'p', title: 't', series: ['a'], observables: ['u'] }])).toThrow(ClaimDefinitionError);
    expect(withPlots([{ id: 'p', title: 't' }])).toThrow(/either `series` or `observables`/);
    expect(withPlots([{ id: 'p', title: 't', series: ['a'], rules: [{ x: 1, y: 2, label: 'r' }] }])).toThrow(/exactly one of x and y/);
    expect(withPlots([{ id: 'a b', title: 't', series: ['a'] }])).toThrow(/plots\.0\.id/);
    expect(withPlots([{ id: 'p', title: 't', observables: ['u'], at: 'all' }])).toThrow(/`at` applies to series plots only/);
  });
});
