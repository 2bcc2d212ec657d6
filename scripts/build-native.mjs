#!/usr/bin/env node
// Builds the OpenBLAS/LAPACKE addon (native/) with node-gyp. Run by `npm install` when npm
// runs this package's install script (always in this repo; in a project that depends on
// ntk-verify only if allowed). When an addon already loads — one built before, or the
// prebuilt linux-x64 binary shipped in native/prebuilds/ — there is nothing to do.
// A failed build is not fatal: the suite then runs on the pure-TypeScript backend and
// `ntk-verify doctor` says so. Set NTKV_REQUIRE_NATIVE=1 to make a failure fatal.
// `node scripts/build-native.mjs --force` rebuilds from source.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force') || process.env.NTKV_REBUILD === '1';
const require = createRequire(import.meta.url);

if (!force) {
  let found;
  try {
    found = require('node-gyp-build').resolve(path.join(root, 'native'));
    require(found);
    const kind = found.split(path.sep).includes('prebuilds') ? 'prebuilt' : 'already built';
    console.log(`ntk-verify: native addon ${kind}: ${path.relative(root, found)} (node scripts/build-native.mjs --force rebuilds it)`);
    process.exit(0);
  } catch (e) {
    if (found) console.log(`ntk-verify: ${path.relative(root, found)} does not load (${e.message.split('\n')[0]}); building from source`);
  }
}

/** node-gyp: this package's (a devDependency), npm's when run by npm, or the copy bundled with npm. */
function findNodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {}
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const bundled = path.resolve(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  return existsSync(bundled) ? bundled : undefined;
}
const gyp = findNodeGyp();
const args = [gyp, 'rebuild', '--release'];
// Debian's nodejs ships its headers under /usr/include/node: use them (works offline).
if (existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = gyp
  ? spawnSync(process.execPath, args, { cwd: path.join(root, 'native'), stdio: 'inherit' })
  : { status: 1 };
if (r.status !== 0) {
  const msg =
    `ntk-verify: building the native OpenBLAS addon failed${gyp ? '' : ' (node-gyp not found)'}; the pure-TypeScript ` +
    'backend will be used (slow). Install libopenblas-dev and liblapacke-dev (and g++, make, python3), then run: ' +
    `node ${path.relative(process.cwd(), fileURLToPath(import.meta.url)) || fileURLToPath(import.meta.url)} --force`;
  if (process.env.NTKV_REQUIRE_NATIVE === '1') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
}
