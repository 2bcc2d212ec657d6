/**
 * W14 — Wang et al., Appendix A.2: the eigenvalue distribution of (1/h)W₀ᵀW₀ (d×d, W₀ h×d
 * with i.i.d. N(0,1) entries) follows the Marchenko–Pastur law of ratio γ = d/h, with
 * support [(1 − √γ)², (1 + √γ)²]; here γ = 0.6/1.2 = 1/2.
 *
 * Initialisation only: no loss or rate enters (W's loss is L = (1/(2n))‖y − f(X)‖²).
 *
 * What this suite predicts beyond "→ 0", and why:
 *  - Kolmogorov distance. For Gaussian (Laguerre) ensembles the expected spectral
 *    distribution is within O(1/d) of MP (Götze–Tikhomirov), and eigenvalue rigidity puts
 *    every eigenvalue within O(log d/d) of its classical location in the bulk (and the
 *    edge's square-root profile turns the n^{-2/3} edge fluctuation into a CDF error of
 *    (d^{-2/3})^{3/2} = d^{-1}). So KS = Θ(log d / d): d·KS/ln d stays bounded. A plain
 *    slope of −1 would be off by the log (local slope −1 + 1/ln d ≈ −0.85 at these d).
 *  - Edges. λ_max and λ_min fluctuate on the Tracy–Widom scale d^{-2/3} around the edges
 *    (Johnstone 2001 for λ_max; the soft lower edge for γ < 1 likewise), so the relative
 *    edge errors decay like n^{-2/3}.
 */
import { defineClaim } from 'ntk-verify';
import { compareWithMp } from 'ntk-verify/experiments';
import { wDims } from 'ntk-verify/experiments';
import { activation } from 'ntk-verify';
import { gaussianInit } from 'ntk-verify';
import { weightGramSpectrum } from 'ntk-verify';

const setting = {
  dOverN: 0.6,
  hOverN: 1.2,
  // The student activation does not enter (1/h)W₀ᵀW₀; kept so the network is that of W1–W4.
  student: 'normalized_relu',
  init: 'W₀, v₀ i.i.d. N(0, 1)',
};

export default defineClaim({
  id: 'W14',
  paper: 'W',
  source: 'Appendix A.2 (Marchenko–Pastur law)',
  title: 'The initial weight spectrum follows Marchenko–Pastur',
  statement:
    'The eigenvalue distribution of (1/h)W₀ᵀW₀ converges to Marchenko–Pastur with ratio γ = d/h: the Kolmogorov distance ' +
    'tends to 0 as n grows and the extreme eigenvalues tend to (1 ± √γ)².',
  expectation:
    'Eigenvalue rigidity of the Wishart ensemble: KS = Θ(log d/d) (slope −1 up to the log; d·KS/ln d bounded); ' +
    'extreme eigenvalues sit a Tracy–Widom distance d^{-2/3} from the edges: relative edge errors slope −2/3.',
  setting,
  sweep: {
    variable: 'n',
    // Each job is one d×d eigendecomposition (d = 0.6n): cheap, so many trials for the
    // noisy Tracy–Widom edge errors.
    values: { smoke: [200, 400, 800, 1600], standard: [250, 500, 1000, 2000, 4000], paper: [500, 1000, 2000, 4000, 8000] },
    trials: { smoke: 12, standard: 12, paper: 25 },
  },
  observables: {
    ks: { label: 'sup_x |F_{(1/h)W₀ᵀW₀}(x) − F_MP(x)|' },
    ksScaled: { label: 'd·KS/ln d' },
    w1: { label: 'W₁(ESD of (1/h)W₀ᵀW₀, MP)' },
    upperEdgeDev: { label: '|λ_max/(1 + √γ)² − 1|' },
    lowerEdgeDev: { label: '|λ_min/(1 − √γ)² − 1|' },
    lambdaMax: { label: 'λ_max((1/h)W₀ᵀW₀)', fit: false },
    lambdaMin: { label: 'λ_min((1/h)W₀ᵀW₀)', fit: false },
  },
  predictions: [
    {
      kind: 'slope≤', observable: 'ks', exponent: 0, tol: 0, source: 'Appendix A.2: ESD → MP',
      label: 'Kolmogorov distance to MP decays: slope ≤ 0',
    },
    {
      kind: 'bounded', observable: 'ksScaled', source: 'rigidity of Wishart eigenvalues (not in W): KS = Θ(log d/d)',
      label: 'd·KS/ln d bounded in n (KS = Θ(log d/d))',
    },
    {
      kind: 'slope≤', observable: 'upperEdgeDev', exponent: 0, tol: 0, source: 'Appendix A.2: λ_max → (1 + √γ)²',
      label: 'relative error of λ_max against (1 + √γ)² decays: slope ≤ 0',
    },
    {
      kind: 'slope≤', observable: 'lowerEdgeDev', exponent: 0, tol: 0, source: 'Appendix A.2: λ_min → (1 − √γ)²',
      label: 'relative error of λ_min against (1 − √γ)² decays: slope ≤ 0',
    },
  ],
  run: ({ x: n, setting: s, rng, keepDetail }) => {
    const dims = wDims(n, s as { dOverN: number; hOverN: number });
    // Drawn as wProblem draws it (stream 'init' → 'W'), without the data it would also make.
    const net = gaussianInit(rng.split('init'), dims.h, dims.d, activation(s.student));
    const eigs = weightGramSpectrum(net.W);
    const gamma = dims.d / dims.h;
    const c = compareWithMp(eigs, gamma);
    return {
      values: {
        ks: c.kolmogorov,
        ksScaled: (dims.d * c.kolmogorov) / Math.log(dims.d),
        w1: c.wasserstein1,
        upperEdgeDev: Math.abs(c.upperRelErr),
        lowerEdgeDev: Math.abs(c.lowerRelErr),
        lambdaMax: c.lambdaMax,
        lambdaMin: c.lambdaMin,
      },
      ...(keepDetail ? { spectra: { 'W0gram@initial': Array.from(eigs) } } : {}),
      meta: { d: dims.d, h: dims.h, 'mpRatio:W0gram': gamma, upperEdge: c.upperEdge, lowerEdge: c.lowerEdge },
    };
  },
});
