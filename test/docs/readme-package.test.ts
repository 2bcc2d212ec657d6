/**
 * The README's "Use it in your own project" shows the files `npm run test:package` installs
 * into its fresh project (test/package/fresh-project/), character for character.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README: Use it in your own project', () => {
  const blocks = [...readme.matchAll(/<!-- package-test: (\S+) -->\n```\w+\n([\s\S]*?)```/g)];

  it('shows the claim, its note, the vitest file and the tsconfig of the package test', () => {
    expect(blocks.map((b) => b[1])).toEqual([
      'test/package/fresh-project/claims/U1-gaussian-frobenius.ts',
      'test/package/fresh-project/claims/U1-gaussian-frobenius.md',
      'test/package/fresh-project/test/u1.test.ts',
      'test/package/fresh-project/tsconfig.json',
    ]);
  });

  it.each(blocks.map((b) => [b[1]!, b[2]!]))('%s is shown verbatim', (file, shown) => {
    expect(shown).toBe(readFileSync(path.join(root, file), 'utf8'));
  });

  it('runs the commands the package test runs', () => {
    const section = readme.slice(readme.indexOf('## Use it in your own project'), readme.indexOf('## Performance'));
    for (const cmd of ['npm pack', 'npm init -y', 'npm install ../ntk-verify/ntk-verify-0.1.0.tgz vitest',
      'npx ntk-verify doctor', 'npx ntk-verify run U1 --claims claims', 'npx vitest run']) {
      expect(section, cmd).toContain(cmd);
    }
  });
});
