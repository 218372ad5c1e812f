/**
 * `preflight init`: scaffold a plan from the service's OpenAPI document.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { obtainDocument } from '../ecosystem/init/obtain.js';
import { promptForOperations } from '../ecosystem/init/prompt.js';
import { renderPlan } from '../ecosystem/init/render.js';
import { type Candidate, defaultSelection, listCandidates, parsePick } from '../ecosystem/init/select.js';
import { buildPlanSkeleton, serviceNameOf } from '../ecosystem/init/skeleton.js';
import { parsePlan } from '../plan/load.js';
import { EXIT } from './exit-codes.js';

/** Flags of `preflight init`. */
export interface InitFlags {
  openapi?: string;
  start?: string;
  yes?: boolean;
  pick?: string;
  out: string;
  force?: boolean;
}

/** Write a plan from an OpenAPI document; returns the exit code. */
export async function initCommand(flags: InitFlags): Promise<number> {
  const usage = checkFlags(flags);
  if (usage) return fail(EXIT.USAGE, usage);
  const out = path.resolve(flags.out);
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  let obtained: Awaited<ReturnType<typeof obtainDocument>>;
  try {
    obtained = await obtainDocument({
      openapi: flags.openapi,
      start: flags.start,
      planDir: path.dirname(out),
      signal: controller.signal,
    });
  } catch (error) {
    const e = error as { code?: string; message?: string; tail?: string };
    const tail = e.tail?.trim() ? `\nthe service's output ends with:\n${e.tail.trimEnd()}` : '';
    return fail(EXIT.COULD_NOT_RUN, `${e.code ?? 'ERROR'}: ${e.message ?? String(error)}${tail}`);
  } finally {
    process.off('SIGINT', stop);
  }
  const { document } = obtained;
  const candidates = listCandidates(document.doc);
  if (candidates.length === 0) return fail(EXIT.USAGE, `${document.location} has no operations`);
  const picked = await pickOperations(flags, document.doc, candidates);
  if ('error' in picked) return fail(EXIT.USAGE, picked.error);
  const plan = buildPlanSkeleton(document.doc, picked, {
    name: serviceNameOf(document.doc),
    ...obtained.service,
  });
  const text = renderPlan(plan, {
    planFile: out,
    header: [
      `Written by \`preflight init\` from ${obtained.from} (OpenAPI ${document.version}).`,
      'Replace every TODO: `preflight validate` warns about each one (PLAN_TODO) until it is filled in.',
    ],
  });
  // What init writes must validate: a bug here is better caught now than by the user.
  parsePlan(text, { file: out, displayName: flags.out });
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, text);
  const paths = (plan.critical_paths as unknown[]).length;
  process.stdout.write(
    `wrote ${flags.out}: ${picked.length} operation${picked.length === 1 ? '' : 's'} in ${paths} critical path${paths === 1 ? '' : 's'}\n` +
      `next: fill in the TODOs, then \`preflight validate --plan ${flags.out}\` and \`preflight run --plan ${flags.out}\`\n`,
  );
  return EXIT.GO;
}

async function pickOperations(
  flags: InitFlags,
  doc: Record<string, unknown>,
  candidates: Candidate[],
): Promise<Candidate[] | { error: string }> {
  if (flags.pick) return parsePick(flags.pick, candidates);
  const marked = defaultSelection(doc, candidates);
  if (flags.yes) {
    return marked.length > 0
      ? marked
      : { error: 'no GET operation runs without credentials or parameters; choose with --pick' };
  }
  if (!process.stdin.isTTY) {
    return { error: 'not a terminal: pass --yes for the default selection, or --pick "GET /path,..."' };
  }
  return promptForOperations(candidates, marked, { input: process.stdin, output: process.stdout });
}

function checkFlags(flags: InitFlags): string | null {
  if (!flags.openapi && !flags.start)
    return 'give --openapi URL_OR_FILE, or --start CMD to start the service and read its /openapi.json';
  if (flags.start && !/\{port\}|\$\{?PORT\b/.test(flags.start))
    return '--start must listen on the port preflight picks: put {port} (or $PORT) in the command';
  if (flags.yes && flags.pick) return 'give --yes or --pick, not both';
  if (existsSync(flags.out) && !flags.force) return `${flags.out} exists; pass --force to replace it`;
  return null;
}

function fail(code: number, message: string): number {
  process.stderr.write(`preflight init: ${message}\n`);
  return code;
}
