import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/report';
import { sealSvg } from '../../src/report/plots';

const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

describe('rendered SVGs are memoised on disk by spec', () => {
  const saved = { dir: process.env.NTKV_CACHE_DIR, flag: process.env.NTKV_SVG_CACHE };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ntkv-svg-'));
    process.env.NTKV_CACHE_DIR = dir;
    delete process.env.NTKV_SVG_CACHE;
  });
  afterEach(() => {
    if (saved.dir === undefined) delete process.env.NTKV_CACHE_DIR; else process.env.NTKV_CACHE_DIR = saved.dir;
    if (saved.flag === undefined) delete process.env.NTKV_SVG_CACHE; else process.env.NTKV_SVG_CACHE = saved.flag;
  });

  it('writes one file per spec, serves it back, and renders afresh for another spec or with NTKV_SVG_CACHE=0', async () => {
    const first = await renderSvg(spec);
    expect(first).toMatch(/^<svg/);
    const files = readdirSync(path.join(dir, 'svg'));
    expect(files).toHaveLength(1);
    const file = path.join(dir, 'svg', files[0]!);
    // Stored with a trailing content hash (a damaged entry is rendered again: test/cli/faults.test.ts).
    expect(readFileSync(file, 'utf8')).toBe(sealSvg(first));
    // A marked entry proves the second call reads the cache instead of rendering.
    writeFileSync(file, sealSvg('<svg>from cache</svg>'));
    expect(await renderSvg(JSON.parse(JSON.stringify(spec)))).toBe('<svg>from cache</svg>');
    const other = await renderSvg({ ...spec, mark: 'point' });
    expect(other).toMatch(/^<svg/);
    expect(readdirSync(path.join(dir, 'svg'))).toHaveLength(2);
    process.env.NTKV_SVG_CACHE = '0';
    expect(await renderSvg(spec)).toBe(first);
  });
});
