/**
 * Ed25519 signing keys for the run attestation: generating a pair (`soc2 keygen`), loading the
 * private key from a file or from SOC2_SIGNING_KEY (CI secrets), loading the public key an
 * auditor verifies with, and the key id (SHA-256 of the public key's SPKI DER) that names a key
 * in an envelope and in messages. Every problem with a key the user gave is a UsageError (exit 2)
 * that says which key, what is wrong and what to do.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** The environment variable a CI job puts the PEM private key in. */
export const SIGNING_KEY_ENV = 'SOC2_SIGNING_KEY';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyid: string;
  /** Where it came from, for messages: a file path or `$SOC2_SIGNING_KEY`. */
  origin: string;
}

export interface VerifyKey {
  publicKey: KeyObject;
  keyid: string;
  origin: string;
}

/** Hex SHA-256 of the public key's SubjectPublicKeyInfo DER: the same for the PEM, DER or raw form. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export interface GeneratedKeyPair {
  /** PKCS#8 PEM. */
  privatePem: string;
  /** SPKI PEM. */
  publicPem: string;
  keyid: string;
}

export function generateSigningKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyid: keyIdOf(publicKey),
  };
}

const KEYGEN_HINT = 'Create a key pair with `soc2 keygen`.';

/**
 * The signing key: the file when one is named, else the PEM in SOC2_SIGNING_KEY. Returns
 * undefined when neither is given (the caller decides whether unsigned output is acceptable).
 */
export function loadSigningKey(opts: { file?: string; env: NodeJS.ProcessEnv }): SigningKey | undefined {
  if (opts.file !== undefined) return parseSigningKey(readKeyFile(opts.file, 'signing key'), opts.file);
  const fromEnv = opts.env[SIGNING_KEY_ENV];
  if (fromEnv === undefined || fromEnv.trim() === '') return undefined;
  return parseSigningKey(unflatten(fromEnv), `$${SIGNING_KEY_ENV}`);
}

export function parseSigningKey(pem: string, origin: string): SigningKey {
  if (/-----BEGIN PUBLIC KEY-----/.test(pem)) {
    throw new UsageError(`${origin} is a public key; signing needs the private key.`, 'Pass the private key file `soc2 keygen` wrote (the one without .pub).');
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) throw passphraseError(origin);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw keyParseError(e, origin, 'private');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(`${origin} is an ${privateKey.asymmetricKeyType?.toUpperCase() ?? 'unknown'} key; soc2 signs with Ed25519 keys only.`, KEYGEN_HINT);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyid: keyIdOf(publicKey), origin };
}

/** The public key an auditor checks the signature with (SPKI PEM, as `soc2 keygen` writes it). */
export function loadVerifyKey(file: string): VerifyKey {
  return parseVerifyKey(readKeyFile(file, 'public key'), file);
}

export function parseVerifyKey(pem: string, origin: string): VerifyKey {
  if (/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----|-----BEGIN [A-Z]+ PRIVATE KEY-----/.test(pem)) {
    // Accepting it would work, but it means the private key has left its owner; say so instead.
    throw new UsageError(`${origin} is a private key; verification needs only the public key.`, 'Pass the .pub file `soc2 keygen` wrote, and keep the private key with whoever signs the runs.');
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw keyParseError(e, origin, 'public');
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(`${origin} is an ${publicKey.asymmetricKeyType?.toUpperCase() ?? 'unknown'} public key; soc2 signatures use Ed25519.`, 'Pass the .pub file `soc2 keygen` wrote.');
  }
  return { publicKey, keyid: keyIdOf(publicKey), origin };
}

function readKeyFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`The ${what} file ${file} does not exist.`, KEYGEN_HINT);
    if (code === 'EISDIR') throw new UsageError(`The ${what} ${file} is a directory, not a key file.`, KEYGEN_HINT);
    throw new UsageError(`Cannot read the ${what} file ${file}: ${(e as Error).message}.`, 'Check the path and its permissions.');
  }
}

function keyParseError(e: unknown, origin: string, kind: 'private' | 'public'): UsageError {
  if ((e as { code?: string }).code === 'ERR_MISSING_PASSPHRASE') return passphraseError(origin);
  const expected = kind === 'private' ? 'a PEM private key (-----BEGIN PRIVATE KEY-----)' : 'a PEM public key (-----BEGIN PUBLIC KEY-----)';
  return new UsageError(`${origin} is not ${expected}.`, KEYGEN_HINT);
}

function passphraseError(origin: string): UsageError {
  return new UsageError(`${origin} is encrypted with a passphrase; soc2 reads unencrypted PKCS#8 keys.`, 'Keep the key in a secret store (a CI secret, a file readable only by the signer) instead of protecting it with a passphrase.');
}

/** CI variables sometimes arrive with their line breaks written as the two characters \n. */
function unflatten(text: string): string {
  return text.includes('\n') ? text : text.replace(/\\n/g, '\n');
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory with `mode`, flushed,
 * then renamed (with force) or hard-linked (without: linking fails if the name exists, so an
 * existing key is never replaced even if it appears after the check). The temp file is removed
 * on every path.
 */
export function writeFileAtomic(path: string, data: string, opts: { mode: number; force: boolean }): void {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fd = openSync(tmp, 'wx', opts.mode);
  try {
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.force) renameSync(tmp, path);
    else linkSync(tmp, path);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed into place.
    }
  }
}
