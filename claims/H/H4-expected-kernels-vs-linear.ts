/**
 * H4 — Hu et al., Props. D.4 and D.9: the infinite-width kernels are, to leading order,
 * the linear-model kernels,
 *   ‖Θ1* − Θlin1‖_op = o(‖Θlin1‖),   ‖Θ2* − Θlin2‖_op = o(‖Θlin2‖),
 * Θlin1 = (ζ²XXᵀ + ν²11ᵀ)/d,  Θlin2 = (ζ²XXᵀ + ½ν²11ᵀ)/d + qqᵀ  (H's n×d convention),
 * when n grows faster than d (here n = round(d^{1.5})). Checked for erf (closed forms),
 * ReLU (arc-cosine closed forms) and softplus (Hermite-series method); Σ = I.
 *
 * "Of smaller order" is tested as: the ratio falls as d grows (`slope≤ 0`, tol 0: the
 * CI of the log-log slope against d lies below 0). For ReLU and softplus ‖Θlin2‖ = Θ(n)
 * (the qqᵀ ≈ ϑ0²11ᵀ term) makes that ratio small for a trivial reason, so the gap is also
 * compared with n/d, the order of the linear (ζ²XXᵀ/d) part that the proposition is about.
 * Sweep variable: d. No training and no loss here.
 */
import { defineClaim } from 'ntk-verify';
import { activation } from 'ntk-verify';
import { gaussianInputs } from 'ntk-verify';
import { expectedVsLinear } from 'ntk-verify/experiments';

const ACTS = ['erf', 'relu', 'softplus'] as const;

const falls = (observable: string, source: string, label: string) =>
  ({ kind: 'slope≤' as const, observable, exponent: 0, tol: 0, source, label });

export default defineClaim({
  id: 'H4',
  paper: 'H',
  source: 'Props. D.4, D.9',
  title: 'The expected kernels Θ1*, Θ2* are the linear-model kernels to leading order',
  statement:
    'With n growing faster than d, ‖Θ1* − Θlin1‖_op / ‖Θlin1‖ and ‖Θ2* − Θlin2‖_op / ‖Θlin2‖ fall as d grows (erf, ReLU, softplus).',
  expectation:
    'Θ* − Θlin is an O(1) diagonal mismatch (E φ′(g)² − ζ², E φ(g)² − ζ² − …) plus higher Hermite terms (xᵢᵀxⱼ/d)^k, k ≥ 2 (k ≥ 3 for Θ1*), ' +
    'of operator norm O(1) + O(n/d^{3/2}), against ‖Θlin‖ ≍ n/d: the ratio falls like max(d/n, d^{-1/2}) = d^{-1/2} at n = d^{1.5} (slope < 0).',
  setting: { nExponent: 1.5, covariance: 'identity', activations: ACTS.join(', ') },
  sweep: {
    variable: 'd',
    values: {
      smoke: [8, 16, 32, 64],
      standard: [16, 23, 32, 45, 64, 91, 128, 181],
      paper: [32, 64, 128, 256, 512],
    },
    trials: { smoke: 4, standard: 4, paper: 8 },
  },
  observables: {
    erfFirst: { label: 'erf: ‖Θ1* − Θlin1‖ / ‖Θlin1‖' },
    erfSecond: { label: 'erf: ‖Θ2* − Θlin2‖ / ‖Θlin2‖' },
    reluFirst: { label: 'ReLU: ‖Θ1* − Θlin1‖ / ‖Θlin1‖' },
    reluSecond: { label: 'ReLU: ‖Θ2* − Θlin2‖ / ‖Θlin2‖' },
    softplusFirst: { label: 'softplus: ‖Θ1* − Θlin1‖ / ‖Θlin1‖' },
    softplusSecond: { label: 'softplus: ‖Θ2* − Θlin2‖ / ‖Θlin2‖' },
    reluSecondPerNd: { label: 'ReLU: ‖Θ2* − Θlin2‖ / (n/d)' },
    softplusSecondPerNd: { label: 'softplus: ‖Θ2* − Θlin2‖ / (n/d)' },
    erfFirstGap: { label: 'erf: ‖Θ1* − Θlin1‖ (raw)' },
    reluSecondGap: { label: 'ReLU: ‖Θ2* − Θlin2‖ (raw)' },
  },
  predictions: [
    falls('erfFirst', 'Prop. D.4', 'erf: ‖Θ1* − Θlin1‖/‖Θlin1‖ falls with d: slope < 0'),
    falls('erfSecond', 'Prop. D.9', 'erf: ‖Θ2* − Θlin2‖/‖Θlin2‖ falls with d: slope < 0'),
    falls('reluFirst', 'Prop. D.4', 'ReLU: ‖Θ1* − Θlin1‖/‖Θlin1‖ falls with d: slope < 0'),
    falls('reluSecond', 'Prop. D.9', 'ReLU: ‖Θ2* − Θlin2‖/‖Θlin2‖ falls with d: slope < 0'),
    falls('softplusFirst', 'Prop. D.4', 'softplus: ‖Θ1* − Θlin1‖/‖Θlin1‖ falls with d: slope < 0'),
    falls('softplusSecond', 'Prop. D.9', 'softplus: ‖Θ2* − Θlin2‖/‖Θlin2‖ falls with d: slope < 0'),
    falls('reluSecondPerNd', 'Prop. D.9 (against the n/d scale of the linear part)', 'ReLU: ‖Θ2* − Θlin2‖ = o(n/d): slope < 0'),
    falls('softplusSecondPerNd', 'Prop. D.9 (against the n/d scale of the linear part)', 'softplus: ‖Θ2* − Θlin2‖ = o(n/d): slope < 0'),
  ],
  // n = d^{1.5}: n×n expected kernels entry by entry and their operator norms.
  resources: (d, s) => {
    const n = Math.round(d ** (s.nExponent));
    return { work: n * n * d, bytes: 8 * 4 * n * n };
  },
  run: ({ x: d, setting: s, rng }) => {
    const n = Math.round(d ** (s.nExponent));
    const X = gaussianInputs(rng.split('X'), d, n);
    const values: Record<string, number> = {};
    const meta: Record<string, number> = { n, d };
    for (const a of ACTS) {
      const r = expectedVsLinear(X, activation(a));
      values[`${a}First`] = r.first.relative;
      values[`${a}Second`] = r.second.relative;
      if (a !== 'erf') values[`${a}SecondPerNd`] = r.second.gap / (n / d);
      if (a === 'erf') values.erfFirstGap = r.first.gap;
      if (a === 'relu') values.reluSecondGap = r.second.gap;
      meta[`${a}LinNorm1`] = r.first.linNorm;
      meta[`${a}LinNorm2`] = r.second.linNorm;
    }
    return { values, meta };
  },
});
