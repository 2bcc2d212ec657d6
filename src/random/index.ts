export { rngFor, streamKey, fnv1a64, mix64, stateForKey, type Rng, type KeyPart } from './rng';
