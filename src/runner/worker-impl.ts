import { loadClaimFile } from './registry';
import { type JobSpec, runJob } from './job';
import type { ClaimDefinition } from './define';
import type { JobRecord } from './results';

const loaded = new Map<string, ClaimDefinition>();

export async function runJobInWorker(spec: JobSpec): Promise<JobRecord> {
  let def = loaded.get(spec.claimFile);
  if (!def) {
    def = (await loadClaimFile(spec.claimFile)).def;
    loaded.set(spec.claimFile, def);
  }
  return runJob(def, spec);
}
