/**
 * The engine version that keys the job cache: a hash of every source file that can
 * change a number (the engine modules and the native addon), plus the package version.
 * Editing any of them invalidates cached jobs, so a cache hit can never return a result
 * the current code would not compute. Reports and the CLI are left out: they do not
 * change numbers.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where reports/ and .ntkv-cache/ go by default: this repository when it runs from its own
 * clone; the current folder (the researcher's project) when it is installed as a dependency
 * (under node_modules/), never inside node_modules.
 */
export function workspaceRoot(): string {
  return PROJECT_ROOT.split(path.sep).includes('node_modules') ? process.cwd() : PROJECT_ROOT;
}

const ENGINE_DIRS = ['src/linalg', 'src/random', 'src/gauss', 'src/special', 'src/activations', 'src/data',
  'src/model', 'src/train', 'src/kernels', 'src/spectra', 'src/experiments', 'src/stats', 'native'];

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (e === 'build' || e === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (/\.(ts|cc|h|gyp)$/.test(e)) out.push(p);
  }
  return out;
}

let cached: string | undefined;

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** "0.1.0+<12 hex digits>": package version and the hash of the engine sources. */
export function engineVersion(): string {
  if (cached) return cached;
  const h = createHash('sha256');
  for (const d of ENGINE_DIRS) {
    for (const f of listFiles(path.join(PROJECT_ROOT, d))) {
      h.update(path.relative(PROJECT_ROOT, f));
      h.update('\0');
      h.update(readFileSync(f));
      h.update('\0');
    }
  }
  cached = `${packageVersion()}+${h.digest('hex').slice(0, 12)}`;
  return cached;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
