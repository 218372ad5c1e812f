/**
 * A request's Postman test script, line by line, as a step's `expect` and `capture`: the
 * common `pm.test` assertions (status, JSON properties, headers, body, response time) and
 * `pm.environment.set` / `pm.globals.set` of response values. Every other line is returned
 * as unsupported, with its line number; none is dropped silently.
 */
import {
  accessorToJsonPath,
  callArguments,
  chainToMatcher,
  readValue,
  splitArguments,
} from './expression.js';
import type { VariableMap } from './variables.js';

/** A script line that was not converted. */
export interface UnsupportedLine {
  line: number;
  code: string;
  why: string;
}

/** What a test script becomes. */
export interface ScriptConversion {
  expect: StepExpectation;
  capture: Record<string, unknown>;
  unsupported: UnsupportedLine[];
}

/** The parts of a step's `expect` a script can fill. */
export interface StepExpectation {
  status?: number | number[];
  headers?: Record<string, unknown>;
  json?: Record<string, unknown>;
  body?: { contains?: string; match?: string };
  max_ms?: number;
}

const TEST_OPEN =
  /^pm\.test\(\s*(['"`])(?:\\.|(?!\1).)*\1\s*,\s*(?:async\s+)?(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*/;
const SETTER = /^pm\.(environment|globals|collectionVariables|variables)\.set\(/;
const ALIAS = /^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*pm\.response\.json\(\)$/;

type Outcome = true | string;

/** Convert the lines of a test script. */
export function convertTestScript(lines: string[], vars: VariableMap): ScriptConversion {
  const out: ScriptConversion = { expect: {}, capture: {}, unsupported: [] };
  const aliases = new Set<string>();
  lines.forEach((raw, index) => {
    // One note per line, with the first reason, however many statements it holds.
    const reasons = statementsOf(raw)
      .map((statement) => convertStatement(statement, { out, aliases, vars }))
      .filter((r): r is string => r !== true);
    if (reasons[0]) out.unsupported.push({ line: index + 1, code: raw.trim(), why: reasons[0] });
  });
  return out;
}

/** The statements of a line: pm.test wrappers, closers and comments removed. */
function statementsOf(raw: string): string[] {
  let line = raw.replace(/^\s*\/\/.*$/, '').trim();
  const open = TEST_OPEN.exec(line);
  if (open) {
    line = line.slice(open[0].length);
    // One-line forms: `() => expr)` and `function () { ...; })`.
    line = line.replace(/^\{/, '').replace(/\}?\s*\)\s*;?\s*$/, '');
  }
  line = line.replace(/^\}\s*\)?\s*;?\s*$/, '');
  return splitStatements(line);
}

function splitStatements(line: string): string[] {
  const out: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === ';') {
      out.push(line.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(line.slice(start).trim());
  return out.filter((s) => s !== '');
}

interface Context {
  out: ScriptConversion;
  aliases: Set<string>;
  vars: VariableMap;
}

function convertStatement(s: string, ctx: Context): Outcome {
  const alias = ALIAS.exec(s);
  if (alias) {
    ctx.aliases.add(alias[1] as string);
    return true;
  }
  const status = /^pm\.response\.to\.have\.status\((\d{3})\)$/.exec(s);
  if (status) return addStatus(ctx, [Number(status[1])]);
  const header = /^pm\.response\.to\.have\.header\(([^)]*)\)$/.exec(s);
  if (header) return convertHeaderCheck(splitArguments(header[1] as string), ctx);
  if (s.startsWith('pm.expect(')) return convertExpect(s, ctx);
  if (SETTER.test(s)) return convertSetter(s, ctx);
  if (/^pm\.response\.to\.be\.ok$/.test(s))
    return 'to.be.ok means any 2xx: give the exact status with to.have.status(N)';
  return 'not a pm.test assertion or pm.environment.set preflight converts';
}

function convertExpect(s: string, ctx: Context): Outcome {
  const call = callArguments(s, 'pm.expect'.length);
  if (!call) return 'unbalanced parentheses';
  const target = call.inner.trim();
  const rest = s.slice(call.end);
  const chain = /^\.((?:[A-Za-z]+\.)*[A-Za-z]+)(\(.*\))?$/.exec(rest);
  if (!chain) return 'not a Chai assertion chain';
  const args = chain[2] ? splitArguments(chain[2].slice(1, -1)) : undefined;
  const read = chainToMatcher((chain[1] as string).split('.'), args, ctx.vars);
  if (!read.ok) return read.why;
  const { matcher } = read;
  if (target === 'pm.response.code') return statusFromMatcher(matcher, ctx);
  if (target === 'pm.response.responseTime') return responseTime(matcher, ctx);
  if (target === 'pm.response.text()') return bodyFromMatcher(matcher, ctx);
  const headerTarget = /^pm\.response\.headers\.get\(\s*(['"])([^'"]+)\1\s*\)$/.exec(target);
  if (headerTarget)
    return addMatcher(ctx.out.expect, 'headers', (headerTarget[2] as string).toLowerCase(), matcher);
  const path = accessorToJsonPath(target, ctx.aliases);
  if (!path)
    return `pm.expect(${target}): only the response JSON, status, headers, text and time are converted`;
  const full = read.property
    ? `${path}${/^[A-Za-z_$][\w$]*$/.test(read.property) ? `.${read.property}` : `['${read.property}']`}`
    : path;
  return addMatcher(ctx.out.expect, 'json', full, matcher);
}

function convertSetter(s: string, ctx: Context): Outcome {
  const call = callArguments(s, s.indexOf('('));
  const args = call && s.slice(call.end).trim() === '' ? splitArguments(call.inner) : [];
  const name = args[0] !== undefined ? readValue(args[0], ctx.vars) : undefined;
  if (args.length !== 2 || !name?.ok || typeof name.value !== 'string')
    return 'only set("name", <response value>) is converted';
  const variable = ctx.vars.nameOf(name.value);
  const source = args[1] as string;
  const header = /^pm\.response\.headers\.get\(\s*(['"])([^'"]+)\1\s*\)$/.exec(source);
  const cookie = /^pm\.cookies\.get\(\s*(['"])([^'"]+)\1\s*\)$/.exec(source);
  const path = accessorToJsonPath(source, ctx.aliases);
  if (header) ctx.out.capture[variable] = { header: header[2] };
  else if (cookie) ctx.out.capture[variable] = { cookie: cookie[2] };
  else if (path) ctx.out.capture[variable] = path;
  else return 'the value is not read from the response (JSON, a header or a cookie)';
  return true;
}

function convertHeaderCheck(args: string[], ctx: Context): Outcome {
  const name = args[0] !== undefined ? readValue(args[0], ctx.vars) : undefined;
  if (!name?.ok || typeof name.value !== 'string') return 'the header name is not a literal';
  const value = args[1] !== undefined ? readValue(args[1], ctx.vars) : undefined;
  if (args[1] !== undefined && !value?.ok) return 'the header value is not a literal';
  return addMatcher(
    ctx.out.expect,
    'headers',
    name.value.toLowerCase(),
    value?.ok ? value.value : { exists: true },
  );
}

function statusFromMatcher(matcher: unknown, ctx: Context): Outcome {
  if (typeof matcher === 'number') return addStatus(ctx, [matcher]);
  const list = (matcher as { in?: unknown })?.in;
  if (Array.isArray(list) && list.every((n) => typeof n === 'number'))
    return addStatus(ctx, list as number[]);
  return 'a status check other than equality or oneOf([...])';
}

function addStatus(ctx: Context, codes: number[]): Outcome {
  const before = ctx.out.expect.status;
  if (before !== undefined) return 'a second status assertion (the first one is kept)';
  ctx.out.expect.status = codes.length === 1 ? (codes[0] as number) : codes;
  return true;
}

function responseTime(matcher: unknown, ctx: Context): Outcome {
  const m = matcher as { lt?: unknown; lte?: unknown };
  const limit = typeof m?.lt === 'number' ? m.lt : typeof m?.lte === 'number' ? m.lte : undefined;
  if (limit === undefined) return 'a response time check other than below(N) / at.most(N)';
  ctx.out.expect.max_ms = limit;
  return true;
}

function bodyFromMatcher(matcher: unknown, ctx: Context): Outcome {
  const m = matcher as { contains?: unknown; match?: unknown };
  ctx.out.expect.body ??= {};
  const body = ctx.out.expect.body;
  if (typeof m?.contains === 'string' && body.contains === undefined) body.contains = m.contains;
  else if (typeof m?.match === 'string' && body.match === undefined) body.match = m.match;
  else return 'a body check other than include("text") or match(/re/)';
  return true;
}

/** Add a matcher under `expect[group][key]`, merging operators with one already there. */
function addMatcher(
  expect: StepExpectation,
  group: 'headers' | 'json',
  key: string,
  matcher: unknown,
): Outcome {
  expect[group] ??= {};
  const map = expect[group];
  if (!(key in map)) {
    map[key] = matcher;
    return true;
  }
  const asOps = (m: unknown): Record<string, unknown> =>
    m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : { eq: m };
  const before = asOps(map[key]);
  const added = asOps(matcher);
  if (Object.keys(added).some((op) => op in before))
    return `a second "${Object.keys(added).join(', ')}" check of ${key}`;
  map[key] = { ...before, ...added };
  return true;
}
