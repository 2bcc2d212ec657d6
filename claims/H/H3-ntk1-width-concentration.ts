/**
 * H3 — Hu et al., Prop. D.3: at fixed data (n, d), the first-layer NTK of a width-m
 * network at initialisation concentrates around its infinite-width limit,
 *   ‖Θ1(W) − Θ1*‖_op = O(m^{-1/2})   (matrix Bernstein over the m neurons),
 * Θ1 = [(1/m) φ'(XWᵀ/√d) φ'(XWᵀ/√d)ᵀ] ⊙ (XXᵀ/d) (H's n×d convention),
 * Θ1*(i,j) = E_w[φ'(x_iᵀw/√d) φ'(x_jᵀw/√d)] · x_iᵀx_j/d.
 *
 * φ = erf with the closed form E[φ'(u)φ'(u')] = (4/π)/√((1+2a)(1+2a') − 4c²)
 * (src/kernels/expected.ts). Symmetric initialisation (the H setting): rows come in equal
 * pairs, so Θ1 is the average of m/2 independent neurons — the rate in m is unchanged.
 * Sweep variable: m, at fixed n and d. No training and no loss here.
 */
import { defineClaim } from 'ntk-verify';
import { firstLayerVsExpected } from 'ntk-verify/experiments';
import { hProblem } from 'ntk-verify/experiments';

export default defineClaim({
  id: 'H3',
  paper: 'H',
  source: 'Prop. D.3',
  title: 'The first-layer NTK concentrates around Θ1* at rate m^{-1/2}',
  statement: 'At fixed n and d, ‖Θ1(W₀) − Θ1*‖_op ∝ m^{-1/2} as the width m grows (erf, Gaussian first layer).',
  expectation:
    'Θ1 − Θ1* is an average of m/2 i.i.d. centred n×n matrices (symmetric init pairs the rows), so by matrix Bernstein / the CLT its ' +
    'operator norm scales as m^{-1/2}: slope −1/2 in m.',
  setting: { activation: 'erf', init: 'symmetric', covariance: 'identity', n: 300, d: 30 },
  // n/d = 10 at every tier (the regime n ≫ d of the paper); sizes chosen for time, the paper gives none for D.3.
  tierSetting: { smoke: { n: 300, d: 30 }, standard: { n: 1000, d: 100 }, paper: { n: 4000, d: 400 } },
  sweep: {
    variable: 'm',
    values: {
      smoke: [128, 256, 512, 1024, 2048],
      standard: [256, 512, 1024, 2048, 4096, 8192, 16384],
      paper: [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536],
    },
    trials: { smoke: 4, standard: 5, paper: 10 },
  },
  observables: {
    gap: { label: '‖Θ1(W₀) − Θ1*‖_op' },
    relGap: { label: '‖Θ1(W₀) − Θ1*‖_op / ‖Θ1*‖_op' },
    starNorm: { label: '‖Θ1*‖_op (fixed data: should not move with m)', fit: false },
  },
  predictions: [
    { kind: 'slope≤', observable: 'gap', exponent: -0.5, source: 'Prop. D.3 (matrix Bernstein bound)', label: '‖Θ1 − Θ1*‖_op = O(m^{-1/2}): slope ≤ −1/2' },
    { kind: 'slope≈', observable: 'gap', exponent: -0.5, source: 'CLAIMS.md H3 (∝ m^{-1/2})', label: '‖Θ1 − Θ1*‖_op ∝ m^{-1/2}: slope ≈ −1/2' },
  ],
  // n and d are fixed per tier: the m×n derivatives, then the n×n kernel (gemm n²·m).
  resources: (m, s) => {
    const n = s.n, d = s.d;
    return { work: n * m * (d + n), bytes: 8 * (2 * m * n + 3 * n * n) };
  },
  run: ({ x: m, setting: s, rng }) => {
    const p = hProblem(rng, { d: s.d, n: s.n, m }, s.activation);
    const r = firstLayerVsExpected(p.net, p.X);
    return { values: { gap: r.gap, relGap: r.gap / r.expectedNorm, starNorm: r.expectedNorm } };
  },
});
