/**
 * Output sinks: every write of every reporter goes through a Redactor, so a secret that
 * reached a result (a response body, a command's output) never reaches the terminal or a file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redactor } from '../secrets/redactor.js';

/** Where a reporter writes text; the text is redacted on the way. */
export interface OutputSink {
  write(text: string): void;
}

/** Options of `createSink`. */
export interface SinkOptions {
  /** Receives the redacted text. */
  write: (text: string) => void;
  redactor: Redactor;
}

/** A sink that redacts each piece of text before passing it to `write`. */
export function createSink(options: SinkOptions): OutputSink {
  const { write, redactor } = options;
  return {
    write(text: string): void {
      write(redactor.redact(text));
    },
  };
}

/** Write `text` to `file`, redacted, creating the parent directories. */
export async function writeFileRedacted(file: string, text: string, redactor: Redactor): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, redactor.redact(text), 'utf8');
}
