/**
 * Theorem 5.2 of Wang et al. (global convergence of first-layer GD, claim W6): its
 * inequalities (12)–(14) evaluated at every step of a tracked run (protocols/convergence.ts,
 * `track: true`), and the cases a job reports for a `holds` prediction.
 *
 * ℓ_t = ‖y − f_t(X)‖ (no square), α = √λ_min(K1₀)/2, η the rate, n the sample size.
 */
import type { CheckCase } from '../../runner/define';
import type { Track } from '../protocols/convergence';

export type Inequality = '(12)' | '(13)' | '(14)';
export const INEQUALITIES: readonly Inequality[] = ['(12)', '(13)', '(14)'];

export interface InequalityScan {
  /** Steps at which the inequality was evaluated. */
  checked: number;
  failures: number;
  /** First failing step, with both sides. */
  first?: CheckCase;
  /** Step with the smallest relative margin (rhs − lhs)/rhs, with both sides. */
  tightest: CheckCase;
  /** That smallest relative margin (negative when the inequality fails somewhere). */
  margin: number;
  /**
   * How much room the inequality leaves, as a factor ≥ 1 exactly when it holds at every
   * step: (12) min_t ln(ℓ_0/ℓ_t)/ln(ℓ_0/rhs_t), the decay achieved over the decay
   * guaranteed; (13) min_t (ℓ_0 − ℓ_t)/((α/4)‖W_t − W_0‖_F); (14) (4ℓ_0/α)/Σ_t‖W_{t+1} − W_t‖_F.
   * (The relative margin of step 1 is O(η/n) for any rate, so it says little.)
   */
  slack: number;
}

/** The right side of (12) at step t: (1 − ηα²/(2n))^t ℓ_0, by log1p for accuracy. */
export function bound12(t: number, eta: number, alpha: number, n: number, ell0: number): number {
  const c = (eta * alpha * alpha) / (2 * n);
  return c >= 1 ? (t === 0 ? ell0 : 0) : ell0 * Math.exp(t * Math.log1p(-c));
}

/**
 * Evaluates (12) ℓ_t ≤ (1 − ηα²/(2n))^t ℓ_0, (13) (α/4)‖W_0 − W_t‖_F + ℓ_t ≤ ℓ_0 and
 * (14) Σ_{τ<t} ‖W_{τ+1} − W_τ‖_F ≤ 4ℓ_0/α at every step t = 1..T of a tracked run.
 * (14) is the theorem's sum over all steps; the run stops at ℓ_T ≤ 10⁻³ℓ_0, and applying
 * the theorem again from W_T bounds the untaken rest by 4ℓ_T/α = 10⁻³ of the right side,
 * so a margin below 10⁻³ would not decide (14) — the reported margin shows whether it does.
 */
export function scanTheorem52(track: Track, p: { eta: number; alpha: number; n: number }): Record<Inequality, InequalityScan> {
  const { ell, dist, path } = track;
  const T = ell.length - 1;
  const ell0 = ell[0]!;
  const out = {} as Record<Inequality, InequalityScan>;
  for (const check of INEQUALITIES) {
    let failures = 0;
    let first: CheckCase | undefined;
    let tightest: CheckCase | undefined;
    let margin = Infinity;
    let slack = Infinity;
    for (let t = 1; t <= T; t++) {
      let lhs: number, rhs: number;
      if (check === '(12)') {
        lhs = ell[t]!;
        rhs = bound12(t, p.eta, p.alpha, p.n, ell0);
      } else if (check === '(13)') {
        lhs = (p.alpha / 4) * dist[t]! + ell[t]!;
        rhs = ell0;
      } else {
        lhs = path[t]!;
        rhs = (4 * ell0) / p.alpha;
      }
      const ok = lhs <= rhs;
      const f = check === '(12)' ? Math.log(ell0 / lhs) / Math.log(ell0 / rhs)
        : check === '(13)' ? (ell0 - ell[t]!) / (lhs - ell[t]!)
        : rhs / lhs;
      if (f < slack || Number.isNaN(f)) slack = f;
      const m = rhs > 0 ? (rhs - lhs) / rhs : ok ? 0 : -Infinity;
      if (!ok) {
        failures++;
        if (!first) first = { check, step: t, lhs, rhs };
      }
      if (!tightest || m < margin || Number.isNaN(m)) {
        margin = m;
        tightest = { check, step: t, lhs, rhs };
      }
    }
    if (!tightest) tightest = { check, step: 0, lhs: ell0, rhs: ell0 };
    out[check] = { checked: T, failures, ...(first ? { first } : {}), tightest, margin: T === 0 ? 0 : margin, slack: T === 0 ? Number.NaN : slack };
  }
  return out;
}

/**
 * The cases a job reports for a `holds` prediction: for every inequality the first
 * failing step (if any) and the tightest step. The verdict is the same as reporting all
 * T steps (it fails exactly when some step fails, and the first counterexample is kept),
 * at a fraction of the size of results.json.
 */
export function reportedCases(scan: Record<Inequality, InequalityScan>): CheckCase[] {
  const cases: CheckCase[] = [];
  for (const k of INEQUALITIES) {
    const s = scan[k];
    if (s.first) cases.push(s.first);
    if (!s.first || s.first.step !== s.tightest.step) cases.push(s.tightest);
  }
  return cases;
}
