/** `soc2 keygen`: write an Ed25519 key pair for signing run attestations. */
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { SIGNING_KEY_ENV, generateSigningKeyPair, writeFileAtomic } from '../../evidence/keys.js';

export interface KeygenOptions {
  out: string;
  force?: boolean;
}

export async function keygenCommand(opts: KeygenOptions): Promise<void> {
  const privateFile = `${opts.out}.key`;
  const publicFile = `${opts.out}.pub`;
  const cwd = process.cwd();
  const parent = dirname(resolve(cwd, privateFile));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new UsageError(`Cannot write ${privateFile}: the directory ${dirname(privateFile)} does not exist.`, 'Create it first, or pass --out with a prefix in an existing directory.');
  }
  if (!opts.force) {
    const existing = [privateFile, publicFile].filter((f) => existsSync(resolve(cwd, f)));
    if (existing.length) {
      throw new UsageError(
        `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; soc2 keygen never replaces a key unasked.`,
        'Pass --force to replace the pair (attestations signed with the old key will then only verify with the old .pub), or --out with another prefix.',
      );
    }
  }
  const pair = generateSigningKeyPair();
  const force = opts.force === true;
  writeKey(resolve(cwd, privateFile), pair.privatePem, 0o600, force, privateFile);
  try {
    writeKey(resolve(cwd, publicFile), pair.publicPem, 0o644, force, publicFile);
  } catch (e) {
    // A private key without its public half is useless and a secret lying around: take it back.
    unlinkSync(resolve(cwd, privateFile));
    throw e;
  }
  process.stdout.write(
    [
      `Wrote ${privateFile} (Ed25519 private key, PKCS#8 PEM, readable only by you: keep it secret).`,
      `Wrote ${publicFile} (public key, SPKI PEM: give it to whoever verifies the reports).`,
      `Key id (SHA-256 of the public key): ${pair.keyid}`,
      `In CI, store the contents of ${privateFile} in a secret exposed as ${SIGNING_KEY_ENV}.`,
      `Check a signed report with: soc2 verify soc2-report --key ${publicFile}`,
      '',
    ].join('\n'),
  );
}

function writeKey(abs: string, pem: string, mode: number, force: boolean, shown: string): void {
  try {
    writeFileAtomic(abs, pem, { mode, force });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${shown} appeared while the key was being written; it was left as it is.`, 'Run soc2 keygen again, with --force to replace it.');
    throw new UsageError(`Cannot write ${shown}: ${(e as Error).message}.`, 'Check that the directory is writable.');
  }
}
