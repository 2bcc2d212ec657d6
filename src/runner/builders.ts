/**
 * Declaration helpers for claim files: pieces of a `defineClaim` definition (observables,
 * plots, predictions) and of a job's output (`notMeasured`) that several claims write the
 * same way. Exported to claim files through 'ntk-verify'. They declare; they compute nothing
 * a result depends on (the engine and src/experiments do).
 */
import type { PlotDeclaration } from './define';

// ----------------------------------------------------------------------------- job output

/**
 * The same reason for several observables a job could not measure (typically because
 * training diverged; train()'s `divergence.reason`): `notMeasured: notMeasuredAll(['a', 'b'],
 * reason)`. The job still returns what it did measure; docs/ADDING-A-CLAIM.md, "Not measured".
 */
export function notMeasuredAll(names: readonly string[], reason: string): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, reason]));
}

// ----------------------------------------------------------------------------- the early-phase claims (H6–H9)
// The names match the values of src/experiments/protocols/early-phase.ts (earlyPhaseJob and
// windowChecks): discTrain_<key>, discTest_<key>, linProgress_<key>, outsideShare_<key>, window_<key>.

/** The `holds` prediction on windowChecks (a guard of this suite, not the paper's): f^<lin> learns inside [0, T]. */
export function windowPrediction(key: string, lin: string, minProgress = 0.5) {
  return {
    kind: 'holds' as const, check: `window_${key}`, source: 'setting check',
    label: `the linear model learns inside [0, T] (${key}): 1 − L^${lin}(T)/L(0) ≥ ${minProgress} in every trial`,
  };
}

/**
 * The observables H6–H8 share, per activation or variant key, for the linear model f^<lin>
 * on the features <psi> (e.g. 'lin1', 'ψ1'): the sup discrepancies on training and fresh
 * points, the window guard and the share of the gap outside span ψ.
 */
export function earlyPhaseObservables(
  keys: readonly string[], lin: string, psi: string,
): Record<string, { label: string; fit?: boolean }> {
  const observables: Record<string, { label: string; fit?: boolean }> = {};
  for (const k of keys) {
    observables[`discTrain_${k}`] = { label: `sup_{t≤T} (1/n)‖f_t(X) − f^${lin}_t(X)‖² (${k})` };
    observables[`discTest_${k}`] = { label: `sup_{t≤T} E min((f_t − f^${lin}_t)², 1) on fresh x (${k})` };
    observables[`linProgress_${k}`] = { label: `1 − L^${lin}(T)/L(0): learning inside the window (${k})`, fit: false };
    observables[`outsideShare_${k}`] = { label: `share of ‖f_T − f^${lin}_T‖² outside the span of ${psi} (${k})`, fit: false };
  }
  return observables;
}

/**
 * The declared plots of the early-phase claims (H6–H9), per activation or variant key: the
 * network's training and test losses against the linear model's (dashed), and the
 * discrepancy on training and fresh points at every d; x = t/T, so T sits at 1.
 */
export function earlyPhasePlots(keys: readonly string[], model: string): PlotDeclaration[] {
  return keys.flatMap((k) => [
    {
      id: `losses-${k}`, title: `${k}: training and test loss, network (solid) and ${model} (dashed)`,
      series: [`${k}: train loss, *`, `${k}: test loss, *`], dashed: ['*linear model*'], paired: true,
      x: 't/T', y: 'loss (1/(2n))‖y − f‖²', rules: [{ x: 1, label: 't = T' }],
    },
    {
      id: `discrepancy-${k}`, title: `${k}: discrepancy to ${model} on training and fresh points, every d`,
      series: [`${k}: train discrepancy *`, `${k}: test discrepancy *`], at: 'all' as const, logY: true,
      x: 't/T', y: 'discrepancy', rules: [{ x: 1, label: 't = T' }],
    },
  ]);
}
