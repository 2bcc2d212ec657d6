export * from './mat';
export * from './ops';
export { backend, useBackend, loadNativeBackend, nativeLoadProblem, type LinalgBackend } from './backend';
