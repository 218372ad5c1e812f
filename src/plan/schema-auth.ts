/**
 * The plan's `auth` section: named users whose bearer token preflight fetches once per pass
 * and sends on every step that uses them (a critical path's or a step's `auth:`, or
 * `auth.default`). Three ways to get a token:
 *
 *     auth:
 *       default: user
 *       users:
 *         user:    { oauth2_password: { token_url: /api/v1/login/access-token, username: "...", password: "{{ secrets.APP_PASSWORD }}" } }
 *         service: { client_credentials: { token_url: /oauth/token, client_id: "...", client_secret: "{{ secrets.X }}" } }
 *         session: { login: { request: { method: POST, url: /login, json: { ... } }, token: $.access_token } }
 *
 * The token is a secret: it is redacted in every output.
 */
import { z } from 'zod';

/** A user name, or `none` for anonymous steps. */
export const AuthRef = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'a user name of auth.users, or none')
  .describe('a user of auth.users whose bearer token the steps send, or "none" (anonymous)');

const HeaderKeys = {
  header: z.string().min(1).default('Authorization').describe('the header the token is sent in'),
  scheme: z
    .string()
    .default('Bearer')
    .describe('written before the token in the header ("" for the bare token)'),
};

const OAuth2PasswordSpec = z.strictObject({
  token_url: z.string().min(1).describe('absolute, or relative to the service URL'),
  username: z.string(),
  password: z.string(),
  scope: z.string().optional(),
  ...HeaderKeys,
});

const ClientCredentialsSpec = z.strictObject({
  token_url: z.string().min(1).describe('absolute, or relative to the service URL'),
  client_id: z.string(),
  client_secret: z.string(),
  scope: z.string().optional(),
  ...HeaderKeys,
});

/** The plan's `auth` section, given the request schema of a step (schema.ts). */
export function authSpec<R extends z.ZodType>(parts: { request: R }) {
  const LoginSpec = z.strictObject({
    request: parts.request.describe('the login request, as a step writes it'),
    token: z.string().min(1).default('$.access_token').describe('JSONPath of the token in the answer'),
    expires_in: z
      .string()
      .min(1)
      .default('$.expires_in')
      .describe('JSONPath of the lifetime in seconds (the token is fetched again after it)'),
    ...HeaderKeys,
  });
  /** How one user gets a token. */
  const AuthUserSpec = z.union([
    z.strictObject({
      oauth2_password: OAuth2PasswordSpec.describe(
        'OAuth2 password flow: the form grant_type=password, username, password posted to token_url',
      ),
    }),
    z.strictObject({
      client_credentials: ClientCredentialsSpec.describe(
        'OAuth2 client credentials: the form grant_type=client_credentials, client_id, client_secret posted to token_url',
      ),
    }),
    z.strictObject({
      login: LoginSpec.describe('a bearer token read from the answer to this login request'),
    }),
  ]);
  return z.strictObject({
    default: AuthRef.optional().describe('the user of every step whose path or step names no other'),
    users: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), AuthUserSpec),
  });
}
