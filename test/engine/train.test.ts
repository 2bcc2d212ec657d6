import { describe, expect, it } from 'vitest';
import { activation, derivativeComesFree } from '../../src/activations';
import { backend } from '../../src/linalg/backend';
import { eigvalsh, fromColumnMajor, gram, matvec, solveSpd, zeros } from '../../src/linalg';
import { allocGradients, cloneNet, forward, gaussianInit, gradients, mseLoss, predict, type TwoLayerNet } from '../../src/model/network';
import { rngFor } from '../../src/random';
import { DivergenceError, train } from '../../src/train/train';

function problem(h: number, d: number, n: number, seed = 1, act = 'tanh') {
  const rng = rngFor(seed, 'train-test', h, d, n);
  const net = gaussianInit(rng.split('init'), h, d, activation(act));
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  return { rng, net, X, y };
}

describe('training', () => {
  it('GD on the second layer alone (convex least squares) reaches the normal-equation solution (rel. 1e-8)', () => {
    const { net, X, y } = problem(8, 5, 40);
    const A = forward(net, X).A; // σ(Z), h×n; f = Aᵀv/√h
    const h = 8, n = 40;
    // Minimiser of (1/2n)‖Aᵀv/√h − y‖²: (A Aᵀ/h) v = A y/√h.
    const M = gram(A, { alpha: 1 / h });
    const rhs = matvec(A, y, { alpha: 1 / Math.sqrt(h) });
    const vStar = solveSpd(M, fromColumnMajor(h, 1, rhs)).data;
    // Rate 1/λ_max of the Hessian A Aᵀ/(h n): monotone, fast convergence.
    const eig = eigvalsh(M);
    const lr = n / eig[h - 1];
    const res = train(net, X, y, { optimizer: 'gd', lr, layers: 'second', maxSteps: 20000 });
    let err = 0, nrm = 0;
    for (let i = 0; i < h; i++) { err += (net.v[i] - vStar[i]) ** 2; nrm += vStar[i] ** 2; }
    expect(Math.sqrt(err / nrm)).toBeLessThan(1e-8);
    expect(res.stoppedBy).toBe('maxSteps');
    expect(res.converged).toBe(false);
    // the loss history is non-increasing for a convex problem at a stable rate
    for (let k = 1; k < res.lossHistory.length; k++)
      expect(res.lossHistory[k].loss).toBeLessThanOrEqual(res.lossHistory[k - 1].loss * (1 + 1e-12));
  });

  it('stops on a loss threshold and marks a capped run as not converged', () => {
    const { net, X, y } = problem(30, 5, 20);
    const r = train(cloneNet(net), X, y, { optimizer: 'gd', lr: 5, layers: 'both', maxSteps: 50000, relLossBelow: 1e-3 });
    expect(r.stoppedBy).toBe('relLoss');
    expect(r.converged).toBe(true);
    expect(r.finalLoss).toBeLessThan(1e-3 * r.initialLoss);
    const capped = train(cloneNet(net), X, y, { optimizer: 'gd', lr: 5, layers: 'both', maxSteps: 3, relLossBelow: 1e-3 });
    expect(capped.stoppedBy).toBe('maxSteps');
    expect(capped.steps).toBe(3);
    expect(capped.converged).toBe(false);
  });

  /** The 2-parameter network h = d = 1: f(x) = v σ(w x), a scalar gradient by hand. */
  function handGrad(w: number, v: number, X: number[], y: number[], act = activation('tanh')) {
    let gw = 0, gv = 0;
    const n = X.length;
    for (let i = 0; i < n; i++) {
      const z = w * X[i];
      const r = v * act.sigma(z) - y[i];
      gw += (r * v * act.d1(z) * X[i]) / n;
      gv += (r * act.sigma(z)) / n;
    }
    return [gw, gv];
  }

  it('Adam follows Kingma & Ba step by step on a 2-parameter network (rel. 1e-13)', () => {
    const X = [0.5, -1.2, 2.0], y = [0.3, -0.1, 0.8];
    const net: TwoLayerNet = { W: fromColumnMajor(1, 1, [0.7]), v: Float64Array.from([-0.4]), act: activation('tanh') };
    const Xm = fromColumnMajor(1, 3, X);
    let w = 0.7, v = -0.4, mw = 0, mv = 0, sw = 0, sv = 0;
    const [b1, b2, eps, eta] = [0.9, 0.999, 1e-8, 0.05];
    for (let t = 1; t <= 5; t++) {
      const [gw, gv] = handGrad(w, v, X, y);
      mw = b1 * mw + (1 - b1) * gw; mv = b1 * mv + (1 - b1) * gv;
      sw = b2 * sw + (1 - b2) * gw * gw; sv = b2 * sv + (1 - b2) * gv * gv;
      w -= (eta * (mw / (1 - b1 ** t))) / (Math.sqrt(sw / (1 - b2 ** t)) + eps);
      v -= (eta * (mv / (1 - b1 ** t))) / (Math.sqrt(sv / (1 - b2 ** t)) + eps);
      const probe = cloneNet(net);
      train(probe, Xm, y, { optimizer: 'adam', lr: eta, layers: 'both', maxSteps: t });
      expect(probe.W.data[0]).toBeCloseTo(w, 13);
      expect(probe.v[0]).toBeCloseTo(v, 13);
    }
  });

  it('AdaGrad follows its update rule step by step (rel. 1e-13)', () => {
    const X = [0.5, -1.2, 2.0], y = [0.3, -0.1, 0.8];
    const net: TwoLayerNet = { W: fromColumnMajor(1, 1, [0.7]), v: Float64Array.from([-0.4]), act: activation('tanh') };
    const Xm = fromColumnMajor(1, 3, X);
    let w = 0.7, v = -0.4, aw = 0, av = 0;
    const eta = 0.1, eps = 1e-10;
    for (let t = 1; t <= 4; t++) {
      const [gw, gv] = handGrad(w, v, X, y);
      aw += gw * gw; av += gv * gv;
      w -= (eta * gw) / (Math.sqrt(aw) + eps);
      v -= (eta * gv) / (Math.sqrt(av) + eps);
      const probe = cloneNet(net);
      train(probe, Xm, y, { optimizer: 'adagrad', lr: eta, layers: 'both', maxSteps: t });
      expect(probe.W.data[0]).toBeCloseTo(w, 13);
      expect(probe.v[0]).toBeCloseTo(v, 13);
    }
  });

  it('per-layer rates and layer choice: the untrained layer does not move', () => {
    const { net, X, y } = problem(10, 4, 12);
    const a = cloneNet(net);
    train(a, X, y, { optimizer: 'gd', lr: 1, layers: 'first', maxSteps: 5 });
    expect(Array.from(a.v)).toEqual(Array.from(net.v));
    const b = cloneNet(net);
    train(b, X, y, { optimizer: 'gd', lr: { first: 0, second: 1 }, layers: 'both', maxSteps: 5 });
    expect(Array.from(b.W.data)).toEqual(Array.from(net.W.data));
  });

  it('second layer only: reusing σ(WX) across steps gives the trajectory of a full forward pass every step, bit for bit', () => {
    const { net, X, y } = problem(12, 5, 30, 3, 'relu');
    const h = 12, n = 30, lr = 0.7, steps = 25;
    // Reference: forward pass (gemm + activation) at every step, then v ← v − η A r/(n√h).
    const ref = cloneNet(net);
    const refLoss: number[] = [];
    for (let t = 0; t < steps; t++) {
      const c = forward(ref, X);
      refLoss.push(mseLoss(c.f, y));
      const r = c.f.map((f, j) => f - y[j]);
      const g = matvec(c.A, r, { alpha: 1 / (n * Math.sqrt(h)) });
      for (let i = 0; i < h; i++) ref.v[i] -= lr * g[i];
    }
    const got = cloneNet(net);
    const seen: number[] = [];
    const res = train(got, X, y, {
      optimizer: 'gd', lr, layers: 'second', maxSteps: steps,
      observers: [{ at: (s) => s % 5 === 0, fn: (st) => { seen.push(st.loss); } }],
    });
    expect(Array.from(got.v)).toEqual(Array.from(ref.v));
    expect(res.lossHistory.slice(0, steps).map((e) => e.loss)).toEqual(refLoss);
    expect(res.finalLoss).toBe(mseLoss(predict(ref, X), y));
    expect(seen[0]).toBe(refLoss[0]);
    expect(seen[1]).toBe(refLoss[5]);
    expect(Array.from(got.W.data)).toEqual(Array.from(net.W.data));
  });

  it('smooth σ on the native path: keeping σ\'(Z) from the forward pass gives the trajectory of forming it from Z, bit for bit', () => {
    // h·n = 128·48 ≥ the native threshold, where σ and σ' come from one call.
    for (const act of ['tanh', 'erf', 'normalized_tanh', 'softplus']) {
      const { net, X, y } = problem(128, 6, 48, 5, act);
      expect(derivativeComesFree(net.act, 128 * 48)).toBe(backend().name === 'native');
      const lr = 0.9, steps = 12;
      const ref = cloneNet(net);
      const grads = allocGradients(128, 6, 48);
      for (let t = 0; t < steps; t++) {
        const c = forward(ref, X); // no σ'(Z) kept: gradients() forms (v rᵀ) ⊙ σ'(Z) from Z
        gradients(ref, X, y, c, grads, 'both');
        for (let k = 0; k < ref.W.data.length; k++) ref.W.data[k] -= lr * grads.gW.data[k];
        for (let i = 0; i < ref.v.length; i++) ref.v[i] -= lr * grads.gv[i];
      }
      const got = cloneNet(net);
      train(got, X, y, { optimizer: 'gd', lr, layers: 'both', maxSteps: steps });
      expect(Array.from(got.W.data)).toEqual(Array.from(ref.W.data));
      expect(Array.from(got.v)).toEqual(Array.from(ref.v));
    }
  });

  it('heavy-ball momentum follows u ← μu + g, p ← p − ηu step by step (rel. 1e-13); μ = 0 is the plain run bit for bit', () => {
    const X = [0.5, -1.2, 2.0], y = [0.3, -0.1, 0.8];
    const net: TwoLayerNet = { W: fromColumnMajor(1, 1, [0.7]), v: Float64Array.from([-0.4]), act: activation('tanh') };
    const Xm = fromColumnMajor(1, 3, X);
    let w = 0.7, v = -0.4, uw = 0, uv = 0;
    const eta = 0.3, mu = 0.2;
    for (let t = 1; t <= 6; t++) {
      const [gw, gv] = handGrad(w, v, X, y);
      uw = mu * uw + gw; uv = mu * uv + gv;
      w -= eta * uw; v -= eta * uv;
      const probe = cloneNet(net);
      train(probe, Xm, y, { optimizer: 'gd', lr: eta, layers: 'both', maxSteps: t, momentum: mu });
      expect(probe.W.data[0]).toBeCloseTo(w, 13);
      expect(probe.v[0]).toBeCloseTo(v, 13);
    }
    // Momentum changes the trajectory; μ = 0 is the run without the option, bit for bit (SGD, native-size buffers).
    const { rng, net: big, X: Xb, y: yb } = problem(64, 20, 96);
    const run = (extra: { momentum?: number }) => {
      const m = cloneNet(big);
      train(m, Xb, yb, { optimizer: 'sgd', lr: 0.4, layers: 'both', batchSize: 32, maxEpochs: 3, rng: rng.split('mom'), ...extra });
      return Array.from(m.W.data).concat(Array.from(m.v));
    };
    const plain = run({});
    expect(run({ momentum: 0 })).toEqual(plain);
    const moved = run({ momentum: 0.2 });
    expect(moved.some((x, i) => x !== plain[i])).toBe(true);
  });

  it('momentum: out of [0, 1) or with Adam/AdaGrad is an error naming it', () => {
    const { net, X, y } = problem(4, 3, 6);
    expect(() => train(cloneNet(net), X, y, { optimizer: 'sgd', lr: 0.1, layers: 'both', maxSteps: 1, momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
    expect(() => train(cloneNet(net), X, y, { optimizer: 'gd', lr: 0.1, layers: 'both', maxSteps: 1, momentum: Number.NaN })).toThrow(/momentum/);
    expect(() => train(cloneNet(net), X, y, { optimizer: 'adam', lr: 0.1, layers: 'both', maxSteps: 1, momentum: 0.2 })).toThrow(/momentum applies to gd and sgd, not adam/);
  });

  it('SGD: same seed → identical trajectory; different seed → different; epochs counted', () => {
    const { rng, net, X, y } = problem(16, 6, 50);
    const run = (seed: string) => {
      const m = cloneNet(net);
      const r = train(m, X, y, { optimizer: 'sgd', lr: 0.5, layers: 'both', batchSize: 8, maxEpochs: 3, rng: rng.split(seed) });
      return { m, r };
    };
    const a = run('s1'), b = run('s1'), c = run('s2');
    expect(Array.from(a.m.W.data)).toEqual(Array.from(b.m.W.data));
    expect(Array.from(a.m.W.data)).not.toEqual(Array.from(c.m.W.data));
    expect(a.r.epochs).toBe(3);
    expect(a.r.steps).toBe(3 * Math.ceil(50 / 8));
    expect(a.r.stoppedBy).toBe('maxEpochs');
  });

  it('a diverging run stops with a DivergenceError carrying the step, the loss and the partial history', () => {
    const { net, X, y } = problem(20, 5, 30, 4, 'identity');
    let err: unknown;
    try {
      train(net, X, y, { optimizer: 'gd', lr: 500, layers: 'both', maxSteps: 1000, context: 'W6 n=30 trial 0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    const d = err as DivergenceError;
    expect(d.message).toMatch(/training diverged \[W6 n=30 trial 0\]: loss .* at step \d+/);
    expect(d.step).toBeGreaterThan(0);
    expect(d.partial.lossHistory.length).toBeGreaterThan(1);
  });

  it('bad input: NaN in X, wrong label count, unknown optimizer, no step cap', () => {
    const { net, X, y } = problem(6, 3, 5);
    const Xn = zeros(3, 5);
    Xn.data.set(X.data);
    Xn.data[4] = Number.NaN;
    expect(() => train(net, Xn, y, { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 1 })).toThrow(/'X' \(3×5\) has a non-finite entry NaN at \(1, 1\)/);
    expect(() => train(net, X, y.subarray(0, 4), { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 1 })).toThrow(/X has 5 samples, y has 4/);
    expect(() => train(net, X, y, { optimizer: 'lbfgs' as 'gd', lr: 1, layers: 'both', maxSteps: 1 })).toThrow(/unknown optimizer 'lbfgs'/);
    expect(() => train(net, X, y, { optimizer: 'gd', lr: 1, layers: 'both' })).toThrow(/give maxSteps or maxEpochs/);
  });

  it('observers see the requested steps with the full-batch loss of that iterate', () => {
    const { net, X, y } = problem(12, 4, 20);
    const seen: [number, number][] = [];
    const m = cloneNet(net);
    train(m, X, y, { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 5, observers: [{ at: [0, 3, 5], fn: (s) => seen.push([s.step, s.loss]) }] });
    expect(seen.map((s) => s[0])).toEqual([0, 3, 5]);
    expect(seen[2][1]).toBeCloseTo(mseLoss(predict(m, X), y), 14);
  });
});

describe('divergence as a result (onDivergence: return)', () => {
  /** The full-batch loss (1/(2n))‖f(X) − y‖² of a network. */
  const lossOf = (net: TwoLayerNet, X: ReturnType<typeof problem>['X'], y: Float64Array) => mseLoss(predict(net, X), y);
  /** What a throwing run with the same configuration reports. */
  const thrown = (f: () => unknown): DivergenceError => {
    try {
      f();
    } catch (e) {
      if (e instanceof DivergenceError) return e;
      throw e;
    }
    throw new Error('the run did not diverge');
  };

  it('a run that does not diverge returns what the default run returns, bit for bit', () => {
    const { net, X, y } = problem(12, 6, 30);
    const a = cloneNet(net), b = cloneNet(net);
    const ra = train(a, X, y, { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 25 });
    const rb = train(b, X, y, { optimizer: 'gd', lr: 1, layers: 'both', maxSteps: 25, onDivergence: 'return', snapshot: 'best' });
    expect(rb.stoppedBy).toBe('maxSteps');
    expect(rb.divergence).toBeUndefined();
    expect(rb.hitCap).toBe(true);
    expect(rb.converged).toBe(false);
    expect(rb.net).toBe(b);
    expect(Array.from(b.W.data)).toEqual(Array.from(a.W.data));
    expect(Array.from(b.v)).toEqual(Array.from(a.v));
    expect(rb.lossHistory).toEqual(ra.lossHistory);
    expect(rb.finalLoss).toBe(ra.finalLoss);
    expect(ra.hitCap).toBe(true);
  });

  it("SGD, snapshot 'last-finite' (default): stoppedBy 'diverged', the step, loss and message of the error, the last finite epoch's network", () => {
    const { rng, net, X, y } = problem(40, 20, 60, 2, 'normalized_tanh');
    // A rate far above 2n/λ_max(K): the loss explodes within a few epochs.
    const cfg = { optimizer: 'sgd' as const, lr: 1e4, layers: 'both' as const, batchSize: 10, maxEpochs: 50, rng: rng.split('mb'), context: 'toy' };
    const err = thrown(() => train(cloneNet(net), X, y, cfg));
    const epochEnds: { epoch: number; loss: number }[] = [];
    const m = cloneNet(net);
    const r = train(m, X, y, {
      ...cfg, onDivergence: 'return',
      observers: [{ at: (s) => s % 6 === 0, fn: (s) => epochEnds.push({ epoch: s.epoch, loss: s.loss }) }],
    });
    expect(r.stoppedBy).toBe('diverged');
    expect(r.converged).toBe(false);
    expect(r.hitCap).toBe(false);
    if (!r.divergence) throw new Error('expected a divergence');
    const d = r.divergence;
    expect(d.step).toBe(err.step);
    expect(d.step).toBeGreaterThan(0);
    expect(d.loss).toBe(err.loss);
    expect(d.message).toBe(err.message);
    expect(d.reason).toMatch(/^training diverged at step \d+ \(loss \S+, initial \S+\)$/);
    expect(d.reason).toContain(`at step ${err.step} `);
    expect(r.steps).toBe(err.partial.steps);
    expect(r.epochs).toBe(err.partial.epochs);
    expect(r.lossHistory).toEqual(err.partial.lossHistory);
    // The network passed in holds the blow-up, as the throwing run's does.
    expect(Array.from(m.W.data)).toEqual(Array.from(err.partial.net.W.data));
    // The snapshot: the last epoch end with a finite loss, a separate, real network.
    const last = epochEnds.filter((e) => Number.isFinite(e.loss)).at(-1)!;
    expect(d.snapshot).toBe('last-finite');
    expect(d.snapshotEpoch).toBe(last.epoch);
    expect(d.snapshotStep).toBe(last.epoch * 6);
    expect(r.finalLoss).toBe(last.loss);
    expect(r.net).not.toBe(m);
    expect(lossOf(r.net, X, y)).toBeCloseTo(r.finalLoss, 10);
  });

  it("GD, snapshot 'best' every k steps: the snapshot with the lowest loss among those taken", () => {
    // Second layer alone (least squares) a little above its stability limit 2n/λ_max(σ(Z)σ(Z)ᵀ/h):
    // the loss first falls (the other modes converge), then the top mode grows until it blows up.
    const { net, X, y } = problem(8, 5, 40);
    const eig = eigvalsh(gram(forward(net, X).A, { alpha: 1 / 8 }));
    const cfg = { optimizer: 'gd' as const, lr: (2.05 * 40) / eig[7], layers: 'second' as const, maxSteps: 5000 };
    const err = thrown(() => train(cloneNet(net), X, y, cfg));
    const seen: { step: number; loss: number }[] = [];
    const r = train(cloneNet(net), X, y, {
      ...cfg, onDivergence: 'return', snapshot: 'best', snapshotEvery: 5,
      observers: [{ at: (s) => s % 5 === 0, fn: (s) => seen.push({ step: s.step, loss: s.loss }) }],
    });
    if (!r.divergence) throw new Error('expected a divergence');
    expect(r.divergence.step).toBe(err.step);
    expect(r.divergence.loss).toBe(err.loss);
    expect(r.divergence.snapshot).toBe('best');
    const finite = seen.filter((s) => Number.isFinite(s.loss));
    const best = finite.reduce((a, b) => (b.loss < a.loss ? b : a));
    const lastFinite = finite.at(-1)!;
    expect(best.step).toBeGreaterThan(0);
    expect(best.step).toBeLessThan(lastFinite.step);
    expect(r.divergence.snapshotStep).toBe(best.step);
    expect(r.divergence.snapshotEpoch).toBe(best.step);
    expect(r.finalLoss).toBe(best.loss);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
    expect(lossOf(r.net, X, y)).toBeCloseTo(r.finalLoss, 10);
    // 'last-finite' on the same run keeps the last snapshot instead.
    const lf = train(cloneNet(net), X, y, { ...cfg, onDivergence: 'return', snapshot: 'last-finite', snapshotEvery: 5 });
    expect(lf.divergence?.snapshotStep).toBe(lastFinite.step);
    expect(lf.finalLoss).toBe(lastFinite.loss);
    expect(Math.abs(lossOf(lf.net, X, y) / lf.finalLoss - 1)).toBeLessThan(1e-10);
  });

  it("the default (and onDivergence: 'throw') still throws a DivergenceError; bad input throws either way", () => {
    const { net, X, y } = problem(20, 5, 30, 4, 'identity');
    const cfg = { optimizer: 'gd' as const, lr: 500, layers: 'both' as const, maxSteps: 1000 };
    expect(() => train(cloneNet(net), X, y, cfg)).toThrow(DivergenceError);
    expect(() => train(cloneNet(net), X, y, { ...cfg, onDivergence: 'throw' })).toThrow(DivergenceError);
    const Xn = zeros(5, 30);
    Xn.data.set(X.data);
    Xn.data[3] = Number.NaN;
    expect(() => train(cloneNet(net), Xn, y, { ...cfg, onDivergence: 'return' })).toThrow(/non-finite entry NaN/);
    expect(() => train(cloneNet(net), X, y, { optimizer: 'gd', lr: 1, layers: 'both', onDivergence: 'return' })).toThrow(/give maxSteps or maxEpochs/);
    expect(() => train(cloneNet(net), X, y, { ...cfg, lr: -1, onDivergence: 'return' })).toThrow(/learning rates must be finite/);
    expect(() => train(cloneNet(net), X, y, { ...cfg, onDivergence: 'return', snapshot: 'first' as 'best' })).toThrow(/snapshot must be 'last-finite' or 'best'/);
    expect(() => train(cloneNet(net), X, y, { ...cfg, onDivergence: 'return', snapshotEvery: 0 })).toThrow(/snapshotEvery must be an integer/);
    expect(() => train(cloneNet(net), X, y, { ...cfg, onDivergence: 'ignore' as 'return' })).toThrow(/onDivergence must be 'throw' or 'return'/);
    expect(() => train(cloneNet(net), X, y, { ...cfg, snapshot: 'best' })).toThrow(/need onDivergence 'return'/);
  });
});
