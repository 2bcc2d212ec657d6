import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gram, eigvalsh, topEigenpairs, zeros, type Mat } from '../../src/linalg';
import {
  bbpSpikeLocation,
  kolmogorovToMp,
  mpAtomMass,
  mpCdf,
  mpDensity,
  mpEdges,
  mpMoments,
  mpQuantile,
  outliersAbove,
  twMargin,
  wasserstein1ToMp,
} from '../../src/spectra';

/** N×p standard Gaussian matrix: seeded LCG uniforms on (0, 1) + Box–Muller. */
function gaussian(rows: number, cols: number, seed: number): Mat {
  const m = zeros(rows, cols);
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  for (let i = 0; i < m.data.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    m.data[i] = r * Math.cos(t);
    if (i + 1 < m.data.length) m.data[i + 1] = r * Math.sin(t);
  }
  return m;
}

/** 5-point Gauss–Legendre nodes and weights on [−1, 1]. */
const GL_X = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GL_W = [0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891];

/**
 * ∫_lo^hi f by composite 5-point Gauss–Legendre in t after the substitution
 * x = lo + (hi − lo)·(1 − cos πt)/2, t ∈ [0, 1], which turns the square-root edge behaviour of
 * the MP density into a smooth integrand (and the 1/√x singularity at a = 0 when γ = 1 into a
 * bounded one: f·dx/dt = 2cos²(πt/2) for γ = 1). Nodes are interior, so no endpoint limits are needed.
 */
function integrateDensity(f: (x: number) => number, lo: number, hi: number, panels = 400): number {
  const g = (t: number) => {
    const x = lo + ((hi - lo) * (1 - Math.cos(Math.PI * t))) / 2;
    return (f(x) * ((hi - lo) * Math.PI * Math.sin(Math.PI * t))) / 2;
  };
  const h = 1 / panels;
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const mid = (p + 0.5) * h;
    for (let q = 0; q < 5; q++) s += GL_W[q]! * g(mid + (GL_X[q]! * h) / 2);
  }
  return (s * h) / 2;
}

describe('Marchenko–Pastur law', () => {
  it('edges are s²(1 ± √γ)²', () => {
    expect(mpEdges(0.25)).toEqual({ lower: 0.25, upper: 2.25 });
    const e = mpEdges(4, 2);
    expect(e.lower).toBeCloseTo(2, 14);
    expect(e.upper).toBeCloseTo(18, 14);
  });

  it('density integrates to 1 for γ ≤ 1 and to the continuous mass 1/γ for γ > 1', () => {
    // Tolerance 1e-9: after the cosine substitution the integrand is smooth (it is
    // √((b−x)(x−a))·sin(πt)/x ∝ sin²(πt)/x), so 400 Gauss–Legendre panels are accurate to ≪ 1e-9.
    for (const [g, s2] of [[0.1, 1], [0.5, 1], [0.9, 2.5], [2, 1], [5, 0.3]] as const) {
      const { lower, upper } = mpEdges(g, s2);
      const mass = integrateDensity((x) => mpDensity(x, g, s2), lower, upper);
      expect(Math.abs(mass - Math.min(1, 1 / g))).toBeLessThan(1e-9);
      expect(mpAtomMass(g)).toBeCloseTo(Math.max(0, 1 - 1 / g), 15);
      // Mean s² and second moment s⁴(1 + γ) (the atom at 0 contributes nothing); same tolerance.
      const m1 = integrateDensity((x) => x * mpDensity(x, g, s2), lower, upper);
      const m2 = integrateDensity((x) => x * x * mpDensity(x, g, s2), lower, upper);
      const mom = mpMoments(g, s2);
      expect(Math.abs(m1 - mom.mean)).toBeLessThan(1e-9 * s2);
      expect(Math.abs(m2 - mom.secondMoment)).toBeLessThan(1e-9 * s2 * s2 * (1 + g));
    }
    // γ = 1: the density has a 1/√x singularity at a = 0; after the substitution the integrand
    // is 2cos²(πt/2), smooth, so the same tolerance is used.
    const e1 = mpEdges(1);
    expect(Math.abs(integrateDensity((x) => mpDensity(x, 1), e1.lower, e1.upper) - 1)).toBeLessThan(1e-9);
  });

  it('CDF agrees with the integrated density', () => {
    // Tolerance 1e-9 as above (same quadrature on [a, x]).
    for (const g of [0.3, 1, 3]) {
      const { lower, upper } = mpEdges(g);
      for (const frac of [0.1, 0.37, 0.5, 0.8, 0.99]) {
        const x = lower + frac * (upper - lower);
        const num = mpAtomMass(g) + integrateDensity((t) => mpDensity(t, g), lower, x);
        expect(Math.abs(mpCdf(x, g) - num)).toBeLessThan(1e-9);
      }
    }
  });

  it('CDF is monotone, 0 below the support, 1 from the upper edge, with the atom for γ > 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (g, s2) => {
          const { lower, upper } = mpEdges(g, s2);
          let prev = 0;
          // Exactly non-decreasing on a fine grid (the closed form is clamped, no slack needed).
          for (let i = 0; i <= 400; i++) {
            const x = -0.1 * upper + (1.2 * upper * i) / 400;
            const F = mpCdf(x, g, s2);
            expect(F).toBeGreaterThanOrEqual(prev);
            expect(F).toBeGreaterThanOrEqual(0);
            expect(F).toBeLessThanOrEqual(1);
            prev = F;
          }
          expect(mpCdf(-1e-9, g, s2)).toBe(0);
          expect(mpCdf(upper, g, s2)).toBe(1);
          expect(mpCdf(upper * 1.5, g, s2)).toBe(1);
          if (g > 1) {
            // Jump of 1 − 1/γ at 0, flat until the lower edge.
            expect(mpCdf(0, g, s2)).toBeCloseTo(1 - 1 / g, 14);
            expect(mpCdf(lower * 0.999, g, s2)).toBeCloseTo(1 - 1 / g, 14);
          } else if (g < 1) {
            expect(mpCdf(lower * 0.999, g, s2)).toBe(0);
          }
          // Quantile inverts the CDF on the continuous part (bisection to machine precision).
          for (const u of [0.2, 0.5, 0.9]) {
            if (u > mpAtomMass(g)) expect(Math.abs(mpCdf(mpQuantile(u, g, s2), g, s2) - u)).toBeLessThan(1e-12);
          }
        },
      ),
      { seed: 20230607, numRuns: 60 },
    );
  });

  it('(1/N)XᵀX for X 2000×1000 Gaussian: KS to MP(0.5) < 0.02, extreme eigenvalues within 0.05 of the edges', () => {
    const N = 2000;
    const p = 1000;
    const ev = eigvalsh(gram(gaussian(N, p, 12345), { trans: true, alpha: 1 / N }));
    const g = p / N;
    const { lower, upper } = mpEdges(g);
    // KS: finite-N ESD fluctuations are O(1/p) (rigidity), far below 0.02.
    expect(kolmogorovToMp(ev, g)).toBeLessThan(0.02);
    // Edges: λ_max − b is O(N^{−2/3}) (Tracy–Widom scale σ ≈ 0.014 here), 0.05 ≈ 3.5σ.
    expect(Math.abs(ev[p - 1]! - upper)).toBeLessThan(0.05);
    expect(Math.abs(ev[0]! - lower)).toBeLessThan(0.05);
    // W₁ to MP is of the same O(1/p) order.
    expect(wasserstein1ToMp(ev, g)).toBeLessThan(0.01);
    // No outliers above the edge + TW 99% margin for pure noise.
    expect(outliersAbove(ev, upper, twMargin(N, p).margin).count).toBe(0);
  });

  it('γ > 1: zero eigenvalues fill the atom; KS and W₁ stay small', () => {
    const N = 400;
    const p = 800;
    const ev = eigvalsh(gram(gaussian(N, p, 777), { trans: true, alpha: 1 / N }));
    // ~p − N eigenvalues are ±O(ε) rounding zeros; kolmogorovToMp snaps |λ| ≤ 1e−10·b to 0.
    // Tolerance 0.02: O(1/N) fluctuations of the nonzero part.
    expect(kolmogorovToMp(ev, 2)).toBeLessThan(0.02);
    expect(wasserstein1ToMp(ev, 2)).toBeLessThan(0.02);
  });

  it('kolmogorovToMp and wasserstein1ToMp are exact on hand-checkable samples', () => {
    // A single point at the median m: KS = 1/2 exactly; W₁ = E|λ − m| (checked by quadrature, 1e-9).
    const g = 0.5;
    const med = mpQuantile(0.5, g);
    expect(kolmogorovToMp([med], g)).toBeCloseTo(0.5, 12);
    const { lower, upper } = mpEdges(g);
    // E|λ − m| split at the kink m so each piece is smooth: tolerance 1e-9 as for the moments.
    const mad =
      integrateDensity((x) => (med - x) * mpDensity(x, g), lower, med) +
      integrateDensity((x) => (x - med) * mpDensity(x, g), med, upper);
    expect(Math.abs(wasserstein1ToMp([med], g) - mad)).toBeLessThan(1e-9);
    // A sample entirely above the support: Q_n ≥ Q_MP everywhere, so W₁ = mean(sample) − s² exactly
    // (rounding only: 1e-12).
    const q = Array.from({ length: 50 }, (_, i) => 10 + mpQuantile((i + 0.5) / 50, g));
    const mean = q.reduce((a, b) => a + b, 0) / q.length;
    expect(Math.abs(wasserstein1ToMp(q, g) - (mean - 1))).toBeLessThan(1e-12);
  });

  it('Tracy–Widom margin follows Johnstone’s centring and scale', () => {
    const t = twMargin(2000, 1000);
    const a = Math.sqrt(1999);
    const b = Math.sqrt(1000);
    expect(t.mu).toBeCloseTo(((a + b) ** 2) / 2000, 14);
    expect(t.sigma).toBeCloseTo(((a + b) * Math.cbrt(1 / a + 1 / b)) / 2000, 14);
    expect(t.margin).toBeGreaterThan(0);
    // σ scales like N^{−2/3} at fixed γ: quadrupling N (and p) divides it by ≈ 4^{2/3}.
    const t4 = twMargin(8000, 4000);
    expect(t.sigma / t4.sigma).toBeCloseTo(4 ** (2 / 3), 2);
  });

  it('BBP: a spike θ > √γ separates at (1+θ)(1+γ/θ) with overlap (1−γ/θ²)/(1+γ/θ)', () => {
    expect(bbpSpikeLocation(2, 0.25).location).toBeCloseTo(3 * 1.125, 14);
    const sub = bbpSpikeLocation(0.3, 0.25);
    expect(sub.separated).toBe(false);
    expect(sub.location).toBeCloseTo(2.25, 14);
    // Simulation: N = 4000, p = 1000, spike θ = 2 on e₁ (first column scaled by √(1+θ)).
    const N = 4000;
    const p = 1000;
    const theta = 2;
    const X = gaussian(N, p, 4242);
    for (let i = 0; i < N; i++) X.data[i] = X.data[i]! * Math.sqrt(1 + theta);
    const top = topEigenpairs(gram(X, { trans: true, alpha: 1 / N }), 2);
    const pred = bbpSpikeLocation(theta, p / N);
    // Tolerance 0.2: the spiked eigenvalue fluctuates as N(0, 2ℓ²(1−γ/θ²)/N), sd ≈ 0.065 here; 3 sd.
    expect(Math.abs(top.values[0]! - pred.location)).toBeLessThan(0.2);
    // Overlap with e₁: fluctuations O(N^{−1/2}); 0.05 is about 3 sd.
    expect(Math.abs(top.vectors.data[0]! ** 2 - pred.squaredOverlap)).toBeLessThan(0.05);
    // The second eigenvalue stays at the bulk edge; the spike is the only outlier past the TW margin.
    const edge = mpEdges(p / N).upper;
    const out = outliersAbove(Array.from(top.values), edge, twMargin(N, p).margin);
    expect(out.count).toBe(1);
    expect(out.values[0]).toBe(top.values[0]);
  });
});
