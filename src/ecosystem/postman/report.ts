/**
 * What an import says: a short header for the plan (the counts, how to run it, where the
 * report is) and the import report, a Markdown file next to the plan listing, request by
 * request, what was kept as script and why, and every other note.
 */
import type { ImportResult } from './convert.js';

/** The plan's header lines (without `# `): a summary, never the whole report. */
export function planHeader(
  result: ImportResult,
  options: { source: string; plan: string; report: string },
): string[] {
  const t = result.totals;
  const lines = [
    `Written by \`preflight import postman\` from ${options.source}.`,
    `${t.requests} request${t.requests === 1 ? '' : 's'}, ${t.assertions} assertion${t.assertions === 1 ? '' : 's'}: ${t.converted} declarative, ${t.kept} kept as script (run in a sandbox); details in ${options.report}.`,
  ];
  const run = result.baseVariable
    ? `preflight run --plan ${options.plan} --base-url http://127.0.0.1:8000   (or --var ${result.baseVariable}=URL)`
    : `preflight run --plan ${options.plan} --base-url http://127.0.0.1:8000`;
  lines.push(`Run it: ${run}`);
  if (result.secretNames.length > 0)
    lines.push(`Secrets it needs (environment or secrets file): ${result.secretNames.join(', ')}.`);
  lines.push('Replace every TODO: `preflight validate` lists them (PLAN_TODO).');
  return lines;
}

/** The import report, as Markdown. */
export function importReport(result: ImportResult, source: string): string {
  const t = result.totals;
  const out = [
    `# Import of ${source}`,
    '',
    `${t.requests} requests, ${t.assertions} assertions: **${t.converted} declarative** (named assertions in the plan), **${t.kept} kept as script** (each step's \`script:\`, run in Newman's sandbox with a pm-compatible API).`,
    '',
  ];
  if (result.secretNames.length > 0) {
    out.push(
      '## Secrets',
      '',
      'Values that look secret, and literal credentials found in the collection, are not copied into the plan; set each one in the environment or the secrets file:',
      '',
    );
    for (const name of result.secretNames)
      out.push(`- \`${name}\`${result.secrets.has(name) ? ' (a literal credential of the collection)' : ''}`);
    out.push('');
  }
  if (result.notes.length > 0) {
    out.push('## Collection', '');
    for (const note of result.notes) out.push(`- ${note}`);
    out.push('');
  }
  const detailed = result.requests.filter((r) => r.kept.length > 0 || r.notes.length > 0);
  if (detailed.length > 0) out.push('## Requests', '');
  for (const r of detailed) {
    out.push(`### ${r.step}`, '', `${r.assertions} assertions, ${r.converted} declarative.`, '');
    for (const k of r.kept)
      out.push(`- kept (${k.listen} script, line ${k.line}): \`${k.code.replace(/`/g, "'")}\` — ${k.why}`);
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
