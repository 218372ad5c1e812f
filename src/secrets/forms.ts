/**
 * The forms a secret can take in an output: as it is, URL-encoded (`encodeURIComponent`,
 * form-urlencoded with `+` and `%21 %27 %28 %29 %7E`, any case of hex), JSON-escaped
 * (`\"`, `\/`, `\uXXXX`), HTML entities (`&#39;`, `&#x27;`, `&amp;`), each character in
 * any of these (a service mixes them), cut short after a prefix of reasonable length; hex
 * of its UTF-8 bytes; base64 and base64url, also inside a longer base64 text (`Basic
 * base64(user:secret)`), in each of the three alignments.
 *
 * A form is a sequence of units (one regular expression per character, or per byte for hex):
 * the first `required` units must match, later ones extend the match while they do.
 */

/** One way a secret can be written: units that match in order. */
export interface SecretForm {
  /** One regular expression source per unit. */
  units: string[];
  /** How many leading units a match needs (a prefix this long is a leak). */
  required: number;
}

/** The shortest prefix of a secret that is redacted: half of it, at least 8 and at most 24 characters. */
export function requiredPrefix(length: number): number {
  if (length <= 8) return length;
  return Math.min(Math.max(8, Math.ceil(length / 2)), 24);
}

/** Every form of `secret` (at least 1 character). */
export function secretForms(secret: string): SecretForm[] {
  const chars = [...secret];
  const required = requiredPrefix(chars.length);
  const forms: SecretForm[] = [{ units: chars.map(charUnit), required }];
  const bytes = Buffer.from(secret, 'utf8');
  // Hex of the bytes: a prefix is as long, in bytes, as the prefix in characters.
  const prefixBytes = Buffer.byteLength(chars.slice(0, required).join(''), 'utf8');
  forms.push({ units: [...bytes].map((b) => caseless(hex2(b))), required: prefixBytes });
  for (const core of base64Cores(bytes)) {
    forms.push({ units: [...core].map(escapeRegExp), required: core.length });
  }
  return forms;
}

const JSON_SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};
const HTML_NAMED: Record<string, string[]> = {
  '&': ['amp'],
  '<': ['lt'],
  '>': ['gt'],
  '"': ['quot'],
  "'": ['apos'],
  ' ': ['nbsp'],
};

/** One character in any of its encodings. */
function charUnit(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  const alternatives = [escapeRegExp(ch)];
  const short = JSON_SHORT[ch];
  if (short) alternatives.push(escapeRegExp(short));
  // JSON \uXXXX: one escape per UTF-16 unit (a surrogate pair for characters beyond the BMP).
  const utf16 = ch.length === 1 ? [cp] : [ch.charCodeAt(0), ch.charCodeAt(1)];
  alternatives.push(utf16.map((u) => `\\\\u${caseless(u.toString(16).padStart(4, '0'))}`).join(''));
  // URL: %XX of each UTF-8 byte; form-urlencoded writes a space as +.
  alternatives.push([...Buffer.from(ch, 'utf8')].map((b) => `%${caseless(hex2(b))}`).join(''));
  if (ch === ' ') alternatives.push('\\+');
  // HTML: decimal and hexadecimal character references, and the named ones.
  alternatives.push(`&#0*${cp};`, `&#[xX]0*${caseless(cp.toString(16))};`);
  for (const name of HTML_NAMED[ch] ?? []) alternatives.push(`&${name};`);
  return `(?:${alternatives.join('|')})`;
}

/**
 * The base64 (and base64url) characters that depend only on the secret's bytes, for each
 * of the three offsets at which those bytes can start in a longer base64 text.
 */
function base64Cores(bytes: Buffer): string[] {
  const out = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6); // exclusive
    const core = encoded.slice(first, last);
    // A short core would match ordinary base64 by chance.
    if (core.length < 6) continue;
    out.add(core);
    out.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...out];
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** A hex string as a pattern that matches it in upper or lower case. */
function caseless(hex: string): string {
  return hex.replace(/[a-f]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

/** Escape a text for use in a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
