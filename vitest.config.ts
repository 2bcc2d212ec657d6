import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The packed-tarball test (npm run test:package) and the fresh project it installs into.
    exclude: [...configDefaults.exclude, 'test/package/**'],
    // Heavy numerical tests hold a core each; two forks match the 2-core target machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One BLAS thread per test worker: two workers × one thread = two cores.
    env: { NTKV_BLAS_THREADS: '1' },
  },
});
