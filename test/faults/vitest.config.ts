import { defineConfig } from 'vitest/config';

// `npm run test:faults`: end-to-end fault tests (issue 17) that spawn the CLI, kill it,
// mount read-only folders and compare worker counts. One file at a time: they measure
// what processes do and must not compete for the two cores.
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: {
    include: ['test/faults/**/*.fault.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
