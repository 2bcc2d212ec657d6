/**
 * The BLAS thread count of every job: fixed, independent of the number of worker
 * processes (`--jobs`). OpenBLAS and LAPACK split their work differently with a different
 * thread count, which changes the last bits of a result (up to ~1e-14 relative in the
 * kernels and spectra the claims measure), so a job's numbers may depend on the thread
 * count and on nothing else of the machine's layout. The count is part of the job's cache
 * key and is recorded in results.json (environment.blasThreads); shards of one run must
 * use the same count (`merge` checks).
 *
 * It is NTKV_BLAS_THREADS when set (`run --threads t` sets it), else 1: with `--jobs N`
 * on N cores every job then runs with one thread, whatever N is.
 */
export const DEFAULT_JOB_THREADS = 1;

/** Parses a thread count (a positive integer); `what` names its origin in the error. */
export function parseThreads(v: string | number, what: string): number {
  const s = String(v).trim();
  const t = Number(s);
  if (s === '' || !Number.isInteger(t) || t < 1 || t > 1024) {
    throw new RangeError(`${what} must be a whole number of threads between 1 and 1024, got '${v}'`);
  }
  return t;
}

/** BLAS threads per job: NTKV_BLAS_THREADS, else 1. */
export function jobBlasThreads(): number {
  const t = process.env.NTKV_BLAS_THREADS;
  return t === undefined || t === '' ? DEFAULT_JOB_THREADS : parseThreads(t, 'NTKV_BLAS_THREADS');
}
