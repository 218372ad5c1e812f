/**
 * The downgrade rehearsal: on a scratch database, upgrade to the baseline, upgrade to head,
 * downgrade to the baseline, upgrade to head again. A failing step becomes a finding on the
 * revision Alembic was running when it failed. Before the first statement, `alembic current`
 * must show a marker placed in the scratch database (scratch-proof.ts): an env.py that builds
 * its URL from other variables is refused, never run against the database they name.
 */

import { proveScratch, ScratchProofError } from '../scratch-proof.js';
import { type AlembicRunner, alembicCommand, alembicEnv, runAlembic, runAlembicSteps } from './alembic.js';
import { MigrationsError } from './baseline.js';
import type { MigrationFinding, MigrationRehearsal, MigrationRehearsalStep } from './result.js';
import { createScratchDatabase } from './scratch.js';

export interface RehearseOptions {
  runner: AlembicRunner;
  /** The plan's database URL (its server hosts the scratch database), if any. */
  url: string | undefined;
  runDir: string;
  /** The baseline's head, or `base` when every revision is new. */
  target: string;
  redact: (text: string) => string;
  /** The project's env.py, relative to the plan (named when it is refused). */
  envPy: string;
}

const TAIL_LINES = 20;

/** Rehearse and return the rehearsal with the findings it produced. */
export async function rehearseDowngrade(
  options: RehearseOptions,
): Promise<{ rehearsal: MigrationRehearsal; findings: MigrationFinding[] }> {
  const scratch = await createScratchDatabase(options.url, options.runDir);
  const sequence: [string, string[]][] = [
    ...(options.target === 'base'
      ? []
      : ([['upgrade to the baseline', ['upgrade', options.target]]] as [string, string[]][])),
    ['upgrade', ['upgrade', 'heads']],
    ['downgrade', ['downgrade', options.target]],
    ['upgrade again', ['upgrade', 'heads']],
  ];
  const steps: MigrationRehearsalStep[] = [];
  const findings: MigrationFinding[] = [];
  try {
    await proveScratch({
      scratchUrl: scratch.url,
      read: () => runAlembic(options.runner, ['current'], scratch.url),
      configFile: options.envPy,
      mapKey: 'database.migrations.env',
      // The URL variable is preflight's own: the others are the ones that may name another database.
      env: { ...alembicEnv(options.runner, scratch.url), [options.runner.urlEnv]: undefined },
    }).catch((error: unknown) => {
      if (!(error instanceof ScratchProofError)) throw error;
      const tail = error.tail ? `; \`alembic current\` printed:\n${options.redact(error.tail)}` : '';
      throw new MigrationsError('MIGRATIONS_SCRATCH_UNPROVEN', `${options.redact(error.message)}${tail}`);
    });
    const outcomes = await runAlembicSteps(
      options.runner,
      sequence.map(([, args]) => args),
      scratch.url,
      options.runDir,
    );
    sequence.forEach(([name, args], i) => {
      const outcome = outcomes[i];
      if (!outcome || outcome.exit_code === null) return; // an earlier step failed
      const ok = outcome.exit_code === 0;
      const output = options.redact(outcome.output);
      steps.push({
        name,
        command: alembicCommand(args),
        exit_code: outcome.exit_code,
        duration_ms: outcome.duration_ms,
        status: ok ? 'pass' : 'fail',
        ...(ok ? {} : { output_tail: output.trim().split('\n').slice(-TAIL_LINES).join('\n') }),
      });
      if (!ok) findings.push(failureFinding(name, output));
    });
  } finally {
    await scratch.drop();
  }
  const failed = steps.find((s) => s.status === 'fail');
  const where =
    scratch.kind === 'postgresql'
      ? `the scratch PostgreSQL database ${scratch.name} (dropped)`
      : `the scratch SQLite file ${scratch.name} (removed)`;
  const summary = failed
    ? `${failed.name} failed on ${where}: ${findings[0]?.message ?? ''}`
    : `upgrade → downgrade to ${options.target} → upgrade passed on ${where}`;
  return {
    rehearsal: {
      status: failed ? 'fail' : 'pass',
      database: scratch.kind,
      scratch: scratch.name,
      target: options.target,
      steps,
      summary,
    },
    findings,
  };
}

/** The revision Alembic was running when the step failed, and the error's last line. */
function failureFinding(step: string, output: string): MigrationFinding {
  const down = step === 'downgrade';
  const running = [...output.matchAll(/Running (upgrade|downgrade) (\S*) -> (\S*)/g)].at(-1);
  const revision = running
    ? ((running[1] === 'downgrade' ? running[2] : running[3]) as string).replace(/,$/, '')
    : '?';
  const error =
    output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[\w.]+(Error|Exception|Warning)\b|^\w+\.\w+\.\w+:/.test(l))
      .at(-1) ??
    output.trim().split('\n').at(-1) ??
    '';
  const hint = step === 'upgrade again' ? ' (did the downgrade undo everything the upgrade did?)' : '';
  return {
    rule: down ? 'downgrade-failed' : 'upgrade-failed',
    revision,
    severity: 'error',
    message: `${step} of ${revision} failed on the scratch database: ${error.slice(0, 300)}${hint}`,
  };
}
