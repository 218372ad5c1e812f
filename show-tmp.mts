import { Redactor } from './src/report/redact.js';
import { createTerminalReporter } from './src/report/terminal.js';
import { captureStream, noGoRun, replayRun } from './test/unit/report-fixtures.js';
const s = captureStream(false);
await replayRun(createTerminalReporter({ stream: s, color: false, live: false, redactor: new Redactor() }), noGoRun());
process.stdout.write(s.text());
