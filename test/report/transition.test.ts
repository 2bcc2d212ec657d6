/**
 * Transition predictions on their observable's plot: the threshold is a horizontal rule
 * (aria-label "threshold", labelled "threshold <value> (<direction>)") drawn at the
 * threshold's height on the plot's own y scale; `expectedAt` is a shaded band; the means'
 * estimated crossing is a dotted vertical rule. Checked on an in-memory claim run through
 * the pipeline (defineClaim → runClaims → analyzeClaim's details → writeReport), and on
 * results written before the direction and band were recorded (threshold only).
 * Slope plots already carry the predicted exponent as a dashed line (report.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { defineClaim } from '../../src/runner/define';
import type { RegisteredClaim } from '../../src/runner/registry';
import type { ClaimResult, RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { observableSpec, renderSvg, writeReport } from '../../src/report';
import { slopePredictionsOn } from '../../src/report/model';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-transition-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SIZES = [100, 200, 400, 800, 1600];

/** s = x/(x + 300) with 1% noise: 0.25, 0.40, 0.57, 0.73, 0.84 — crosses 0.5 between 200 and 400 (means: ≈ 300). */
const transitionClaim = defineClaim({
  id: 'TR',
  paper: 'T',
  source: 'synthetic',
  title: 'A transition',
  statement: 's rises through 0.5 near x = 300.',
  expectation: 'A crossing in [250, 350].',
  setting: {},
  sweep: { variable: 'eta', values: { smoke: SIZES, standard: SIZES, paper: SIZES }, trials: { smoke: 3, standard: 3, paper: 3 } },
  observables: { s: { label: 'spike ratio s', fit: false }, a: { label: 'a' } },
  predictions: [
    { kind: 'transition', observable: 's', threshold: 0.5, direction: 'rises', expectedAt: [250, 350], label: 's rises through 0.5' },
    { kind: 'slope≈', observable: 'a', exponent: 1 },
  ],
  run: ({ x, rng }) => {
    const r = rng.split('noise');
    return { values: { s: (x / (x + 300)) * (1 + 0.01 * r.normal()), a: x * Math.exp(0.01 * r.normal()) } };
  },
});

/** The y pixel of `value` on the spec's y scale (vega's own scale, as rendered). */
async function yPixel(spec: Record<string, unknown>, value: number): Promise<number> {
  const view = new vega.View(vega.parse(vl.compile(spec as unknown as vl.TopLevelSpec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    return (view.scale('y') as (v: number) => number)(value);
  } finally {
    view.finalize();
  }
}

/** The translate() of the rule mark labelled `label`. */
function ruleAt(svg: string, label: string): { x: number; y: number } {
  const m = new RegExp(`<line aria-label="${label}" role="graphics-symbol" aria-roledescription="rule mark" transform="translate\\(([-\\d.e]+),([-\\d.e]+)\\)"`).exec(svg);
  expect(m, `a rule labelled ${label}`).not.toBeNull();
  return { x: Number(m![1]), y: Number(m![2]) };
}

describe('transition plots', () => {
  let results: RunResults;
  let claim: ClaimResult;
  const dir = path.join(tmp, 'report');

  beforeAll(async () => {
    const reg: RegisteredClaim = { def: transitionClaim, file: path.join(tmp, 'TR.ts'), sourceHash: 'transition' };
    results = await runClaims([reg], { tier: 'smoke', cache: new JobCache(path.join(tmp, 'cache'), false), runId: 'transition' });
    claim = results.claims[0]!;
    await writeReport(results, dir);
  });

  it('records threshold, direction and the predicted band in the prediction details', () => {
    const p = claim.predictions[0]!;
    expect(p.verdict).toBe('CONFIRMED');
    expect(p.details).toMatchObject({ threshold: 0.5, direction: 'rises', expectedAtLo: 250, expectedAtHi: 350 });
    expect(p.details!.estimatedCrossing).toBeGreaterThan(250);
    expect(p.details!.estimatedCrossing).toBeLessThan(350);
  });

  it('draws the threshold as a horizontal rule at the threshold, the band and the estimated crossing', async () => {
    const svg = readFileSync(path.join(dir, 'TR/s.svg'), 'utf8');
    expect(svg).toContain('aria-label="threshold" role="graphics-symbol" aria-roledescription="rule mark"');
    expect(svg).toContain('>threshold 0.5 (rises)</text>');
    expect(svg).toContain('aria-label="predicted crossing" role="graphics-symbol" aria-roledescription="rect mark"');
    expect(svg).toContain('>predicted crossing [250, 350]</text>');
    expect(svg).toContain('aria-label="estimated crossing" role="graphics-symbol" aria-roledescription="rule mark"');
    expect(svg).toContain('s rises through 0.5: CONFIRMED');
    // Horizontal (x2 spans the plot, y2 = 0), at the height the plot's y scale gives 0.5.
    const obs = claim.observables.find((o) => o.name === 's')!;
    const spec = observableSpec(claim, obs, slopePredictionsOn(claim, 's'));
    const at = ruleAt(svg, 'threshold');
    expect(svg).toMatch(/<line aria-label="threshold"[^>]*x2="-?420" y2="0"/);
    expect(at.y).toBeCloseTo(await yPixel(spec, 0.5), 6);
  });

  it('leaves plots of observables without a transition as they were', () => {
    const svg = readFileSync(path.join(dir, 'TR/a.svg'), 'utf8');
    expect(svg).not.toContain('aria-label="threshold"');
    expect(svg).not.toContain('predicted crossing');
    expect(svg).toContain('aria-label="predicted exponent"');
  });

  it('draws the threshold from older results that recorded only details.threshold', async () => {
    const old: ClaimResult = structuredClone(claim);
    old.predictions[0]!.details = { threshold: 0.5, estimatedCrossing: null };
    const obs = old.observables.find((o) => o.name === 's')!;
    const svg = await renderSvg(observableSpec(old, obs, []));
    expect(svg).toContain('aria-label="threshold" role="graphics-symbol" aria-roledescription="rule mark"');
    expect(svg).toContain('>threshold 0.5</text>');
    expect(svg).not.toContain('predicted crossing');
    expect(svg).not.toContain('estimated crossing');
  });
});
