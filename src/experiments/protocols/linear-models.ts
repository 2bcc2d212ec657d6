/**
 * The linear models a network is compared with in Hu, Xiao, Adlam, Pennington (2020): the
 * Gaussian-constant linear model f^lin = βᵀψ(x) on the features of the trained layers
 * (ψ1, ψ2, ψ: src/kernels/linear-model.ts), the "naive" one of section 3.4 without the norm
 * feature, and the optimal (least-squares) linear model f*^lin of Corollary 3.3.
 * X is d×n (columns are samples); features Ψ are p×n.
 */
import type { Activation } from '../../activations';
import { type LinearModelLayers, linearFeatures, linearModelConstants } from '../../kernels/linear-model';
import { type Mat, ShapeError, shapeOf } from '../../linalg/mat';
import { eigh, gram, matvec } from '../../linalg/ops';

export interface LinearModelSpec {
  /** Name used in results ('lin', 'naive', ...). */
  name: string;
  /** Training features Ψ (p×n). */
  train: Mat;
  /** Test features Ψ' (p×n'). */
  test: Mat;
}

/** ψ1 / ψ2 / ψ features of train and test inputs (Tr Σ² from the problem). */
export function linearModelSpec(
  name: string, X: Mat, Xtest: Mat, act: Activation, which: LinearModelLayers, traceSigmaSq: number,
): LinearModelSpec {
  return {
    name,
    train: linearFeatures(X, act, which, { traceSigmaSq }),
    test: linearFeatures(Xtest, act, which, { traceSigmaSq }),
  };
}

/**
 * The "naive" linear model of section 3.4 (Fig. 2): the features of `which` with the norm
 * feature q(x) = ϑ0 + ϑ1(s − 1) + ϑ2(s − 1)² replaced by its constant ϑ0 (ϑ1 = ϑ2 = 0).
 * Only 'second' and 'both' have a norm feature.
 */
export function naiveLinearModelSpec(
  name: string, X: Mat, Xtest: Mat, act: Activation, which: 'second' | 'both', traceSigmaSq: number,
): LinearModelSpec {
  const full = linearModelSpec(name, X, Xtest, act, which, traceSigmaSq);
  const k = linearModelConstants(act, X.rows, { traceSigmaSq });
  for (const P of [full.train, full.test]) {
    const p = P.rows;
    for (let j = 0; j < P.cols; j++) P.data[j * p + p - 1] = k.theta0;
  }
  return full;
}

/**
 * The optimal linear model f*^lin: the minimum-norm least-squares β* of min ‖Ψᵀβ − y‖
 * (the limit of GD from β_0 = 0), through the eigendecomposition of the p×p matrix ΨΨᵀ;
 * eigenvalues below relTol·λ_max are treated as zero (e.g. the ν row of ψ1, which is 0
 * for erf). Returns β* and its train/test predictions.
 */
export function optimalLinearModel(
  Psi: Mat, y: ArrayLike<number>, PsiTest?: Mat, relTol = 1e-10,
): { beta: Float64Array; train: Float64Array; test?: Float64Array; rank: number } {
  if (y.length !== Psi.cols) throw new ShapeError(`optimalLinearModel: Ψ is ${shapeOf(Psi)} (p×n), y has length ${y.length}`);
  const p = Psi.rows;
  const G = gram(Psi);
  const { values, vectors } = eigh(G);
  const b = matvec(Psi, Float64Array.from(y));
  const lmax = Math.max(...values);
  const beta = new Float64Array(p);
  let rank = 0;
  for (let k = 0; k < p; k++) {
    const lam = values[k]!;
    if (!(lam > relTol * lmax)) continue;
    rank++;
    const u = vectors.data.subarray(k * p, (k + 1) * p);
    let c = 0;
    for (let i = 0; i < p; i++) c += u[i]! * b[i]!;
    c /= lam;
    for (let i = 0; i < p; i++) beta[i] += c * u[i]!;
  }
  const out: { beta: Float64Array; train: Float64Array; test?: Float64Array; rank: number } = {
    beta, train: matvec(Psi, beta, { trans: true }), rank,
  };
  if (PsiTest) out.test = matvec(PsiTest, beta, { trans: true });
  return out;
}
