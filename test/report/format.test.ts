import { describe, expect, it } from 'vitest';
import { escapeHtml, fmtDuration, fmtNum, fmtShort, mdCell, NameAllocator, safeStem } from '../../src/report/format';
import { prettyJson } from '../../src/report/json';
import { decimate, qqPairs, quantileSorted } from '../../src/report/plots';

describe('number and time formatting', () => {
  it('shows 3 significant digits, scientific notation for very small or large values', () => {
    expect(fmtNum(-0.5)).toBe('-0.500');
    expect(fmtNum(-0.51234)).toBe('-0.512');
    expect(fmtNum(12.345)).toBe('12.3');
    expect(fmtNum(1234.5)).toBe('1235');
    expect(fmtNum(1.234e-5)).toBe('1.23e-5');
    expect(fmtNum(4.567e7)).toBe('4.57e7');
    expect(fmtNum(0)).toBe('0');
    expect(fmtNum(-1e308)).toBe('-∞');
    expect(fmtNum(Number.NaN)).toBe('NaN');
    expect(fmtNum(undefined)).toBe('—');
    expect(fmtShort(2000)).toBe('2000');
    expect(fmtShort(2.5)).toBe('2.5');
    expect(fmtShort(0.125)).toBe('0.125');
    expect(fmtShort(1.5e-7)).toBe('1.5e-7');
    expect(fmtShort(0.1)).toBe('0.1');
  });

  it('formats durations', () => {
    expect(fmtDuration(850)).toBe('850 ms');
    expect(fmtDuration(12_340)).toBe('12.3 s');
    expect(fmtDuration(192_000)).toBe('3 min 12 s');
    expect(fmtDuration(7_500_000)).toBe('2 h 5 min');
    // Rounding carries into the next unit: never "60 s" or "60 min".
    expect(fmtDuration(59_970)).toBe('1 min 0 s');
    expect(fmtDuration(119_600)).toBe('2 min 0 s');
    expect(fmtDuration(3_599_700)).toBe('1 h 0 min');
    expect(fmtDuration(100_770_000)).toBe('28 h 0 min');
  });
});

describe('escaping and names', () => {
  it('escapes HTML and Markdown table cells', () => {
    expect(escapeHtml(`<b>&"'`)).toBe('&lt;b&gt;&amp;&quot;&#39;');
    expect(mdCell('a | b <i>x</i> n < d\nnext')).toBe('a \\| b &lt;i>x&lt;/i> n < d next');
  });

  it('makes safe, unique file names', () => {
    expect(safeStem('‖W‖_F/op')).toBe('_W__F_op');
    expect(safeStem('..')).toBe('_');
    expect(safeStem('')).toBe('_');
    const names = new NameAllocator(['index.html']);
    expect(names.take('a', '.svg')).toBe('a.svg');
    expect(names.take('A', '.svg')).toBe('A-2.svg');
    expect(names.take('index', '.html')).toBe('index-2.html');
  });
});

describe('pretty JSON', () => {
  it('round-trips and keeps number arrays on one line', () => {
    const v = { a: [1, 2.5, -3], s: [[0, 1], [1, 0.5]], o: { n: null, t: true, u: undefined, e: [] }, x: [{ k: 'v' }], bad: [Number.NaN] };
    const text = prettyJson(v);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
    expect(text).toContain('"a": [1, 2.5, -3]');
    expect(text).toContain('"s": [[0,1], [1,0.5]]');
  });
});

describe('Q-Q pairs and decimation', () => {
  it('pairs sorted values when lengths agree and interpolates quantiles when they differ', () => {
    expect(qqPairs([3, 1, 2], [30, 10, 20])).toEqual([[1, 10], [2, 20], [3, 30]]);
    const pairs = qqPairs([0, 1, 2, 3, 4], [0, 10, 20]);
    expect(pairs).toEqual([[0, 0], [2, 10], [4, 20]]);
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
  });

  it('keeps the ends and the extremes of a long curve', () => {
    const pts = Array.from({ length: 5000 }, (_, i) => [i, i === 1234 ? -5 : i === 4321 ? 99 : Math.sin(i)] as [number, number]);
    const d = decimate(pts, 200);
    expect(d.length).toBeLessThanOrEqual(202);
    expect(d[0]).toEqual(pts[0]);
    expect(d[d.length - 1]).toEqual(pts[4999]);
    expect(d).toContainEqual([1234, -5]);
    expect(d).toContainEqual([4321, 99]);
  });
});
