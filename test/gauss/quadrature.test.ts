import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HERMITE_N,
  expectation,
  gaussHermite,
  gaussLegendre,
  hermiteCoefficient,
  hermiteCoefficients,
  hermiteHe,
  piecewiseGaussRule,
} from '../../src/gauss';

/** (2k − 1)!! = E g^{2k}. */
function doubleFactorial(k: number): number {
  let p = 1;
  for (let j = 2 * k - 1; j > 1; j -= 2) p *= j;
  return p;
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const relu = (x: number) => (x > 0 ? x : 0);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

describe('gaussHermite (Golub–Welsch)', () => {
  it('small rules match the closed forms: n = 1 → {0: 1}, n = 2 → {±1: ½}, n = 3 → {0: ⅔, ±√3: ⅙}', () => {
    const r1 = gaussHermite(1);
    expect(Array.from(r1.nodes)).toEqual([0]);
    expect(r1.weights[0]).toBeCloseTo(1, 15);
    const r2 = gaussHermite(2);
    expect(r2.nodes[0]).toBeCloseTo(-1, 15);
    expect(r2.nodes[1]).toBeCloseTo(1, 15);
    expect(r2.weights[0]).toBeCloseTo(0.5, 15);
    const r3 = gaussHermite(3);
    expect(r3.nodes[1]).toBe(0);
    expect(r3.nodes[2]).toBeCloseTo(Math.sqrt(3), 15);
    expect(r3.weights[1]).toBeCloseTo(2 / 3, 15);
    expect(r3.weights[0]).toBeCloseTo(1 / 6, 15);
  });

  it('default rule: 160 ascending, exactly symmetric nodes; weights positive, symmetric, sum 1; cached', () => {
    expect(DEFAULT_HERMITE_N).toBe(160);
    const r = gaussHermite();
    expect(r.nodes.length).toBe(160);
    let sum = 0;
    for (let i = 0; i < 160; i++) {
      if (i > 0) expect(r.nodes[i]!).toBeGreaterThan(r.nodes[i - 1]!);
      expect(r.nodes[159 - i]).toBe(-r.nodes[i]!);
      expect(r.weights[159 - i]).toBe(r.weights[i]);
      expect(r.weights[i]!).toBeGreaterThan(0);
      sum += r.weights[i]!;
    }
    expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
    expect(gaussHermite(160)).toBe(r);
    // Tail weights are tiny (~1e-129) but still positive normal numbers.
    expect(r.weights[0]!).toBeLessThan(1e-120);
  });

  it('nodes are the zeros of He_n (residual |He_n(x)|/max|He_n| small) for n = 20', () => {
    const r = gaussHermite(20);
    for (const x of r.nodes) {
      // He_20'(x) = 20 He_19(x): the Newton step size is a relative-accuracy certificate.
      const step = Math.abs(hermiteHe(20, x) / (20 * hermiteHe(19, x)));
      expect(step).toBeLessThan(4e-15 * Math.max(1, Math.abs(x)));
    }
  });

  // Measured (n = 160): worst relative error of E g^{2k} for 2k ≤ 120 is ≈ 2e-15.
  it.each([100, 160, 257])('n = %i: even moments E g^{2k} = (2k−1)!! to 1e-13 relative for 2k ≤ 120', (n) => {
    let worst = 0;
    for (let k = 0; k <= 60; k++) {
      const e = expectation((x) => x ** (2 * k), { n });
      worst = Math.max(worst, relErr(e, doubleFactorial(k)));
    }
    expect(worst).toBeLessThan(1e-13);
  });

  it('odd moments vanish relative to the scale E|g|^{2k+1}', () => {
    for (let k = 0; k < 30; k++) {
      const e = expectation((x) => x ** (2 * k + 1));
      expect(Math.abs(e)).toBeLessThan(1e-14 * doubleFactorial(k + 1));
    }
  });

  it('E g⁴ = 3 and E cos(g) = e^{−1/2} to 1e-15', () => {
    expect(relErr(expectation((x) => x ** 4), 3)).toBeLessThan(1e-15);
    expect(relErr(expectation(Math.cos), Math.exp(-0.5))).toBeLessThan(1e-15);
    // E e^{g} = e^{1/2}: entire integrand, converges fast.
    expect(relErr(expectation(Math.exp), Math.exp(0.5))).toBeLessThan(1e-14);
  });

  it('large n works: n = 600 has finite weights summing to 1 (extreme ones underflow to 0)', () => {
    const r = gaussHermite(600);
    let sum = 0;
    for (const w of r.weights) {
      expect(Number.isFinite(w) && w >= 0).toBe(true);
      sum += w;
    }
    expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
    expect(relErr(expectation((x) => x ** 10, { n: 600 }), 945)).toBeLessThan(1e-13);
  });

  it('rejects invalid sizes', () => {
    expect(() => gaussHermite(0)).toThrow(RangeError);
    expect(() => gaussHermite(2.5)).toThrow(RangeError);
  });
});

describe('non-smooth integrands: measured accuracy of Gauss–Hermite vs the kink-aware rule', () => {
  it('ReLU moments at n = 160 (documented): E relu² exact by symmetry, E relu off by 1.03e-3 (∝ 1/n)', () => {
    // Even n: nodes come in ± pairs, so E[g² 1{g>0}] = ½ E g² and E 1{g>0} = ½ hold to rounding.
    expect(Math.abs(expectation((x) => relu(x) ** 2) - 0.5)).toBeLessThan(1e-15);
    expect(Math.abs(expectation((x) => (x > 0 ? 1 : 0)) - 0.5)).toBeLessThan(1e-15);
    // But E relu(g) = ½ E|g| converges only like 1/n: measured +1.0277e-3 at n = 160, 2.06e-3 at n = 80.
    const err160 = expectation(relu) - INV_SQRT_2PI;
    const err80 = expectation(relu, { n: 80 }) - INV_SQRT_2PI;
    expect(err160).toBeGreaterThan(1.0e-3);
    expect(err160).toBeLessThan(1.06e-3);
    expect(err80 / err160).toBeCloseTo(2, 1);
  });

  it('the composite rule broken at the kink is accurate to 1e-15 for ReLU moments and polynomials', () => {
    const opts = { kinks: [0] };
    expect(Math.abs(expectation(relu, opts) - INV_SQRT_2PI)).toBeLessThan(1e-15);
    expect(Math.abs(expectation((x) => relu(x) ** 2, opts) - 0.5)).toBeLessThan(1e-15);
    expect(Math.abs(expectation((x) => relu(x) ** 3, opts) - 2 * INV_SQRT_2PI)).toBeLessThan(2e-15);
    expect(Math.abs(expectation((x) => Math.abs(x) ** 3, opts) - 4 * INV_SQRT_2PI)).toBeLessThan(4e-15);
    let worst = 0;
    for (let k = 0; k <= 20; k++) worst = Math.max(worst, relErr(expectation((x) => x ** (2 * k), opts), doubleFactorial(k)));
    expect(worst).toBeLessThan(1e-14);
    // Kinks away from zero: E[(g − 0.7)_+] = φ(0.7) − 0.7·Φ(−0.7).
    const phi = INV_SQRT_2PI * Math.exp(-0.245);
    const PhiNeg = 0.24196365222307303; // Φ(−0.7)
    expect(Math.abs(expectation((x) => relu(x - 0.7), { kinks: [0.7] }) - (phi - 0.7 * PhiNeg))).toBeLessThan(1e-15);
    const r = piecewiseGaussRule([0]);
    expect(r.nodes.length).toBe(512);
    expect(piecewiseGaussRule([0])).toBe(r);
  });

  it('gaussLegendre integrates polynomials on [−1, 1] exactly (degree ≤ 2m − 1)', () => {
    const r = gaussLegendre(16);
    for (let k = 0; k <= 31; k++) {
      let s = 0;
      for (let i = 0; i < 16; i++) s += r.weights[i]! * r.nodes[i]! ** k;
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      expect(Math.abs(s - exact)).toBeLessThan(1e-15);
    }
  });
});

describe('Hermite coefficients', () => {
  it('hermiteHe follows the recurrence: He_3 = x³ − 3x, He_4 = x⁴ − 6x² + 3', () => {
    for (const x of [-2.5, -0.3, 0, 1.7]) {
      expect(hermiteHe(3, x)).toBeCloseTo(x ** 3 - 3 * x, 12);
      expect(hermiteHe(4, x)).toBeCloseTo(x ** 4 - 6 * x * x + 3, 12);
    }
  });

  it('g³ = He_3 + 3 He_1: normalized coefficients (0, 3, 0, √6, 0, …)', () => {
    const c = hermiteCoefficients((x) => x ** 3, 6);
    const expected = [0, 3, 0, Math.sqrt(6), 0, 0, 0];
    for (let k = 0; k <= 6; k++) expect(Math.abs(c[k]! - expected[k]!)).toBeLessThan(1e-14);
    expect(Math.abs(hermiteCoefficient((x) => x ** 3, 3) - Math.sqrt(6))).toBeLessThan(1e-14);
  });

  it('Parseval: Σ_k c_k² = E f(g)² for f = e^{g/2} (c_k = e^{1/8}(1/2)^k/√(k!))', () => {
    const c = hermiteCoefficients((x) => Math.exp(x / 2), 40);
    let s = 0;
    let fact = 1;
    for (let k = 0; k <= 40; k++) {
      if (k > 0) fact *= k;
      const exact = Math.exp(1 / 8) * 0.5 ** k / Math.sqrt(fact);
      expect(Math.abs(c[k]! - exact)).toBeLessThan(1e-15);
      s += c[k]! ** 2;
    }
    expect(relErr(s, Math.exp(0.5))).toBeLessThan(1e-14);
  });
});
