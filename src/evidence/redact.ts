/**
 * The one redactor. It runs where evidence enters the engine (engine/collect.ts), so results.json,
 * every report, the terminal and evidence/ all see the same redacted data, and on every body the
 * GitHub ETag cache keeps. Collectors should never return secrets; this catches the ones that slip
 * through (a token pasted into CODEOWNERS, a key in an AWS Config annotation, an error body echoing
 * a credential, a webhook URL with a password).
 *
 * Two properties the tests hold it to:
 * - Idempotent: redacting redacted text changes nothing, so data that passed through the cache (and
 *   was redacted there) yields the same evidence as data fetched fresh.
 * - A redacted value is visibly a redaction: every replacement contains `[REDACTED`, keeps at most
 *   a public prefix (`ghp_`, `AKIA`) that says what kind of secret it was, and matches none of the
 *   patterns below — it can be neither mistaken for, nor flagged by a scanner as, a credential.
 */

export const REDACTED = '[REDACTED]';

interface Rule {
  /** What the pattern finds, for readers of this file. */
  kind: string;
  re: RegExp;
  replacement: string | ((match: string, ...groups: string[]) => string);
}

const ENV_VAR_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

// Value classes exclude `[` so that a replacement is never itself matched (idempotence), and
// quotes, so that redacting JSON text can never unbalance it.
const RULES: readonly Rule[] = [
  // First: a private key's body, read without its END line, must not swallow a token's first part.
  { kind: 'JSON Web Token', re: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?/g, replacement: '[REDACTED JWT]' },
  {
    kind: 'private key block',
    // With its END line; or, truncated, its base64 body lines (real line breaks or JSON's \n).
    re: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END \1PRIVATE KEY\2-----|(?:(?:\r?\n|\\r\\n|\\n)[A-Za-z0-9+/=]+)*)/g,
    replacement: '[REDACTED PRIVATE KEY]',
  },
  { kind: 'GitHub token (classic, OAuth, app, refresh)', re: /(gh[pousr])_[A-Za-z0-9]{30,}/g, replacement: `$1_${REDACTED}` },
  { kind: 'GitHub fine-grained token', re: /github_pat_[A-Za-z0-9_]{20,}/g, replacement: `github_pat_${REDACTED}` },
  { kind: 'AWS access key id', re: /(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g, replacement: `$1${REDACTED}` },
  { kind: 'Slack token', re: /(xox[abposr])-[A-Za-z0-9-]{10,}/g, replacement: `$1-${REDACTED}` },
  { kind: 'Slack webhook URL', re: /(hooks\.slack\.com\/services\/)[A-Za-z0-9/_-]+/g, replacement: `$1${REDACTED}` },
  { kind: 'npm token', re: /npm_[A-Za-z0-9]{36}/g, replacement: `npm_${REDACTED}` },
  { kind: 'Google API key', re: /AIza[0-9A-Za-z_-]{35}/g, replacement: `AIza${REDACTED}` },
  { kind: 'Stripe secret key', re: /\b([sr]k_live_)[A-Za-z0-9]{16,}/g, replacement: `$1${REDACTED}` },
  {
    kind: 'credentials in a URL (scheme://user:password@host)',
    re: /(:\/\/)[^\s/@:"'<>[\]]*:[^\s/@"'<>[\]]+@/g,
    replacement: `$1${REDACTED}@`,
  },
  {
    kind: 'secret in a URL query',
    re: /([?&](?:access_token|token|api_?key|key|secret|client_secret|password|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s"'#<>[\]]+/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    kind: 'Authorization header value',
    re: /(authorization["']?\s*[:=]\s*["']?(?:(?:token|bearer|basic)\s+)?)(?!(?:token|bearer|basic)\b)[^\s"',;[\]]{8,}/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    kind: 'Bearer or Basic credential',
    re: /\b(bearer|basic)(\s+)(?!\[)[A-Za-z0-9._~+/-]{16,}=*/gi,
    replacement: `$1$2${REDACTED}`,
  },
  {
    // `password: …`, `"SecretAccessKey": "…"`, `token=…`. An environment variable's name
    // (UPPER_CASE_WITH_UNDERSCORES) is not a value worth hiding, and messages name them.
    kind: 'assigned secret (key: value)',
    re: /((?:aws_?secret_?access_?key|secret_?access_?key|client_?secret|api_?key|access_?token|auth_?token|secret|password|passwd|token)["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=_.~-]{16,})/gi,
    replacement: (match, key, value) => (ENV_VAR_NAME.test(value!) ? match : `${key}${REDACTED}`),
  },
];

/** Keys whose (non-empty, string) value is a secret whatever it looks like, e.g. a webhook's `secret`. */
const SECRET_KEYS = /^(?:secret|password|passwd|token|access_token|refresh_token|client_secret|private_key|secret_access_key|aws_secret_access_key|secretaccesskey|api_key|apikey)$/i;

/**
 * A literal every rule needs, in one pass: most strings (names, dates, titles) hold none, and
 * skipping the rules for them makes redacting a large population cheap. Keep it a superset of the
 * rules above (the tests feed every rule's secret through redactString).
 */
const MAY_HOLD_A_SECRET = /eyJ|PRIVATE KEY|gh[pousr]_|github_pat_|A[KSB]IA|ACCA|xox|hooks\.slack|npm_|AIza|k_live_|:\/\/[^\s/]*@|[?&](?:access_token|token|api_?key|key|secret|client_secret|password|signature|sig|x-amz-[a-z-]+)=|authorization|bearer|basic|secret|passw|token|api_?key/i;

export function redactString(s: string): string {
  if (!MAY_HOLD_A_SECRET.test(s)) return s;
  let out = s;
  for (const { re, replacement } of RULES) {
    out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement);
  }
  return out;
}

/** A deep copy with every string — keys included — redacted, and values under secret-named keys replaced. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactString(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [
      redactString(k),
      typeof v === 'string' && v !== '' && SECRET_KEYS.test(k) ? REDACTED : redactDeep(v),
    ])) as T;
  }
  return value;
}

/**
 * A response body as it may be kept on disk: JSON is redacted value by value (so it stays valid
 * JSON), anything else as text.
 */
export function redactBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return redactString(body);
  }
  return JSON.stringify(redactDeep(parsed));
}
