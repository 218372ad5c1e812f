/** The critical paths' part of the plan: `critical_paths`, and how the `paths` check runs them. */
import { z } from 'zod';
import { CriticalPathSpec, PathsSettingsSpec } from '../../plan/schema.js';
import type { KindPlan } from '../kind.js';

export const section = {
  paths: PathsSettingsSpec.optional(),
  critical_paths: z.array(CriticalPathSpec).optional(),
};

export const pathsPlan: KindPlan<typeof section> = { section };
