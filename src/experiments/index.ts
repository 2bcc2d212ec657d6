/**
 * ntk-verify/experiments — the two papers' experiments as reusable pieces, which the
 * repository's claims (claims/W, claims/H) are built from. Cut by concept:
 *
 *  - settings/      what a claim runs on: Wang et al.'s aspect-ratio setting, teachers and
 *                   constants (w), Table 1's cases (w-table1), §6 on real data (w-real-data); Hu et al.'s symmetric-init
 *                   setting, targets and early-phase constants (h); one draw, several
 *                   students (student);
 *  - protocols/     the ways to train and compare: learning-rate rules (rates), Table 1 cases
 *                   (w-cases), training to convergence (convergence), the network and its
 *                   linear model side by side (side-by-side, linear-models) and the early-phase
 *                   job built on it (early-phase), the linear model's own GD against its
 *                   closed form (linear-dynamics), the learning-rate sweep on one draw
 *                   (rate-sweep), §6's optimizers on real data (real-data-training), training a copy (train-copy), a user's own network (inspect);
 *                   the deep FC network and its Taylor linear model under SGD on the same
 *                   batches (deep-side-by-side, deep-linear-sgd — which also trains the model
 *                   of any explicit kernel, e.g. the infinite-width NTK, on those batches);
 *  - measurements/  what is measured: changes of weights and kernels (changes), spikes and
 *                   alignments (spikes), spectral classes (spectral-classes), spectral edges
 *                   and shifts (spectral-edges), data concentration (concentration), kernel
 *                   gaps to expected and linear kernels (kernel-gaps), NTK spectra before/after and
 *                   sign accuracy (ntk-spectrum-change), network–linear-model
 *                   discrepancies (discrepancy), a loss split along the span of the inputs
 *                   (input-span), test error (test-error), Theorem 5.2's
 *                   inequalities (theorem-5-2), the float64 digits of kernel changes
 *                   (kernel-change-digits).
 *
 * The claim-declaration helpers (notMeasuredAll, earlyPhaseObservables, earlyPhasePlots,
 * windowPrediction) are next to defineClaim, in 'ntk-verify' (src/runner/builders.ts).
 * This file is the one public door of src/experiments (inspect and kernel-change-digits serve
 * the CLI and stay internal). Shapes as in 'ntk-verify': X is d×n.
 */
export * from './settings/h';
export * from './settings/student';
export * from './settings/w';
export * from './settings/w-table1';
export * from './settings/w-real-data';

export * from './protocols/convergence';
export * from './protocols/deep-linear-sgd';
export * from './protocols/deep-side-by-side';
export * from './protocols/early-phase';
export * from './protocols/linear-dynamics';
export * from './protocols/linear-models';
export * from './protocols/rate-sweep';
export * from './protocols/real-data-training';
export * from './protocols/rates';
export * from './protocols/side-by-side';
export * from './protocols/train-copy';
export * from './protocols/w-cases';

export * from './measurements/changes';
export * from './measurements/concentration';
export * from './measurements/discrepancy';
export * from './measurements/input-span';
export * from './measurements/kernel-gaps';
export * from './measurements/ntk-spectrum-change';
export * from './measurements/spectral-classes';
export * from './measurements/spectral-edges';
export * from './measurements/spikes';
export * from './measurements/test-error';
export * from './measurements/theorem-5-2';
