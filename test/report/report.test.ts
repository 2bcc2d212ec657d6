import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultsSchema, type RunResults } from '../../src/runner/results';
import { observableSpec, seriesSpec, spectrumSpec, writeReport } from '../../src/report';
import { layoutReport, slopePredictionsOn } from '../../src/report/model';
import { manyClaims, syntheticResults } from './fixture';

/**
 * Checks that the markup is well formed as XML: every tag closes in order, attribute
 * values are quoted, and no raw '&' or '<' appears in text. Returns the problem or null.
 */
function xmlProblem(text: string): string | null {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) return `raw '&' in text near ${i}`;
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      i = text.indexOf('?>', lt) + 2;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt) + 3;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(text);
    if (!m) return `malformed tag at ${lt}: ${text.slice(lt, lt + 60)}`;
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open}> at ${lt}`;
    } else if (!selfClose) stack.push(name!);
    i = tag.lastIndex;
  }
  return stack.length === 0 ? null : `unclosed <${stack.join('>, <')}>`;
}

/** Local references (src/href) of an HTML page, with fragments and absolute URLs split off. */
function references(html: string): { files: string[]; anchors: string[]; external: string[] } {
  const files: string[] = [];
  const anchors: string[] = [];
  const external: string[] = [];
  for (const m of html.matchAll(/\s(?:src|href)="([^"]*)"/g)) {
    const ref = m[1]!.replace(/&amp;/g, '&');
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) external.push(ref);
    else if (ref.startsWith('#')) anchors.push(ref.slice(1));
    else files.push(ref.split('#')[0]!);
  }
  return { files, anchors, external };
}

describe('writeReport on a synthetic run', () => {
  let dir: string;
  let files: string[];
  let results: RunResults;
  const read = (rel: string) => readFile(join(dir, rel), 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ntkv-report-'));
    results = syntheticResults();
    ({ files } = await writeReport(results, dir));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every file', () => {
    const rel = files.map((f) => relative(dir, f).split('\\').join('/')).sort();
    expect(rel).toEqual(
      [
        'W14/index.html',
        'W14/ks.svg',
        'W14/series-alignment.svg',
        'W14/series-loss.svg',
        'W14/signed.svg',
        'W14/spectrum-CK.svg',
        'W14/spectrum-W.svg',
        'W2/extra.svg',
        'W2/frob.svg',
        'W2/index.html',
        'W2/op.svg',
        'index.html',
        'results.json',
        'summary.md',
      ].sort(),
    );
    for (const f of files) expect(existsSync(f)).toBe(true);
  });

  it('writes results.json that validates and round-trips', async () => {
    const parsed = runResultsSchema.parse(JSON.parse(await read('results.json')));
    expect(parsed).toEqual(runResultsSchema.parse(results));
    // Spectra stay on one line each.
    expect(await read('results.json')).toMatch(/"W@initial": \[[^\n]+\]/);
  });

  it('writes well-formed SVGs, each observable plot with its fitted line', async () => {
    const svgs = files.filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBe(9);
    for (const f of svgs) {
      const svg = (await readFile(f, 'utf8')).trim();
      expect(svg.startsWith('<svg'), f).toBe(true);
      expect(svg.endsWith('</svg>'), f).toBe(true);
      expect(xmlProblem(svg), f).toBeNull();
    }
    for (const rel of ['W2/frob.svg', 'W2/op.svg', 'W2/extra.svg', 'W14/ks.svg']) {
      const svg = await read(rel);
      expect(svg, rel).toContain('aria-label="fitted line"');
      expect(svg, rel).toContain('fit_marks');
      expect(svg, rel).toMatch(/>fit<\/text>/);
    }
    // Predicted lines only where a slope prediction is about the observable.
    expect(await read('W2/frob.svg')).toContain('aria-label="predicted exponent"');
    expect(await read('W2/extra.svg')).not.toContain('aria-label="predicted exponent"');
    // The signed observable has no fit: no fitted line.
    expect(await read('W14/signed.svg')).not.toContain('aria-label="fitted line"');
    // Title and axis titles.
    const frob = await read('W2/frob.svg');
    expect(frob).toContain('‖W₃−W₀‖_F');
    expect(frob).toMatch(/role-axis-title[^]*?>n<\/text>/);
  });

  it('draws the spectrum with the initial overlay, the MP density and a Q-Q panel', async () => {
    const w = await read('W14/spectrum-W.svg');
    expect(w).toContain('aria-label="initial spectrum"');
    expect(w).toContain('aria-label="Marchenko–Pastur density"');
    expect(w).toContain('Q-Q: final against initial');
    expect(w).toContain('aria-label="y = x"');
    expect(w).toContain('at n = 2000, trial 0'); // the largest size's trial 0
    const ck = await read('W14/spectrum-CK.svg');
    expect(ck).not.toContain('Q-Q');
    expect(ck).not.toContain('Marchenko');
  });

  it('links index.html and the claim pages only to files that exist, and to anchors that exist', async () => {
    for (const page of ['index.html', 'W2/index.html', 'W14/index.html']) {
      const html = await read(page);
      const refs = references(html);
      expect(refs.external, page).toEqual([]);
      expect(html).not.toMatch(/<script|<link\s/i);
      expect(refs.files.length, page).toBeGreaterThan(0);
      for (const f of refs.files) expect(existsSync(resolve(dirname(join(dir, page)), f)), `${page} → ${f}`).toBe(true);
      for (const a of refs.anchors) expect(html, `${page} #${a}`).toContain(`id="${a}"`);
      expect(xmlProblem(html.replace(/<!DOCTYPE html>/, '').replace(/<(meta|br|img)([^>]*?)>/g, '<$1$2/>')), page).toBeNull();
    }
    const index = await read('index.html');
    const imgs = [...index.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    expect(imgs).toEqual(expect.arrayContaining(['W2/frob.svg', 'W14/spectrum-W.svg', 'W14/series-loss.svg']));
    expect(index).toContain('href="W2/index.html"');
  });

  it('escapes HTML in every text field', async () => {
    const index = await read('index.html');
    expect(index).toContain('Weight change &lt;b&gt;&amp; friends');
    expect(index).not.toContain('<b>& friends');
    expect(index).toContain('&lt;i&gt;tags&lt;/i&gt;');
    const page = await read('W14/index.html');
    expect(page).toContain('RangeError: out of &lt;memory&gt; &amp; more');
    const page2 = await read('W2/index.html');
    expect(page2).toContain('<title>W2 — ntk-verify');
    expect(page2).toContain('Weight change &lt;b&gt;&amp; friends');
  });

  it('writes summary.md with the header, verdict rows, sections and the two closing lists', async () => {
    const md = await read('summary.md');
    expect(md).toContain('| Tier | smoke |');
    expect(md).toContain('| Root seed | 20240501 |');
    expect(md).toContain('| Shard | 1/4');
    expect(md).toMatch(/\| \[W2\]\(#claim-W2\) \| Weight change &lt;b>& friends \| ✅ CONFIRMED \| CONFIRMED \|/);
    expect(md).toMatch(/\| \[W14\]\(#claim-W14\) \| Marchenko–Pastur law at initialization \| ❌ REFUTED \| ⚠️ 1 of 2 predictions differs \(expected overall REFUTED\) \|/);
    // The note is Markdown, quoted in the claim's section (test/report/note.test.ts renders one in full).
    expect(md).toContain('> **Known disagreement / setting note.**\n>\n> The paper states n^{-1}; we measure n^{-1/2} for | pipes | and &lt;i>tags&lt;/i>.\n');
    // Predictions table: measured slope with CI, acceptance, loose marker, counterexample.
    expect(md).toMatch(/\| slope ≤ −0\.5 \+ 0\.15 of ‖W₃−W₀‖_op \| Lemma B\.2 \| -0\.99\d \[-1\.0\d, -0\.95\d\] \| ≤ -0\.350 \| ✅ CONFIRMED \(loose\) \|/);
    expect(md).toContain('counterexample (12) at n = 1000, trial 1, step 7: lhs 2.5 > rhs 2.25');
    // Observables per size with local slopes, and plot links.
    expect(md).toMatch(/\| 500 \| [\d.]+ ± [\d.e-]+ \| [\d.]+ \| [\d.]+ \| 3 \| -0\.\d+ \(from 250\) \|/);
    expect(md).toContain('](W2/frob.svg)');
    expect(md).toContain('](W14/spectrum-W.svg)');
    // Failed job with its error (first line).
    expect(md).toContain('- n = 2000, trial 2: `RangeError: out of <memory> & more`');
    const loose = md.slice(md.indexOf('## Bounds that look loose'), md.indexOf('## Exponents nobody predicted'));
    expect(loose).toMatch(/- \*\*W2\*\* · slope ≤ −0\.5 \+ 0\.15 of ‖W₃−W₀‖_op: measured -0\.99\d \[.*\] against the bound -0\.500 \(\+0\.150 tolerance\); the CI's upper end is 0\.4\d+ below the bound/);
    const unpredicted = md.slice(md.indexOf('## Exponents nobody predicted'));
    expect(unpredicted).toMatch(/- \*\*W2\*\* · max \|f₃ − f₀\| \(extra\): slope 0\.\d+ \[/);
    expect(unpredicted).not.toContain('frob');
  });

  it('rejects results that do not match the schema, naming the field', async () => {
    const bad = structuredClone(results) as unknown as { claims: { verdict: string }[] };
    bad.claims[1]!.verdict = 'MAYBE';
    await expect(writeReport(bad as unknown as RunResults, join(dir, 'bad'))).rejects.toThrow(/claims\.1\.verdict/);
  });
});

describe('plot specs', () => {
  const results = syntheticResults();
  const [w2, w14] = results.claims as [RunResults['claims'][0], RunResults['claims'][0]];

  it('anchors the predicted line at the geometric mean with the predicted exponent', () => {
    const frob = w2.observables.find((o) => o.name === 'frob')!;
    const spec = observableSpec(w2, frob, slopePredictionsOn(w2, 'frob'));
    const pred = spec.layer.find((l: { name: string }) => l.name === 'predicted');
    const [a, b] = pred.data.values as { x: number; y: number }[];
    expect(Math.log(b!.y / a!.y) / Math.log(b!.x / a!.x)).toBeCloseTo(-0.5, 12);
    const ys = frob.perSize.flatMap((s) => s.values);
    const xs = frob.perSize.flatMap((s) => s.values.map(() => s.x));
    const gm = (v: number[]) => Math.exp(v.reduce((s, t) => s + Math.log(t), 0) / v.length);
    expect(a!.y * (gm(xs) / a!.x) ** -0.5).toBeCloseTo(gm(ys), 12);
    const fit = spec.layer.find((l: { name: string }) => l.name === 'fit');
    const [f0] = fit.data.values as { x: number; y: number }[];
    expect(f0!.y).toBeCloseTo(Math.exp(frob.fit!.intercept) * f0!.x ** frob.fit!.slope, 12);
  });

  it('uses a log y scale for positive series only', () => {
    const layout = layoutReport(results)[1]!;
    const loss = layout.series.find((s) => s.data.name === 'loss')!;
    const align = layout.series.find((s) => s.data.name === 'alignment')!;
    expect(seriesSpec(w14, loss.data).encoding.y.scale.type).toBe('log');
    expect(seriesSpec(w14, align.data).encoding.y.scale.type).toBeUndefined();
    // One curve per size with an ok trial carrying the series (trial 0 at every size).
    expect(loss.data.curves.map((c) => c.x)).toEqual([250, 500, 1000, 2000]);
  });

  it('overlays Marchenko–Pastur on its support only, integrating to about 1', () => {
    const layout = layoutReport(results)[1]!;
    const w = layout.spectra.find((s) => s.data.base === 'W')!;
    expect(w.data.mpRatio).toBe(0.5);
    const spec = spectrumSpec(w14, w.data);
    const mp = spec.hconcat[0].layer.find((l: { name: string }) => l.name === 'mp').data.values as { x: number; y: number }[];
    const a = (1 - Math.sqrt(0.5)) ** 2;
    const b = (1 + Math.sqrt(0.5)) ** 2;
    expect(mp[0]!.x).toBeCloseTo(a, 12);
    expect(mp[mp.length - 1]!.x).toBeCloseTo(b, 12);
    let mass = 0;
    for (let i = 1; i < mp.length; i++) mass += ((mp[i]!.y + mp[i - 1]!.y) / 2) * (mp[i]!.x - mp[i - 1]!.x);
    expect(mass).toBeGreaterThan(0.97);
    expect(mass).toBeLessThan(1.01);
    const hist = spec.hconcat[0].layer[0].data.values as { x0: number; x1: number; y: number }[];
    const histMass = hist.reduce((s, r) => s + r.y * (r.x1 - r.x0), 0);
    expect(histMass).toBeCloseTo(1, 10);
  });
});

describe('edge cases', () => {
  it('writes a report for an empty run and for a claim whose jobs all failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntkv-report-edge-'));
    try {
      const empty = { ...syntheticResults(), claims: [] };
      const a = await writeReport(empty, join(dir, 'empty'));
      expect(a.files.map((f) => relative(join(dir, 'empty'), f)).sort()).toEqual(['index.html', 'results.json', 'summary.md']);

      const r = syntheticResults();
      const c = r.claims[1]!;
      c.id = 'odd id/with `ticks`';
      c.jobs = c.jobs.map((j) => ({ x: j.x, trial: j.trial, key: j.key, seedKey: j.seedKey, status: 'failed' as const, cached: false, ms: 1, error: 'boom `x` | y' }));
      c.observables = c.observables.map((o) => ({ name: o.name, label: o.label, perSize: [], local: [], fitProblem: 'no successful jobs' }));
      c.predictions = c.predictions.map((p) => ({ ...p, verdict: 'INCONCLUSIVE' as const, fit: undefined, ci: undefined, counterexample: undefined, matchesExpected: false }));
      c.verdict = 'INCONCLUSIVE';
      const b = await writeReport(r, join(dir, 'failed'));
      const rel = b.files.map((f) => relative(join(dir, 'failed'), f).split('\\').join('/'));
      expect(rel).toContain('odd_id_with__ticks_/index.html');
      expect(rel.filter((f) => f.startsWith('odd_id'))).toEqual(['odd_id_with__ticks_/index.html']);
      const md = await readFile(join(dir, 'failed', 'summary.md'), 'utf8');
      expect(md).toContain('❔ INCONCLUSIVE');
      expect(md).toContain("- n = 2000, trial 2: `boom 'x' | y`");
      const html = await readFile(join(dir, 'failed', 'index.html'), 'utf8');
      for (const f of references(html).files) expect(existsSync(resolve(join(dir, 'failed'), f)), f).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('rendering speed', () => {
  it('renders a 20-claim report in a few seconds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntkv-report-many-'));
    try {
      const t0 = performance.now();
      const { files, warnings } = await writeReport(manyClaims(20), dir);
      const ms = performance.now() - t0;
      expect(warnings).toEqual([]);
      expect(files.filter((f) => f.endsWith('.svg')).length).toBe(90);
      // Generous bound: a guard against pathological slowness, not a benchmark.
      expect(ms).toBeLessThan(15_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
