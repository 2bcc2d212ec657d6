#!/usr/bin/env node
// Run by `npm pack` (prepack): writes the public API's declarations to types/ (tsc with
// tsconfig.types.json), then gives every relative import in them an explicit .js path
// ('./linalg/mat' → './linalg/mat.js', '../random' → '../random/index.js'), so that a
// project type-checking with "moduleResolution": "nodenext" resolves them as well as one
// using "bundler". package.json's "types" conditions point here; in this repository the
// "ntkv-source" condition (tsconfig.json's customConditions) points tsc at src/ instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'types');
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.types.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('ntk-verify: writing the declarations (types/) failed');
  process.exit(r.status ?? 1);
}

function files(dir) {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.d.ts') ? [p] : [];
  });
}

let fixed = 0;
for (const f of files(out)) {
  const dir = path.dirname(f);
  const text = readFileSync(f, 'utf8').replace(
    /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g,
    (whole, lead, q, spec) => {
      if (/\.(js|mjs|cjs|json)$/.test(spec)) return whole;
      const target = path.resolve(dir, spec);
      let rewritten;
      if (existsSync(`${target}.d.ts`)) rewritten = `${spec}.js`;
      else if (existsSync(path.join(target, 'index.d.ts'))) rewritten = `${spec}/index.js`;
      else throw new Error(`${path.relative(root, f)}: cannot resolve '${spec}' among the declarations`);
      fixed++;
      return `${lead}${q}${rewritten}${q}`;
    },
  );
  writeFileSync(f, text);
}
console.log(`ntk-verify: declarations in types/ (${files(out).length} files, ${fixed} relative imports given .js paths)`);
