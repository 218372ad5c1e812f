// preflight's migration linter (the built library in dist/) as its own process, as the
// migrations check runs it on each new revision's offline SQL (PostgreSQL, timeouts required,
// no baseline to search). Each file is one revision. Prints one JSON line per finding:
// {"file", "line" (1-based, the statement's first line), "rule", "severity"}.
// Usage: node bench/peers/lint-sql.mjs FILE.sql...

import { readFileSync } from 'node:fs';
import { lintRevisions } from '../../dist/checks/migrations/lint.js';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: lint-sql.mjs FILE.sql...');
const found = await lintRevisions(
  files.map((file) => ({ revision: file, sql: readFileSync(file, 'utf8') })),
  { dialect: 'postgresql', requireTimeouts: true, findUsages: null },
);
for (const [file, findings] of found)
  for (const f of findings)
    process.stdout.write(`${JSON.stringify({ file, line: f.line, rule: f.rule, severity: f.severity })}\n`);
