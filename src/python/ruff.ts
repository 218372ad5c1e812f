/**
 * ruff's JSON output (`ruff check --output-format=json`) as findings.
 */
import path from 'node:path';
import type { Finding } from '../checks/result.js';

interface RuffDiagnostic {
  code: string | null;
  message: string;
  filename: string;
  location?: { row: number; column: number };
}

export class OutputParseError extends Error {
  readonly code = 'OUTPUT_PARSE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutputParseError';
  }
}

/** Parse ruff's JSON output; file names are made relative to `cwd`. */
export function parseRuffJson(output: string, cwd: string): Finding[] {
  const start = output.indexOf('[');
  if (start < 0) throw new OutputParseError('ruff printed no JSON array; was --output-format=json given?');
  let data: unknown;
  try {
    data = JSON.parse(output.slice(start, output.lastIndexOf(']') + 1));
  } catch (error) {
    throw new OutputParseError(`ruff's output is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Array.isArray(data)) throw new OutputParseError('ruff output is not a JSON array');
  return (data as RuffDiagnostic[]).map((d) => ({
    rule: d.code ?? 'syntax-error',
    message: d.message,
    severity: 'error' as const,
    file: path.isAbsolute(d.filename) ? path.relative(cwd, d.filename) : d.filename,
    ...(d.location ? { line: d.location.row, column: d.location.column } : {}),
  }));
}
