/**
 * Running Alembic: the project's Python with `-m alembic -c alembic.ini ...`, through
 * runCommand (own process group, bounded in time), with the database URL in the variable the
 * project's env.py reads. Also the offline SQL of a range of revisions, split per revision.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationsSettings } from '../../plan/schema-migrations.js';
import { type CommandOutcome, runCommand } from '../../process/process.js';
import { scratchGuardEnv } from '../scratch-guard.js';
import { fillScratchEnv } from '../scratch-proof.js';

/** How to run Alembic for one plan. */
export interface AlembicRunner {
  ini: string;
  cwd: string;
  python: string;
  urlEnv: string;
  /** `database.migrations.env`: variables with `{scratch_*}` placeholders, filled per database. */
  env: Record<string, string>;
  signal: AbortSignal;
}

/** Build the runner: alembic.ini relative to the plan, the venv next to it when there is one. */
export function alembicRunner(
  settings: MigrationsSettings,
  planDir: string,
  signal: AbortSignal,
): AlembicRunner {
  const ini = path.resolve(planDir, settings.config);
  const cwd = path.dirname(ini);
  const venv = path.join(cwd, '.venv', 'bin', 'python');
  const python = settings.python
    ? path.resolve(planDir, settings.python)
    : existsSync(venv)
      ? venv
      : 'python3';
  return { ini, cwd, python, urlEnv: settings.url_env, env: settings.env ?? {}, signal };
}

function quote(arg: string): string {
  return /^[\w./:@%+=-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The command line shown in results (`alembic upgrade head`, without the interpreter). */
export function alembicCommand(args: string[]): string {
  return `alembic ${args.map(quote).join(' ')}`;
}

/**
 * The environment Alembic runs with against `url`: the URL variable, the plan's mapped
 * variables, and the scratch guard (its SQLAlchemy connects to `url` and nowhere else).
 */
export function alembicEnv(runner: AlembicRunner, url: string): NodeJS.ProcessEnv {
  const mapped = fillScratchEnv(runner.env, url);
  return {
    ...process.env,
    ...mapped,
    [runner.urlEnv]: url,
    PYTHONDONTWRITEBYTECODE: '1',
    ...scratchGuardEnv(url, mapped.PYTHONPATH ?? process.env.PYTHONPATH),
  };
}

/**
 * Run `alembic ARGS` against `url`; the outcome's output has the end of stdout and stderr, and
 * `stdoutFile`, when given, gets the whole of stdout (offline SQL is parsed from it).
 */
export function runAlembic(
  runner: AlembicRunner,
  args: string[],
  url: string,
  stdoutFile?: string,
): Promise<CommandOutcome> {
  const command = [runner.python, '-m', 'alembic', '-c', runner.ini, ...args].map(quote).join(' ');
  return runCommand(command, {
    cwd: runner.cwd,
    env: alembicEnv(runner, url),
    timeoutMs: 120_000,
    signal: runner.signal,
    ...(stdoutFile ? { stdoutFile } : {}),
  });
}

// Runs several Alembic commands in one interpreter (Python and the project's imports start
// once, not once per step), each framed by markers with its exit code and duration.
const STEPS_DRIVER = `import json, os, sys, time, traceback
# As \`python -m alembic\` does: the working directory (the project) is importable by env.py.
sys.path.insert(0, os.getcwd())
from alembic.config import main
# One ordered stream, so each line lands between its own step's markers.
sys.stdout.reconfigure(line_buffering=True)
sys.stderr = sys.stdout
ini, steps = sys.argv[1], json.loads(sys.argv[2])
for i, args in enumerate(steps):
    print(f"@@preflight-step {i} start", flush=True)
    started, code = time.perf_counter(), 0
    try:
        main(argv=["-c", ini, *args], prog="alembic")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    ms = (time.perf_counter() - started) * 1000
    print(f"@@preflight-step {i} exit {code} {ms:.1f}", flush=True)
    if code != 0:
        sys.exit(code)
`;

/** One step of `runAlembicSteps`: its exit code (null when it never ran), duration and output. */
export interface AlembicStepOutcome {
  exit_code: number | null;
  duration_ms: number;
  output: string;
}

/** Run `alembic ARGS` for each step, in order, in one process; stops at the first failure. */
export async function runAlembicSteps(
  runner: AlembicRunner,
  steps: string[][],
  url: string,
  scratchDir: string,
): Promise<AlembicStepOutcome[]> {
  const driver = path.join(scratchDir, 'preflight-alembic-steps.py');
  await writeFile(driver, STEPS_DRIVER);
  const command = [runner.python, driver, runner.ini, JSON.stringify(steps)].map(quote).join(' ');
  // The driver writes everything (stderr too) to stdout: read whole, so every marker is seen.
  const stdoutFile = path.join(scratchDir, 'preflight-alembic-steps.out');
  const outcome = await runCommand(command, {
    cwd: runner.cwd,
    env: alembicEnv(runner, url),
    timeoutMs: 300_000,
    signal: runner.signal,
    stdoutFile,
  });
  const whole = await readFile(stdoutFile, 'utf8').catch(() => outcome.output);
  const out: AlembicStepOutcome[] = steps.map(() => ({ exit_code: null, duration_ms: 0, output: '' }));
  let current = 0;
  for (const line of whole.split('\n')) {
    const marker = /^@@preflight-step (\d+) (start|exit (-?\d+) ([\d.]+))$/.exec(line);
    const step = marker ? out[Number(marker[1])] : undefined;
    if (marker && step) {
      current = Number(marker[1]);
      if (marker[3] !== undefined)
        Object.assign(step, { exit_code: Number(marker[3]), duration_ms: Number(marker[4]) });
      continue;
    }
    const target = out[current];
    if (target) target.output += `${line}\n`;
  }
  // Killed or crashed before its end marker: the step that was running failed.
  const running = out[current];
  if (running && running.exit_code === null) running.exit_code = outcome.exit_code ?? 1;
  return out;
}

/** An offline URL of the dialect: Alembic renders SQL for it without connecting. */
export function offlineUrl(dialect: string): string {
  return dialect === 'sqlite'
    ? 'sqlite:///preflight-offline.db'
    : 'postgresql://preflight@offline.invalid/preflight';
}

/**
 * Whether an env.py can render offline SQL: Alembic's template branches on
 * `context.is_offline_mode()`; an env.py without the branch always connects (to
 * `offline.invalid`, for preflight's offline URL) and `alembic upgrade --sql` cannot work.
 */
export function hasOfflineMode(envPy: string): boolean {
  return envPy.split('\n').some((line) => /\bis_offline_mode\s*\(/.test(line.replace(/#.*/, '')));
}

/** What to add to an env.py without an offline mode, for the messages that meet one. */
export const OFFLINE_MODE_HINT =
  "preflight renders offline SQL (`alembic upgrade --sql`): add the offline branch Alembic's env.py template has (`if context.is_offline_mode(): run_migrations_offline()` else `run_migrations_online()`)";

/** The offline SQL of each revision, keyed by revision id, from `alembic upgrade ... --sql` output. */
export function splitOfflineSql(output: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== null) out.set(current, tidy(lines));
    lines = [];
  };
  for (const line of output.split('\n')) {
    // Alembic's own log lines go to stderr, which is interleaved here: leave them out.
    if (/^(INFO|WARNI|ERROR|DEBUG)\s*\[/.test(line)) continue;
    const start = /^-- Running upgrade (.*?) -> (\S+)\s*$/.exec(line);
    if (start) {
      flush();
      current = start[2] as string;
      continue;
    }
    if (current === null) continue;
    // The bookkeeping of alembic_version and the transaction are Alembic's, not the revision's.
    if (/^(UPDATE|INSERT INTO|DELETE FROM) alembic_version\b/.test(line) || /^(BEGIN|COMMIT);$/.test(line))
      continue;
    lines.push(line);
  }
  flush();
  return out;
}

function tidy(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
