/**
 * `preflight init`: scaffold a plan from the service's OpenAPI document, and from what the
 * directory says about the app (a FastAPI app's start command, OpenAPI path, ruff, pytest).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  contractHintExcluding,
  type DetectedApp,
  detectFastApiApp,
  selfDestructiveOperations,
} from '../ecosystem/init/detect.js';
import { buildFlows, type Flows } from '../ecosystem/init/flows.js';
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
  const out = path.resolve(flags.out);
  // The app in the plan's directory: its start command when none is given, its openapi_url, its checks.
  const app = await detectFastApiApp(path.dirname(out));
  const usage = checkFlags(flags, app);
  if (usage) return fail(EXIT.USAGE, usage);
  const start = flags.start ?? (flags.openapi ? undefined : app?.start);
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  let obtained: Awaited<ReturnType<typeof obtainDocument>>;
  try {
    obtained = await obtainDocument({
      openapi: flags.openapi,
      start,
      planDir: path.dirname(out),
      signal: controller.signal,
      openapiHint: app?.openapi,
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
  const flows = buildFlows(document.doc, candidates, { tokenPrefix: app?.tokenPrefix });
  const picked = await pickOperations(flags, document.doc, candidates, flows);
  if ('error' in picked) return fail(EXIT.USAGE, picked.error);
  const service = { name: serviceNameOf(document.doc), ...obtained.service };
  // A file says nothing about how the service starts; the app found here does.
  if (!service.start && !service.url && app) service.start = app.start;
  const rest = picked.filter((c) => !flows?.covered.has(c.key));
  const plan = withApp(
    buildPlanSkeleton(document.doc, rest, service, { auth: flows !== undefined }),
    app,
    flows,
  );
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
  const operations =
    picked.length + (flows?.covered.size ?? 0) - picked.filter((c) => flows?.covered.has(c.key)).length;
  const todos = text.match(/"TODO: /g)?.length ?? 0;
  const selfDestructive = selfDestructiveOperations(candidates.map((c) => c.key));
  const lines = [
    ...(app?.found ?? []).map((f) => `found ${f}`),
    ...(app?.notWritten ?? []).map((line) => contractHintExcluding(line, selfDestructive)),
    ...(flows?.summary ?? []).map((f) => `flow: ${f}`),
    `wrote ${flags.out}: ${operations} operation${operations === 1 ? '' : 's'} in ${paths} critical path${paths === 1 ? '' : 's'}`,
    todos > 0
      ? `${todos} TODO placeholder${todos === 1 ? '' : 's'} to fill in (owners, expected results, rollbacks): \`preflight validate --plan ${flags.out}\` lists them; \`preflight run --plan ${flags.out}\` runs as it is`
      : `next: \`preflight validate --plan ${flags.out}\` and \`preflight run --plan ${flags.out}\``,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.GO;
}

/** The skeleton with the app's checks, and the flows first (the sign-up before the paths that log in). */
function withApp(
  skeleton: Record<string, unknown>,
  app: DetectedApp | undefined,
  flows: Flows | undefined,
): Record<string, unknown> {
  const { version, service, critical_paths, ...rest } = skeleton;
  const plan: Record<string, unknown> = { version, service };
  if (flows && Object.keys(flows.variables).length > 0) plan.variables = flows.variables;
  if (flows) plan.auth = flows.auth;
  if (app && Object.keys(app.checks).length > 0) plan.checks = app.checks;
  if (app?.database) plan.database = app.database;
  // One path at a time, in order: the sign-up path creates the user the others log in as.
  if (flows) plan.paths = { concurrency: 1 };
  plan.critical_paths = [...(flows?.paths ?? []), ...(critical_paths as unknown[])];
  return { ...plan, ...rest };
}

async function pickOperations(
  flags: InitFlags,
  doc: Record<string, unknown>,
  candidates: Candidate[],
  flows: Flows | undefined,
): Promise<Candidate[] | { error: string }> {
  if (flags.pick) return parsePick(flags.pick, candidates);
  const marked = defaultSelection(doc, candidates);
  if (flags.yes) {
    return marked.length > 0 || flows
      ? marked
      : { error: 'no GET operation runs without credentials or parameters; choose with --pick' };
  }
  if (!process.stdin.isTTY) {
    return { error: 'not a terminal: pass --yes for the default selection, or --pick "GET /path,..."' };
  }
  return promptForOperations(candidates, marked, { input: process.stdin, output: process.stdout });
}

function checkFlags(flags: InitFlags, app: DetectedApp | undefined): string | null {
  if (!flags.openapi && !flags.start && !app)
    return `no FastAPI app found in ${path.dirname(path.resolve(flags.out))} (no uvicorn command, no FastAPI() assignment): give --openapi URL_OR_FILE, or --start CMD to start the service and read its OpenAPI document`;
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
