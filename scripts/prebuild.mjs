#!/usr/bin/env node
// Run by `npm pack` / `npm publish` (the prepack script): puts the addon built here into
// native/prebuilds/<platform>-<arch>/ntkv_native.napi.<libc>.node, where node-gyp-build finds
// it when the package is installed into another project. That project then needs no compiler
// and no install script (npm 11 blocks dependencies' install scripts by default) — only the
// OpenBLAS and LAPACKE shared libraries (Debian: libopenblas0, liblapacke).
// The addon is Node-API (NAPI_VERSION=8): one binary serves every Node version from 20 on.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'native/build/Release/ntkv_native.node');
if (!existsSync(built)) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build-native.mjs'), '--force'], {
    stdio: 'inherit', env: { ...process.env, NTKV_REQUIRE_NATIVE: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? 'musl' : 'glibc') : '';
const dir = path.join(root, 'native/prebuilds', `${process.platform}-${process.arch}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const dest = path.join(dir, `ntkv_native.napi${libc ? `.${libc}` : ''}.node`);
copyFileSync(built, dest);
// It must load here, or the package would ship a broken binary.
const addon = createRequire(import.meta.url)(dest);
const info = addon.info();
console.log(`ntk-verify: prebuilt addon ${path.relative(root, dest)} (${info.config.split(' ').slice(0, 2).join(' ')})`);
for (const other of readdirSync(path.join(root, 'native/prebuilds'))) {
  if (path.join(root, 'native/prebuilds', other) !== dir) console.log(`ntk-verify: also shipping native/prebuilds/${other} (built elsewhere)`);
}
