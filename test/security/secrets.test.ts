/**
 * Threat model: secrets stay where they belong.
 *
 * - A credential that reaches collected data (a token pasted into CODEOWNERS, a key in an AWS
 *   Config annotation, an API error echoing a header) is redacted once, where evidence enters the
 *   engine: no report, no evidence file and no terminal line shows it, and the finding remains.
 * - A configuration file alone cannot send a credential somewhere new: tokenEnv names only
 *   GITHUB_/GH_/SOC2_ variables, a non-default apiUrl must be confirmed outside the file, plain
 *   http:// is for loopback only, and no request carrying the token leaves the API's origin.
 *
 * Fake secrets are assembled at run time so that this file holds none for a scanner to find.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REDACTED, redactBody, redactDeep, redactString } from '../../src/evidence/redact.js';

const GHP = 'ghp' + '_' + 'R3alLook1ngT0kenValue0123456789abcdef'.slice(0, 36);
const AKIA = 'AKIA' + 'Q3EXAMPLEKEY7X2Z'.replace('EXAMPLE', 'ZZZZZZZ');
const PAT = 'github' + '_pat_' + '11ABCDEFG0' + 'x'.repeat(12) + '_' + 'y'.repeat(59);
const SLACK = 'xox' + 'b-' + '1234567890-abcdefghijKLMNOP';
const PEM = ['-----BEGIN RSA ' + 'PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7Vx1vZC3l8bYq0Q8bz4+9s0aVZQ2J6kT1cMxU0d9o3H1Qm8C', 'q0Q8bz4+9s0aVZQ2J6kT1cMxU0d9o3H1Qm8CMIIEowIBAAKCAQEA7Vx1vZC3l8bY', '-----END RSA ' + 'PRIVATE KEY-----'].join('\n');
const JWT = 'eyJ' + 'hbGciOiJIUzI1NiJ9' + '.eyJ' + 'zdWIiOiIxMjM0NTY3ODkwIn0' + '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/** Every secret the redactor must catch, in the contexts it appears in. */
const SECRETS: Array<[string, string, string]> = [
  ['classic GitHub token', `* @acme/platform ${GHP}`, GHP],
  ['GitHub token glued to a word', `token_${GHP}_suffix`, GHP],
  ['fine-grained token', `Authorization was ${PAT}.`, PAT],
  ['AWS access key id in an annotation', `Access key ${AKIA} is 212 days old.`, AKIA],
  ['AWS key glued to more capitals', `${AKIA}WJALRXUTNFEMI`, AKIA],
  ['Slack token', `notify ${SLACK}`, SLACK],
  ['private key block', `key:\n${PEM}\nafter`, 'MIIEowIBAAKCAQEA7Vx1vZC3l8bYq0Q8bz4'],
  ['private key without its END line', `${PEM.split('\n').slice(0, 2).join('\n')}`, 'MIIEowIBAAKCAQEA7Vx1vZC3l8bYq0Q8bz4'],
  ['JWT', `Bearer ${JWT}`, JWT.split('.')[1]!],
  ['URL credentials', 'https://deploy:s3cr3t-passw0rd@hooks.example.com/x', 's3cr3t-passw0rd'],
  ['database URL credentials', 'postgres://app:hunter2hunter2@db.internal:5432/app', 'hunter2hunter2'],
  ['token in a URL query', 'https://hooks.example.com/in?token=abcdef0123456789&x=1', 'abcdef0123456789'],
  ['presigned S3 URL', 'https://b.s3.amazonaws.com/k?X-Amz-Signature=0a1b2c3d4e5f60718293&X-Amz-Credential=AK', '0a1b2c3d4e5f60718293'],
  ['AWS secret key assignment', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz', 'wJalrXUtnFEMI/K7MDENG'],
  ['SecretAccessKey in JSON text', '{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"}', 'wJalrXUtnFEMI/K7MDENG'],
  ['Authorization header', 'authorization: token 0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
  ['Slack webhook URL', 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX', 'XXXXXXXXXXXXXXXXXXXX'],
];

describe('evidence/redact', () => {
  it.each(SECRETS)('removes a %s and says it did', (_kind, text, secret) => {
    const out = redactString(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  it('keeps a public prefix that says what kind of secret it was, never enough to use', () => {
    expect(redactString(`x ${GHP} y`)).toBe(`x ghp_${REDACTED} y`);
    expect(redactString(`Access key ${AKIA} is old.`)).toBe(`Access key AKIA${REDACTED} is old.`);
    expect(redactString(`${PEM}\nafter`)).toBe('[REDACTED PRIVATE KEY]\nafter');
  });

  it('leaves ordinary text alone, environment variable names included', () => {
    const plain = [
      'No GitHub token: SOC2_NORTHWIND_GITHUB_TOKEN is not set.',
      'acme/api: the default branch requires 0 approvals; at least 1 is required.',
      'token lacks github:administration:read: GitHub answered 403 "Resource not accessible by integration"',
      'Access key AKIA…7QX2 is 212 days old (maximum 90).',
      'https://api.github.com/repos/acme/api?per_page=100&page=2',
      'AIDA5NWDEPLOYER0003',
    ];
    for (const text of plain) expect(redactString(text)).toBe(text);
  });

  it('is idempotent, and its output matches no secret pattern, for any text around any secret', () => {
    const secret = fc.constantFrom(...SECRETS);
    const filler = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', ':', '=', ' ', '"', '/', '@', '[', ']', '\n', '.', '?', '&'), maxLength: 12 });
    fc.assert(fc.property(filler, secret, filler, secret, filler, (a, [, t1, v1], b, [, t2, v2], c) => {
      // Secrets stand apart from the text around them (a token glued to a word has its own case above).
      const once = redactString(`${a} ${t1} ${b} ${t2} ${c}`);
      expect(redactString(once)).toBe(once);
      expect(once).not.toContain(v1);
      expect(once).not.toContain(v2);
    }), { numRuns: 500 });
  });

  it('is idempotent on any text built from the pieces its patterns look for', () => {
    const piece = fc.constantFrom('ghp_', 'github_pat_', 'AKIA', 'xoxb-', 'eyJ', '.', '-----BEGIN ', 'PRIVATE KEY-----', '-----END ', '\n', '\\n',
      '://', ':', '@', '?', '&', '=', 'token', 'password', 'authorization', 'Bearer', ' ', '"', '[', ']', 'REDACTED', 'A', 'Z', 'a', 'z', '0', '9', '_', '-', '/', '+');
    fc.assert(fc.property(fc.array(fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join('')), { maxLength: 8 }).map((a) => a.join('')), (text) => {
      const once = redactString(text);
      expect(redactString(once)).toBe(once);
    }), { numRuns: 2000 });
  });

  it('redacts keys, and values under secret-named keys, in nested data', () => {
    const data = { resources: [{ id: `repo-${GHP}`, data: { hook: { secret: 'whsec-plain-value', url: 'https://a:b@c.example' }, empty: { secret: '' } } }], facts: { [AKIA]: true } };
    const out = redactDeep(data);
    const text = JSON.stringify(out);
    expect(text).not.toContain(GHP);
    expect(text).not.toContain(AKIA);
    expect(text).not.toContain('whsec-plain-value');
    expect(out.resources[0]!.data.empty.secret).toBe(''); // "no secret" must stay visible to the control
    expect(redactDeep(out)).toEqual(out);
  });

  it('keeps a JSON body valid JSON while redacting it', () => {
    const body = JSON.stringify({ a: `x ${GHP}`, b: ['https://u:p4ssw0rd@h.example/'], c: PEM, n: 42 });
    const out = redactBody(body);
    expect(() => JSON.parse(out)).not.toThrow();
    expect(out).not.toContain(GHP);
    expect(out).not.toContain('p4ssw0rd');
    expect(JSON.parse(out).n).toBe(42);
    expect(redactBody(out)).toBe(out);
  });
});
