#!/usr/bin/env node
/**
 * The `preflight` command. Each subcommand lives in its own file and is loaded only
 * when used, so that start-up stays small.
 */
import module from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { EXIT } from './exit-codes.js';

// Node 22.1+ keeps compiled modules on disk between runs (each command's modules load after
// this line); Node 20 has no such cache, and this is a no-op there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/** Options several commands share (commander wants a new Option per command). */
const STORE = (): Option =>
  new Option(
    '--store <url-or-file>',
    'record the run in this history (postgres://… or a SQLite file; env PREFLIGHT_STORE)',
  );
const NO_STORE = (): Option =>
  new Option(
    '--no-store',
    "do not record the run in the history (default: the plan's .preflight/history.db)",
  );
const NO_COLOR = (): Option => new Option('--no-color', 'plain output without colours');

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
  .option(
    '--plan <file>',
    'the plan file, or a Postman collection (JSON file or v3 directory)',
    'preflight.yaml',
  )
  .option('--only <checks>', 'comma-separated check ids or kinds, e.g. paths,lint')
  .option('--json <file>', 'write the JSON result')
  .option('--junit <file>', 'write a JUnit XML report (one test case per step)')
  .option('--record [dir]', "write the Markdown launch record (default: the plan's record.dir or launches/)")
  .option('--base-url <url>', 'test an already running service instead of starting it')
  .option('--shard <i/n>', 'run the i-th of n slices of the critical paths')
  .option('--concurrency <n>', 'checks that run at once', '4')
  .option('--html <file>', 'write a self-contained HTML report of the run, with charts')
  .addOption(STORE())
  .addOption(NO_STORE())
  .option(
    '--var <name=value>',
    "set a plan variable, overriding the plan's variables (repeatable)",
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--environment <file>', 'with a Postman collection as --plan: its environment file')
  .option('--globals <file>', 'with a Postman collection as --plan: its globals file')
  .option('--tag [version]', 'on GO, create the annotated release tag (release.tag, default v{version})')
  .option('--push', 'with --tag: push the tag to origin')
  .option('--verbose', 'print every step as it ends, and every TODO placeholder of the plan')
  .addOption(NO_COLOR())
  .action(async (opts) => {
    const { runCommand } = await import('./run.js');
    process.exitCode = await runCommand(opts);
  });

program
  .command('compare <ref>')
  .description('measure a baseline (git ref, last-tag, or recorded JSON) against the work tree under load')
  .option('--plan <file>', 'the plan file', 'preflight.yaml')
  .option('--json <file>', 'write the JSON result (with metrics)')
  .option('--html <file>', 'write a self-contained HTML report with charts')
  .option('--record [dir]', "write the Markdown launch record (default: the plan's record.dir or launches/)")
  .option(
    '--candidate-env <KEY=VALUE>',
    'environment of the candidate service only (repeatable)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option(
    '--max-duration <duration>',
    'time budget: measure until every blocking comparison is conclusive or this, e.g. 90s (default: metrics.max_duration)',
  )
  .addOption(new Option('--duration <duration>', 'old name of --max-duration').hideHelp())
  .option('--rate <rate>', 'iterations per second of each critical path, e.g. 50/s')
  .option('--engine <engine>', 'who sends the load: probe (built in) or k6 (default: metrics.engine)')
  .option('--segments <n>', 'engine k6: k6 processes per block, one --execution-segment each')
  .addOption(STORE())
  .addOption(NO_STORE())
  .addOption(NO_COLOR())
  .action(async (ref: string, opts) => {
    const { compareCommand } = await import('./compare.js');
    process.exitCode = await compareCommand(ref, opts);
  });

program
  .command('rehearse')
  .description('deploy the candidate to staging, roll back, redeploy, with the critical paths after each')
  .option('--plan <file>', 'the plan file', 'preflight.yaml')
  .option(
    '--candidate <ref>',
    "the release to rehearse: a git ref, WORKTREE or a directory (default: the plan's)",
  )
  .option('--baseline <ref>', 'deployed first when staging has no release yet')
  .option('--json <file>', 'write the JSON result')
  .option('--junit <file>', 'write a JUnit XML report')
  .option('--record [dir]', "write the Markdown launch record (default: the plan's record.dir or launches/)")
  .option('--verbose', 'print every step as it ends, and every TODO placeholder of the plan')
  .addOption(STORE())
  .addOption(NO_STORE())
  .addOption(NO_COLOR())
  .action(async (opts) => {
    const { rehearseCommand } = await import('./rehearse.js');
    process.exitCode = await rehearseCommand(opts);
  });

program
  .command('validate')
  .description('check a plan and list every problem, with file:line:column')
  .option('--plan <file>', 'the plan file', 'preflight.yaml')
  .addOption(NO_COLOR())
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

program
  .command('init')
  .description(
    "scaffold a plan from the service's OpenAPI document and the app in the plan's directory (FastAPI: start, OpenAPI path, auth, flows, ruff, pytest)",
  )
  .option(
    '--openapi <url-or-file>',
    'the OpenAPI document: a URL, a file, or with --start a path on the service',
  )
  .option(
    '--start <cmd>',
    'start the service with this command ({port} is a free port) and read its OpenAPI document (default: the FastAPI app found in the directory)',
  )
  .option('--yes', 'no questions: every GET that runs without credentials or parameters, plus detail GETs')
  .option(
    '--pick <operations>',
    'the operations to include: numbers, operationIds or "METHOD /path", comma-separated',
  )
  .option('--out <file>', 'the plan to write', 'preflight.yaml')
  .option('--force', 'replace the plan when it exists')
  .action(async (opts) => {
    const { initCommand } = await import('./init.js');
    process.exitCode = await initCommand(opts);
  });

program
  .command('export')
  .description('write the plan for another tool')
  .command('k6')
  .description("the critical paths as a k6 script (scenarios, checks, thresholds from the paths' SLOs)")
  .option('--plan <file>', 'the plan file', 'preflight.yaml')
  .option('--out <file>', 'the script to write', 'preflight-k6.js')
  .option('--path <names>', 'only these critical paths (comma-separated)')
  .option('--vus <n>', 'virtual users per scenario (k6: -e VUS=N)', '5')
  .option('--duration <d>', 'duration of each scenario (k6: -e DURATION=1m)', '30s')
  .option('--base-url <url>', "the service URL by default (k6: -e BASE_URL=...); else the plan's service.url")
  .addOption(NO_COLOR())
  .action(async (opts) => {
    const { exportK6Command } = await import('./export.js');
    process.exitCode = await exportK6Command(opts);
  });

program
  .command('merge')
  .description(
    'join the JSON results of --shard runs into one verdict and one record; with --k6, the raw outputs of k6 pods into one SLO verdict',
  )
  .argument(
    '<results...>',
    'JSON results written by `preflight run --shard i/n --json FILE` (with --k6: k6 --out json files)',
  )
  .option(
    '--k6',
    'the files are k6 raw outputs (k6 run --out json=FILE) of one exported script: merge their samples, check the SLOs',
  )
  .option('--json <file>', 'write the merged JSON result')
  .option('--junit <file>', 'write a JUnit XML report of the merged result')
  .option('--record [dir]', 'write the Markdown launch record (default launches/)')
  .option('--tag [version]', 'on GO, when every shard is there, create the release tag (as run --tag)')
  .option('--push', 'with --tag: push the tag to origin')
  .option('--plan <file>', 'the plan (for release.tag; default: the one the results name)')
  .addOption(NO_COLOR())
  .action(async (files: string[], opts) => {
    if (opts.k6) {
      const { mergeK6Command } = await import('./merge-k6.js');
      process.exitCode = await mergeK6Command(files, opts);
      return;
    }
    const { mergeCommand } = await import('./merge.js');
    process.exitCode = await mergeCommand(files, opts);
  });

program
  .command('history')
  .description('list the recorded runs, newest first')
  .option('--store <url-or-file>', 'the history (postgres://… or a SQLite file; env PREFLIGHT_STORE)')
  .option('--plan <file>', 'the plan whose history to read (its .preflight/history.db)')
  .option('--service <name>', 'only the runs of this service')
  .option('--limit <n>', 'at most this many runs', '20')
  .option('--json', 'print the runs as JSON')
  .addOption(NO_COLOR())
  .action(async (opts) => {
    const { historyCommand } = await import('./history.js');
    process.exitCode = await historyCommand(opts);
  });

program
  .command('serve')
  .description('the history dashboard in the browser: runs, a run, trends per critical path, compare')
  .option('--store <url-or-file>', 'the history (postgres://… or a SQLite file; env PREFLIGHT_STORE)')
  .option('--plan <file>', 'the plan whose history to serve (its .preflight/history.db)')
  .option('--host <host>', 'the address to bind; beyond loopback a token is required', '127.0.0.1')
  .option('--port <port>', 'the port (0: any free port)', '4280')
  .option('--token <token>', 'required to bind beyond loopback (env PREFLIGHT_TOKEN)')
  .action(async (opts) => {
    const { serveCommand } = await import('./serve.js');
    process.exitCode = await serveCommand(opts);
  });

program
  .command('import')
  .description("convert another tool's tests into a plan")
  .command('postman')
  .description(
    'a Postman collection (v2.0/v2.1 JSON, or a v3 directory) as a plan: requests in collection order, tests as named assertions',
  )
  .argument('<collection>', 'the collection JSON file, or the directory of a v3 collection')
  .option('--env <file>', 'a Postman environment file (JSON, or v3 YAML)')
  .option('--globals <file>', 'a Postman globals file (JSON, or v3 YAML)')
  .option('--out <file>', 'the plan to write', 'preflight.yaml')
  .option('--force', 'replace the plan when it exists')
  .action(async (collection: string, opts) => {
    const { importPostmanCommand } = await import('./import.js');
    process.exitCode = await importPostmanCommand(collection, opts);
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
