/**
 * Postman variables in a plan: `{{name}}` becomes `{{ name }}` (names made template-safe),
 * secret-looking variables become `{{ secrets.NAME }}` so their values never reach the plan,
 * and the few dynamic variables with an equivalent are mapped; the rest are reported.
 */
import { isSecretName } from '../../secrets/names.js';

const REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Dynamic variables with a preflight equivalent (unique per run). */
const DYNAMIC: Record<string, string> = {
  $guid: '{{ run.id }}',
  $randomUUID: '{{ run.id }}',
  $timestamp: '{{ run.id }}',
  $isoTimestamp: '{{ run.id }}',
};

/** How the variables of a collection are written in the plan. */
export class VariableMap {
  readonly #names = new Map<string, string>();
  readonly #secrets = new Map<string, string>();
  readonly #notes: string[];

  constructor(notes: string[]) {
    this.#notes = notes;
  }

  /**
   * Variables a script of an earlier request captured from the response JSON, and not set by
   * any file: their value is the JSON value (`parseInt(pm.environment.get("id"))` is the id).
   */
  readonly fromJson = new Set<string>();

  /** The template-safe name of a Postman variable (`base-url` -> `base_url`). */
  nameOf(postmanName: string): string {
    let name = this.#names.get(postmanName);
    if (!name) {
      name = postmanName.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || '_';
      this.#names.set(postmanName, name);
    }
    return name;
  }

  /** Make `postmanName` a secret: references become `{{ secrets.ENV_NAME }}`. */
  markSecret(postmanName: string): string {
    const env = this.nameOf(postmanName).toUpperCase();
    this.#secrets.set(postmanName, env);
    return env;
  }

  /** The secrets variables were turned into (their environment names). */
  secretNames(): string[] {
    return [...new Set(this.#secrets.values())];
  }

  /** Whether a variable looks secret by name or by its Postman type. */
  static looksSecret(name: string, type?: string): boolean {
    return type === 'secret' || isSecretName(name);
  }

  /** Rewrite every `{{name}}` in a text, reporting what has no equivalent with `where`. */
  rewrite(text: string, where: string): string {
    return text.replace(REFERENCE, (whole, raw: string) => {
      // Already a plan template (a secret the importer put in): left as it is.
      if (/^(secrets|env|run|service)\.[A-Za-z_]\w*$/.test(raw)) return whole;
      if (raw.startsWith('$')) {
        const mapped = DYNAMIC[raw];
        if (mapped) return mapped;
        this.#notes.push(
          `${where}: the dynamic variable ${whole} has no preflight equivalent; it is sent as written`,
        );
        return whole;
      }
      const secret = this.#secrets.get(raw);
      return secret ? `{{ secrets.${secret} }}` : `{{ ${this.nameOf(raw)} }}`;
    });
  }

  /** Rewrite every string in a JSON-like value. */
  rewriteDeep(value: unknown, where: string): unknown {
    if (typeof value === 'string') return this.rewrite(value, where);
    if (Array.isArray(value)) return value.map((v) => this.rewriteDeep(v, where));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.rewriteDeep(v, where)]));
    }
    return value;
  }
}

/** The names of the variables a text refers to. */
export function referencedNames(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((m) => m[1] as string).filter((n) => !n.startsWith('$'));
}
