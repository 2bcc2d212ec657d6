/**
 * H1 — Hu et al., Claim 3.1: for x_1..x_n i.i.d. N(0, Σ) with Tr Σ = d (and ‖Σ‖ = O(1)),
 * with high probability
 *   max_i |‖x_i‖²/d − 1| = O(√(log n / d)),   max_{i≠j} |x_iᵀx_j|/d = O(√(log n / d)),
 *   ‖XXᵀ‖ = Θ(n) for n ≳ d   (H's X is n×d: its XXᵀ is our XᵀX, same norm as our X Xᵀ).
 *
 * Tested as "the ratio to the claimed order stays bounded as d grows" (`bounded`: the
 * log-log slope of the ratio against d is within ±0.15 of 0), for Σ = I and for a
 * non-isotropic diagonal Σ. Sweep variable: d, with n = round(d^{1.25}) (the brief's
 * choice; the claim needs n ≥ d and n = poly(d) so that log n ≍ log d).
 * No training and no loss here.
 */
import { defineClaim } from 'ntk-verify';
import { dataConcentration } from 'ntk-verify/experiments';
import { hProblem } from 'ntk-verify/experiments';

export default defineClaim({
  id: 'H1',
  paper: 'H',
  source: 'Claim 3.1',
  title: 'Gaussian data concentrate: norms and inner products at √(log n/d), ‖XXᵀ‖ = Θ(n)',
  statement:
    'For x_i ~ N(0, Σ), Tr Σ = d: max_i |‖x_i‖²/d − 1| and max_{i≠j} |x_iᵀx_j|/d are O(√(log n/d)), and ‖XXᵀ‖ = Θ(n) for n ≥ d.',
  expectation:
    'Each ‖x_i‖²/d − 1 and x_iᵀx_j/d is sub-exponential with scale √(2Tr(Σ²))/d ≍ d^{-1/2}; a maximum over poly(n) of them ' +
    'is ≈ √(2 log(#) · 2/d), so the ratio to √(log n/d) tends to a constant (≈ 2): slope 0; ‖XXᵀ‖/n → ‖Σ‖(1 + √(d/n))²: slope 0.',
  setting: {
    nExponent: 1.25, // n = round(d^{1.25}) (brief); Claim 3.1 only asks n ≥ d, n = poly(d)
    diagonalCondition: 4, // non-isotropic Σ: diagonal, variances geometric from 4× to 1× the smallest, Tr Σ = d (hProblem 'diagonal')
  },
  sweep: {
    variable: 'd',
    values: { smoke: [16, 32, 64, 128, 256], standard: [32, 64, 128, 256, 512, 1024], paper: [64, 128, 256, 512, 1024, 2048] },
    // Paper stops at d = 2048 (n = 13 777): d = 4096 means n = 32 768 and 8 GiB per n×n Gram, beyond the 24 GiB
    // machine with the two covariances held at once (`plan` estimated a 24 GiB peak).
    // Extreme values of n samples are noisy (one sample sets the maximum): many trials, cheap.
    trials: { smoke: 10, standard: 8, paper: 20 },
  },
  observables: {
    normRatio: { label: 'Σ = I: max_i |‖x_i‖²/d − 1| / √(log n/d)' },
    innerRatio: { label: 'Σ = I: max_{i≠j} |x_iᵀx_j|/d / √(log n/d)' },
    gramRatio: { label: 'Σ = I: ‖XXᵀ‖ / n' },
    normRatioDiag: { label: 'diagonal Σ: max_i |‖x_i‖²/d − 1| / √(log n/d)' },
    innerRatioDiag: { label: 'diagonal Σ: max_{i≠j} |x_iᵀx_j|/d / √(log n/d)' },
    gramRatioDiag: { label: 'diagonal Σ: ‖XXᵀ‖ / n' },
    normDev: { label: 'Σ = I: max_i |‖x_i‖²/d − 1| (raw)' },
    innerMax: { label: 'Σ = I: max_{i≠j} |x_iᵀx_j|/d (raw)' },
  },
  predictions: [
    { kind: 'bounded', observable: 'normRatio', source: 'Claim 3.1 (norms), Σ = I', label: 'Σ = I: max |‖x_i‖²/d − 1| = O(√(log n/d)): ratio bounded in d' },
    { kind: 'bounded', observable: 'innerRatio', source: 'Claim 3.1 (inner products), Σ = I', label: 'Σ = I: max |x_iᵀx_j|/d = O(√(log n/d)): ratio bounded in d' },
    { kind: 'bounded', observable: 'gramRatio', source: 'Claim 3.1 (‖XXᵀ‖ = Θ(n)), Σ = I', label: 'Σ = I: ‖XXᵀ‖ = Θ(n): ‖XXᵀ‖/n bounded in d' },
    { kind: 'bounded', observable: 'normRatioDiag', source: 'Claim 3.1 (norms), diagonal Σ', label: 'diagonal Σ: max |‖x_i‖²/d − 1| = O(√(log n/d)): ratio bounded in d' },
    { kind: 'bounded', observable: 'innerRatioDiag', source: 'Claim 3.1 (inner products), diagonal Σ', label: 'diagonal Σ: max |x_iᵀx_j|/d = O(√(log n/d)): ratio bounded in d' },
    { kind: 'bounded', observable: 'gramRatioDiag', source: 'Claim 3.1 (‖XXᵀ‖ = Θ(n)), diagonal Σ', label: 'diagonal Σ: ‖XXᵀ‖ = Θ(n): ‖XXᵀ‖/n bounded in d' },
  ],
  // n = d^{1.25}: the n×n Gram XᵀX and its norm, twice (identity and diagonal Σ).
  resources: (d, s) => {
    const n = Math.round(d ** (s.nExponent));
    return { work: n * n * d, bytes: 8 * 3 * n * n };
  },
  run: ({ x: d, setting: s, rng }) => {
    const n = Math.round(d ** (s.nExponent));
    // m = 2: the network of hProblem is not used here, only its inputs.
    const iso = dataConcentration(hProblem(rng.split('identity'), { d, n, m: 2 }, 'erf').X);
    const dia = dataConcentration(
      hProblem(rng.split('diagonal'), { d, n, m: 2 }, 'erf', { covariance: 'diagonal', condition: s.diagonalCondition }).X,
    );
    return {
      values: {
        normRatio: iso.maxNormDeviation / iso.scale,
        innerRatio: iso.maxInnerProduct / iso.scale,
        gramRatio: iso.gramOpNorm / n,
        normRatioDiag: dia.maxNormDeviation / dia.scale,
        innerRatioDiag: dia.maxInnerProduct / dia.scale,
        gramRatioDiag: dia.gramOpNorm / n,
        normDev: iso.maxNormDeviation,
        innerMax: iso.maxInnerProduct,
      },
      meta: { n, d },
    };
  },
});
