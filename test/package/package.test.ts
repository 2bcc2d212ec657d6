/**
 * The package as a researcher gets it (`npm run test:package`; .ci/run runs it after
 * npm test): `npm pack` this repository, install the tarball into a fresh project in a
 * temporary folder — package.json from `npm init -y`, without "type": "module" — with
 * the claim and the vitest file of test/package/fresh-project/ (the README's "Use it in your
 * own project" shows the same files), then, there:
 *   npx ntk-verify doctor            → backend native, from the prebuilt addon (linux-x64)
 *   npx ntk-verify run U1 --claims claims → exit 0, U1 CONFIRMED, report in ./reports, with the
 *                                      note beside the claim file (claims/U1-gaussian-frobenius.md)
 *   npx vitest run                   → the matchers pass, and fail with the fit and CI printed
 *   npx tsc -p .                     → the public types (types/, from npm pack) and the matchers' types check,
 *                                      with moduleResolution bundler and nodenext
 * The npm registry must be reachable (or the packages in npm's cache: --prefer-offline).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const fixture = path.join(__dirname, 'fresh-project');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-package-'));
const project = path.join(tmp, 'my-research');
const keep = process.env.NTKV_KEEP_PACKAGE_TEST === '1';
afterAll(() => {
  if (keep) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});

/** The environment of a fresh shell: no NTKV_* settings, none of the npm_* variables npm run sets. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('NTKV_') || k.toLowerCase().startsWith('npm_') || k === 'VITEST' || k.startsWith('VITEST_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1'; // plain text to match
  return env;
}

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> & { out: string } {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 480_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  console.log(`$ ${cmd} ${args.join(' ')}  (${((Date.now() - t0) / 1000).toFixed(1)} s, exit ${r.status})`);
  return { ...r, out };
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

let tarball = '';
let installOutput = '';

beforeAll(() => {
  const pack = sh('npm', ['pack', '--pack-destination', tmp], root);
  expect(pack.status, pack.out).toBe(0);
  const tgz = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  tarball = path.join(tmp, tgz[0]!);

  cpSync(fixture, project, { recursive: true });
  const init = sh('npm', ['init', '-y'], project);
  expect(init.status, init.out).toBe(0);
  // The README's `npm install <tarball> vitest`, plus step 6's typescript and @types/node, at
  // the versions this repository tests with (the npm cache usually has them).
  const install = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball,
    `vitest@${versionOf('vitest')}`, `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`], project);
  installOutput = install.out;
  expect(install.status, install.out).toBe(0);
});

describe('the packed tarball in a fresh project', () => {
  it('contains the sources, the prebuilt addon and no tests, fixtures or build folder', () => {
    const list = sh('tar', ['tzf', tarball], tmp);
    const files = list.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toContain('src/index.ts');
    expect(files).toContain('src/vitest.ts');
    expect(files).toContain('bin/ntk-verify.mjs');
    expect(files).toContain('native/binding.gyp');
    for (const t of ['types/index.d.ts', 'types/vitest.d.ts', 'types/experiments/index.d.ts']) expect(files).toContain(t);
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(files).toContain('native/prebuilds/linux-x64/ntkv_native.napi.glibc.node');
    }
    expect(files.filter((f) => /^(test|fixtures|native\/build|reports|bench)\//.test(f))).toEqual([]);
    // Every claim's note travels with its claim file.
    const notes = readdirSync(path.join(root, 'claims'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(files).toContain(`claims/${n.split(path.sep).join('/')}`);
  });

  it('installs without EBADENGINE warnings', () => {
    expect(installOutput).not.toMatch(/EBADENGINE/);
  });

  it('doctor: the native OpenBLAS backend, from the shipped prebuilt addon (no install script ran)', () => {
    expect(existsSync(path.join(project, 'node_modules/ntk-verify/native/build'))).toBe(false);
    const r = sh('npx', ['ntk-verify', 'doctor', '--json', '--seconds', '0.2'], project);
    expect(r.status, r.out).toBe(0);
    const d = JSON.parse(r.stdout) as { backend: string; nativeAddon: { loaded: boolean; source: string; path: string } };
    expect(d.backend).toBe('native');
    expect(d.nativeAddon.loaded).toBe(true);
    if (process.platform === 'linux' && process.arch === 'x64') expect(d.nativeAddon.source).toBe('prebuilt');
    expect(r.stderr).not.toMatch(/pure-TypeScript/);
  });

  it('npx ntk-verify run U1 --claims claims: the claim imports ntk-verify, is CONFIRMED, and the report lands in the project', () => {
    const r = sh('npx', ['ntk-verify', 'run', 'U1', '--claims', 'claims'], project);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toMatch(/U1 +CONFIRMED/);
    expect(r.stdout).toMatch(/slope 1\.\d\d, 95% CI \[/);
    const reports = readdirSync(path.join(project, 'reports'));
    expect(reports).toHaveLength(1);
    expect(existsSync(path.join(project, 'reports', reports[0]!, 'index.html'))).toBe(true);
    // The user's own claims folder: the note beside the claim file reaches results.json and the report.
    const note = readFileSync(path.join(fixture, 'claims/U1-gaussian-frobenius.md'), 'utf8').trim();
    const results = JSON.parse(readFileSync(path.join(project, 'reports', reports[0]!, 'results.json'), 'utf8')) as { claims: { note?: string }[] };
    expect(results.claims[0]!.note).toBe(note);
    expect(readFileSync(path.join(project, 'reports', reports[0]!, 'U1', 'index.html'), 'utf8')).toContain('<li>The correction is far below the tolerance (0.05) at every size run.</li>');
    expect(existsSync(path.join(project, 'node_modules/ntk-verify/reports'))).toBe(false);
    expect(existsSync(path.join(project, 'node_modules/ntk-verify/.ntkv-cache'))).toBe(false);
  });

  it('npx ntk-verify list: the papers\' claims shipped in the package load there too', () => {
    const r = sh('npx', ['ntk-verify', 'list'], project);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toMatch(/^W2 /m);
    expect(r.stdout).toMatch(/^H13 /m);
    const shipped = readdirSync(path.join(root, 'claims'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !path.basename(f).startsWith('_'));
    expect(r.stdout).toContain(`\n${shipped.length} claim(s).`);
  });

  it('npx vitest run: the matchers pass, and a failing one prints the fit and the CI', () => {
    // Not part of the README's project: proves the failure path across the package boundary.
    writeFileSync(path.join(project, 'test/failure-message.test.ts'), [
      "import { expect, test } from 'vitest';",
      "import 'ntk-verify/vitest';",
      "import { runClaim } from 'ntk-verify';",
      "import u1 from '../claims/U1-gaussian-frobenius';",
      "test('a wrong slope fails with the fit and CI', async () => {",
      "  const r = await runClaim(u1, { tier: 'smoke' });",
      "  expect(() => expect(r).toHaveSlope('fro', 0.5, 0.1)).toThrow(/its 95% CI \\[\\d\\.\\d+, \\d\\.\\d+\\] misses \\[0\\.400, 0\\.600\\]\\n  fro — ‖G‖_F: fit slope \\d\\.\\d+ \\(R² /);",
      "  expect(() => expect(r).toBeRefuted()).toThrow(/expected claim U1 to be REFUTED, it is CONFIRMED/);",
      '});',
      '',
    ].join('\n'));
    const r = sh('npx', ['vitest', 'run'], project);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/Tests +2 passed/);
  });

  it('npx tsc: the claim and the test type-check against the public types and the matchers', () => {
    const ok = sh('npx', ['tsc', '-p', '.'], project);
    expect(ok.status, ok.out).toBe(0);
    // The README's tsconfig says "bundler"; a project on "nodenext" type-checks too (types/ has .js paths).
    const nodenext = sh('npx', ['tsc', '-p', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext'], project);
    expect(nodenext.status, nodenext.out).toBe(0);
    // And the types are real: a wrong argument is an error.
    writeFileSync(path.join(project, 'test/wrong.ts'), "import { expect } from 'vitest';\nimport 'ntk-verify/vitest';\nexpect({}).toHaveVerdict('MAYBE');\n");
    const bad = sh('npx', ['tsc', '-p', '.'], project);
    rmSync(path.join(project, 'test/wrong.ts'));
    expect(bad.status).not.toBe(0);
    expect(bad.out).toMatch(/'"MAYBE"' is not assignable to parameter of type '"CONFIRMED" \| "REFUTED" \| "INCONCLUSIVE"'/);
  });
});
