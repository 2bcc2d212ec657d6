// Pool worker (a child process): loads TypeScript through tsx, then runs jobs.
// Plain JS because the worker must register the loader before importing any .ts file.
import { Worker } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// An orphan never outlives its run. When the main process dies (even by SIGKILL) this
// process is re-parented; a watcher thread notices within ~100 ms and kills the process,
// even while the main thread is busy inside a job (a BLAS call does not yield to the
// event loop, so the IPC 'disconnect' event alone would wait for the job to end).
const watcher = new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData.parent) process.kill(workerData.pid, 'SIGKILL'); }, 100);`,
  { eval: true, workerData: { parent: process.ppid, pid: process.pid } },
);
watcher.unref();
process.on('disconnect', () => process.exit(0));

register();
const { runJobInWorker } = await import('./worker-impl.ts');

export default async function run(spec) {
  return runJobInWorker(spec);
}
