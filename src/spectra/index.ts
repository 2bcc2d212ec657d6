/**
 * Spectral diagnostics for the verification suite: Lanczos and block-Krylov top eigenpairs, matrix norms,
 * distances between spectra, the Marchenko–Pastur law, outliers/Tracy–Widom/BBP, power-law
 * tails (WeightWatcher metrics), subspace alignment, regression metrics and the spectra of
 * the paper's weight Gram matrices.
 */
export { SpectraInputError } from './validate';
export {
  lanczosTopEigen,
  type LanczosOptions,
  type LanczosResult,
  type SymmetricOperator,
} from './lanczos';
export {
  topEigenpairsBlock,
  defaultBlockSize,
  type BlockOperator,
  type BlockKrylovOptions,
  type BlockKrylovResult,
} from './block-krylov';
export { matrixNorms, symmetricSpectralNorm, type MatrixNorms } from './norms';
export { wasserstein1, wasserstein2, kolmogorovDistance } from './distances';
export {
  mpEdges,
  mpAtomMass,
  mpDensity,
  mpCdf,
  mpQuantile,
  mpMoments,
  kolmogorovToMp,
  wasserstein1ToMp,
  type MpEdges,
  type KolmogorovToMpOptions,
} from './mp';
export {
  outliersAbove,
  twMargin,
  bbpSpikeLocation,
  TW1_QUANTILES,
  type Outliers,
  type TwMargin,
  type BbpSpike,
} from './outliers';
export {
  fitPowerLaw,
  alphaTimesLogLambdaMax,
  alphaTimesLambdaMax,
  weightedAlpha,
  logAlphaNorm,
  stableRank,
  type PowerLawFit,
  type PowerLawOptions,
} from './powerlaw';
export {
  topSingularVectors,
  alignment,
  orthonormalBasis,
  principalAngles,
  type TopSingular,
  type PrincipalAngles,
} from './subspaces';
export { mse, r2 } from './metrics';
export { weightGramSpectrum, weightOuterSpectrum } from './paper';
