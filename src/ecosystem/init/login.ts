/**
 * How init finds the login of a document: an OAuth2 password flow's tokenUrl, or a JSON login
 * (an unsecured POST …/login with a password, answered with a token) for a bearer or API-key
 * header scheme; and which operation is the sign-up.
 */
import { asRecord } from '../../openapi/operations.js';
import { requestBodySchema, resolveSchema, successSchema } from './doc-schema.js';
import { sample } from './sample.js';
import type { Candidate } from './select.js';

type Json = Record<string, unknown>;

/** What init read from the app's source that the document does not say. */
export interface FlowHints {
  /** The word before the token in the header (`Token`), when the source declares one. */
  tokenPrefix?: string | undefined;
}

/** The tokenUrl of the document's OAuth2 password flow, as a path on the service. */
export function passwordTokenUrl(doc: Json): string | undefined {
  for (const scheme of Object.values(asRecord(asRecord(doc.components).securitySchemes))) {
    const s = resolveSchema(doc, scheme);
    const url = asRecord(asRecord(s.flows).password).tokenUrl;
    if (s.type === 'oauth2' && typeof url === 'string' && url)
      return url.startsWith('/') || /^https?:/.test(url) ? url : `/${url}`;
  }
  return undefined;
}

export function isSignup(doc: Json, c: Candidate): boolean {
  if (c.operation.method !== 'POST' || c.secured || c.pathParams.length > 0) return false;
  if (!/sign-?up|register|\/users\/?$/i.test(c.operation.path) || /log-?in|sign-?in/i.test(c.operation.path))
    return false;
  return hasPassword(doc, requestBodySchema(doc, c.operation)?.schema);
}

/** A password property in the body, at its top level or one object down (`{ user: { password } }`). */
function hasPassword(doc: Json, schema: unknown, depth = 0): boolean {
  const props = asRecord(resolveSchema(doc, schema).properties);
  return Object.entries(props).some(
    ([key, value]) => /password/i.test(key) || (depth < 1 && hasPassword(doc, value, depth + 1)),
  );
}

/** A login that answers with a token in JSON, for a bearer or API-key header scheme. */
export interface JsonLogin {
  login: Candidate;
  body: unknown;
  /** JSONPath of the token in the answer (`$.user.token`). */
  token: string;
  header: string;
  scheme: string;
}

export function jsonLogin(doc: Json, candidates: Candidate[], hints: FlowHints): JsonLogin | undefined {
  const way = headerScheme(doc, hints);
  if (!way) return undefined;
  const login = candidates.find(
    (c) =>
      c.operation.method === 'POST' &&
      !c.secured &&
      c.pathParams.length === 0 &&
      /log-?in|sign-?in|sessions?\/?$|auth\/token/i.test(c.operation.path) &&
      hasPassword(doc, requestBodySchema(doc, c.operation)?.schema),
  );
  if (!login) return undefined;
  const token = tokenPath(doc, successSchema(doc, login.operation), '$');
  if (!token) return undefined;
  return { login, body: sample(doc, requestBodySchema(doc, login.operation)?.schema, ''), token, ...way };
}

/** The header a bearer (`http`, `bearer`) or API-key (`apiKey` in header) scheme sends. */
function headerScheme(doc: Json, hints: FlowHints): { header: string; scheme: string } | undefined {
  for (const scheme of Object.values(asRecord(asRecord(doc.components).securitySchemes))) {
    const s = resolveSchema(doc, scheme);
    if (s.type === 'http' && String(s.scheme).toLowerCase() === 'bearer')
      return { header: 'Authorization', scheme: 'Bearer' };
    if (s.type === 'apiKey' && s.in === 'header' && typeof s.name === 'string') {
      const authorization = s.name.toLowerCase() === 'authorization';
      return { header: s.name, scheme: authorization ? (hints.tokenPrefix ?? 'Bearer') : '' };
    }
  }
  return undefined;
}

/** Where a string property named like a token is in the answer, two objects down at most. */
function tokenPath(doc: Json, schema: unknown, at: string, depth = 0): string | undefined {
  const props = asRecord(resolveSchema(doc, schema).properties);
  for (const key of Object.keys(props))
    if (/^(access_?token|accessToken|token|jwt|id_token)$/i.test(key)) return `${at}.${key}`;
  if (depth >= 2) return undefined;
  for (const [key, value] of Object.entries(props)) {
    const found = tokenPath(doc, value, `${at}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
