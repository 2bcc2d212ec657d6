/**
 * ntk-verify/experiments — the two papers' settings as reusable recipes, which the
 * repository's claims (claims/W, claims/H) are built from: Wang et al.'s aspect-ratio setting
 * and teachers (w-setting), training cases and spectra (w-cases, w-spectra, w-transition),
 * early weight/kernel changes (changes), convergence (convergence); Hu et al.'s symmetric-init
 * setting (h-setting), kernels against linear models (h-kernels), early-phase dynamics
 * (h-dynamics) and the circular CNN (h-cnn); observables that could not be measured
 * (not-measured). Shapes as in 'ntk-verify': X is d×n.
 */
export * from './changes';
export * from './convergence';
export * from './h-cnn';
export * from './h-dynamics';
export * from './h-kernels';
export * from './h-setting';
export * from './not-measured';
export * from './w-cases';
export * from './w-setting';
export * from './w-spectra';
export * from './w-transition';
// Two recipes name their step-size choice RateChoice: W's (convergence) keeps the name.
export type { RateChoice } from './convergence';
export type { RateChoice as HRateChoice } from './h-dynamics';
