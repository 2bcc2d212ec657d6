/**
 * A file written whole or not at all: the data goes to a temp file beside it (named by the
 * process id, so two processes never share one) and is renamed over the target, which POSIX
 * makes atomic. A reader — or a run killed mid-write — sees the old file or the new one, never
 * a half-written one. The job cache, the memoised plots and the training checkpoints use it.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
