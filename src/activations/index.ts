export {
  type Activation,
  type DerivativeKind,
  DEFAULT_LEAKY_SLOPE,
  affineActivation,
  erfActivation,
  tanhActivation,
  reluActivation,
  leakyRelu,
  leakyReluActivation,
  softplusActivation,
  sigmoidActivation,
  identityActivation,
} from './activation';
export {
  activation,
  normalized,
  ACTIVATION_NAMES,
  type ActivationOptions,
  type NormalizedActivation,
} from './registry';
export {
  gaussianConstants,
  gaussianMoments,
  gaussianMomentsByQuadrature,
  quadratureFor,
  CONSTANTS_HERMITE_N,
  type GaussianConstants,
  type GaussianMoments,
} from './constants';
export { applyActivationBulk, activationWeightedBulk, derivativeOuterProduct, derivativeComesFree, applyToMat, applyWithDerivativeToMat, vectorFn } from './bulk';
