/**
 * results.json: the versioned record of a run. Everything a report shows is in here
 * (every job's observables, fits, CIs, verdicts, timings, environment and seeds), so
 * `ntk-verify report` can rebuild plots and tables without recomputing, and
 * `ntk-verify diff` can compare two runs.
 */
import { z } from 'zod';
import { plotDeclarationSchema, TIERS, VERDICTS } from './define';

export const RESULTS_SCHEMA_VERSION = 'ntk-verify.results/1';

const num = z.number();
const verdict = z.enum(VERDICTS);

export const checkCaseSchema = z.object({ check: z.string(), step: z.number().optional(), lhs: num, rhs: num });

export const jobOutputSchema = z.object({
  values: z.record(z.string(), num),
  /** Observables the job could not measure → the reason (absent from `values`). Optional: older results have none. */
  notMeasured: z.record(z.string(), z.string().min(1)).optional(),
  series: z.record(z.string(), z.array(z.tuple([num, num]))).optional(),
  spectra: z.record(z.string(), z.array(num)).optional(),
  checks: z.array(checkCaseSchema).optional(),
  meta: z.record(z.string(), z.union([z.string(), num, z.boolean()])).optional(),
});

export const jobRecordSchema = z.object({
  x: num,
  trial: z.number().int(),
  /** A non-baseline value of the claim's swept constant (its observables carry '@<symbol>=<value>'). */
  constant: num.optional(),
  /** Content-addressed cache key of this job. */
  key: z.string(),
  /** The RNG stream key the job was seeded from. */
  seedKey: z.string(),
  status: z.enum(['ok', 'failed']),
  cached: z.boolean(),
  /** Compute time of the job when it ran (also for cached jobs: the original time). */
  ms: num,
  /** CPU time of the process over the job (user + system, all its threads): what `plan` calibrates on when present. */
  cpuMs: num.optional(),
  output: jobOutputSchema.optional(),
  error: z.string().optional(),
});

export const fitSchema = z.object({ slope: num, intercept: num, r2: num, points: num, sizes: num, residualStd: num });
export const ciSchema = z.object({
  lo: num, hi: num, level: num, resamples: num,
  /** Slope of the fit the CI is centred on. */
  estimate: num.optional(),
  /** Small-sample widening factor (t/normal quantile ratio) applied to the bootstrap interval. */
  widening: num.optional(),
  /** Welch–Satterthwaite degrees of freedom behind the widening. */
  df: num.optional(),
});
export const localSlopeSchema = z.object({ x0: num, x1: num, slope: num });

export const observableSummarySchema = z.object({
  name: z.string(),
  label: z.string(),
  perSize: z.array(z.object({ x: num, mean: num, sd: num, min: num, max: num, trials: num, values: z.array(num) })),
  fit: fitSchema.optional(),
  ci: ciSchema.optional(),
  local: z.array(localSlopeSchema),
  /** Why no fit was made (non-positive values, a single size, ...). */
  fitProblem: z.string().optional(),
  /**
   * Sizes where some trials did not measure this observable (JobOutput.notMeasured): which
   * trials, out of how many jobs that returned at that size, and the distinct reasons. The
   * fit, perSize and the verdicts use the measured points only. Absent when all were measured.
   */
  notMeasured: z.array(z.object({ x: num, trials: z.array(z.number().int()), of: num, reasons: z.array(z.string()) })).optional(),
});

export const predictionResultSchema = z.object({
  kind: z.enum(['slope≈', 'slope≤', 'slope≥', 'bounded', 'holds', 'compare', 'transition']),
  /** Human-readable form, e.g. "slope ≈ −0.5 ± 0.15 of ‖W₃−W₀‖_F". */
  label: z.string(),
  source: z.string().optional(),
  observable: z.string().optional(),
  exponent: z.number().optional(),
  tol: z.number().optional(),
  /** Acceptance interval for slope predictions; null stands for an open end (−∞ or +∞). */
  interval: z.tuple([num.nullable(), num.nullable()]).optional(),
  verdict,
  expected: verdict,
  matchesExpected: z.boolean(),
  reason: z.string(),
  fit: fitSchema.optional(),
  ci: ciSchema.optional(),
  local: z.array(localSlopeSchema).optional(),
  /** A confirmed bound whose CI upper end is below b − 0.25. */
  loose: z.boolean().optional(),
  counterexample: z.object({ x: num, trial: num, step: num.optional(), lhs: num, rhs: num, check: z.string().optional() }).optional(),
  details: z.record(z.string(), z.union([z.string(), num, z.boolean(), z.null()])).optional(),
  /**
   * Claims that sweep a constant: this prediction judged at each value (baseline first); the
   * prediction's verdict combines them (src/runner/constants.ts) and its fit/ci are the baseline's.
   */
  byConstant: z.array(z.object({
    value: num, verdict, reason: z.string(), fit: fitSchema.optional(), ci: ciSchema.optional(),
  })).optional(),
  /** The constant a CONFIRMED verdict needed (it failed at the baseline). */
  constantNeeded: z.object({ symbol: z.string(), value: num }).optional(),
  /**
   * A REFUTED or INCONCLUSIVE slope whose local slopes drift toward the prediction as the size
   * grows (src/stats/drift.ts): likely a finite-size effect, with the extrapolated size at
   * which the trend would reach the prediction.
   */
  sizeLimited: z.object({
    driftSlope: num, driftCi: z.tuple([num, num]), reachAt: num.nullable(), text: z.string(),
  }).optional(),
});

export const claimResultSchema = z.object({
  id: z.string(),
  paper: z.string(),
  source: z.string(),
  title: z.string(),
  statement: z.string(),
  expectation: z.string(),
  /** Markdown: the claim's inline note, then the note file beside the claim file (src/runner/notes.ts). */
  note: z.string().optional(),
  /** How this tier departs from the paper's stated setting, and why (the claim's `departures`). */
  departures: z.string().optional(),
  file: z.string().optional(),
  setting: z.record(z.string(), z.unknown()),
  sweep: z.object({ variable: z.string(), values: z.array(num), trials: z.number().int() }),
  jobs: z.array(jobRecordSchema),
  observables: z.array(observableSummarySchema),
  predictions: z.array(predictionResultSchema),
  /** Plots the claim declares (several series or observables in one plot), drawn by the report. */
  plots: z.array(plotDeclarationSchema).optional(),
  /** The unstated constant the claim sweeps, with the values run at this tier (baseline first). */
  constant: z.object({ key: z.string(), symbol: z.string(), label: z.string(), favours: z.enum(['larger', 'smaller']), values: z.array(num) }).optional(),
  /** Worst verdict over the predictions (REFUTED > INCONCLUSIVE > CONFIRMED). */
  verdict,
  /** Every prediction has its expected verdict. */
  matchesExpected: z.boolean(),
  timing: z.object({ wallMs: num, computeMs: num, jobs: num, cachedJobs: num, failedJobs: num }),
});

export const runResultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  tier: z.enum(TIERS),
  startedAt: z.string(),
  finishedAt: z.string(),
  wallMs: num,
  environment: z.object({
    engineVersion: z.string(),
    packageVersion: z.string(),
    backend: z.string(),
    blas: z.string(),
    blasThreads: num,
    workers: num,
    node: z.string(),
    platform: z.string(),
    cpus: num,
    rootSeed: z.union([z.string(), num]),
  }),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
  /**
   * A combination of complete runs of different claims (`ntk-verify combine`): which run, made
   * with which engine, each claim's jobs come from. \`environment\` is then the newest run's.
   */
  sources: z.array(z.object({ runId: z.string(), engineVersion: z.string(), finishedAt: z.string(), claims: z.array(z.string()) })).optional(),
  claims: z.array(claimResultSchema),
});

export type CheckCaseRecord = z.infer<typeof checkCaseSchema>;
export type JobRecord = z.infer<typeof jobRecordSchema>;
export type ObservableSummary = z.infer<typeof observableSummarySchema>;
export type PredictionResult = z.infer<typeof predictionResultSchema>;
export type ClaimResult = z.infer<typeof claimResultSchema>;
export type RunResults = z.infer<typeof runResultsSchema>;

/** Parses results.json text, with a message naming the file and the first schema problem. */
export function parseResults(text: string, file = 'results.json'): RunResults {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = runResultsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${file}: does not match schema ${RESULTS_SCHEMA_VERSION} at ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}
