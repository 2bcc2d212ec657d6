/**
 * H5 — Hu et al., Prop. D.8: at initialisation the second-layer NTK of the finite-width
 * network, Θ2(W) = (1/m) φ(XWᵀ/√d) φ(XWᵀ/√d)ᵀ (H's n×d convention; = the empirical
 * conjugate kernel), is close to the linear-model kernel Θlin2 = (ζ²XXᵀ + ½ν²11ᵀ)/d + qqᵀ:
 *   ‖Θ2(W) − Θlin2‖_op / ‖Θlin2‖ falls as d grows,
 * both for E φ(g) = 0 (erf, tanh: Θlin2 = ζ²XXᵀ/d, ‖Θ2‖ = O(n/d)) and E φ(g) ≠ 0 (ReLU,
 * softplus: qqᵀ ≈ ϑ0²11ᵀ gives Θ2 an eigenvalue of order n).
 *
 * Setting: n = m = round(d^{1+α}) with α = 0.5 (m rounded up to even), Σ = I, symmetric
 * initialisation (pairs of equal rows: m/2 independent neurons). Sweep variable: d.
 * No training and no loss here.
 */
import { defineClaim } from 'ntk-verify';
import { secondLayerVsLinear } from 'ntk-verify/experiments';
import { hPowerSizes, hProblem } from 'ntk-verify/experiments';

const ACTS = ['erf', 'tanh', 'relu', 'softplus'] as const;
const ALPHA = 0.5;

export default defineClaim({
  id: 'H5',
  paper: 'H',
  source: 'Prop. D.8',
  title: 'The second-layer NTK at initialisation is close to Θlin2',
  statement:
    'With n = m = d^{1+α}: ‖Θ2(W₀) − Θlin2‖_op / ‖Θlin2‖ falls as d grows for erf, tanh (E φ(g) = 0) and ReLU, softplus (E φ(g) ≠ 0); ' +
    'λ_max(Θ2) = Θ(n) when E φ(g) ≠ 0 and O(n/d) when E φ(g) = 0.',
  expectation:
    'Relative gap: slope < 0 in d (finite width adds a Wishart fluctuation ‖(2/m)W½ᵀW½ − I‖ ≍ √(2d/m) = √2·d^{-α/2} to the linear part, ' +
    'so for erf/tanh the fall is slow, ≈ d^{-1/4}); λ_max(Θ2) ≈ ϑ0²n: slope 1 + α = 1.5 in d (= 1 in n) for ReLU/softplus, ≈ ζ²n/d: slope α = 0.5 for erf/tanh.',
  setting: { alpha: ALPHA, init: 'symmetric', covariance: 'identity', activations: ACTS.join(', ') },
  sweep: {
    variable: 'd',
    values: {
      smoke: [16, 23, 32, 45, 64],
      standard: [16, 23, 32, 45, 64, 91, 128, 181],
      paper: [32, 64, 128, 256, 512],
    },
    trials: { smoke: 4, standard: 4, paper: 8 },
  },
  observables: {
    erfRel: { label: 'erf: ‖Θ2 − Θlin2‖ / ‖Θlin2‖' },
    tanhRel: { label: 'tanh: ‖Θ2 − Θlin2‖ / ‖Θlin2‖' },
    reluRel: { label: 'ReLU: ‖Θ2 − Θlin2‖ / ‖Θlin2‖' },
    softplusRel: { label: 'softplus: ‖Θ2 − Θlin2‖ / ‖Θlin2‖' },
    erfTop: { label: 'erf: λ_max(Θ2)' },
    tanhTop: { label: 'tanh: λ_max(Θ2)' },
    reluTop: { label: 'ReLU: λ_max(Θ2)' },
    softplusTop: { label: 'softplus: λ_max(Θ2)' },
    erfGap: { label: 'erf: ‖Θ2 − Θlin2‖ (raw)' },
    reluGap: { label: 'ReLU: ‖Θ2 − Θlin2‖ (raw)' },
  },
  predictions: [
    {
      kind: 'slope≤', observable: 'erfRel', exponent: 0, tol: 0, source: 'Prop. D.8 (E φ = 0)', label: 'erf: ‖Θ2 − Θlin2‖/‖Θlin2‖ falls with d: slope < 0',
      expected: { smoke: 'INCONCLUSIVE' }, // the fall (≈ d^{-0.12}) is below the trial noise at d ≤ 64: see the note
    },
    {
      kind: 'slope≤', observable: 'tanhRel', exponent: 0, tol: 0, source: 'Prop. D.8 (E φ = 0)', label: 'tanh: ‖Θ2 − Θlin2‖/‖Θlin2‖ falls with d: slope < 0',
      expected: { smoke: 'INCONCLUSIVE' },
    },
    { kind: 'slope≤', observable: 'reluRel', exponent: 0, tol: 0, source: 'Prop. D.8 (E φ ≠ 0)', label: 'ReLU: ‖Θ2 − Θlin2‖/‖Θlin2‖ falls with d: slope < 0' },
    { kind: 'slope≤', observable: 'softplusRel', exponent: 0, tol: 0, source: 'Prop. D.8 (E φ ≠ 0)', label: 'softplus: ‖Θ2 − Θlin2‖/‖Θlin2‖ falls with d: slope < 0' },
    { kind: 'slope≈', observable: 'reluTop', exponent: 1 + ALPHA, source: 'Prop. D.8 / Thm 3.5 remark: eigenvalue Θ(n)', label: 'ReLU: λ_max(Θ2) = Θ(n): slope 1.5 in d (= 1 in n)' },
    { kind: 'slope≈', observable: 'softplusTop', exponent: 1 + ALPHA, source: 'Prop. D.8 / Thm 3.5 remark: eigenvalue Θ(n)', label: 'softplus: λ_max(Θ2) = Θ(n): slope 1.5 in d (= 1 in n)' },
    { kind: 'slope≤', observable: 'erfTop', exponent: ALPHA, source: 'Prop. D.8 with ‖Θlin2‖ = Θ(n/d) when E φ = 0', label: 'erf: λ_max(Θ2) = O(n/d): slope ≤ 0.5 in d' },
    { kind: 'slope≤', observable: 'tanhTop', exponent: ALPHA, source: 'Prop. D.8 with ‖Θlin2‖ = Θ(n/d) when E φ = 0', label: 'tanh: λ_max(Θ2) = O(n/d): slope ≤ 0.5 in d' },
  ],
  // n = m = d^{1+α}: the m×n features, Θ2 (gemm n²·m) and its norms.
  resources: (d, s) => {
    const { n, m } = hPowerSizes(d, s.alpha);
    return { work: n * m * (n + d), bytes: 8 * (2 * m * n + 3 * n * n) };
  },
  run: ({ x: d, setting: s, rng }) => {
    const sizes = hPowerSizes(d, s.alpha);
    const values: Record<string, number> = {};
    const meta: Record<string, number> = { n: sizes.n, m: sizes.m, d };
    for (const a of ACTS) {
      // Same data and first-layer draw for every activation (the rng split does not depend on φ).
      const p = hProblem(rng, sizes, a);
      const r = secondLayerVsLinear(p.net, p.X);
      values[`${a}Rel`] = r.relative;
      values[`${a}Top`] = r.topEigenvalue;
      if (a === 'erf' || a === 'relu') values[`${a}Gap`] = r.gap;
      meta[`${a}LinNorm`] = r.linNorm;
    }
    return { values, meta };
  },
});
