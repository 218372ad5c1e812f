/**
 * The part of an exported k6 script that does not depend on the plan: templates, JSONPath
 * segments, matchers, one step (with retries and `until`), one critical path. Plain ES2017
 * (k6 runs it in its own JavaScript engine); it imports nothing but what the header imports.
 */

/** JavaScript source, appended to every exported script. */
export const K6_RUNTIME = String.raw`
// ---- preflight runtime: the same semantics as "preflight run" ----------------------------

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}$/;

function lookup(ref, scope) {
  const parts = ref.split('.');
  if (parts.length === 2) {
    if (parts[0] === 'env' || parts[0] === 'secrets') {
      const value = __ENV[parts[1]];
      if (value === undefined) throw new Error(parts[1] + ' is not set: pass it with -e ' + parts[1] + '=...');
      return value;
    }
    if (parts[0] === 'run' && parts[1] === 'id') return scope.runId;
    if (parts[0] === 'run' && parts[1] === 'dir') return '/tmp';
    if (parts[0] === 'service' && parts[1] === 'url') return BASE_URL;
    throw new Error('unknown template reference {{ ' + ref + ' }}');
  }
  if (Object.prototype.hasOwnProperty.call(scope.vars, ref)) return scope.vars[ref];
  throw new Error('{{ ' + ref + ' }} is not defined: no variable or earlier capture has that name');
}

function render(value, scope) {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1], scope);
    return value.replace(TEMPLATE, function (_, ref) {
      const v = lookup(ref, scope);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map(function (v) { return render(v, scope); });
  if (value && typeof value === 'object') {
    const out = {};
    Object.keys(value).forEach(function (k) { out[k] = render(value[k], scope); });
    return out;
  }
  return value;
}

function text(value) {
  return typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A value by JSONPath segments; "length" of an array or a string is its length. */
function select(value, segments) {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i];
    if (current === null || current === undefined) return undefined;
    if (key === 'length' && (Array.isArray(current) || typeof current === 'string')) current = current.length;
    else if (typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toNumber(value, numericStrings) {
  if (typeof value === 'number' && !isNaN(value)) return value;
  if (numericStrings && typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))) return Number(value);
  return undefined;
}

const OPERATORS = {
  eq: function (a, e) { return same(a, e); },
  ne: function (a, e) { return !same(a, e); },
  gt: function (a, e, n) { const v = toNumber(a, n); return v !== undefined && v > e; },
  gte: function (a, e, n) { const v = toNumber(a, n); return v !== undefined && v >= e; },
  lt: function (a, e, n) { const v = toNumber(a, n); return v !== undefined && v < e; },
  lte: function (a, e, n) { const v = toNumber(a, n); return v !== undefined && v <= e; },
  type: function (a, e) { return typeOf(a) === e; },
  match: function (a, e) { return a !== undefined && new RegExp(e).test(text(a)); },
  contains: function (a, e) {
    if (typeof a === 'string') return a.indexOf(typeof e === 'string' ? e : String(e)) >= 0;
    return Array.isArray(a) && a.some(function (x) { return same(x, e); });
  },
  exists: function (a, e) { return (a !== undefined) === e; },
  length: function (a, e) { return (typeof a === 'string' || Array.isArray(a)) && a.length === e; },
  in: function (a, e) { return e.some(function (x) { return same(a, x); }); },
};

/** Whether a value satisfies a matcher (a literal, or operators that must all hold). */
function matches(actual, matcher, numericStrings) {
  if (matcher === null || typeof matcher !== 'object') return same(actual, matcher);
  return Object.keys(matcher).every(function (op) {
    return OPERATORS[op] ? OPERATORS[op](actual, matcher[op], numericStrings) : false;
  });
}

function header(res, name) {
  const wanted = name.toLowerCase();
  const keys = Object.keys(res.headers);
  for (let i = 0; i < keys.length; i++) if (keys[i].toLowerCase() === wanted) return res.headers[keys[i]];
  return undefined;
}

function bodyJson(res) {
  try {
    return { ok: true, value: JSON.parse(res.body) };
  } catch (e) {
    return { ok: false };
  }
}

/** Every assertion of an expect block, as "label" -> holds. */
function evaluate(res, expect, label) {
  const out = {};
  // A step that names no status expects 2xx or 3xx, as in preflight run.
  if (expect && expect.status) out[label + 'status ' + expect.status.join('|')] = expect.status.indexOf(res.status) >= 0;
  else out[label + 'status 2xx/3xx'] = res.status >= 200 && res.status < 400;
  if (!expect) return out;
  Object.keys(expect.headers || {}).forEach(function (name) {
    const m = expect.headers[name];
    const literal = typeof m === 'number' || typeof m === 'boolean' ? String(m) : m;
    out[label + 'header ' + name] = matches(header(res, name), literal, true);
  });
  if (expect.json && expect.json.length > 0) {
    const body = bodyJson(res);
    expect.json.forEach(function (j) {
      out[label + 'json ' + j.path] = body.ok && matches(select(body.value, j.segments), j.matcher, false);
    });
  }
  const b = expect.body || {};
  const bodyText = res.body === null || res.body === undefined ? '' : String(res.body);
  if (b.contains !== undefined) out[label + 'body contains'] = bodyText.indexOf(b.contains) >= 0;
  if (b.not_contains !== undefined) out[label + 'body not_contains'] = bodyText.indexOf(b.not_contains) < 0;
  if (b.match !== undefined) out[label + 'body match'] = new RegExp(b.match).test(bodyText);
  if (expect.max_ms !== undefined) out[label + 'max_ms ' + expect.max_ms] = res.timings.duration <= expect.max_ms;
  return out;
}

function allHold(results) {
  return Object.keys(results).every(function (k) { return results[k]; });
}

function buildUrl(url, query) {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  let out = absolute ? url : BASE_URL.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
  const pairs = Object.keys(query || {}).map(function (k) {
    return encodeURIComponent(k) + '=' + encodeURIComponent(text(query[k]));
  });
  if (pairs.length > 0) out += (out.indexOf('?') >= 0 ? '&' : '?') + pairs.join('&');
  return out;
}

function send(step, request, pathName) {
  const headers = Object.assign({}, request.headers || {});
  let body = null;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers['Content-Type'] = headers['Content-Type'] || 'application/json';
  } else if (request.form !== undefined) {
    body = Object.keys(request.form).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(text(request.form[k]));
    }).join('&');
    headers['Content-Type'] = headers['Content-Type'] || 'application/x-www-form-urlencoded';
  } else if (request.body !== undefined) {
    body = text(request.body);
  }
  const params = {
    headers: headers,
    timeout: step.timeout_ms + 'ms',
    tags: { path: pathName, step: step.name, name: step.method + ' ' + step.request.url },
  };
  if (step.expect && step.expect.status) params.responseCallback = http.expectedStatuses.apply(null, step.expect.status);
  return http.request(step.method, buildUrl(request.url, request.query), body, params);
}

function capture(res, spec) {
  if (spec.json) {
    const body = bodyJson(res);
    return body.ok ? select(body.value, spec.json) : undefined;
  }
  if (spec.header) return header(res, spec.header);
  if (spec.cookie) {
    const jar = res.cookies && res.cookies[spec.cookie];
    return jar && jar.length > 0 ? jar[0].value : undefined;
  }
  if (spec.regex) {
    const m = new RegExp(spec.regex).exec(String(res.body));
    return m ? (m[1] !== undefined ? m[1] : m[0]) : undefined;
  }
  return undefined;
}

/** One step: send (retrying as the plan says), check, capture; false when the path must stop. */
function runStep(step, scope, pathName) {
  const label = pathName + ' / ' + step.name + ': ';
  const request = render(step.request, scope);
  const expect = render(step.expect, scope);
  const until = step.retry && step.retry.until ? render(step.retry.until, scope) : null;
  let res;
  for (let attempt = 0; attempt <= (step.retry ? step.retry.count : 0); attempt++) {
    if (attempt > 0) sleep(step.retry.interval_ms / 1000);
    res = send(step, request, pathName);
    if (allHold(evaluate(res, until || expect, ''))) break;
  }
  const results = evaluate(res, expect, label);
  const captured = {};
  Object.keys(step.capture || {}).forEach(function (name) {
    const value = capture(res, step.capture[name]);
    results[label + 'capture ' + name] = value !== undefined;
    captured[name] = value;
  });
  const checks = {};
  Object.keys(results).forEach(function (k) { checks[k] = function () { return results[k]; }; });
  const ok = check(res, checks, { path: pathName, step: step.name });
  if (ok) Object.keys(captured).forEach(function (name) { scope.vars[name] = captured[name]; });
  return ok;
}

/** One critical path, its steps in order; the rest are skipped after a step that failed. */
function runPath(name) {
  const path = PATHS[name];
  // Unique across the k6 processes of one test (execution segments, the operator's pods): the
  // VU's id in the whole test and its iteration (__VU and __ITER restart at 1 and 0 in every
  // process, so two processes would sign up the same user in the same millisecond).
  // RUN_ID_PREFIX also keeps apart processes that are separate tests.
  const prefix = __ENV.RUN_ID_PREFIX ? __ENV.RUN_ID_PREFIX + '-' : '';
  const scope = {
    runId: prefix + Date.now() + '-' + exec.vu.idInTest + '-' + exec.vu.iterationInInstance,
    vars: {},
  };
  Object.keys(PLAN_VARIABLES).forEach(function (k) { scope.vars[k] = render(PLAN_VARIABLES[k], scope); });
  Object.keys(path.variables).forEach(function (k) { scope.vars[k] = render(path.variables[k], scope); });
  const started = Date.now();
  let ok = true;
  for (let i = 0; i < path.steps.length && ok; i++) ok = runStep(path.steps[i], scope, name);
  pathDuration.add(Date.now() - started, { path: name });
  pathOk.add(ok, { path: name });
}
`;
