/**
 * The `migrations` check's sections: each new revision with its SQL, findings, waivers and
 * the downgrade rehearsal, in the launch record and the terminal summary.
 */
import type { KindReport } from '../report.js';
import { migrationsRecord } from './report-record.js';
import { migrationsTerminal } from './report-terminal.js';

export const migrationsReport: KindReport = { record: migrationsRecord, terminal: migrationsTerminal };
