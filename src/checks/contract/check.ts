/**
 * The `contract` check: Schemathesis generates cases from the service's OpenAPI document and
 * runs its checks against the started service. Findings are read from its JUnit report (never
 * from its terminal text) and its JSON report gives what was covered. Server errors and
 * response-schema violations block by default; the rest warn (`contract.severity` per code).
 */
import { randomInt } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toMs } from '../../plan/duration.js';
import type { ContractConfig } from '../../plan/schema.js';
import { DEFAULT_BLOCKING_CODES } from '../../plan/schema-contract.js';
import { listReferences, renderString } from '../../plan/template.js';
import { runCommand } from '../../process/process.js';
import { isSecretHeader, isSecretName } from '../../secrets/names.js';
import { INCOMPLETE_COVERAGE } from '../coverage.js';
import { newPass } from '../pass.js';
import type { CommandRun, CoverageItem, Finding } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import {
  buildStCommand,
  findSchemathesis,
  installHint,
  maxTimeSeconds,
  ST_CONFIG_FILE,
  schemaLocation,
} from './command.js';
import { ContractReportError, parseContractJunit, type RawContractFinding } from './junit.js';
import type { ContractFinding, ContractResult } from './result.js';

export interface ContractCheckOptions {
  /**
   * The user of the plan's `auth.users` Schemathesis runs as: its token goes on every request,
   * fetched as the critical paths fetch it (same run id, so a user they signed up is there).
   */
  runAs?: string | undefined;
  /** Checks to let finish first: fuzzing writes (carts, orders) that critical paths must not see. */
  after?: string[] | undefined;
}

const TAIL_LINES = 30;

/** Build the `contract` check from the plan's `contract` section. */
export function defineContractCheck(
  spec: ContractConfig,
  options: ContractCheckOptions = {},
): CheckDefinition {
  return {
    id: 'contract',
    kind: 'contract',
    blocking: spec.blocking,
    needs: [],
    after: options.after ?? [],
    timeoutMs: spec.timeout !== undefined ? toMs(spec.timeout) : maxTimeSeconds(spec) * 1000 + 60_000,
    run: (ctx) => runContractCheck(spec, options, ctx),
  };
}

async function runContractCheck(
  spec: ContractConfig,
  options: ContractCheckOptions,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  const binary = await findSchemathesis(spec, ctx.loaded.dir, process.env);
  if (binary === null) {
    const what = spec.command
      ? `contract.command "${spec.command}" is not an executable`
      : 'Schemathesis (st) is not installed';
    const message = `${what}: ${await installHint(ctx.loaded.dir)}`;
    return { status: 'error', summary: message, error: { code: 'CONTRACT_TOOL_MISSING', message } };
  }
  const service = await ctx.service();
  const auth = options.runAs ? await authHeader(options.runAs, ctx, service.url) : {};
  if ('error' in auth) {
    const message =
      `Schemathesis was to run as "${options.runAs}" (contract.auth or auth.default), but ${auth.error}` +
      ' (a user that a critical path signs up exists only once the paths check has run)';
    return { status: 'error', summary: message, error: { code: 'CONTRACT_AUTH_FAILED', message } };
  }
  const headers = { ...auth, ...renderHeaders(spec, ctx, service.url) };
  const anonymous = !options.runAs && !Object.keys(headers).some((h) => isSecretHeader(h) || isSecretName(h));
  const facts = await documentFacts(spec, ctx, service.url);
  // The credentials, asked before the run: only a probe they pass now can show them dying later.
  const probe = !anonymous && facts?.probe ? facts.probe : null;
  const before = probe ? await askWith(probe, headers, ctx, service.url) : null;
  const reportDir = path.join(ctx.runDir, 'contract');
  await rm(reportDir, { recursive: true, force: true });
  await mkdir(reportDir, { recursive: true });
  const location = schemaLocation(spec.schema, service.url, ctx.loaded.dir);
  // Always seeded, and the seed kept: the plan's, else one drawn here, so that the launch record
  // says how to run the same cases again (contract.seed, or the recorded command).
  const seeded = { ...spec, seed: spec.seed ?? randomInt(2 ** 31) };
  const { command, env, config } = buildStCommand({ binary, spec: seeded, location, headers, reportDir });
  await writeFile(path.join(reportDir, ST_CONFIG_FILE), config, { mode: 0o600 });
  const timeoutMs = spec.timeout !== undefined ? toMs(spec.timeout) : maxTimeSeconds(spec) * 1000 + 60_000;
  const outcome = await runCommand(command, {
    cwd: reportDir,
    env: { ...process.env, ...env },
    timeoutMs,
    signal: ctx.signal,
  });
  const run: CommandRun = {
    command: ctx.redactor.redact(command),
    cwd: path.relative(ctx.loaded.dir, reportDir) || '.',
    exit_code: outcome.exit_code,
    signal: outcome.signal,
    duration_ms: outcome.duration_ms,
    timed_out: outcome.timed_out,
    output_tail: ctx.redactor.redact(outcome.output.split('\n').slice(-TAIL_LINES).join('\n')),
  };
  try {
    if (outcome.cancelled)
      return { status: 'skip', summary: 'cancelled', skip_reason: 'run cancelled', command: run };
    if (outcome.timed_out)
      return errored(run, 'CHECK_TIMEOUT', `Schemathesis did not finish within ${timeoutMs / 1000} s`);
    if (outcome.exit_code !== 0 && outcome.exit_code !== 1) {
      return errored(
        run,
        'CONTRACT_RUN_FAILED',
        `Schemathesis exited with ${outcome.exit_code ?? outcome.signal}; its output ends with: ${lastLine(run.output_tail)}`,
      );
    }
    const secured = facts?.secured ?? null;
    // The fuzzer may delete its own user or change its login (seen on a public FastAPI
    // template: DELETE /users/me, then 1,001 of 2,244 responses were 404 "User not found").
    // A service that ended during the run is the scheduler's to report (SERVICE_EXITED), not a lost user.
    const alive = !service.exited?.();
    const after = options.runAs && alive ? await authHeader(options.runAs, ctx, service.url) : {};
    const lostUser = 'error' in after ? ctx.redactor.redact(after.error) : undefined;
    // A logout or a revocation among the cases kills the token without touching the user (a new
    // login works): the same GET, with the same credentials, refused after the run.
    const worked = before !== null && before >= 200 && before < 300;
    const tokenChecked = probe && worked && alive && !lostUser ? probe : null;
    const status = tokenChecked ? await askWith(tokenChecked, headers, ctx, service.url) : null;
    const deadToken =
      status === 401 || status === 403
        ? `GET ${tokenChecked} answered ${before} before the run and ${status} after it`
        : undefined;
    return await summarize(seeded, ctx, run, reportDir, facts?.operationOf, {
      // Not asked of a service that died: nothing is known then (the scheduler says it died).
      loginChecked: options.runAs !== undefined && alive,
      runAs: options.runAs,
      anonymous,
      secured,
      ...(lostUser ? { lostUser } : {}),
      ...(tokenChecked ? { tokenChecked } : {}),
      ...(deadToken ? { deadToken } : {}),
    });
  } finally {
    // The reports hold every request Schemathesis sent, headers included: not kept unredacted.
    await rm(reportDir, { recursive: true, force: true });
  }
}

/** What the OpenAPI document says about credentials, read here once (null: not readable here). */
interface DocumentFacts {
  /**
   * The selected operations whose `security` (their own, else the document's) requires
   * credentials: a requirement list without an empty `{}` alternative. Null when the document
   * declares no security at all.
   */
  secured: string[] | null;
  /**
   * A GET that requires credentials and takes no parameter (`/users/me` first): asked with
   * Schemathesis' credentials before and after the run, it shows whether they still work.
   */
  probe: string | null;
  /** The document's operation (`POST /users/`) a request went to, if one matches. */
  operationOf: (method: string, url: string) => string | undefined;
}

async function documentFacts(
  spec: ContractConfig,
  ctx: CheckContext,
  serviceUrl: string,
): Promise<DocumentFacts | null> {
  try {
    const { loadOpenApiDocument } = await import('../../openapi/document.js');
    const { listOperations: operationsOf, matchOperation } = await import('../../openapi/operations.js');
    const operationOf = (method: string, url: string): string | undefined => {
      try {
        const found = matchOperation(doc, method, new URL(url).pathname);
        return found ? `${found.method} ${found.path}` : undefined;
      } catch {
        return undefined;
      }
    };
    const { doc } = await loadOpenApiDocument({
      source: spec.schema,
      serviceUrl,
      baseDir: ctx.loaded.dir,
      dispatcher: ctx.dispatcher,
    });
    const include = spec.operations?.include;
    const exclude = new Set(spec.operations?.exclude ?? []);
    const required = (security: unknown): boolean =>
      Array.isArray(security) &&
      security.length > 0 &&
      !security.some((r) => r !== null && typeof r === 'object' && Object.keys(r).length === 0);
    const all = operationsOf(doc).map((o) => ({
      name: `${o.method} ${o.path}`,
      method: o.method,
      path: o.path,
      security: o.operation.security ?? doc.security,
      parameters: o.parameters,
    }));
    // A document that declares no security anywhere says nothing about who may call what.
    if (!all.some((o) => required(o.security))) return { secured: null, probe: null, operationOf };
    const secured = all
      .filter((o) => (!include || include.includes(o.name)) && !exclude.has(o.name) && required(o.security))
      .map((o) => o.name);
    const probes = all
      .filter(
        (o) =>
          o.method === 'GET' && required(o.security) && !o.path.includes('{') && o.parameters.length === 0,
      )
      .sort(
        (a, b) =>
          Number(b.path.endsWith('/me')) - Number(a.path.endsWith('/me')) || a.path.length - b.path.length,
      );
    return { secured, probe: probes[0]?.path ?? null, operationOf };
  } catch {
    return null;
  }
}

/** The status `GET path` answers with `headers`, or null when there was no answer. */
async function askWith(
  path: string,
  headers: Record<string, string>,
  ctx: CheckContext,
  serviceUrl: string,
): Promise<number | null> {
  const { sendRequest } = await import('../../http/send.js');
  const sent = await sendRequest(
    { method: 'GET', url: `${serviceUrl}${path}`, headers },
    { dispatcher: ctx.dispatcher, timeoutMs: 10_000, bodyLimit: 64 * 1024, signal: ctx.signal },
  );
  return sent.kind === 'response' ? sent.response.status : null;
}

/** The token header of `user` (registered as a secret when fetched), or why there is none. */
async function authHeader(
  user: string,
  ctx: CheckContext,
  serviceUrl: string,
): Promise<Record<string, string> | { error: string }> {
  const timeout = ctx.loaded.plan.paths?.step_timeout ?? '10s';
  const pass = newPass(ctx, { serviceUrl, signal: ctx.signal, timeout });
  const header = await pass.auth.header(user);
  return header.ok ? { [header.name]: header.value } : { error: header.message };
}

/** The plan's headers, rendered; a value that is (or comes from) a secret is registered for redaction. */
function renderHeaders(spec: ContractConfig, ctx: CheckContext, serviceUrl: string): Record<string, string> {
  const scope = ctx.scope(serviceUrl);
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.headers ?? {})) {
    const value = String(renderString(template, scope));
    const fromSecret = listReferences(template).some((r) => r.startsWith('secrets.'));
    if (fromSecret || isSecretHeader(name) || isSecretName(name)) {
      ctx.redactor.add(value);
      // `Bearer abc`: the token alone is the secret too, wherever it appears by itself.
      const token = /^\S+\s+(\S{8,})$/.exec(value)?.[1];
      if (token) ctx.redactor.add(token);
    }
    out[name] = value;
  }
  return out;
}

/** Who Schemathesis ran as, and the selected operations that require credentials (null: unknown). */
interface Credentials {
  runAs: string | undefined;
  /** No credentials were sent: no user, no credential header. */
  anonymous: boolean;
  /** From the OpenAPI document's `security`; null when it could not be read here or declares none. */
  secured: string[] | null;
  /** Whether preflight tried to log in as `runAs` again after the run. */
  loginChecked: boolean;
  /** Why `runAs` could not log in again after the run: Schemathesis deleted its user or changed its login. */
  lostUser?: string;
  /** The GET asked with Schemathesis' credentials before and after the run (they worked before). */
  tokenChecked?: string;
  /** How those credentials were refused after the run: a case logged out or revoked them. */
  deadToken?: string;
}

async function summarize(
  spec: ContractConfig,
  ctx: CheckContext,
  run: CommandRun,
  reportDir: string,
  operationOf: DocumentFacts['operationOf'] | undefined,
  { runAs, anonymous, secured, loginChecked, lostUser, tokenChecked, deadToken }: Credentials,
): Promise<CheckOutcome> {
  let xml: string;
  try {
    xml = await readFile(path.join(reportDir, 'contract.junit.xml'), 'utf8');
  } catch {
    return errored(
      run,
      'CONTRACT_REPORT_MISSING',
      `Schemathesis wrote no JUnit report; its output ends with: ${lastLine(run.output_tail)}`,
    );
  }
  let parsed: ReturnType<typeof parseContractJunit>;
  try {
    parsed = parseContractJunit(xml);
  } catch (error) {
    if (!(error instanceof ContractReportError)) throw error;
    return errored(run, error.code, error.message);
  }
  const totals = await readOperationTotals(path.join(reportDir, 'contract.json'));
  const findings = parsed.findings.map((f) =>
    classify(redactFinding(inStatefulPhase(f, operationOf), ctx), spec),
  );
  const contract: ContractResult = {
    schema: spec.schema,
    operations: { tested: totals?.tested ?? parsed.cases, failed: parsed.failedCases },
    max_examples: spec.max_examples,
    max_time_s: maxTimeSeconds(spec),
    ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
    findings,
  };
  const redact = (ops: string[]): string[] => ops.map((o) => ctx.redactor.redact(o));
  const auth = notPastAuthorization({ anonymous, secured, missingAuth: totals?.refused ?? [] });
  const unauthorized = auth.unauthorized;
  const refused = redact(auth.refused);
  const mostlyRefused = redact(auth.mostlyRefused);
  const coverage: CoverageItem[] = [
    {
      what: 'operations tested',
      covered: totals?.tested ?? parsed.cases,
      asked: totals?.selected ?? parsed.cases,
    },
  ];
  if (totals) {
    coverage.push({
      what: 'operations past authorization (not only 401/403)',
      // Run as a user, what Schemathesis saw refused is only a warning, but it is not covered either.
      covered: Math.max(0, totals.tested - refused.length - mostlyRefused.length),
      asked: totals.selected,
    });
  }
  if (runAs && loginChecked) {
    coverage.push({
      what: `"${runAs}" could still log in after the run (cases did not run as a deleted user)`,
      covered: lostUser ? 0 : 1,
      asked: 1,
    });
  }
  if (tokenChecked) {
    coverage.push({
      what: `the credentials Schemathesis ran with still worked after the run (GET ${tokenChecked})`,
      covered: deadToken ? 0 : 1,
      asked: 1,
    });
  }
  const common = { command: run, contract, coverage, findings: findings.map(toFinding) };
  const blocking = findings.filter((f) => f.severity === 'error');
  if (blocking.length > 0) {
    // The seed repeats the generation, not the run: a run cut by max_time stops where it stops,
    // and the stateful phase follows the data the service holds by then.
    const again =
      spec.seed !== undefined ? `; to generate the same cases again: contract.seed: ${spec.seed}` : '';
    // Said here too: the cases after the loss ran with a dead token, so more may be wrong than found.
    const dead = lostUser
      ? `; and after the run "${runAs}" could not log in again (${lostUser}): a case deleted the user or changed its login, and the cases after it ran with a dead token`
      : deadToken
        ? `; and the credentials stopped working during the run (${deadToken}): the cases after that ran with a dead token`
        : '';
    return { status: 'fail', summary: `${failSummary(blocking, findings.length)}${again}${dead}`, ...common };
  }
  if (totals && totals.tested < totals.selected) {
    const summary = `Schemathesis tested ${totals.tested} of ${totals.selected} selected operations`;
    return { status: 'fail', summary, ...common };
  }
  if (totals && totals.selected === 0) {
    return { status: 'fail', summary: 'no operation of the OpenAPI document was selected', ...common };
  }
  if (lostUser) {
    // Every case after the deletion (or the e-mail or password change) ran with a token the service no
    // longer honours: the operations behind it were not tested, whatever the report says.
    const message =
      `Schemathesis ran as "${runAs}", and after the run "${runAs}" could not log in again (${lostUser}): ` +
      'one of its cases deleted the user or changed its e-mail or password, and every case after it ran with a dead token; ' +
      'leave those operations out (contract.operations.exclude, e.g. "DELETE /users/me") or run as a user made for it';
    return { status: 'error', summary: message, error: { code: INCOMPLETE_COVERAGE, message }, ...common };
  }
  if (deadToken) {
    const message =
      `the credentials Schemathesis ran with stopped working during the run (${deadToken}): ` +
      'one of its cases logged out or revoked them, and every case after it ran with a dead token; ' +
      'leave that operation out (contract.operations.exclude, e.g. "POST /logout") or run with credentials made for it';
    return { status: 'error', summary: message, error: { code: INCOMPLETE_COVERAGE, message }, ...common };
  }
  if (refused.length > 0) {
    // Fuzzed, but only up to the 401: a pass would claim what was never tried.
    const who = runAs
      ? `as "${runAs}"`
      : 'without credentials (no contract.auth, no auth.default, no credential header)';
    const why =
      unauthorized.length > 0
        ? 'require credentials (security in the OpenAPI document) or answered only 401/403'
        : 'answered only 401/403';
    const message =
      `${refused.length} of ${totals?.selected ?? refused.length} operations ${why} to Schemathesis ${who}, ` +
      `so their cases never got past authorization: ${listOperations(refused)}; run it as a user allowed to use them ` +
      '(contract.auth: a user of auth.users) or leave them out (contract.operations.exclude)';
    return { status: 'error', summary: message, error: { code: INCOMPLETE_COVERAGE, message }, ...common };
  }
  const warned = findings.length > 0 ? `; ${findings.length} warning${findings.length === 1 ? '' : 's'}` : '';
  const as = runAs ? ` as "${runAs}"` : '';
  const refusedNote =
    mostlyRefused.length > 0
      ? `; Schemathesis saw mostly 401/403 on ${listOperations(mostlyRefused)} (may "${runAs}" use them?)`
      : '';
  // Said, not judged: Schemathesis' thresholds make these flicker between runs, like missing_auth.
  const noData = redact(totals?.shallow.noData ?? []);
  const rejected = redact(totals?.shallow.rejected ?? []);
  const shallowNote =
    (noData.length > 0
      ? `; mostly 404 on ${listOperations(noData)} (no test data: made-up ids found nothing, give examples in the document)`
      : '') +
    (rejected.length > 0
      ? `; mostly 400/422 on ${listOperations(rejected)} (the service refuses what the document allows)`
      : '');
  return {
    status: 'pass',
    summary: `${contract.operations.tested} operations${as}, no blocking failure${warned}${refusedNote}${shallowNote}`,
    ...common,
  };
}

/** What Schemathesis' JSON run report says was covered (absent in older 4.x). */
export interface OperationTotals {
  selected: number;
  tested: number;
  /**
   * Operations whose cases were (nearly) all answered 401/403: Schemathesis' `missing_auth`
   * warning. Their cases never reached the code behind the authorization.
   */
  refused: string[];
  /**
   * Operations whose valid cases were answered mostly 404 (`missing_test_data`: made-up ids find
   * nothing) or mostly 400/422 (`validation_mismatch`: the service refuses what the document
   * allows). Their cases rarely reached the code behind the lookup or the validation.
   */
  shallow: { noData: string[]; rejected: string[] };
}

/** What Schemathesis' JSON run report (`--report-json-path`) says was covered; null when absent or older. */
export async function readOperationTotals(file: string): Promise<OperationTotals | null> {
  try {
    const report = JSON.parse(await readFile(file, 'utf8')) as {
      operations?: { selected?: unknown; tested?: unknown };
      warnings?: { missing_auth?: unknown; missing_test_data?: unknown; validation_mismatch?: unknown };
    };
    const { selected, tested } = report.operations ?? {};
    if (typeof selected !== 'number' || typeof tested !== 'number') return null;
    const labels = (list: unknown): string[] =>
      Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : [];
    const warnings = report.warnings ?? {};
    return {
      selected,
      tested,
      refused: labels(warnings.missing_auth),
      shallow: { noData: labels(warnings.missing_test_data), rejected: labels(warnings.validation_mismatch) },
    };
  } catch {
    return null;
  }
}

/**
 * The operations whose cases never got past authorization. When Schemathesis sent no credentials
 * (`anonymous`): what the document says requires them (`secured`: a mix of 401 and 422 escapes
 * missing_auth), and what answered only 401/403 (`missingAuth`, Schemathesis' warning) among the
 * operations that require credentials when the document says which (a login's 401 to made-up
 * credentials is its own answer, not a missing token).
 *
 * Authenticated, missing_auth is only a warning (`mostlyRefused`): Schemathesis also sends cases
 * without the token on purpose (its ignored_auth check), and on an operation with few cases those
 * 401s can make "most" (seen: the example's POST /orders as the buyer, in one run of several).
 */
export function notPastAuthorization(seen: {
  anonymous: boolean;
  /** The operations the OpenAPI document says require credentials; null when it declares none. */
  secured: string[] | null;
  missingAuth: string[];
}): { refused: string[]; unauthorized: string[]; mostlyRefused: string[] } {
  const { anonymous, secured, missingAuth } = seen;
  const flagged = secured ? missingAuth.filter((o) => secured.includes(o)) : missingAuth;
  const unauthorized = anonymous ? (secured ?? []) : [];
  return {
    refused: anonymous ? [...new Set([...unauthorized, ...flagged])] : [],
    unauthorized,
    mostlyRefused: anonymous ? [] : flagged,
  };
}

/**
 * A failure of Schemathesis' stateful phase is reported under "Stateful tests": named here by the
 * operation its reproduction calls (`POST /users/`), the phase said after its check.
 */
export function inStatefulPhase(
  f: RawContractFinding,
  operationOf: DocumentFacts['operationOf'] | undefined,
): RawContractFinding {
  if (f.operation !== 'Stateful tests' || !f.curl || !operationOf) return f;
  const method = /(?:^|\s)-X\s+([A-Z]+)\b/.exec(f.curl)?.[1] ?? 'GET';
  const url = /'?(https?:\/\/[^\s']+)'?\s*$/.exec(f.curl)?.[1];
  const operation = url ? operationOf(method, url) : undefined;
  return operation ? { ...f, operation, check: `${f.check} (in a stateful sequence)` } : f;
}

/** e.g. `GET /me, GET /cart and 3 more`. */
function listOperations(operations: string[], shown = 4): string {
  const head = operations.slice(0, shown).join(', ');
  return operations.length > shown ? `${head} and ${operations.length - shown} more` : head;
}

function redactFinding(f: RawContractFinding, ctx: CheckContext): RawContractFinding {
  const r = (s: string): string => ctx.redactor.redact(s);
  return {
    ...f,
    operation: r(f.operation),
    check: r(f.check),
    detail: r(f.detail),
    ...(f.curl !== undefined ? { curl: r(f.curl) } : {}),
  };
}

function classify(f: RawContractFinding, spec: ContractConfig): ContractFinding {
  const configured = spec.severity?.[f.code];
  const byDefault = f.code === 'error' || (DEFAULT_BLOCKING_CODES as readonly string[]).includes(f.code);
  return { ...f, severity: configured ?? (byDefault ? 'error' : 'warning') };
}

function toFinding(f: ContractFinding): Finding {
  const status = f.status !== undefined ? ` (status ${f.status})` : '';
  const curl = f.curl !== undefined ? `; reproduce with: ${f.curl}` : '';
  return {
    rule: f.code,
    kind: 'contract',
    severity: f.severity,
    message: `${f.operation}: ${f.check}${status}${curl}`,
  };
}

function failSummary(blocking: ContractFinding[], total: number): string {
  const ops = [...new Set(blocking.map((f) => f.operation))];
  // Schemathesis' errors (code "error") are named by their title alone: "Network Error".
  const codes = [...new Set(blocking.map((f) => (f.code === 'error' ? f.check : `${f.code} ${f.check}`)))];
  return `${blocking.length} blocking contract failure${blocking.length === 1 ? '' : 's'} (${codes.join(', ')}) on ${ops.join(', ')}; ${total} in all`;
}

function errored(run: CommandRun, code: string, message: string): CheckOutcome {
  return { status: 'error', summary: message, error: { code, message }, command: run };
}

function lastLine(tail: string): string {
  return tail.trim().split('\n').pop()?.slice(0, 300) ?? '';
}
