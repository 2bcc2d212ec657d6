// Pool worker (a child process): loads TypeScript through tsx, then runs jobs.
// Plain JS because the worker must register the loader before importing any .ts file.
import { register } from 'tsx/esm/api';

register();
const { runJobInWorker } = await import('./worker-impl.ts');

export default async function run(spec) {
  return runJobInWorker(spec);
}
