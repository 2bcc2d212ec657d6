import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_NAMES,
  activation,
  gaussianConstants,
  gaussianMoments,
  gaussianMomentsByQuadrature,
  leakyRelu,
} from '../../src/activations';
import { expectation } from '../../src/gauss';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// High-accuracy references, computed independently with mpmath.quad at 40 digits (split at 0)
// and cross-checked against the 400-node Gauss–Hermite rule (agreement ≤ 4e-16):
const E_TANH2 = 0.39429449039784117442; // E tanh(g)²
const E_SECH2 = 0.60570550960215882558; // E tanh'(g) = E sech²(g)
const E_SECH4 = 0.46440290244826824197; // E tanh'(g)²
const E_SIGMOID_D1 = 0.20662096414190703726; // E sigmoid'(g)
const E_SOFTPLUS = 0.80605918334743978453; // E softplus(g)

describe('Gaussian constants', () => {
  it('erf: ζ = 2/√(3π), μ = ϑ0 = ϑ1 = ϑ2 = 0, E φ′² = (4/π)/√5', () => {
    const c = gaussianConstants(activation('erf'));
    expect(Math.abs(c.zeta - 2 / Math.sqrt(3 * Math.PI))).toBeLessThan(1e-15);
    for (const v of [c.mu, c.theta0, c.theta1, c.theta2, c.eta[1]]) expect(Math.abs(v)).toBeLessThan(1e-16);
    // E[erf'(g)²] = (4/π) E e^{−2g²} = (4/π)/√5; η2 = E[erf'(g)(g²−1)]/√2 = (2/√π)(1/3^{3/2} − 1/√3)/√2.
    expect(Math.abs(c.a_sigma - 4 / Math.PI / Math.sqrt(5))).toBeLessThan(1e-15);
    const eta2 = ((2 / Math.sqrt(Math.PI)) * (1 / 3 ** 1.5 - 1 / Math.sqrt(3))) / Math.SQRT2;
    expect(Math.abs(c.eta[2] - eta2)).toBeLessThan(1e-15);
    expect(c.eta[0]).toBe(c.zeta);
  });

  it('ReLU (kink-aware rule): ζ = ½, ϑ0 = ϑ1 = μ = 1/√(2π), ϑ2 = 0, E φ′² = ½ — to 1e-15', () => {
    const c = gaussianConstants(activation('relu'));
    expect(Math.abs(c.zeta - 0.5)).toBeLessThan(1e-15);
    expect(Math.abs(c.theta0 - INV_SQRT_2PI)).toBeLessThan(1e-15);
    expect(Math.abs(c.theta1 - INV_SQRT_2PI)).toBeLessThan(1e-15);
    expect(c.mu).toBe(c.theta1);
    expect(Math.abs(c.theta2)).toBeLessThan(1e-15);
    expect(Math.abs(c.a_sigma - 0.5)).toBeLessThan(1e-15);
    // η2 = E[1{g>0}(g² − 1)]/√2 = 0.
    expect(Math.abs(c.eta[2])).toBeLessThan(1e-15);
  });

  it('leaky ReLU(a): ζ = (1+a)/2, ϑ0 = μ = (1−a)/√(2π), E φ′² = (1+a²)/2', () => {
    const a = 0.1;
    const c = gaussianConstants(leakyRelu(a));
    expect(Math.abs(c.zeta - (1 + a) / 2)).toBeLessThan(1e-15);
    expect(Math.abs(c.theta0 - (1 - a) * INV_SQRT_2PI)).toBeLessThan(1e-15);
    expect(Math.abs(c.mu - (1 - a) * INV_SQRT_2PI)).toBeLessThan(1e-15);
    expect(Math.abs(c.a_sigma - (1 + a * a) / 2)).toBeLessThan(1e-15);
  });

  it('tanh: E tanh′(g) = 0.6057055096021588, E tanh′² = 0.4644029024482682, E tanh² = 0.3942944903978412', () => {
    const c = gaussianConstants(activation('tanh'));
    // GH-160 error on these analytic integrands is ≤ 2.2e-15 (tanh has poles at ±iπ/2).
    expect(Math.abs(c.zeta - E_SECH2)).toBeLessThan(5e-15);
    expect(Math.abs(c.a_sigma - E_SECH4)).toBeLessThan(5e-15);
    expect(Math.abs(c.mu) + Math.abs(c.theta0) + Math.abs(c.theta2)).toBeLessThan(1e-15);
    const m = gaussianMoments(activation('tanh'));
    expect(Math.abs(m.meanSquare - E_TANH2)).toBeLessThan(5e-15);
    // Large-n cross-check of the reference.
    expect(Math.abs(expectation((x) => Math.tanh(x) ** 2, { n: 400 }) - E_TANH2)).toBeLessThan(1e-15);
    // 1 = E tanh² + E sech².
    expect(Math.abs(E_TANH2 + E_SECH2 - 1)).toBeLessThan(1e-16);
  });

  it('sigmoid and softplus: ζ_sigmoid = E σ′, and softplus′ = sigmoid so μ_softplus = E sigmoid′ (Stein)', () => {
    const s = gaussianConstants(activation('sigmoid'));
    expect(Math.abs(s.zeta - E_SIGMOID_D1)).toBeLessThan(5e-15);
    expect(Math.abs(s.theta0 - 0.5)).toBeLessThan(1e-15);
    const sp = gaussianConstants(activation('softplus'));
    expect(Math.abs(sp.zeta - 0.5)).toBeLessThan(1e-15);
    expect(Math.abs(sp.mu - E_SIGMOID_D1)).toBeLessThan(5e-15);
    expect(Math.abs(sp.theta0 - E_SOFTPLUS)).toBeLessThan(5e-15);
  });

  it('Stein: ϑ2 = ½E[(g³−2g)φ′] equals ½E[g²φ″] for every smooth activation', () => {
    for (const name of ACTIVATION_NAMES) {
      const act = activation(name);
      if (!act.smooth) continue;
      const direct = 0.5 * expectation((x) => x * x * act.d2(x));
      expect(Math.abs(gaussianConstants(act).theta2 - direct)).toBeLessThan(1e-14);
    }
  });
});

describe('normalized activations', () => {
  it.each(ACTIVATION_NAMES.filter((n) => n.startsWith('normalized_')))(
    '%s has mean 0 and variance 1 to 1e-12 under quadrature',
    (name) => {
      const m = gaussianMomentsByQuadrature(activation(name));
      expect(Math.abs(m.mean)).toBeLessThan(1e-12);
      expect(Math.abs(m.variance - 1)).toBeLessThan(1e-12);
    },
  );

  it('closed-form moments agree with quadrature: kink-aware rule to 1e-15; plain GH-160 only to ~1e-3 (ReLU kink)', () => {
    for (const name of ['relu', 'leaky_relu', 'erf', 'identity']) {
      const act = activation(name);
      const closed = act.gaussianMoments!;
      const quad = gaussianMomentsByQuadrature(act);
      expect(Math.abs(quad.mean - closed.mean)).toBeLessThan(1e-15);
      expect(Math.abs(quad.meanSquare - closed.meanSquare)).toBeLessThan(1e-15);
    }
    // Measured: plain 160-node GH gives E relu = 1/√(2π) + 1.03e-3 (E relu² exact by symmetry).
    const gh = gaussianMomentsByQuadrature(activation('relu'), { n: 160 });
    expect(Math.abs(gh.mean - INV_SQRT_2PI)).toBeLessThan(1.1e-3);
    expect(Math.abs(gh.meanSquare - 0.5)).toBeLessThan(1e-15);
  });
});
