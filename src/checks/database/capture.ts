/**
 * The query-capture shim (src/python/capture, shipped with the package): the environment
 * that turns it on in the service preflight starts, the step header it reads, and the
 * reading of the JSON lines it writes.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CriticalPath } from '../../plan/schema.js';

/** The request header that tells the shim which step a request belongs to. */
export const STEP_HEADER = 'X-Preflight-Step';

/** One statement as the shim recorded it. */
export interface CapturedStatement {
  sql: string;
  params: unknown;
  ms: number;
  /** `path/step` (each part URI-encoded), or null outside any step (start-up, other traffic). */
  step: string | null;
  /** Wall-clock seconds. */
  t: number;
  /** executemany: how many parameter sets. */
  many?: number;
}

/** The shim is not where the package should have it. */
export class CaptureError extends Error {
  readonly code = 'DATABASE_CAPTURE_MISSING';
}

/** The directory holding the shim's sitecustomize.py, from src/ (tsx) or dist/ alike. */
export function shimDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/checks/database or dist/checks/database: the shim stays in src/python/capture.
  const dir = path.resolve(here, '../../../src/python/capture');
  if (!existsSync(path.join(dir, 'sitecustomize.py')))
    throw new CaptureError(`the query-capture shim is missing from ${dir}; reinstall preflight`);
  return dir;
}

/** The environment that turns capture on: the shim first on PYTHONPATH, then the service's own. */
export function captureEnv(file: string, serviceEnv: Record<string, string>): Record<string, string> {
  const existing = serviceEnv.PYTHONPATH ?? process.env.PYTHONPATH;
  const pythonPath = existing ? `${shimDir()}${path.delimiter}${existing}` : shimDir();
  return { PYTHONPATH: pythonPath, PREFLIGHT_CAPTURE_FILE: file };
}

/** The value of the step header for a step of a path. */
export function stepLabel(pathName: string, stepName: string): string {
  return `${encodeURIComponent(pathName)}/${encodeURIComponent(stepName)}`;
}

/** Split a step label back into its path and step names. */
export function parseStepLabel(label: string): { path: string; step: string } {
  const [p = '', s = ''] = label.split('/');
  return { path: safeDecode(p), step: safeDecode(s) };
}

/** A copy of a critical path whose every request carries the step header. */
export function withStepHeaders(critical: CriticalPath): CriticalPath {
  return {
    ...critical,
    steps: critical.steps.map((step) => ({
      ...step,
      request: {
        ...step.request,
        headers: { ...step.request.headers, [STEP_HEADER]: stepLabel(critical.name, step.name) },
      },
    })),
  };
}

/** Read the capture file; a line cut short by a crash is skipped. */
export async function readCapture(file: string): Promise<CapturedStatement[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const out: CapturedStatement[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as CapturedStatement;
      if (typeof record.sql === 'string') out.push(record);
    } catch {
      // a partial last line
    }
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
