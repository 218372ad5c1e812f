/**
 * Attribution by time, for services where the shim cannot read the step header (not served
 * by uvicorn): the database check runs one request at a time, so a statement recorded while
 * a step's request was in flight belongs to that step.
 */
import type { Dispatcher } from 'undici';
import { type CapturedStatement, STEP_HEADER } from './capture.js';

/** When a step's request was in flight, in wall-clock seconds (the shim's `t`). */
export interface StepWindow {
  label: string;
  start: number;
  end: number;
}

/** A dispatcher that notes the time window of every request carrying the step header. */
export function recordWindows(dispatcher: Dispatcher, windows: StepWindow[]): Dispatcher {
  return dispatcher.compose((dispatch) => (options, handler) => {
    const label = stepHeader(options.headers);
    if (!label) return dispatch(options, handler);
    const start = Date.now() / 1000;
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      windows.push({ label, start, end: Date.now() / 1000 });
    };
    // Whichever handler style undici calls (onComplete/onError or onResponseEnd/onResponseError).
    const ends = new Set(['onComplete', 'onError', 'onResponseEnd', 'onResponseError']);
    const wrapped = new Proxy(handler, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        if (!ends.has(String(name))) return value.bind(target);
        return (...args: unknown[]) => {
          end();
          return value.apply(target, args);
        };
      },
    });
    return dispatch(options, wrapped);
  });
}

/** Statements without a step, given the step whose window holds their time (else within 5 ms), when the shim saw no step header at all. */
export function attributeByWindow(
  statements: CapturedStatement[],
  windows: StepWindow[],
): CapturedStatement[] {
  // The header reached the shim: time windows would only pull in other traffic (health checks).
  if (statements.some((s) => s.step !== null)) return statements;
  const slack = 0.005;
  return statements.map((s) => {
    if (s.step !== null) return s;
    const window =
      windows.find((w) => s.t >= w.start && s.t <= w.end) ??
      windows.find((w) => s.t >= w.start - slack && s.t <= w.end + slack);
    return window ? { ...s, step: window.label } : s;
  });
}

function stepHeader(headers: Dispatcher.DispatchOptions['headers']): string | undefined {
  const wanted = STEP_HEADER.toLowerCase();
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2)
      if (String(headers[i]).toLowerCase() === wanted) return String(headers[i + 1]);
    return undefined;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>))
    if (k.toLowerCase() === wanted) return String(v);
  return undefined;
}
