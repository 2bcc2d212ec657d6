/**
 * The four training cases of Wang et al. (W), Table 1 / Fig. 1, as data: optimizer, rate,
 * batch, the two readings of the rate and the schedule; shared by claims W9–W12. How a case
 * is run is protocols/w-cases.ts.
 *
 *   Case 1  GD,   η = 5,     full batch
 *   Case 2  SGD,  η = 0.1,   batch 32
 *   Case 3  SGD,  η = 22,    batch 32
 *   Case 4  Adam, η = 0.092, batch 32
 * Both layers are trained, until the full-batch training loss < 1e-5 or a cap.
 *
 * Loss convention: L = (1/(2n))‖y − f(X)‖², on a minibatch (1/(2b))Σ_batch (CLAIMS.md).
 * The paper's rates behave as if its code used a mean squared error without the ½; under
 * our convention that code's η is our 2η. `rateReading` picks 'asWritten' (η) or
 * 'doubled' (2η). Adam is invariant to a constant factor on the loss (up to its ε), so
 * for Case 4 both readings are the same run and only 'asWritten' is used.
 *
 * The paper calls the rates *initial* and gives no schedule: `schedule` is 'constant' or
 * 'stepDecay' (×0.1 every 100 epochs; for GD an epoch is one step).
 */

export type CaseId = 1 | 2 | 3 | 4;
export type RateReading = 'asWritten' | 'doubled';
export type Schedule = 'constant' | 'stepDecay';

export interface CaseSpec {
  id: CaseId;
  optimizer: 'gd' | 'sgd' | 'adam';
  /** The rate as printed in Table 1. */
  eta: number;
  /** Minibatch size (undefined: full batch). */
  batch?: number;
  /** Whether the rate's reading (η or 2η) changes the run (false for Adam). */
  readingMatters: boolean;
}

/** Table 1 of W. */
export const TABLE1_CASES: Record<CaseId, CaseSpec> = {
  1: { id: 1, optimizer: 'gd', eta: 5, readingMatters: true },
  2: { id: 2, optimizer: 'sgd', eta: 0.1, batch: 32, readingMatters: true },
  3: { id: 3, optimizer: 'sgd', eta: 22, batch: 32, readingMatters: true },
  4: { id: 4, optimizer: 'adam', eta: 0.092, batch: 32, readingMatters: false },
};

/** The step decay of the schedule variant: ×0.1 every 100 epochs. */
export const STEP_DECAY = { factor: 0.1, everyEpochs: 100 } as const;

/** The rate actually used under our loss convention. */
export function caseRate(c: CaseSpec, reading: RateReading): number {
  return reading === 'doubled' && c.readingMatters ? 2 * c.eta : c.eta;
}

/** A short key for a variant, used in observable names: 'c3_2x_decay', 'c4_const'. */
export function variantKey(caseId: CaseId, reading: RateReading, schedule: Schedule): string {
  const c = TABLE1_CASES[caseId];
  const r = c.readingMatters ? (reading === 'doubled' ? '_2x' : '_1x') : '';
  return `c${caseId}${r}_${schedule === 'constant' ? 'const' : 'decay'}`;
}

/** Readable name of a variant: 'Case 3 SGD η=44 (2η), step decay'. */
export function variantLabel(caseId: CaseId, reading: RateReading, schedule: Schedule): string {
  const c = TABLE1_CASES[caseId];
  const rate = caseRate(c, reading);
  const opt = c.optimizer.toUpperCase();
  const rd = c.readingMatters ? (reading === 'doubled' ? ' (2η)' : ' (η)') : '';
  return `Case ${caseId} ${opt} η=${rate}${rd}, ${schedule === 'constant' ? 'constant' : 'step decay'}`;
}

/**
 * The (case, reading) pairs by the rate they run at under our loss convention: the seven
 * rates 5, 10 (GD), 0.1, 0.2, 22, 44 (SGD) and 0.092 (Adam) are distinct, so a rate names
 * its case and reading. Lets a claim sweep over the rate, one job per (case, reading).
 */
export function caseAtRate(eta: number): { caseId: CaseId; reading: RateReading } {
  const hits: { caseId: CaseId; reading: RateReading }[] = [];
  for (const caseId of [1, 2, 3, 4] as CaseId[]) {
    const c = TABLE1_CASES[caseId];
    for (const reading of (c.readingMatters ? ['asWritten', 'doubled'] : ['asWritten']) as RateReading[]) {
      if (Math.abs(caseRate(c, reading) - eta) <= 1e-12 * Math.abs(eta)) hits.push({ caseId, reading });
    }
  }
  if (hits.length !== 1) {
    throw new RangeError(`caseAtRate: η = ${eta} is ${hits.length ? 'ambiguous' : 'not a rate of Table 1 (5, 10, 0.1, 0.2, 22, 44, 0.092)'}`);
  }
  return hits[0]!;
}

/** The seven rates of caseAtRate, ascending. */
export const TABLE1_RATES: readonly number[] = [0.092, 0.1, 0.2, 5, 10, 22, 44];

/** Epochs → optimizer steps for a case at sample size n. */
export function stepsPerEpoch(caseId: CaseId, n: number): number {
  const b = TABLE1_CASES[caseId].batch;
  return b === undefined ? 1 : Math.ceil(n / Math.min(b, n));
}
