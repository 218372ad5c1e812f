/**
 * Secrets: read from the environment first, then from the plan's git-ignored secrets file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

export class SecretsFileError extends Error {
  readonly code = 'SECRETS_FILE';
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'SecretsFileError';
  }
}

/** A lookup function for `{{ secrets.NAME }}`. */
export function createSecretLookup(
  planDir: string,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): (name: string) => string | undefined {
  let fromFile: Record<string, string> = {};
  if (file) {
    const full = path.resolve(planDir, file);
    try {
      fromFile = parseEnv(readFileSync(full, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new SecretsFileError(
          `cannot read the secrets file ${file}: ${(error as Error).message}`,
          error,
        );
    }
  }
  return (name) => env[name] ?? fromFile[name];
}
