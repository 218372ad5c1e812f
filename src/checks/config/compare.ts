/**
 * Comparing staging's configuration with production's: missing and extra keys, placeholders,
 * dangerous settings, values that differ outside `expected_differences`, and secrets shared
 * by both. Secret values are compared by SHA-256 only and never put in a finding.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../result.js';
import { dangerReason, isSecretKey, placeholderReason, urlPassword } from './rules.js';
import type { ConfigValues } from './sources.js';

/** What the comparison needs besides the two sides. */
export interface CompareOptions {
  expectedDifferences: readonly string[];
  secretKeys: readonly string[];
}

/** The comparison: findings, and every secret value seen (to be registered with the Redactor). */
export interface ConfigComparison {
  findings: Finding[];
  secrets: string[];
  /** Keys set on both sides. */
  shared: number;
}

type Side = 'staging' | 'production';

/** Compare two configurations; never puts a secret value in a finding. */
export function compareConfigs(
  staging: ConfigValues,
  production: ConfigValues,
  options: CompareOptions,
): ConfigComparison {
  const expected = new Set(options.expectedDifferences);
  const listed = new Set(options.secretKeys);
  const findings: Finding[] = [];
  const secrets = collectSecrets([staging, production], listed);
  const sides: Record<Side, ConfigValues> = { staging, production };
  const keys = [...new Set([...production.values.keys(), ...staging.values.keys()])].sort();
  let shared = 0;
  for (const key of keys) {
    const secret = isSecretKey(key, listed);
    const s = staging.values.get(key);
    const p = production.values.get(key);
    if (s !== undefined && p !== undefined) shared++;
    if (!expected.has(key)) findings.push(...presenceFindings(key, sides));
    for (const side of ['staging', 'production'] as const) {
      const value = sides[side].values.get(key);
      if (value !== undefined) findings.push(...valueFindings(key, value, side, sides[side], secret));
    }
    if (s === undefined || p === undefined) continue;
    if (secret) {
      if (s.trim() !== '' && sha256(s) === sha256(p)) findings.push(sharedSecret(key, production));
    } else if (s !== p && !expected.has(key)) {
      findings.push(differs(key, s, p, production));
    }
  }
  findings.sort((a, b) => rank(a) - rank(b));
  return { findings, secrets, shared };
}

const RULE_ORDER = [
  'config-missing',
  'config-extra',
  'config-shared-secret',
  'config-placeholder',
  'config-dangerous',
  'config-differs',
];

/** Errors first, then by rule: what is missing before what differs. */
function rank(finding: Finding): number {
  return (finding.severity === 'error' ? 0 : 100) + RULE_ORDER.indexOf(finding.rule);
}

function presenceFindings(key: string, sides: Record<Side, ConfigValues>): Finding[] {
  const inStaging = sides.staging.values.has(key);
  const inProduction = sides.production.values.has(key);
  if (inStaging && !inProduction)
    return [
      at(sides.staging, key, {
        rule: 'config-extra',
        severity: 'error',
        message: `production lacks ${key}, which staging sets (${sides.staging.label}); set it in production, or list it in expected_differences`,
      }),
    ];
  if (inProduction && !inStaging)
    return [
      at(sides.production, key, {
        rule: 'config-missing',
        severity: 'error',
        message: `staging lacks ${key}, which production sets (${sides.production.label}); the rehearsal does not test that setting`,
      }),
    ];
  return [];
}

function valueFindings(
  key: string,
  value: string,
  side: Side,
  source: ConfigValues,
  secret: boolean,
): Finding[] {
  const out: Finding[] = [];
  const placeholder = placeholderReason(value);
  if (placeholder) {
    const bare = secret || placeholder === 'is empty' || placeholder.includes(`"${value.trim()}"`);
    const shown = bare ? '' : ` (${JSON.stringify(shown80(value))})`;
    out.push(
      at(source, key, {
        rule: 'config-placeholder',
        severity: 'error',
        message: `${key} on ${side} ${placeholder}${shown}`,
      }),
    );
  }
  const danger = dangerReason(key, value, secret);
  if (danger) {
    out.push(
      at(source, key, {
        rule: 'config-dangerous',
        // Production is what users hit; on staging it is worth a warning.
        severity: side === 'production' ? 'error' : 'warning',
        message: `${danger} on ${side}`,
      }),
    );
  }
  return out;
}

function sharedSecret(key: string, production: ConfigValues): Finding {
  return at(production, key, {
    rule: 'config-shared-secret',
    severity: 'error',
    message: `${key} has the same value on staging and production (compared by SHA-256; the value is not shown): a staging leak would expose production`,
  });
}

function differs(key: string, s: string, p: string, production: ConfigValues): Finding {
  return at(production, key, {
    rule: 'config-differs',
    severity: 'error',
    message: `${key} differs: staging ${JSON.stringify(shown80(maskUrl(s)))}, production ${JSON.stringify(shown80(maskUrl(p)))}; list it in expected_differences if that is intended`,
  });
}

/** Secret values (and passwords inside URLs) of both sides, to be redacted everywhere. */
function collectSecrets(sides: ConfigValues[], listed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const side of sides) {
    for (const [key, value] of side.values) {
      if (isSecretKey(key, listed) && value.trim() !== '') out.push(value);
      const password = urlPassword(value);
      if (password) out.push(password);
    }
  }
  return out;
}

function at(source: ConfigValues, key: string, finding: Finding): Finding {
  const line = source.lines.get(key);
  return { ...finding, file: source.label, ...(line !== undefined ? { line } : {}) };
}

function maskUrl(value: string): string {
  const password = urlPassword(value);
  return password ? value.replace(`:${password}@`, ':[redacted]@') : value;
}

function shown80(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
