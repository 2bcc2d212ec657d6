#!/usr/bin/env node
// Builds the OpenBLAS/LAPACKE addon (native/) with node-gyp. Run by `npm install`.
// A failed build is not fatal: the suite then runs on the pure-TypeScript backend and
// `ntk-verify doctor` says so. Set NTKV_REQUIRE_NATIVE=1 to make a failure fatal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const built = path.join(root, 'native/build/Release/ntkv_native.node');
if (!force && existsSync(built) && process.env.NTKV_REBUILD !== '1') {
  console.log('ntk-verify: native addon already built (npm run build:native to rebuild)');
  process.exit(0);
}

const require = createRequire(import.meta.url);
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  gyp = process.env.npm_config_node_gyp; // npm's bundled copy
}
const args = [gyp, 'rebuild', '--release'];
// Debian's nodejs ships its headers under /usr/include/node: use them (works offline).
if (existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = gyp
  ? spawnSync(process.execPath, args, { cwd: path.join(root, 'native'), stdio: 'inherit' })
  : { status: 1 };
if (r.status !== 0) {
  const msg =
    'ntk-verify: building the native OpenBLAS addon failed; the pure-TypeScript backend will be used ' +
    '(slow). Install libopenblas-dev and liblapacke-dev (npm run setup does) and run npm run build:native.';
  if (process.env.NTKV_REQUIRE_NATIVE === '1') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
}
