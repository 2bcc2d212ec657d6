/**
 * The claim-file API. A claim states a paper's prediction as data: its setting, the
 * sweep (which variable grows, to which values at each tier, how many trials), the
 * observables one job (one size × one trial) computes through engine calls, and the
 * predictions checked on them. A claim file holds no training loop of its own: its
 * `run` composes engine functions (src/experiments, src/train, src/kernels, ...).
 *
 * Validation is by zod at load time, so a malformed claim file fails with a message
 * naming the claim and the field.
 */
import { z } from 'zod';
import type { Rng } from '../random';
import { VERDICTS, type Verdict } from '../stats/verdict';

export { VERDICTS, type Verdict };

export const TIERS = ['smoke', 'standard', 'paper'] as const;
export type Tier = (typeof TIERS)[number];

/** One inequality checked inside a job (for `holds` predictions). */
export interface CheckCase {
  /** Which inequality (a claim may check several, e.g. '(12)', '(13)', '(14)'). */
  check: string;
  step?: number;
  /** The inequality is lhs ≤ rhs. */
  lhs: number;
  rhs: number;
}

/**
 * What one job returns. Every declared observable is either a finite number in `values` or
 * listed in `notMeasured` with the reason it could not be measured (training diverged, ...).
 * A NaN/±Infinity without such a reason is an error naming the claim, size, trial and observable.
 */
export interface JobOutput {
  /** Scalar observables by name (those the claim declares). */
  values: Record<string, number>;
  /**
   * Observables this job could not measure, with the reason in words (observable → reason,
   * e.g. 'training diverged at step 37 (loss 3.1e9)'). Such an observable is left out of
   * `values` (a NaN placeholder there is accepted and dropped). Fits and verdicts use the
   * measured points only; the report counts and shows what was not measured, and why.
   */
  notMeasured?: Record<string, string>;
  /** Curves along training, e.g. loss against step: name → [x, y] pairs. */
  series?: Record<string, [number, number][]>;
  /** Spectra for histograms (eigenvalues), typically only for trial 0. */
  spectra?: Record<string, number[]>;
  /** Inequalities checked at every step of this job. */
  checks?: CheckCase[];
  /** Free-form facts worth reporting (steps taken, whether a cap was hit, dims). */
  meta?: Record<string, string | number | boolean>;
}

/**
 * A claim's setting: any object of named values (numbers, strings, arrays, nested records).
 * Its type is the claim's own (inferred from the `setting` a claim file writes, or declared
 * by it, e.g. `WSetting & {...}`), so a claim's `run` reads `ctx.setting.n` as a number
 * without a cast. The runner sees every setting as this plain record.
 */
export type SettingRecord = Record<string, unknown>;

/** What a job's run function receives. */
export interface JobContext<S extends object = SettingRecord> {
  claimId: string;
  tier: Tier;
  /** Value of the sweep variable for this job (n, d, m or η). */
  x: number;
  trial: number;
  /** The claim's resolved setting (after any tier overrides and the swept constant's value). */
  setting: S;
  /** Stream keyed by (root seed, claim, x, trial); split it by purpose: rng.split('data'). */
  rng: Rng;
  /** Whether this job should keep spectra/series for plots (trial 0). */
  keepDetail: boolean;
}

const slopeKinds = ['slope≈', 'slope≤', 'slope≥', 'bounded'] as const;

const expectedSchema = z.union([
  z.enum(VERDICTS),
  z.object({ smoke: z.enum(VERDICTS).optional(), standard: z.enum(VERDICTS).optional(), paper: z.enum(VERDICTS).optional() }),
]);

/** The verdict a prediction is expected to have at a tier (default CONFIRMED). */
export function expectedVerdict(expected: Verdict | Partial<Record<Tier, Verdict>> | undefined, tier: Tier): Verdict {
  if (expected === undefined) return 'CONFIRMED';
  if (typeof expected === 'string') return expected;
  return expected[tier] ?? 'CONFIRMED';
}

const predictionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.enum(slopeKinds),
    observable: z.string().min(1),
    /** The predicted exponent b (not used by `bounded`, which is b = 0). */
    exponent: z.number().optional(),
    tol: z.number().nonnegative().optional(),
    /** Where the paper states it (e.g. "Lemma B.2", "Fig. 28(a) text"). */
    source: z.string().optional(),
    /** One line: what this prediction says, for the report. */
    label: z.string().optional(),
    /**
     * Verdict this suite expects here (default CONFIRMED); differs when the claim's note
     * explains a disagreement with the paper. Per tier ({ smoke: 'INCONCLUSIVE', ... })
     * when small sizes cannot decide what larger ones do — say so in the note.
     */
    expected: expectedSchema.optional(),
  }),
  z.object({
    kind: z.literal('holds'),
    /** Name of the check in JobOutput.checks. */
    check: z.string().min(1),
    relTol: z.number().nonnegative().optional(),
    source: z.string().optional(),
    label: z.string().optional(),
    expected: expectedSchema.optional(),
  }),
  z.object({
    kind: z.literal('compare'),
    left: z.string().min(1),
    relation: z.enum(['<', '>', '<=', '>=']),
    right: z.union([z.string().min(1), z.number()]),
    /**
     * Compare at this sweep value (default: the largest); 'largestMeasured': the largest at
     * which every trial measured both sides (sizes above it, where some run could not, e.g.
     * diverged, are passed over and named in the reason).
     */
    at: z.union([z.number(), z.literal('largest'), z.literal('largestMeasured'), z.literal('all')]).optional(),
    margin: z.number().optional(),
    /**
     * Left and right come from the same jobs (same data, init and trial): compare their
     * per-trial differences (paired t) instead of two independent groups (Welch).
     */
    paired: z.boolean().optional(),
    source: z.string().optional(),
    label: z.string().optional(),
    expected: expectedSchema.optional(),
  }),
  z.object({
    kind: z.literal('transition'),
    observable: z.string().min(1),
    threshold: z.number(),
    /** 'rises': below the threshold at small x, above it at large x; 'falls': the reverse. */
    direction: z.enum(['rises', 'falls']),
    /** Where the crossing is predicted, [lo, hi] in the sweep variable (optional). */
    expectedAt: z.tuple([z.number(), z.number()]).optional(),
    source: z.string().optional(),
    label: z.string().optional(),
    expected: expectedSchema.optional(),
  }),
]);

export type Prediction = z.infer<typeof predictionSchema>;

/**
 * A plot the claim declares on top of the report's default ones (which stay as they are):
 * several job `series` in one plot (e.g. the network's loss against the linear model's), or
 * several observables against the sweep variable (e.g. a quantity against its bound), with a
 * legend. Series names are matched at report time (series exist only in job outputs): a
 * name, or a glob pattern where `*` stands for any text and `?` for one character. A pattern
 * that matches nothing is reported as a warning in the report (and in writeReport's
 * warnings); a plot that matches nothing at all is drawn as a placeholder saying why.
 */
export const plotDeclarationSchema = z.object({
  /** Unique within the claim; names the SVG (plot-<id>.svg). */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'plot ids are letters, digits, _ . - (first a letter or digit)'),
  title: z.string().min(1),
  /** Job series to draw together: names or glob patterns ('*', '?'). Exclusive with `observables`. */
  series: z.array(z.string().min(1)).min(1).optional(),
  /** Observables (names) to draw together against the sweep variable: trials and per-size means. */
  observables: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Series plots: whose curves — the largest size (default; lowest trial there), one size,
   * or every size ('all': colour by size, dash pattern by series).
   */
  at: z.union([z.number(), z.literal('largest'), z.literal('all')]).optional(),
  /** Axis titles (default: 'step' / the sweep variable, and the y of the first line). */
  x: z.string().min(1).optional(),
  y: z.string().min(1).optional(),
  /** Log scales. Default y: log when every value is positive and they span a factor ≥ 10; x: log for observables (positive x), linear for series. */
  logY: z.boolean().optional(),
  logX: z.boolean().optional(),
  /** Series names or patterns (observable names for observable plots) drawn dashed, e.g. the linear model. */
  dashed: z.array(z.string().min(1)).optional(),
  /** Colours in (dark, light) pairs: declare each network/linear-model pair next to each other. */
  paired: z.boolean().optional(),
  /** Reference lines: { x } vertical, { y } horizontal, labelled on the plot. */
  rules: z.array(z.object({ x: z.number().optional(), y: z.number().optional(), label: z.string().min(1) })
    .refine((r) => (r.x === undefined) !== (r.y === undefined), 'a rule has exactly one of x and y')).optional(),
  /** One line under the title (what to look at). */
  caption: z.string().optional(),
}).refine((p) => (p.series === undefined) !== (p.observables === undefined), 'a plot has either `series` or `observables`');

export type PlotDeclaration = z.infer<typeof plotDeclarationSchema>;

/**
 * An unstated constant of the hypothesis (n, m ≳ d^{1+α}; η ≪ d; T = c·d·log d/η; …) swept
 * next to the sweep variable. `key` is the setting the constant lives in; per tier, the
 * first value is the one the setting already holds (the baseline, whose jobs are exactly
 * the claim's jobs without the sweep) and the others lie in the direction the hypothesis
 * favours. Jobs at another value see `setting[key]` replaced and report their observables
 * as `<name>@<symbol>=<value>`; each prediction is judged at every value and REFUTED only
 * where every value refutes it (src/runner/constants.ts).
 */
export const constantSweepSchema = z.object({
  key: z.string().min(1),
  /** Shown in reports and observable names: 'c' gives 'discTrain_erf@c=4'. */
  symbol: z.string().regex(/^[^@=\s]+$/, 'a constant symbol has no @, = or space'),
  /** What the constant scales, e.g. 'n = m = c·d^{1+α} (Theorem 3.2: n, m ≳ d^{1+α})'. */
  label: z.string().min(1),
  favours: z.enum(['larger', 'smaller']),
  values: z.object({
    smoke: z.array(z.number().positive()).min(1).optional(),
    standard: z.array(z.number().positive()).min(1).optional(),
    paper: z.array(z.number().positive()).min(1).optional(),
  }),
});
export type ConstantSweep = z.infer<typeof constantSweepSchema>;

const tierNumbers = z.object({ smoke: z.array(z.number().positive()).min(1), standard: z.array(z.number().positive()).min(1), paper: z.array(z.number().positive()).min(1) });
const tierInts = z.object({ smoke: z.number().int().positive(), standard: z.number().int().positive(), paper: z.number().int().positive() });

export const claimSchema = z.object({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'ids are letters, digits, _ . -'),
  paper: z.string().min(1),
  /** The paper's numbering: "Lemma 5.1, Fig. 28(b,c)". */
  source: z.string().min(1),
  title: z.string().min(1),
  /** The statement in one sentence. */
  statement: z.string().min(1),
  /** One line: which exponent is expected and why. */
  expectation: z.string().min(1),
  setting: z.record(z.string(), z.unknown()),
  /** Setting overrides per tier (e.g. fewer steps at smoke). Say why in `note` if it matters. */
  tierSetting: z.object({ smoke: z.record(z.string(), z.unknown()).optional(), standard: z.record(z.string(), z.unknown()).optional(), paper: z.record(z.string(), z.unknown()).optional() }).optional(),
  sweep: z.object({
    variable: z.enum(['n', 'd', 'm', 'eta', 'h']),
    values: tierNumbers,
    trials: tierInts,
  }),
  observables: z.record(z.string(), z.object({
    label: z.string().min(1),
    /** Fit a log-log slope even without a prediction (default true for positive scalars). */
    fit: z.boolean().optional(),
    /** Relative tolerance for fixture regression checks (default 1e-6). */
    fixtureRelTol: z.number().positive().optional(),
  })),
  predictions: z.array(predictionSchema).min(1),
  /** Plots drawn on top of the default ones: several series or observables in one plot. */
  plots: z.array(plotDeclarationSchema).optional(),
  /** An unstated constant of the hypothesis, swept at the values given per tier. */
  constant: constantSweepSchema.optional(),
  /** Statistical minimums for slopes (default: 4 sizes, span 4, 3 trials). */
  slopeRequirements: z.object({ minSizes: z.number().int().optional(), minSpan: z.number().optional(), minTrials: z.number().int().optional() }).optional(),
  /**
   * Where a tier departs from the setting the paper (or CLAIMS.md) states — fewer trials, a size
   * or epoch cap, a narrower network — and why, in one line per tier. results.json, the report and
   * the README's results table carry it, so no result is read as the paper's setting when it is not.
   */
  departures: z.object({ smoke: z.string().min(1).optional(), standard: z.string().min(1).optional(), paper: z.string().min(1).optional() }).optional(),
  /**
   * Known disagreement with the paper, or any setting choice a reader must know, in Markdown.
   * A short note fits here; a long one goes in `<claim file name>.md` beside the claim file,
   * which the registry appends to this one (src/runner/notes.ts).
   */
  note: z.string().optional(),
  run: z.function(),
  /** What one job needs, for `ntk-verify plan` (see ClaimDefinition.resources). */
  resources: z.function().optional(),
});

/** The data fields of a claim, as the schema validates them (the functions are typed below). */
type ClaimFields = Omit<z.infer<typeof claimSchema>, 'setting' | 'tierSetting' | 'constant' | 'run' | 'resources'>;

/**
 * A claim file's default export. `S` is the claim's setting type, inferred from its
 * `setting` (or declared); `run` and `resources` receive that type, tier overrides must be
 * part of it, and a swept constant's `key` must name one of its fields. Every field but the
 * functions comes from `claimSchema` (one source of truth).
 */
export interface ClaimDefinition<S extends object = SettingRecord> extends ClaimFields {
  setting: S;
  /** Setting overrides per tier (e.g. fewer steps at smoke). Say why in `note` if it matters. */
  tierSetting?: Partial<Record<Tier, Partial<S>>>;
  /** An unstated constant of the hypothesis, swept at the values given per tier; `key` names a field of the setting. */
  constant?: ConstantSweep & { key: keyof S & string };
  /** One job: one sweep value × one trial. Method syntax on purpose: a claim of any setting type registers as a plain one. */
  run(ctx: JobContext<S>): JobOutput | Promise<JobOutput>;
  /**
   * Relative work of one job at sweep value x with the tier's resolved setting (any unit, the
   * same for every job of the claim: e.g. n·h·d·steps), and the bytes of its largest arrays.
   * `ntk-verify plan` calibrates the time per unit of work on recorded timings. Default: x^p,
   * p = 3 for n and d, 1.5 for h and m — declare it when a tier changes sizes through the
   * setting (n fixed per tier, a rate sweep, an epoch cap).
   */
  resources?(x: number, setting: S): { work: number; bytes?: number; converges?: boolean };
}

/**
 * A registered claim whatever its setting type: what the runner, plan and reports handle. A
 * claim's setting written as an object literal (its type inferred) is assignable to it.
 */
export type AnyClaimDefinition = ClaimDefinition<SettingRecord>;

export class ClaimDefinitionError extends Error {
  override name = 'ClaimDefinitionError';
}

/**
 * Validates and returns a claim definition (the default export of a claim file). The setting's
 * type is inferred from `setting`: write `satisfies`-free plain objects, or declare the type
 * (`const setting: MySetting = {...}`) when a field must be narrower than its literal.
 */
export function defineClaim<S extends object>(def: ClaimDefinition<S>): ClaimDefinition<S> {
  const r = claimSchema.safeParse(def);
  const id = typeof (def as { id?: unknown })?.id === 'string' ? def.id : '(no id)';
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ClaimDefinitionError(`claim ${id}: invalid definition — ${issues}`);
  }
  for (const p of def.predictions) {
    if (p.kind !== 'holds' && p.kind !== 'compare') {
      const obs = p.observable;
      if (!(obs in def.observables)) {
        throw new ClaimDefinitionError(
          `claim ${id}: prediction '${p.kind}' names observable '${obs}', not among ${Object.keys(def.observables).join(', ')}`,
        );
      }
    }
    if ((p.kind === 'slope≈' || p.kind === 'slope≤' || p.kind === 'slope≥') && p.exponent === undefined) {
      throw new ClaimDefinitionError(`claim ${id}: prediction '${p.kind}' on '${p.observable}' needs an exponent`);
    }
  }
  const plotIds = new Set<string>();
  for (const p of def.plots ?? []) {
    if (plotIds.has(p.id)) throw new ClaimDefinitionError(`claim ${id}: two plots have the id '${p.id}'`);
    plotIds.add(p.id);
    for (const o of p.observables ?? []) {
      if (!(o in def.observables)) {
        throw new ClaimDefinitionError(`claim ${id}: plot '${p.id}' names observable '${o}', not among ${Object.keys(def.observables).join(', ')}`);
      }
    }
    if (p.observables && p.at !== undefined) throw new ClaimDefinitionError(`claim ${id}: plot '${p.id}': \`at\` applies to series plots only`);
  }
  if (def.constant) {
    const k = def.constant;
    for (const tier of TIERS) {
      const vs = k.values[tier];
      if (!vs) continue;
      const base = resolvedSetting(def, tier)[k.key];
      if (base !== vs[0]) {
        throw new ClaimDefinitionError(`claim ${id}: constant '${k.symbol}' at tier ${tier}: the first value (${vs[0]}) must be the one setting.${k.key} holds (${String(base)})`);
      }
      if (new Set(vs).size !== vs.length) throw new ClaimDefinitionError(`claim ${id}: constant '${k.symbol}' at tier ${tier} repeats a value`);
      const wrong = vs.slice(1).find((v) => (k.favours === 'larger' ? v <= vs[0]! : v >= vs[0]!));
      if (wrong !== undefined) {
        throw new ClaimDefinitionError(`claim ${id}: constant '${k.symbol}' = ${wrong} at tier ${tier} is not ${k.favours} than the baseline ${vs[0]} (the hypothesis favours ${k.favours} values)`);
      }
    }
  }
  return def;
}

/** The setting a job sees at a tier: base setting with the tier's overrides. */
export function resolvedSetting<S extends object>(def: ClaimDefinition<S>, tier: Tier): S {
  return { ...def.setting, ...(def.tierSetting?.[tier] ?? {}) };
}

/** The same, as the plain record the runner keys and records jobs by. */
export function settingRecord(def: AnyClaimDefinition, tier: Tier): SettingRecord {
  return resolvedSetting(def, tier) as SettingRecord;
}
