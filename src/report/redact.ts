/**
 * Redaction: every output (terminal, JSON, JUnit, Markdown, HTML, store) passes through
 * a Redactor, so a secret that reached a response body or a log line is still hidden.
 */

export const REDACTED = '[redacted]';

/** Headers whose values are always secret. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Values shorter than this are not redacted by value (they would mask ordinary text). */
const MIN_SECRET_LENGTH = 4;

/** Collects secret values and hides them in any text. */
export class Redactor {
  #values = new Set<string>();
  #pattern: RegExp | null = null;
  /** The length of the shortest registered value: a shorter text cannot contain one. */
  #shortest = Number.POSITIVE_INFINITY;

  /** Register a secret value; it and its JSON- and URL-encoded forms are hidden from now on. */
  add(value: unknown): void {
    if (value === undefined || value === null) return;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (text.length < MIN_SECRET_LENGTH) return;
    const forms = [text, JSON.stringify(text).slice(1, -1), encodeURIComponent(text)];
    for (const form of forms) {
      if (!this.#values.has(form)) {
        this.#values.add(form);
        this.#pattern = null;
        this.#shortest = Math.min(this.#shortest, form.length);
      }
    }
  }

  /** Whether any secret is registered. */
  get size(): number {
    return this.#values.size;
  }

  /** Replace every registered secret in `text`. */
  redact(text: string): string {
    // Most strings of a result (names, statuses, header names) are shorter than any secret.
    if (text.length < this.#shortest) return text;
    if (!this.#pattern) {
      // Longest first, so a secret that contains another is replaced whole.
      const sorted = [...this.#values].sort((a, b) => b.length - a.length);
      this.#pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return text.replace(this.#pattern, REDACTED);
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

/** Whether a header's value is always treated as a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Whether a variable or capture name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  return /(token|secret|password|passwd|session|cookie|api[_-]?key|auth|credential|private)/i.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
