#!/usr/bin/env node
/**
 * The `preflight` command. Each subcommand lives in its own file and is loaded only
 * when used, so that start-up stays small.
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { EXIT } from './exit-codes.js';

const program = new Command()
  .name('preflight')
  .description(
    'A launch gate for Python web services: runs the pre-launch checklist, gives GO / NO-GO, writes a launch record.',
  )
  .version(VERSION)
  .showHelpAfterError('(run `preflight --help` for usage)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('run')
  .description('run the whole checklist (or --only some checks) and give a verdict')
  .option('--plan <file>', 'the plan file', 'preflight.yaml')
  .option('--only <checks>', 'comma-separated check ids or kinds, e.g. paths,lint')
  .option('--json <file>', 'write the JSON result')
  .option('--junit <file>', 'write a JUnit XML report (one test case per step)')
  .option('--record [dir]', "write the Markdown launch record (default: the plan's record.dir or launches/)")
  .option('--base-url <url>', 'test an already running service instead of starting it')
  .option('--shard <i/n>', 'run the i-th of n slices of the critical paths')
  .option('--concurrency <n>', 'checks that run at once', '4')
  .option('--verbose', 'print every step as it ends')
  .addOption(new Option('--no-color', 'plain output without colours'))
  .action(async (opts) => {
    const { runCommand } = await import('./run.js');
    process.exitCode = await runCommand(opts);
  });

program
  .command('validate')
  .description('check a plan and list every problem, with file:line:column')
  .option('--plan <file>', 'the plan file', 'preflight.yaml')
  .addOption(new Option('--no-color', 'plain output without colours'))
  .action(async (opts) => {
    const { validateCommand } = await import('./validate.js');
    process.exitCode = await validateCommand(opts);
  });

program
  .command('schema')
  .description("print the plan's JSON Schema (for editors), or write it with --out")
  .option('--out <file>', 'write it to this file')
  .action(async (opts) => {
    const { schemaCommand } = await import('./schema.js');
    process.exitCode = await schemaCommand(opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other parse problem is a usage error.
    process.exitCode = error.exitCode === 0 ? EXIT.GO : EXIT.USAGE;
  } else {
    process.stderr.write(`preflight: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.COULD_NOT_RUN;
  }
}
