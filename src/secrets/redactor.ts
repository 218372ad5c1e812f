/**
 * Redaction: every output (terminal, JSON, JUnit, Markdown, HTML, store, dashboard) passes
 * through a Redactor, so a secret that reached a response body or a log line is still hidden,
 * in any of the forms forms.ts knows; the credentials of any URL are masked too.
 */
import { type SecretForm, secretForms } from './forms.js';
import { isSecretHeader, isSecretName, REDACTED } from './names.js';
import { maskUrlCredentials } from './url.js';

/** Values shorter than this are not redacted by value (they would mask ordinary text). */
const MIN_SECRET_LENGTH = 4;

/** A form ready to match: its required prefix, and its other units, sticky. */
interface CompiledForm {
  prefix: RegExp;
  rest: RegExp[];
  /** The source of the prefix, for the scanning pattern. */
  source: string;
  /** The fewest characters a match has. */
  minLength: number;
}

/** Collects secret values and hides them in any text. */
export class Redactor {
  #values = new Set<string>();
  #forms: CompiledForm[] = [];
  #scan: RegExp | null = null;
  /** The length of the shortest possible match: a shorter text cannot contain one. */
  #shortest = Number.POSITIVE_INFINITY;

  /** Register a secret value; it is hidden, in every form it can take, from now on. */
  add(value: unknown): void {
    if (value === undefined || value === null) return;
    const text =
      typeof value === 'string' ? value : typeof value === 'bigint' ? String(value) : JSON.stringify(value);
    if (text === undefined || text.length < MIN_SECRET_LENGTH || this.#values.has(text)) return;
    this.#values.add(text);
    for (const form of secretForms(text)) {
      const compiled = compile(form);
      this.#forms.push(compiled);
      this.#shortest = Math.min(this.#shortest, compiled.minLength);
    }
    // The forms are sorted when the scan is next built (adding many secrets stays linear).
    this.#scan = null;
  }

  /**
   * Register the value of a variable, capture or environment entry when its name looks like it
   * holds a secret (`isSecretName`): the one rule for every way a named value comes to be.
   */
  addNamed(name: string, value: unknown): void {
    if (isSecretName(name)) this.add(value);
  }

  /** How many secret values are registered. */
  get size(): number {
    return this.#values.size;
  }

  /** Whether `value` was registered. */
  has(value: string): boolean {
    return this.#values.has(value);
  }

  /** Replace every registered secret (in any of its forms) and every URL's credentials in `text`. */
  redact(text: string): string {
    const masked = text.includes('@') ? maskUrlCredentials(text) : text;
    // Most strings of a result (names, statuses, header names) are shorter than any secret.
    if (masked.length < this.#shortest) return masked;
    this.#scan ??= this.#compileScan();
    const scan = this.#scan;
    scan.lastIndex = 0;
    let out = '';
    let at = 0;
    for (let m = scan.exec(masked); m !== null; m = scan.exec(masked)) {
      const start = m.index;
      let end = start + m[0].length;
      // The longest of every form that matches here (one secret may begin another).
      for (const form of this.#forms) end = Math.max(end, matchAt(form, masked, start));
      out += `${masked.slice(at, start)}${REDACTED}`;
      at = end;
      scan.lastIndex = end;
    }
    return at === 0 ? masked : out + masked.slice(at);
  }

  #compileScan(): RegExp {
    // Longest first, so that the scan stops at the start of the longest secret there.
    this.#forms.sort((a, b) => b.minLength - a.minLength);
    return new RegExp(this.#forms.map((f) => f.source).join('|'), 'g');
  }

  /** Copy of `headers` with secret headers masked and secret values redacted. */
  redactHeaders(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = isSecretHeader(name) ? REDACTED : this.redact(value);
    }
    return out;
  }

  /** Deep copy of a JSON-like value with every string (and object key) redacted. */
  redactValue<T>(value: T): T {
    return this.#walk(value) as T;
  }

  // Plain loops: whole run results (thousands of steps) go through here several times.
  #walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = this.#walk(value[i]);
      return out;
    }
    const out: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const v = record[k];
      if (v !== undefined) out[this.redact(k)] = this.#walk(v);
    }
    return out;
  }
}

function compile(form: SecretForm): CompiledForm {
  const source = form.units.slice(0, form.required).join('');
  return {
    prefix: new RegExp(source, 'y'),
    rest: form.units.slice(form.required).map((u) => new RegExp(u, 'y')),
    source,
    // Every unit matches at least one character; as written, most match exactly one.
    minLength: form.required,
  };
}

/** The end of the longest match of `form` at `start`, or -1. */
function matchAt(form: CompiledForm, text: string, start: number): number {
  form.prefix.lastIndex = start;
  if (!form.prefix.test(text)) return -1;
  let end = form.prefix.lastIndex;
  for (const unit of form.rest) {
    unit.lastIndex = end;
    if (!unit.test(text)) break;
    end = unit.lastIndex;
  }
  return end;
}
