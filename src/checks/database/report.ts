/**
 * The `database` check's section of the launch record, "Query plans": per `database` check, the realistic-data
 * counts, the statements each step caused, the findings with their suggestions, and
 * the plan of each statement shape.
 */

import { formatDuration } from '../../render/format.js';
import { mdCode, mdFence, mdTable, mdText } from '../../render/markdown.js';
import type { KindReport, KindView } from '../report.js';
import type { CheckResult } from '../result.js';
import type { DatabaseReview, PlanChange } from './result.js';

/** At most this many plans are written out in full. */
const MAX_PLANS = 40;

/** "Query plans": nothing when no check reviewed the database. */
export function databaseRecord(view: KindView): string[] {
  const blocks: string[] = [];
  for (const check of view.checks) if (check.database) blocks.push(...reviewBlocks(check, check.database));
  return blocks.length > 0 ? ['## Query plans', ...blocks] : [];
}

function reviewBlocks(check: CheckResult, review: DatabaseReview): string[] {
  const how = review.analyze ? 'EXPLAIN ANALYZE' : 'EXPLAIN';
  const blocks = [
    `### ${mdText(check.id)} (${review.dialect}, ${how})`,
    `${review.plans.length} statement shapes from ${review.steps.length} steps; ${review.outside_steps} statements outside any step (start-up) were not reviewed.`,
  ];
  if (review.seed) {
    const seed = review.seed;
    const where =
      seed.kind === 'sqlite' ? 'a scratch copy of the SQLite file' : 'a scratch PostgreSQL database';
    const proof = seed.proof
      ? ` Proven scratch before the seed ran: \`alembic current\`, through the project's env.py, read the marker preflight placed there.`
      : '';
    blocks.push(
      `Reviewed on ${where}, filled by ${mdCode(seed.command.command)} (exit ${seed.command.exit_code ?? seed.command.signal}, ${formatDuration(seed.command.duration_ms)}) and dropped after; the service's own database was not written.${proof}`,
    );
  }
  if (review.tables.length > 0)
    blocks.push(
      mdTable(
        ['table', 'rows', 'realistic minimum'],
        review.tables.map((t) => [
          mdCode(t.table),
          t.rows === null ? '(missing)' : String(t.rows),
          String(t.minimum),
        ]),
      ),
    );
  if (review.findings.length > 0)
    blocks.push(
      review.findings
        .map((f) => {
          const where = f.step ? ` (${mdText(f.path ?? '')} / ${mdText(f.step)})` : '';
          const fix = f.suggestion ? ` — ${mdCode(f.suggestion)}` : '';
          return `- **${f.severity}** ${mdText(f.kind)}${where}: ${mdText(f.message)}${fix}`;
        })
        .join('\n'),
    );
  blocks.push(
    mdTable(
      ['path', 'step', 'statements', 'shapes', 'ms'],
      review.steps.map((s) => [
        mdText(s.path),
        mdText(s.step),
        String(s.statements),
        String(s.shapes),
        String(s.ms),
      ]),
    ),
  );
  if (review.plan_changes) blocks.push(...changeBlocks(review.plan_changes));
  for (const plan of review.plans.filter((p) => p.plan.length > 0 || p.plan_error).slice(0, MAX_PLANS)) {
    blocks.push(
      `${mdCode(plan.shape)} — ${plan.count}× in ${plan.steps.map(mdText).join(', ')}`,
      mdFence(plan.plan_error ? `EXPLAIN failed: ${plan.plan_error}` : plan.plan.join('\n')),
    );
  }
  return blocks;
}

/** "Plan changes since the baseline": each changed shape's plan before and after. */
function changeBlocks(changes: PlanChange[]): string[] {
  if (changes.length === 0) return ['No plan changed since the baseline (`database.baseline`).'];
  const blocks = [`**Plan changes since the baseline** (${changes.length}):`];
  for (const change of changes.slice(0, MAX_PLANS)) {
    const side = (lines: string[] | null) => (lines ? lines.join('\n') : '(did not run)');
    blocks.push(
      mdCode(change.shape),
      mdFence(`before:\n${side(change.before)}\n\nafter:\n${side(change.after)}`),
    );
  }
  return blocks;
}

export const databaseReport: KindReport = { record: databaseRecord };
