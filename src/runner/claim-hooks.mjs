// Module resolve hook (node:module register), installed by registry.ts before it imports a
// claim file. Claim files are ES modules, as the repo's own are (its package.json says
// "type": "module"). A researcher's project often has no "type" field, and there tsx would
// load a .ts claim as CommonJS: its `import ... from 'ntk-verify'` then fails with
// "Cannot require() ES Module ... in a cycle". This hook makes a .ts claim file — and the .ts
// files it imports from outside node_modules — load as ES modules whatever the nearest
// package.json says; tsx then compiles them as it compiles the repo's claims.
// Plain JavaScript: hooks run on the loader thread, before any TypeScript support.
import { fileURLToPath } from 'node:url';

/** URL prefix of the folder whose imports are claim files (src/runner/ of this package). */
let loaderDir = '';
/** .ts files made ES modules so far; what they import is made one too. */
const forced = new Set();

export function initialize(data) {
  loaderDir = data?.loaderDir ?? '';
}

function isOwnTs(url) {
  if (!url.startsWith('file:')) return false;
  const p = fileURLToPath(url);
  return p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.split(/[\\/]/).includes('node_modules');
}

export async function resolve(specifier, context, nextResolve) {
  const r = await nextResolve(specifier, context);
  const parent = context.parentURL ?? '';
  const fromLoader = loaderDir !== '' && parent.startsWith(loaderDir);
  if ((fromLoader || forced.has(parent.split('?')[0])) && isOwnTs(r.url) && r.format !== 'module') {
    forced.add(r.url.split('?')[0]);
    return { ...r, format: 'module' };
  }
  return r;
}
