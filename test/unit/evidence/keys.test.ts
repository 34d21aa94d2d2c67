import { describe, expect, it } from 'vitest';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../src/errors.js';
import { generateSigningKeyPair, keyIdOf, loadSigningKey, loadVerifyKey, parseSigningKey, writeFileAtomic } from '../../../src/evidence/keys.js';
import { tempDir } from '../../helpers/tmp.js';

// RFC 8032, section 7.1, test 1.
const RFC_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC_SIG_EMPTY = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

const pem = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
const rfcPrivatePem = pem('PRIVATE KEY', Buffer.from(`302e020100300506032b657004220420${RFC_SEED}`, 'hex'));
const rfcSpkiDer = Buffer.from(`302a300506032b6570032100${RFC_PUBLIC}`, 'hex');

function expectUsage(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(2);
  expect((caught as UsageError).message).toMatch(message);
}

describe('evidence/keys', () => {
  it('reads a PKCS#8 Ed25519 key, signs as RFC 8032 says, and names it by the SHA-256 of its SPKI DER', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'k.key'), rfcPrivatePem);
    const key = loadSigningKey({ file: join(dir, 'k.key'), env: {} })!;
    expect(sign(null, Buffer.alloc(0), key.privateKey).toString('hex')).toBe(RFC_SIG_EMPTY);
    expect(key.keyid).toBe(createHash('sha256').update(rfcSpkiDer).digest('hex'));
    writeFileSync(join(dir, 'k.pub'), pem('PUBLIC KEY', rfcSpkiDer));
    expect(loadVerifyKey(join(dir, 'k.pub')).keyid).toBe(key.keyid);
  });

  it('takes the key from SOC2_SIGNING_KEY when no file is named, also with its line breaks flattened to \\n', () => {
    const key = loadSigningKey({ env: { SOC2_SIGNING_KEY: rfcPrivatePem } })!;
    expect(key.origin).toBe('$SOC2_SIGNING_KEY');
    expect(loadSigningKey({ env: { SOC2_SIGNING_KEY: rfcPrivatePem.replace(/\n/g, '\\n') } })!.keyid).toBe(key.keyid);
    expect(loadSigningKey({ env: {} })).toBeUndefined();
    expect(loadSigningKey({ env: { SOC2_SIGNING_KEY: '  ' } })).toBeUndefined();
  });

  it('generates pairs whose halves belong together', () => {
    const pair = generateSigningKeyPair();
    expect(pair.privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(pair.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(parseSigningKey(pair.privatePem, 'x').keyid).toBe(pair.keyid);
    expect(keyIdOf(createPublicKey(createPrivateKey(pair.privatePem)))).toBe(pair.keyid);
  });

  describe('says what is wrong with a key it cannot use (exit 2)', () => {
    const dir = tempDir();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const files = {
      'public-as-private.pem': pem('PUBLIC KEY', rfcSpkiDer),
      'rsa.key': rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      'rsa.pub': rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'garbage.key': 'hello\n',
      'encrypted.key': generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(),
      'private.pem': rfcPrivatePem,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const signing = (name: string) => () => loadSigningKey({ file: join(dir, name), env: {} });
    const verifying = (name: string) => () => loadVerifyKey(join(dir, name));

    it.each([
      ['a missing file', signing('nope.key'), /does not exist/],
      ['a directory', () => loadSigningKey({ file: dir, env: {} }), /is a directory/],
      ['a public key', signing('public-as-private.pem'), /is a public key; signing needs the private key/],
      ['an RSA key', signing('rsa.key'), /is an RSA key; soc2 signs with Ed25519 keys only/],
      ['not a key at all', signing('garbage.key'), /is not a PEM private key/],
      ['a passphrase-protected key', signing('encrypted.key'), /encrypted with a passphrase/],
      ['garbage in SOC2_SIGNING_KEY', () => loadSigningKey({ env: { SOC2_SIGNING_KEY: 'nope' } }), /\$SOC2_SIGNING_KEY is not a PEM private key/],
    ])('signing key: %s', (_what, fn, message) => expectUsage(fn, message));

    it.each([
      ['a missing file', verifying('nope.pub'), /does not exist/],
      ['a private key', verifying('private.pem'), /is a private key; verification needs only the public key/],
      ['an RSA public key', verifying('rsa.pub'), /is an RSA public key/],
      ['not a key at all', verifying('garbage.key'), /is not a PEM public key/],
    ])('public key: %s', (_what, fn, message) => expectUsage(fn, message));
  });

  describe('writeFileAtomic', () => {
    it('writes with the mode asked for, never replaces a file without force, and leaves no temp file', () => {
      const dir = tempDir();
      const file = join(dir, 'k.key');
      writeFileAtomic(file, 'one', { mode: 0o600, force: false });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(() => writeFileAtomic(file, 'two', { mode: 0o600, force: false })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
      expect(readFileSync(file, 'utf8')).toBe('one');
      writeFileAtomic(file, 'three', { mode: 0o600, force: true });
      expect(readFileSync(file, 'utf8')).toBe('three');
      expect(readdirSync(dir)).toEqual(['k.key']);
      expect(existsSync(join(dir, 'k.key'))).toBe(true);
    });
  });
});
