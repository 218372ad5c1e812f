/**
 * What a configuration value says about itself: whether its key holds a secret, whether it
 * is a placeholder, whether it is a dangerous setting. Pure functions of key and value.
 */

/** Last words of a key that make it a secret: `SHOP_SECRET_KEY`, `STRIPE_API_KEY`, `DB_PASSWORD`. */
const SECRET_LAST_WORDS = new Set([
  'KEY',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'TOKEN',
  'CREDENTIAL',
  'CREDENTIALS',
  'DSN',
  'SALT',
  'PEPPER',
]);

/** Whether a key names a secret: by its words (not `SHOP_TOKEN_TTL_SECONDS`), or listed in the plan. */
export function isSecretKey(key: string, listed: ReadonlySet<string>): boolean {
  if (listed.has(key)) return true;
  const upper = key.toUpperCase();
  if (/SECRET|PASSWORD|PASSWD|PRIVATE_KEY/.test(upper)) return true;
  const words = upper.split(/[^A-Z0-9]+/).filter(Boolean);
  return SECRET_LAST_WORDS.has(words[words.length - 1] ?? '');
}

const PLACEHOLDER_WHOLE = [
  /^<[^>]*>$/,
  /^\$\{[^}]*\}$/,
  /^x{3,}$/i,
  /^(tbd|todo|fixme|placeholder|dummy|none|null|undefined)$/i,
  /^your[-_ ]/i,
];
const PLACEHOLDER_PART = [
  /change[-_ ]?me/i,
  /change[-_ ]?this/i,
  /replace[-_ ]?me/i,
  /\bTODO\b/,
  /\bFIXME\b/,
  /\bexample\.(com|org|net)\b/i,
];

/** Why a value looks like a placeholder (`empty`, `changeme`, `TODO`, `example.com`…), or null. */
export function placeholderReason(value: string): string | null {
  const v = value.trim();
  if (v === '') return 'is empty';
  for (const re of PLACEHOLDER_WHOLE) if (re.test(v)) return 'is a placeholder';
  for (const re of PLACEHOLDER_PART) {
    const m = re.exec(v);
    if (m) return `contains the placeholder "${m[0]}"`;
  }
  return null;
}

/** Secret values that frameworks and tutorials ship with. */
const DEFAULT_SECRETS = new Set([
  'secret',
  'secret-key',
  'secret_key',
  'secretkey',
  'mysecret',
  'supersecret',
  'super-secret',
  'password',
  'admin',
  'default',
  'dev',
  'development',
  'test',
  'testing',
  'insecure',
  'keyboard cat',
  'your-secret-key',
  'not-so-secret',
]);

/** Why a setting is dangerous (DEBUG on, `*` for CORS or allowed hosts, a default secret), or null. */
export function dangerReason(key: string, value: string, secret: boolean): string | null {
  const upper = key.toUpperCase();
  const v = value.trim();
  if (/(^|_)DEBUG$/.test(upper) && /^(1|true|yes|on)$/i.test(v)) return `${key} is on (debug mode)`;
  const items = v.split(/[\s,;]+/);
  if (/CORS|ALLOWED_ORIGINS|ALLOW_ORIGIN/.test(upper) && items.includes('*'))
    return `${key} allows any origin (*)`;
  if (/ALLOWED_HOSTS|TRUSTED_HOSTS/.test(upper) && items.includes('*')) return `${key} allows any host (*)`;
  if (secret && (DEFAULT_SECRETS.has(v.toLowerCase()) || /^django-insecure-/.test(v) || /insecure/i.test(v)))
    return `${key} is a well-known default secret`;
  return null;
}

/** The password of a URL's userinfo (`postgresql://user:PASSWORD@host/db`), if any. */
export function urlPassword(value: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(value.trim());
  return m ? (m[1] as string) : null;
}
