/**
 * The `rehearsal` check's sections: each phase of the staging rehearsal with its command,
 * timing and release, and where staging is now, in the launch record and the terminal summary.
 */
import type { KindReport } from '../report.js';
import { rehearsalRecord } from './report-record.js';
import { rehearsalTerminal } from './report-terminal.js';

export const rehearsalReport: KindReport = { record: rehearsalRecord, terminal: rehearsalTerminal };
