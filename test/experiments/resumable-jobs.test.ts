/**
 * The protocols' observers save and restore what they gathered (Observer.state): a claim job
 * run again inside the same checkpoint folder takes every training run from its save — no
 * step computed — and returns exactly the output of a run without checkpoints. Covered: the
 * side-by-side runs of the early phase (H8), trajectories of the W cases (W11), GD to
 * convergence with per-step tracking (W6), and a claim's own observer (W13). (Resuming in the
 * middle of a run is tested on train() itself: test/engine/train-checkpoints.test.ts.)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvedSetting, type JobOutput } from '../../src/runner/define';
import { loadRegistry, selectClaims } from '../../src/runner/registry';
import { rngFor } from '../../src/random';
import { resumedTrainingRuns, withTrainingCheckpoints } from '../../src/train/checkpoints';

const root = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ntkv-resumable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The output without wall times (meta 'ms:…'), the only part that may differ. */
function stable(out: JobOutput): JobOutput {
  const meta = out.meta ? Object.fromEntries(Object.entries(out.meta).filter(([k]) => !k.startsWith('ms'))) : undefined;
  return { ...out, ...(meta ? { meta } : {}) };
}

describe('a job rerun in its checkpoint folder returns the same output without training again', async () => {
  const reg = await loadRegistry([path.join(root, 'claims')]);
  const cases: [string, number][] = [['H8', 16], ['W11', 128], ['W6', 40], ['W13', 250]];
  for (const [id, x] of cases) {
    it(`${id} at ${x}`, async () => {
      const c = selectClaims(reg, [id])[0]!;
      const setting = resolvedSetting(c.def, 'smoke');
      const job = () => c.def.run({ claimId: id, tier: 'smoke', x, trial: 0, setting, rng: rngFor(1, id, x, 0), keepDetail: true }) as JobOutput;
      const plain = stable(job());
      const dir = path.join(tmp, id);
      // A save every 5 ms of training: every run longer than that leaves a file.
      const first = stable(withTrainingCheckpoints(dir, job, 5));
      const ckpts = () => readdirSync(dir).filter((f) => f.endsWith('.ckpt')).length;
      const saved = ckpts();
      expect(saved).toBeGreaterThan(0);
      const before = resumedTrainingRuns();
      const again = stable(withTrainingCheckpoints(dir, job, 5));
      expect(resumedTrainingRuns() - before).toBe(saved); // every saved run came back from its file
      expect(first).toEqual(plain);
      expect(again).toEqual(plain);
      // A run shorter than 5 ms saved nothing the first time; on a busier machine it may now.
      expect(ckpts()).toBeGreaterThanOrEqual(saved);
    });
  }
});
