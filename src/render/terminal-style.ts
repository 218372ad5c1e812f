/**
 * The terminal's colours and status symbols, shared by the terminal reporter and the kinds'
 * terminal lines.
 */
import type pc from 'picocolors';

/** The colour functions in use (no-ops when colour is off). */
export type Colors = ReturnType<typeof pc.createColors>;

/** A check's, step's or phase's status (`CheckStatus` in checks/result.ts). */
export type Status = 'pass' | 'fail' | 'error' | 'warn' | 'skip';

const SYMBOLS: Record<Status, string> = { pass: '✔', fail: '✘', error: '!', warn: '⚠', skip: '-' };

/** The symbol of a check or step status. */
export function statusSymbol(status: Status): string {
  return SYMBOLS[status];
}

/** Paint `text` in the colour of `status`. */
export function paint(status: Status, text: string, c: Colors): string {
  switch (status) {
    case 'pass':
      return c.green(text);
    case 'fail':
      return c.red(text);
    case 'error':
      return c.red(c.bold(text));
    case 'warn':
      return c.yellow(text);
    case 'skip':
      return c.dim(text);
  }
}

/** `text` quoted under a dim bar, `indent` spaces in; `(empty)` for no text. */
export function quoteLines(text: string, c: Colors, indent = 6): string[] {
  const bar = c.dim(`${' '.repeat(indent)}│`);
  if (text === '') return [`${bar} ${c.dim('(empty)')}`];
  return text.split('\n').map((line) => `${bar} ${line}`);
}
