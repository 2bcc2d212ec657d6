/**
 * Observables a job could not measure, for claims that report them as *not measured* (with
 * the reason) instead of failing the job or inventing a finite stand-in. Training that may
 * diverge asks train() to return the divergence as a result:
 *
 *   const t = train(net, X, y, { ...cfg, onDivergence: 'return' });
 *   if (t.divergence) return {
 *     values: { loss0: t.initialLoss },                              // what was measured
 *     notMeasured: notMeasuredAll(['lossT', 'dW'], t.divergence.reason), // what was not
 *   };
 *
 * A diverged result keeps the history up to the blow-up (loss at every evaluated step, steps
 * and epochs taken), so a claim can still report what it measured before the divergence.
 */

/** The same reason for several observables: notMeasured: notMeasuredAll(['a', 'b'], reason). */
export function notMeasuredAll(names: readonly string[], reason: string): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, reason]));
}
