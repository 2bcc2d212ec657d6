/**
 * Draws docs/verdict-rules.svg, the picture of CLAIMS.md's verdict rules in
 * docs/ADDING-A-CLAIM.md: bootstrap CIs of a fitted slope against the acceptance band of
 * a `slope≈` prediction and of a `slope≤` bound, each case labelled with its verdict.
 *
 *   npx tsx scripts/verdict-rules-figure.ts        # rewrites docs/verdict-rules.svg
 *
 * Rendered headless by the report's renderSvg (vega-lite, no canvas); a test checks that
 * the committed SVG is what this script draws.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderSvg } from '../src/report/plots';

export const FIGURE_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/verdict-rules.svg');

const B = -0.5;
const TOL = 0.15;
const LOOSE = 0.25;
const X_DOMAIN = [-1.25, 0.05];
const COLORS = { CONFIRMED: '#1a7f37', INCONCLUSIVE: '#b08800', REFUTED: '#c62828' };

interface Case {
  what: string;
  lo: number;
  hi: number;
  verdict: keyof typeof COLORS;
  text: string;
}

const RATE: Case[] = [
  { what: 'CI inside the band', lo: -0.58, hi: -0.44, verdict: 'CONFIRMED', text: 'CONFIRMED' },
  { what: 'CI crosses an edge', lo: -0.74, hi: -0.54, verdict: 'INCONCLUSIVE', text: 'INCONCLUSIVE' },
  { what: 'CI misses the band', lo: -1.04, hi: -0.84, verdict: 'REFUTED', text: 'REFUTED' },
];

const BOUND: Case[] = [
  { what: 'upper end ≤ b + δ', lo: -0.6, hi: -0.43, verdict: 'CONFIRMED', text: 'CONFIRMED' },
  { what: 'upper end < b − 0.25', lo: -1.05, hi: -0.84, verdict: 'CONFIRMED', text: 'CONFIRMED, loose' },
  { what: 'CI straddles b + δ', lo: -0.46, hi: -0.26, verdict: 'INCONCLUSIVE', text: 'INCONCLUSIVE' },
  { what: 'lower end > b + δ', lo: -0.3, hi: -0.14, verdict: 'REFUTED', text: 'REFUTED' },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>;

function panel(title: string, subtitle: string, band: [number, number], cases: Case[], extraRules: { x: number; label: string }[]): Spec {
  const order = cases.map((c) => c.what);
  const y = { field: 'what', type: 'nominal', title: null, sort: order, axis: { labelLimit: 260, labelFontSize: 11 } };
  const x = { type: 'quantitative', scale: { domain: X_DOMAIN, nice: false }, title: 'fitted log-log slope (95% bootstrap CI)' };
  const color = { field: 'verdict', type: 'nominal', legend: null, scale: { domain: Object.keys(COLORS), range: Object.values(COLORS) } };
  const rows = cases.map((c) => ({ ...c, est: (c.lo + c.hi) / 2 }));
  return {
    width: 430,
    height: 34 * cases.length,
    title: { text: title, subtitle, anchor: 'start', frame: 'group', fontSize: 13, subtitleFontSize: 11 },
    layer: [
      {
        data: { values: [{ lo: band[0], hi: band[1] }] },
        mark: { type: 'rect', color: '#2e7d32', opacity: 0.13 },
        encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
      },
      {
        data: { values: [{ x: B, label: 'b' }, ...extraRules] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: { x: { ...x, field: 'x' } },
      },
      {
        data: { values: [{ x: B, label: 'b' }, ...extraRules] },
        mark: { type: 'text', dy: -4, baseline: 'bottom', fontSize: 10, color: '#333', y: 0 },
        encoding: { x: { ...x, field: 'x' }, text: { field: 'label' } },
      },
      {
        data: { values: rows },
        layer: [
          { mark: { type: 'rule', strokeWidth: 4 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y, color } },
          { mark: { type: 'point', filled: true, size: 50, color: '#222' }, encoding: { x: { ...x, field: 'est' }, y } },
          { mark: { type: 'text', align: 'left', dx: 8, fontSize: 11, fontWeight: 'bold' }, encoding: { x: { ...x, field: 'hi' }, y, text: { field: 'text' }, color } },
        ],
      },
    ],
  };
}

/** The figure as a Vega-Lite spec. */
export function verdictRulesSpec(): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { background: 'white', font: 'sans-serif', view: { stroke: '#ccc' }, axis: { labelFontSize: 10, titleFontSize: 11 } },
    vconcat: [
      panel(
        `slope ≈ b ± δ  (a rate Θ(n^b); here b = −${-B}, δ = ${TOL})`,
        'shaded: the acceptance band [b − δ, b + δ]',
        [B - TOL, B + TOL],
        RATE,
        [],
      ),
      panel(
        `slope ≤ b + δ  (a bound O(n^b); same b and δ)`,
        `shaded: slopes ≤ b + δ; left of b − ${LOOSE} a confirmed bound "looks loose"`,
        [X_DOMAIN[0]!, B + TOL],
        BOUND,
        [{ x: B - LOOSE, label: `b − ${LOOSE}` }],
      ),
    ],
    spacing: 28,
  };
}

/** The SVG text of the figure. */
export async function verdictRulesSvg(): Promise<string> {
  return `${await renderSvg(verdictRulesSpec())}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeFileSync(FIGURE_PATH, await verdictRulesSvg());
  console.log(`wrote ${path.relative(process.cwd(), FIGURE_PATH)}`);
}
