/**
 * The ntk-verify command line. One exit-code convention for every command (EXIT_CODES,
 * shown by --help): 0 success, 1 a verdict, check or comparison differs, 2 the command
 * could not do what was asked (usage error, unreadable or invalid input, unusable folder,
 * any other error). With --json every failure is also one JSON object on stdout:
 * {"error": {"message", "kind", "exitCode"}}.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cac } from 'cac';
import { doctor, formatDoctor } from './doctor';
import { UsageError, listCommand, mergeCommand, reportCommand, runCommand } from './run';
import { fixturesCommand } from './fixtures';
import { inspectCommand } from './inspect';

const cli = cac('ntk-verify');
let exitCode = 0;

export const EXIT_CODES = [
  '0  success: every prediction has its expected verdict; the check passed; no verdict changed',
  '1  a verdict, check or comparison differs (run, merge, fixtures check, diff, notes, doctor --digits), or a job failed',
  '2  the command could not do what was asked: usage error, unreadable or invalid input,',
  '   unusable report or cache folder, or any other error (with --json: a JSON error object on stdout)',
];

cli
  .command('list', 'List the claims in the registry')
  .option('--paper <p>', 'Only claims of this paper (W or H)')
  .option('--claims <dir>', 'Claims folder (default: claims/, or NTKV_CLAIMS_DIR)')
  .option('--json', 'Print JSON')
  .action(async (opts) => listCommand(opts));

cli
  .command('run [...ids]', 'Run claims (ids or globs such as W2 "H*"; default: all) and write a report under reports/')
  .option('--tier <tier>', 'smoke | standard | paper', { default: 'standard' })
  .option('--paper <p>', 'Only claims of this paper (W or H)')
  .option('--jobs <n>', 'Worker processes (each job runs with --threads BLAS threads, whatever --jobs is)', { default: 1 })
  .option('--threads <t>', 'BLAS threads per job (default: NTKV_BLAS_THREADS, else 1); part of the cache key, since results differ in the last bits across thread counts')
  .option('--shard <k/N>', 'Run shard k of N (1-based; e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)')
  .option('--no-cache', 'Recompute every job and plot, neither reading nor writing the cache (.ntkv-cache or NTKV_CACHE_DIR)')
  .option('--seed <seed>', 'Root seed of every random stream')
  .option('--out <dir>', 'Report folder (default: reports/<run-id>)')
  .option('--claims <dir>', 'Claims folder (default: claims/, or NTKV_CLAIMS_DIR)')
  .option('--json', 'Print results.json to stdout instead of the summary')
  .action(async (ids: string[], opts) => {
    exitCode = await runCommand(ids, opts);
  });

cli
  .command('plan [...ids]', 'Estimate a tier before running it: jobs, CPU time and peak memory per claim, wall time per shard')
  .option('--tier <tier>', 'smoke | standard | paper', { default: 'standard' })
  .option('--shards <n>', 'Wall time per shard for N shards (as run --shard k/N cuts them)', { default: 1 })
  .option('--from <run>', 'Timings from this run (id, folder or results.json; repeatable; default: results/ and reports/)')
  .option('--paper <p>', 'Only claims of this paper (W or H)')
  .option('--claims <dir>', 'Claims folder (default: claims/, or NTKV_CLAIMS_DIR)')
  .option('--seed <seed>', 'Root seed of the run to look up in the cache (as run --seed)')
  .option('--trials <n>', 'What if every claim ran n trials per size at this tier (e.g. the 25 a paper asks): jobs and cost with n')
  .option('--no-cache', 'Leave the cache out (by default: jobs already cached and training checkpoints, and the CPU left)')
  .option('--json', 'Print the plan as JSON')
  .action(async (ids: string[], opts) => {
    const { planCommand } = await import('./plan');
    exitCode = await planCommand(ids, opts);
  });

cli
  .command('report <run>', 'Rebuild a report from results.json (a run id, folder or file) without recomputing')
  .option('--out <dir>', 'Write the report elsewhere')
  .action(async (run: string, opts) => reportCommand(run, opts));

cli
  .command('merge <...runs>', 'Join the results of shards (run ids, folders or results.json files) into one report')
  .option('--out <dir>', 'Report folder')
  .option('--claims <dir>', 'Claims folder')
  .option('--json', 'Print the merged results.json to stdout instead of the summary')
  .action(async (runs: string[], opts) => {
    exitCode = await mergeCommand(runs, opts);
  });

cli
  .command('combine <...runs>', 'One results.json from complete runs of different claims (each claim from one run), re-analysed with the current claim files')
  .option('--out <dir>', 'Folder for results.json and the report (e.g. results/standard)')
  .option('--claims <dir>', 'Claims folder')
  .option('--json', 'Print the combined results.json to stdout instead of the summary')
  .action(async (runs: string[], opts) => {
    const { combineCommand } = await import('./combine');
    exitCode = await combineCommand(runs, opts);
  });

cli
  .command('notes [...ids]', 'Check that the CIs, estimates and verdict tallies the claims\' notes quote are what the results give')
  .option('--from <run>', 'Results to hold the notes to (id, folder or results.json; repeatable; default: results/standard and results/paper)')
  .option('--paper <p>', 'Only claims of this paper (W or H)')
  .option('--claims <dir>', 'Claims folder (default: claims/, or NTKV_CLAIMS_DIR)')
  .option('--json', 'Print the check as JSON')
  .action(async (ids: string[], opts) => {
    const { notesCommand } = await import('./notes');
    exitCode = await notesCommand(ids, opts);
  });

cli
  .command('fixtures <action> [...ids]', 'check: compare a fresh smoke run with fixtures/; update: rewrite them deliberately')
  .option('--tier <tier>', 'Tier of the fixtures', { default: 'smoke' })
  .option('--run <run>', 'Compare this run instead of running now (check only)')
  .action(async (action: string, ids: string[], opts) => {
    exitCode = await fixturesCommand(action, ids, opts);
  });

cli
  .command('diff <a> [b]', 'Compare two runs (ids, folders or results.json files), or a run with fixtures/ (--fixtures): verdicts, slopes, values')
  .option('--fixtures', 'Compare run <a> with fixtures/<ID>/<tier>.json instead of a second run')
  .option('--json', 'Print the diff as JSON')
  .option('--rel-tol <x>', 'Relative tolerance for every value and slope (default: each observable\'s fixtureRelTol, else 1e-6)')
  .option('--limit <n>', 'Rows of value changes shown in the Markdown table', { default: 20 })
  .option('--claims <dir>', 'Claims folder, for the observables\' tolerances (default: claims/, or NTKV_CLAIMS_DIR)')
  .action(async (a: string, b: string | undefined, opts) => {
    const { diffCommand } = await import('./diff');
    exitCode = await diffCommand(a, b, opts);
  });

cli
  .command('inspect', 'Analyse your own matrices (.npy): outputs, kernels, and optionally a few training steps')
  .option('--X <file>', 'Inputs, d×n (columns are samples)')
  .option('--W <file>', 'First layer, h×d; give it several times (W1 … WL) for a deep fully connected network')
  .option('--v <file>', 'Readout, length h (of the last --W)')
  .option('--y <file>', 'Targets, length n')
  .option('--act <name>', 'Activation (e.g. relu, tanh, erf)')
  .option('--normalized', 'Use the normalized activation')
  .option('--train <opt>', 'Train before measuring changes: gd | sgd | adam | adagrad')
  .option('--lr <eta>', 'Learning rate', { default: 1 })
  .option('--steps <t>', 'Training steps', { default: 3 })
  .option('--layers <which>', 'first | second | both', { default: 'first' })
  .option('--json', 'Print one JSON object')
  .action(async (opts) => inspectCommand(opts));

cli
  .command('doctor', 'Show the linear-algebra backend, BLAS library, threads and a dgemm speed probe')
  .option('--json', 'Print one JSON object (keys: backend, blas, threads, gemmGflops, ...)')
  .option('--seconds <s>', 'Length of the dgemm probe in seconds', { default: 1 })
  .option('--digits', 'Instead of the probe: digits of the plain kernel difference K_t − K_0 (CK, K1) against the direct formula, float64 and float32 (exit 1 below 8 digits)')
  .option('--n <n>', 'With --digits: number of samples (d = 0.6n, h = 1.2n, as W3)', { default: 4000 })
  .option('--act <list>', 'With --digits: students, comma-separated (normalized)', { default: 'relu,tanh' })
  .option('--trial <t>', 'With --digits: trial of W3\'s job whose draw is used', { default: 0 })
  .option('--no-float32', 'With --digits: skip the float32 comparison')
  .option('--f32-samples <m>', 'With --digits: samples whose kernel block is recomputed in emulated float32 arithmetic', { default: 256 })
  .action(async (opts: { json?: boolean; seconds: number; digits?: boolean; n: number | string; act: string; trial: number | string; float32?: boolean; 'f32-samples'?: number | string; f32Samples?: number | string }) => {
    if (opts.digits) {
      const { doctorDigits, formatDigits } = await import('./digits');
      const n = Number(opts.n), trial = Number(opts.trial);
      if (!Number.isInteger(n) || n < 2) throw new UsageError(`doctor --digits: --n must be an integer ≥ 2, got '${opts.n}'`);
      if (!Number.isInteger(trial) || trial < 0) throw new UsageError(`doctor --digits: --trial must be an integer ≥ 0, got '${opts.trial}'`);
      const mArg = opts['f32-samples'] ?? opts.f32Samples; // cac does not camel-case a name with a digit
      const m = Number(mArg);
      if (!Number.isInteger(m) || m < 2) throw new UsageError(`doctor --digits: --f32-samples must be an integer ≥ 2, got '${mArg}'`);
      const acts = String(opts.act).split(',').map((a) => a.trim()).filter((a) => a !== '');
      if (acts.length === 0) throw new UsageError('doctor --digits: --act needs at least one activation (e.g. relu,tanh)');
      const r = doctorDigits({
        n, trial, acts, float32: opts.float32 !== false, float32Samples: m,
        ...(opts.json ? {} : { progress: (line: string) => console.error(line) }),
      });
      console.log(opts.json ? JSON.stringify(r, null, 2) : formatDigits(r));
      if (!r.ok) exitCode = 1;
      return;
    }
    const r = doctor({ seconds: Number(opts.seconds) });
    console.log(opts.json ? JSON.stringify(r, null, 2) : formatDoctor(r));
  });

cli
  .command('bench', 'Run the benchmarks (same as npm run bench)')
  .option('--quick', 'Smaller sizes')
  .action(async (opts: { quick?: boolean }) => {
    // The benchmarks (and their tinybench dependency) live in a clone of the repository, not in the package:
    // run them as `npm run bench` does, in a child process, so the CLI does not import bench/.
    const script = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));
    if (!existsSync(script)) {
      throw new UsageError('bench runs in a clone of the ntk-verify repository (bench/ is not part of the installed package)');
    }
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...(opts.quick ? ['--quick'] : [])], { stdio: 'inherit' });
    exitCode = r.status ?? 2;
  });

cli.help((sections) => [...sections, { title: 'Exit codes', body: EXIT_CODES.map((l) => `  ${l}`).join('\n') }]);
cli.version('0.1.0', '--version'); // no -v alias: inspect takes --v <file>

/** Options meant to be given several times (each adds one input). */
const REPEATABLE = new Set(['from']);

/** An option given more than once (cac then passes an array) is a usage error, for every command but the repeatable ones. */
function rejectRepeatedOptions(options: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(options)) {
    if (k === '--' || !Array.isArray(v) || /[A-Z]/.test(k) || REPEATABLE.has(k)) continue; // cac keeps a camelCase copy of kebab-case names
    throw new UsageError(`--${k} was given ${v.length} times (${v.map((x) => `'${String(x)}'`).join(', ')}); give it once`);
  }
}

const jsonWanted = process.argv.slice(2).includes('--json');

try {
  cli.parse(process.argv, { run: false });
  rejectRepeatedOptions(cli.options);
  if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
    const given = cli.args[0];
    if (given !== undefined) {
      throw new UsageError(`unknown command '${given}'. Commands: list, run, report, merge, diff, fixtures, inspect, doctor, bench`);
    }
    cli.outputHelp();
  } else {
    await cli.runMatchedCommand();
  }
  process.exitCode = exitCode;
} catch (e) {
  const err = e as Error;
  const usage = err instanceof UsageError || err.name === 'CACError' || err.name === 'SelectionError';
  const kind = usage ? 'usage' : err.name === 'FolderError' ? 'folder' : 'error';
  const message = err?.message ?? String(e);
  console.error(`ntk-verify: ${message}`);
  if (jsonWanted) console.log(JSON.stringify({ error: { message, kind, exitCode: 2 } }));
  process.exitCode = 2;
  // Whatever may still hold the event loop (a pool being torn down), the error ends the command.
  setTimeout(() => process.exit(2), 2000).unref();
}
