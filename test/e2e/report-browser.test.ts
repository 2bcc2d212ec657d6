/**
 * The HTML report in a real browser: a report written from a real run of the toy claims
 * (runClaims + writeReport) is opened from disk (file://) in headless Chromium — Debian's
 * `chromium`, driven by playwright-core — and every page reachable from index.html is
 * checked: each <img> plot loads and decodes with a non-zero size, each link resolves
 * (files exist, pages load, #anchors exist), nothing reaches the network. A screenshot
 * of the front page is kept at reports/e2e-screenshot.png.
 *
 * The check must also fail when it should: with one SVG deleted, it names that SVG both
 * as a broken image and as a broken link.
 *
 * Without /usr/bin/chromium the test is skipped with a message — except under CI
 * (CI set and not 'false'/'0'), where it fails: `npm run setup` installs chromium.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCache } from '../../src/runner/cache';
import { loadRegistry, selectClaims } from '../../src/runner/registry';
import type { RunResults } from '../../src/runner/results';
import { runClaims } from '../../src/runner/runner';
import { writeReport } from '../../src/report';
import { syntheticResults } from '../report/fixture';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const root = path.resolve(__dirname, '../..');
const toyDir = path.join(root, 'test/runner/toy-claims');
const screenshotPath = path.join(process.env.NTKV_REPORTS_DIR ? path.resolve(process.env.NTKV_REPORTS_DIR) : path.join(root, 'reports'), 'e2e-screenshot.png');

const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !ci) {
  console.warn(
    `test/e2e/report-browser.test.ts SKIPPED: ${CHROMIUM} not found. Install Debian's chromium ` +
      '(`apt-get install chromium`, or `npm run setup`) to check the HTML report in a browser. Under CI this test fails instead.',
  );
}

/** What the browser sees of one <img> after it was scrolled into view (plots load lazily). */
interface ImageState {
  src: string;
  url: string;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  width: number;
  height: number;
  decodeError: string | null;
}

interface PageScan {
  images: ImageState[];
  links: string[];
  ids: string[];
}

/**
 * Runs in the page (as a plain JS string, so no transpiler helper can leak into it):
 * scrolls every image into view, waits for it to load or fail and to decode, then lists
 * images, absolute link targets and element ids.
 */
const SCAN_PAGE = `(async () => {
  const images = [];
  for (const img of Array.from(document.images)) {
    img.scrollIntoView({ block: 'center' });
    if (!img.complete) {
      await new Promise((done) => {
        img.addEventListener('load', done, { once: true });
        img.addEventListener('error', done, { once: true });
        setTimeout(done, 5000);
      });
    }
    let decodeError = null;
    try { await img.decode(); } catch (e) { decodeError = String(e && e.message || e); }
    const r = img.getBoundingClientRect();
    images.push({ src: img.getAttribute('src') || '', url: img.currentSrc || img.src, complete: img.complete,
      naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, width: r.width, height: r.height, decodeError });
  }
  window.scrollTo(0, 0);
  const links = Array.from(document.querySelectorAll('a[href]')).map((a) => a.href);
  const ids = Array.from(document.querySelectorAll('[id], a[name]')).map((e) => e.id || e.getAttribute('name'));
  return { images, links, ids };
})()`;

export interface ReportCheck {
  /** One line per problem: "<page>: <what> <target>: <why>". Empty when the report is sound. */
  problems: string[];
  /** Pages visited (relative to the report folder). */
  pages: string[];
  images: number;
  links: number;
}

/**
 * Opens `indexFile` in the browser and follows every local link to other HTML pages of the
 * report. Checks each image (loaded, decoded, naturalWidth/Height > 0, laid out with a
 * non-zero box) and each link (a file that exists and is not empty; an HTML page that
 * loads; an #anchor that exists on its page; no http(s) or other scheme). Requests that
 * fail are problems too. `onIndex` runs on the loaded front page (for a screenshot).
 */
export async function checkReportInBrowser(
  context: BrowserContext,
  indexFile: string,
  onIndex?: (page: import('playwright-core').Page) => Promise<void>,
): Promise<ReportCheck> {
  const reportDir = path.dirname(path.resolve(indexFile));
  const rel = (file: string) => path.relative(reportDir, file).split(path.sep).join('/') || '.';
  const problems: string[] = [];
  const queue: string[] = [path.resolve(indexFile)];
  const visited = new Set<string>();
  /** Anchors other pages link to, checked once the target page is scanned. */
  const wantedAnchors = new Map<string, Set<string>>();
  const idsOf = new Map<string, Set<string>>();
  let images = 0;
  let links = 0;

  while (queue.length > 0) {
    const file = queue.shift()!;
    if (visited.has(file)) continue;
    visited.add(file);
    const where = rel(file);
    const page = await context.newPage();
    page.on('requestfailed', (r) => problems.push(`${where}: request failed ${r.url()}: ${r.failure()?.errorText ?? 'unknown error'}`));
    page.on('pageerror', (e) => problems.push(`${where}: script error: ${e.message}`));
    try {
      const resp = await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      if (resp && !resp.ok()) problems.push(`${where}: page did not load (status ${resp.status()})`);
      const scan = (await page.evaluate(SCAN_PAGE)) as PageScan;
      idsOf.set(file, new Set(scan.ids));
      for (const img of scan.images) {
        images++;
        const why: string[] = [];
        if (!img.complete) why.push('did not finish loading');
        if (img.naturalWidth === 0 || img.naturalHeight === 0) why.push(`natural size ${img.naturalWidth}×${img.naturalHeight}`);
        if (img.decodeError) why.push(`cannot be decoded (${img.decodeError})`);
        if (!(img.width > 0 && img.height > 0)) why.push(`laid out at ${img.width}×${img.height}`);
        if (why.length > 0) problems.push(`${where}: broken image ${img.src}: ${why.join(', ')}`);
      }
      for (const href of scan.links) {
        links++;
        const url = new URL(href);
        if (url.protocol !== 'file:') {
          problems.push(`${where}: link leaves the report ${href}: the report must be self-contained`);
          continue;
        }
        const target = fileURLToPath(new URL(url.pathname, url));
        const anchor = decodeURIComponent(url.hash.slice(1));
        if (!existsSync(target) || !statSync(target).isFile()) {
          problems.push(`${where}: broken link ${rel(target)}: no such file`);
          continue;
        }
        if (statSync(target).size === 0) problems.push(`${where}: link to an empty file ${rel(target)}`);
        if (/\.html?$/i.test(target)) {
          if (anchor) {
            const set = wantedAnchors.get(target) ?? new Set<string>();
            set.add(`${anchor}\u0000${where}`);
            wantedAnchors.set(target, set);
          }
          if (!visited.has(target)) queue.push(target);
        }
      }
      if (file === path.resolve(indexFile) && onIndex) await onIndex(page);
    } finally {
      await page.close();
    }
  }
  for (const [target, wanted] of wantedAnchors) {
    const ids = idsOf.get(target) ?? new Set<string>();
    for (const w of wanted) {
      const [anchor, from] = w.split('\u0000');
      if (!ids.has(anchor!)) problems.push(`${from}: broken link ${rel(target)}#${anchor}: no element with that id`);
    }
  }
  return { problems, pages: [...visited].map(rel).sort(), images, links };
}

describe.skipIf(!haveChromium && !ci)('the HTML report in headless Chromium', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-e2e-'));
  let context: BrowserContext;
  let results: RunResults;
  const reportDir = path.join(tmp, 'reports', 'toy-e2e');

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} not found: CI runs the browser test of the report; install Debian's chromium (npm run setup does)`);
    const reg = await loadRegistry([toyDir]);
    results = await runClaims(selectClaims(reg, ['T1', 'T2']), { tier: 'smoke', cache: new JobCache(path.join(tmp, 'cache'), false), runId: 'toy-e2e' });
    await writeReport(results, reportDir);
    context = await chromium.launchPersistentContext(path.join(tmp, 'user-data'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('renders every plot and resolves every link of a real run\'s report; keeps a screenshot', async () => {
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    if (existsSync(screenshotPath)) unlinkSync(screenshotPath);
    const check = await checkReportInBrowser(context, path.join(reportDir, 'index.html'), async (page) => {
      await page.screenshot({ path: screenshotPath, fullPage: true });
    });
    expect(check.problems).toEqual([]);
    // index.html and one page per claim; T1 has 3 observable plots, T2 one: each shown on
    // the front page and on its claim page.
    expect(check.pages).toEqual(['T1/index.html', 'T2/index.html', 'index.html']);
    expect(check.images).toBe(2 * (3 + 1));
    expect(check.links).toBeGreaterThan(check.images);
    // A PNG, and not a blank one: larger than a few kilobytes.
    expect(statSync(screenshotPath).size).toBeGreaterThan(20_000);
  });

  it('renders the spectra, Q-Q panels and training curves of a synthetic run', async () => {
    const dir = path.join(tmp, 'reports', 'synthetic');
    await writeReport(syntheticResults(), dir);
    const check = await checkReportInBrowser(context, path.join(dir, 'index.html'));
    expect(check.problems).toEqual([]);
    expect(check.images).toBeGreaterThanOrEqual(2 * 9);
  });

  it('fails when an SVG is missing: the image and the link are both reported', async () => {
    const dir = path.join(tmp, 'reports', 'broken');
    await writeReport(results, dir);
    unlinkSync(path.join(dir, 'T1', 'b.svg'));
    const check = await checkReportInBrowser(context, path.join(dir, 'index.html'));
    const text = check.problems.join('\n');
    expect(text).toMatch(/^index\.html: broken image T1\/b\.svg: .*natural size 0×0/m);
    expect(text).toMatch(/^T1\/index\.html: broken image b\.svg: /m);
    expect(text).toMatch(/^index\.html: broken link T1\/b\.svg: no such file$/m);
    expect(text).toMatch(/^T1\/index\.html: broken link T1\/b\.svg: no such file$/m);
    // Nothing else is wrong.
    expect(check.problems.every((p) => p.includes('b.svg'))).toBe(true);
  });

  it('fails on a link to a missing page or anchor', async () => {
    const dir = path.join(tmp, 'reports', 'broken-page');
    await writeReport(results, dir);
    unlinkSync(path.join(dir, 'T2', 'index.html'));
    const check = await checkReportInBrowser(context, path.join(dir, 'index.html'));
    expect(check.problems).toContain('index.html: broken link T2/index.html: no such file');
    expect(check.pages).toEqual(['T1/index.html', 'index.html']);
  });
});
