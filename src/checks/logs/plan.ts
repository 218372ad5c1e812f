/** The logs check's part of the plan: `logs` (src/plan/schema-logs.ts). */
import { LogsSpec } from '../../plan/schema-logs.js';
import type { KindPlan } from '../kind.js';

export const section = {
  logs: LogsSpec.optional().describe('logs read by the logs check: the service output, files, commands'),
};

export const logsPlan: KindPlan<typeof section> = { section };
