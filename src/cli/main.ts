/**
 * The ntk-verify command line. Exit codes: 0 success (every claim has its expected
 * verdict), 1 a verdict or check failed, 2 a usage error.
 */
import { cac } from 'cac';
import { doctor, formatDoctor } from './doctor';

export class UsageError extends Error {
  override name = 'UsageError';
}

const cli = cac('ntk-verify');

cli
  .command('doctor', 'Show the linear-algebra backend, BLAS library, threads and a dgemm speed probe')
  .option('--json', 'Print one JSON object (keys: backend, blas, threads, gemmGflops, ...)')
  .option('--seconds <s>', 'Length of the dgemm probe in seconds', { default: 1 })
  .action((opts: { json?: boolean; seconds: number }) => {
    const r = doctor({ seconds: Number(opts.seconds) });
    console.log(opts.json ? JSON.stringify(r, null, 2) : formatDoctor(r));
  });

cli.help();
cli.version('0.1.0');

try {
  cli.parse(process.argv, { run: false });
  if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
    const given = cli.args[0];
    if (given !== undefined) throw new UsageError(`unknown command '${given}'. Run 'ntk-verify --help' for the commands.`);
    cli.outputHelp();
  } else {
    await cli.runMatchedCommand();
  }
} catch (e) {
  const err = e as Error;
  const usage = err instanceof UsageError || err.name === 'CACError';
  console.error(`ntk-verify: ${err.message}`);
  process.exit(usage ? 2 : 1);
}
