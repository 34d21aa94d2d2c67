/**
 * Last line of defence before anything is written: replace values that look like credentials.
 * Collectors should never return secrets; this catches the ones that slip through (an error body
 * echoing a token, a webhook URL with a password).
 */

const PATTERNS: Array<[RegExp, string]> = [
  [/\b(gh[pousr]_)[A-Za-z0-9]{30,255}\b/g, '$1[REDACTED]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,255}\b/g, 'github_pat_[REDACTED]'],
  [/\b((?:AKIA|ASIA))[A-Z0-9]{16}\b/g, '$1[REDACTED]'],
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, '-----BEGIN $1PRIVATE KEY----- [REDACTED]'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, 'xox-[REDACTED]'],
  [/(\b(?:aws_secret_access_key|secret|password|token)\s*[=:]\s*)["']?[A-Za-z0-9/+=]{20,}["']?/gi, '$1[REDACTED]'],
  [/(https?:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[REDACTED]@'],
];

export function redactString(s: string): string {
  let out = s;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Deep copy with every string redacted. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactString(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}
