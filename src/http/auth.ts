/**
 * Plan-level auth: the bearer token of each user of `auth.users`, fetched once per pass (the
 * first step that needs it asks; steps running at the same time wait for the same request),
 * kept until the `expires_in` of its answer has passed, and fetched again once when a step
 * that sent it is answered 401. The token request runs as a step (templates, timeouts,
 * redaction as every step); the token is a secret from the moment it is read.
 */
import type { Dispatcher } from 'undici';
import type { AuthConfig, AuthUser, CriticalPath, Duration, Step } from '../plan/schema.js';
import type { TemplateScope } from '../plan/template.js';
import { PathCookies } from './cookies.js';
import { runStep } from './run-step.js';

/** What the token requests need from the pass. */
export interface AuthTokensOptions {
  baseUrl: string;
  /** The pass's scope (env, secrets, run, plan variables); its redactor learns every token. */
  scope: TemplateScope;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  timeout: Duration;
  /** Milliseconds now; a test gives its own clock. */
  now?: () => number;
}

/** The header a step sends, or why the user has no token. */
export type AuthHeader =
  | { ok: true; user: string; name: string; value: string; token: string }
  | { ok: false; user: string; message: string };

interface Held {
  header: Promise<AuthHeader>;
  /** When the token is to be fetched again (ms, `now()` clock); Infinity without expires_in. */
  expiresAt: number;
  /** The token, once fetched. */
  token?: string;
}

/** The user a step runs as: its own `auth`, else its path's, else `auth.default`; none for anonymous. */
export function authUserOf(
  step: Step,
  path: CriticalPath,
  config: AuthConfig | undefined,
): string | undefined {
  const name = step.auth ?? path.auth ?? config?.default;
  return name === undefined || name === 'none' ? undefined : name;
}

/** The tokens of one pass, by user name. */
export class AuthTokens {
  readonly #config: AuthConfig | undefined;
  readonly #options: AuthTokensOptions;
  readonly #held = new Map<string, Held>();
  readonly #now: () => number;
  /** Token requests sent, by user (for tests and the record). */
  readonly fetches = new Map<string, number>();

  constructor(config: AuthConfig | undefined, options: AuthTokensOptions) {
    this.#config = config;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The user `step` of `path` runs as, or undefined (anonymous). */
  userOf(step: Step, path: CriticalPath): string | undefined {
    return authUserOf(step, path, this.#config);
  }

  /** The header for `user`: the token held, or a new one when none is held or it expired. */
  header(user: string): Promise<AuthHeader> {
    const held = this.#held.get(user);
    if (held && this.#now() < held.expiresAt) return held.header;
    const fresh: Held = { header: Promise.resolve(null as never), expiresAt: Number.POSITIVE_INFINITY };
    fresh.header = this.#fetch(user, fresh);
    this.#held.set(user, fresh);
    return fresh.header;
  }

  /** Forget `token` of `user` (a step that sent it was answered 401): the next ask fetches again. */
  invalidate(user: string, token: string): void {
    const held = this.#held.get(user);
    // Another step may have fetched a new token already: that one is kept.
    if (held && held.token === token) held.expiresAt = Number.NEGATIVE_INFINITY;
  }

  async #fetch(user: string, held: Held): Promise<AuthHeader> {
    const spec = this.#config?.users[user];
    if (!spec) return { ok: false, user, message: `auth ${user}: no such user in auth.users` };
    this.fetches.set(user, (this.fetches.get(user) ?? 0) + 1);
    const { step, header, scheme } = tokenStep(user, spec);
    const o = this.#options;
    const started = this.#now();
    const outcome = await runStep(step, {
      baseUrl: o.baseUrl,
      scope: { ...o.scope, vars: new Map(o.scope.vars) },
      cookies: new PathCookies(),
      dispatcher: o.dispatcher,
      defaultTimeout: o.timeout,
      bodyLimit: 64 * 1024,
      signal: o.signal,
    });
    const token = outcome.captured.get('token');
    if (outcome.result.status !== 'pass' || typeof token !== 'string' || token === '') {
      // Kept: every step that needs this user fails with the same reason, without asking again.
      return { ok: false, user, message: failureMessage(user, step, outcome) };
    }
    const seconds = Number(outcome.captured.get('expires_in'));
    // Fetched again a little before the server's own expiry (a tenth, at most 30 s early).
    if (Number.isFinite(seconds) && seconds > 0)
      held.expiresAt = started + seconds * 1000 - Math.min(30_000, seconds * 100);
    o.scope.redactor.add(token);
    held.token = token;
    return { ok: true, user, name: header, value: scheme ? `${scheme} ${token}` : token, token };
  }
}

/** The step that fetches `user`'s token, and where the token goes. */
function tokenStep(user: string, spec: AuthUser): { step: Step; header: string; scheme: string } {
  const expiresWhen = (path: string) => ({ json: { [path]: { exists: true } } });
  const capture = (tokenPath: string, expiresPath: string): Step['capture'] => ({
    token: { json: tokenPath, secret: true },
    expires_in: { json: expiresPath, when: expiresWhen(expiresPath) },
  });
  const expect = { status: { gte: 200, lt: 300 } };
  const name = `auth ${user}`;
  if ('login' in spec) {
    const l = spec.login;
    const step: Step = { name, request: l.request, expect, capture: capture(l.token, l.expires_in) };
    return { step, header: l.header, scheme: l.scheme };
  }
  const form: Record<string, string> =
    'oauth2_password' in spec
      ? {
          grant_type: 'password',
          username: spec.oauth2_password.username,
          password: spec.oauth2_password.password,
        }
      : {
          grant_type: 'client_credentials',
          client_id: spec.client_credentials.client_id,
          client_secret: spec.client_credentials.client_secret,
        };
  const flow = 'oauth2_password' in spec ? spec.oauth2_password : spec.client_credentials;
  if (flow.scope) form.scope = flow.scope;
  const step: Step = {
    name,
    request: { method: 'POST', url: flow.token_url, form },
    expect,
    capture: capture('$.access_token', '$.expires_in'),
  };
  return { step, header: flow.header, scheme: flow.scheme };
}

/** e.g. `auth user: POST /api/v1/login/access-token answered 400: {"detail":"Incorrect password"}`. */
function failureMessage(user: string, step: Step, outcome: Awaited<ReturnType<typeof runStep>>): string {
  const result = outcome.complete?.() ?? outcome.result;
  const where = `${step.request.method} ${step.request.url}`;
  if (result.status === 'error') return `auth ${user}: ${where} failed: ${result.error?.message ?? 'error'}`;
  if (result.status === 'skip') return `auth ${user}: ${where} was not sent (${result.skip_reason})`;
  const response = result.response;
  if (response && (response.status < 200 || response.status >= 300)) {
    const body = response.body.trim().slice(0, 300);
    return `auth ${user}: ${where} answered ${response.status}${body ? `: ${body}` : ''}`;
  }
  const why = result.failures?.map((f) => f.message).join('; ') ?? 'no token in the answer';
  return `auth ${user}: ${where} answered ${response?.status ?? '?'} without a token (${why})`;
}
