/** For tests of the addon's own passes: the native backend on, with a fixed thread count. */
import { afterAll, beforeAll } from 'vitest';
import { type loadNativeBackend, useBackend } from '../../src/linalg/backend';

/**
 * Inside a describe: switch to the native backend and run on `threads` BLAS/pass threads (2: the
 * passes split their work above a size threshold, so both the split and the serial code run),
 * restoring the previous count afterwards.
 */
export function useNativeThreads(native: NonNullable<ReturnType<typeof loadNativeBackend>>, threads = 2): void {
  let before = 1;
  beforeAll(() => {
    useBackend('native');
    before = native.getThreads();
    native.setThreads(threads);
  });
  afterAll(() => native.setThreads(before));
}
