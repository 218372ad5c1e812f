/**
 * Reporters: terminal, JSON, JUnit and the Markdown launch record. Every output goes
 * through a Redactor; reporters show results and never recompute them.
 */

export { loadKindReports } from '../checks/registry.js';
export type { KindReport, KindReports } from '../checks/report.js';
export { excerpt, formatDuration, formatValue } from '../render/format.js';
export { isSecretHeader, isSecretName, REDACTED } from '../secrets/names.js';
export { Redactor } from '../secrets/redactor.js';
export { renderJson, writeJsonResult } from './json.js';
export { renderJunit, writeJunit } from './junit.js';
export { recordFileName, renderRecord, writeRecord } from './record.js';
export {
  type CheckRef,
  createMultiplexer,
  type Reporter,
  type ReporterErrorHandler,
  type RunStartInfo,
} from './reporter.js';
export { createSink, type OutputSink, type SinkOptions, writeFileRedacted } from './sink.js';
export {
  createTerminalReporter,
  detectTerminalMode,
  helpers,
  type TerminalOptions,
  type TerminalStream,
} from './terminal.js';
