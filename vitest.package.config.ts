import { defineConfig } from 'vitest/config';

// `npm run test:package`: packs the tarball and installs it into a fresh project (minutes,
// and the npm registry), so it is not part of `npm test`; .ci/run runs it after npm test.
export default defineConfig({
  test: {
    include: ['test/package/package.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
