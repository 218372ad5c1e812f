/**
 * The "Migrations" section of the launch record: each revision new since the baseline with
 * its message, file, downgrade, findings and waivers (who accepted what, and why), its offline
 * SQL in a collapsible block, and the downgrade rehearsal step by step.
 */

import { formatDuration, tail } from '../../render/format.js';
import { mdCode, mdFence, mdTable, mdText } from '../../render/markdown.js';
import type { KindView } from '../report.js';
import type { CheckResult } from '../result.js';
import type { MigrationFinding, MigrationRevision, MigrationsResult } from './result.js';

const TAIL_LINES = 15;

/** "Migrations": one block per check that reports migrations. */
export function migrationsRecord(view: KindView): string[] {
  const checks = view.checks.filter(
    (c): c is CheckResult & { migrations: MigrationsResult } => !!c.migrations,
  );
  if (checks.length === 0) return [];
  return ['## Migrations', ...checks.flatMap((c) => migrationBlocks(c.migrations))];
}

function migrationBlocks(m: MigrationsResult): string[] {
  const base = m.baseline;
  const since = base.ref
    ? `${mdCode(base.ref)}${base.commit ? ` (${mdCode(base.commit.slice(0, 12))})` : ''}, Alembic head ${base.revision ? mdCode(base.revision) : 'none'}`
    : 'none';
  const items = [
    `- **Tool:** ${m.tool}; SQL linted as ${mdText(m.dialect)}`,
    `- **Baseline:** ${since}${base.note ? ` — ${mdText(base.note)}` : ''}`,
    `- **Head now:** ${m.head.map(mdCode).join(', ') || 'none'}; ${m.revisions.length} new revision${m.revisions.length === 1 ? '' : 's'}`,
  ];
  const blocks = [items.join('\n')];
  if (m.revisions.length > 0) {
    blocks.push(
      mdTable(
        ['revision', 'message', 'downgrade', 'findings'],
        m.revisions.map((r) => [
          mdCode(r.revision),
          mdText(r.message),
          r.has_downgrade ? 'yes' : '**no**',
          countText(r.findings),
        ]),
      ),
    );
  }
  for (const r of m.revisions) blocks.push(...revisionBlocks(r));
  if (m.rehearsal) blocks.push(...rehearsalBlocks(m));
  return blocks;
}

function countText(findings: MigrationFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const waived = findings.filter((f) => f.waiver).length;
  const warnings = findings.length - errors;
  if (findings.length === 0) return 'none';
  const parts = [
    errors > 0 ? `**${errors} blocking**` : '',
    warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
  ];
  return `${parts.filter(Boolean).join(', ')}${waived > 0 ? ` (${waived} waived)` : ''}`;
}

function revisionBlocks(r: MigrationRevision): string[] {
  const blocks = [
    `### ${mdCode(r.revision)} ${mdText(r.message)}`,
    [
      `- **File:** ${mdCode(r.file)}`,
      `- **Revises:** ${r.down_revision ? mdCode(r.down_revision) : 'nothing (the first revision)'}`,
      `- **Downgrade:** ${r.has_downgrade ? 'yes' : '**none** (downgrade() only passes)'}`,
    ].join('\n'),
  ];
  if (r.findings.length > 0) blocks.push(r.findings.map(findingItem).join('\n'));
  else blocks.push('No findings.');
  blocks.push(
    `<details><summary>SQL of ${mdText(r.revision)}</summary>\n\n${mdFence(r.sql || '-- (no SQL)', 'sql')}\n\n</details>`,
  );
  return blocks;
}

function findingItem(f: MigrationFinding): string {
  const where = f.line ? ` (SQL line ${f.line}: ${mdCode(f.sql ?? '')})` : '';
  const severity = f.severity === 'error' ? '**error**' : 'warning';
  const waiver = f.waiver
    ? `\n  - **Waived**${f.waiver.by ? ` by ${mdText(f.waiver.by)}` : ''}: ${mdText(f.waiver.reason)}`
    : '';
  return `- ${severity} ${mdCode(f.rule)} ${mdText(f.message)}${where}${waiver}`;
}

function rehearsalBlocks(m: MigrationsResult): string[] {
  const r = m.rehearsal;
  if (!r) return [];
  const blocks = [
    `### Downgrade rehearsal: ${r.status === 'pass' ? 'pass' : `**${r.status}**`}`,
    `${mdText(r.summary)} (downgrade target ${mdCode(r.target)}, scratch ${mdText(r.database)} database, dropped after).`,
    mdTable(
      ['step', 'command', 'exit code', 'duration', 'status'],
      r.steps.map((s) => [
        mdText(s.name),
        mdCode(s.command),
        String(s.exit_code ?? ''),
        formatDuration(s.duration_ms),
        s.status === 'pass' ? 'pass' : `**${s.status}**`,
      ]),
    ),
  ];
  for (const s of r.steps) {
    if (!s.output_tail) continue;
    const out = tail(s.output_tail, TAIL_LINES);
    blocks.push(
      `Output of ${mdCode(s.command)}${out.cut ? ` (last ${TAIL_LINES} lines)` : ''}:`,
      mdFence(out.text),
    );
  }
  return blocks;
}
