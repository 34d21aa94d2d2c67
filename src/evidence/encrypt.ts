/**
 * A bundle for the auditor's eyes only: the report directory as a deterministic tar stream,
 * encrypted with age (age-encryption.org/v1) to one or more `age1…` recipients, so the standard
 * `age -d` (then `tar -x`) or `soc2 decrypt` opens it. The tar is streamed straight into the
 * cipher and the cipher text into a temp file that is renamed into place: no plaintext copy is
 * ever written, and a failed run leaves no partial file. Decryption extracts into a fresh
 * directory beside the target and renames it into place only when the whole archive checked out.
 */
import { Readable } from 'node:stream';
import { closeSync, createReadStream, existsSync, linkSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Decrypter, Encrypter, armor, identityToRecipient } from 'age-encryption';
import { Soc2Error, UsageError } from '../errors.js';
import { TarExtractor, TarFormatError, tarStream } from './tar.js';
import { walkBundle } from './walk.js';

/** The encrypted file is damaged, was tampered with, or holds an archive soc2 will not extract. Exit 1. */
export class DecryptionFailed extends Soc2Error {
  readonly code = 'SOC2_DECRYPT_FAILED';
  readonly exitCode = 1;
}

const RECIPIENT_HINT = 'An age recipient is the public key `age-keygen` prints, a string starting with age1 (for example age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p).';

/**
 * Checks each recipient the way the encrypter will use it (bech32, the right length) before any
 * file is read, so a typo stops the command with the recipient named instead of half-way through.
 */
export function parseRecipients(recipients: readonly string[]): string[] {
  if (recipients.length === 0) throw new UsageError('No recipient given: the bundle would be encrypted to nobody.', `Pass --to with the auditor's age public key. ${RECIPIENT_HINT}`);
  const out: string[] = [];
  for (const raw of recipients) {
    const r = raw.trim();
    const probe = new Encrypter();
    try {
      if (!r.startsWith('age1')) throw new Error('not age1');
      probe.addRecipient(r);
    } catch {
      throw new UsageError(`${JSON.stringify(raw)} is not a valid age recipient.`, RECIPIENT_HINT);
    }
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** Identities from an age identity file (`age-keygen` output): one per line, # comments and blank lines ignored. */
export function parseIdentities(text: string, origin: string): string[] {
  const identities: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line)) {
      throw new UsageError(`${origin}:${i + 1} is not an age identity (expected a line starting with AGE-SECRET-KEY-1).`, 'Pass the identity file `age-keygen` wrote for the recipient the bundle was encrypted to.');
    }
    try {
      new Decrypter().addIdentity(line);
    } catch {
      throw new UsageError(`${origin}:${i + 1} is not a valid age identity (it does not decode).`, 'Check that the line was copied whole.');
    }
    identities.push(line);
  }
  if (identities.length === 0) throw new UsageError(`${origin} holds no age identity.`, 'Pass the identity file `age-keygen` wrote.');
  return identities;
}

export interface EncryptBundleInput {
  dir: string;
  recipients: readonly string[];
  outFile: string;
  /** Replace an existing outFile. */
  force?: boolean;
}

export interface EncryptedBundle {
  files: number;
  bytes: number;
}

export async function encryptBundle(input: EncryptBundleInput): Promise<EncryptedBundle> {
  const recipients = parseRecipients(input.recipients);
  const dir = resolve(input.dir);
  const outFile = resolve(input.outFile);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isDir) throw new UsageError(`${input.dir} is not a directory.`, 'Pass the report directory to encrypt.');
  const rel = relative(dir, outFile);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new UsageError(`The encrypted file ${input.outFile} would be inside the bundle ${input.dir}.`, 'Write it outside the directory being encrypted (the default is DIR.tar.age beside it).');
  }
  if (!input.force && existsSync(outFile)) throw existsError(input.outFile);
  const entries = walkBundle(dir);
  const odd = entries.filter((e) => e.kind !== 'file');
  if (odd.length) {
    throw new UsageError(`${input.dir} holds ${odd.map((e) => `${e.path} (${e.kind === 'symlink' ? 'a symbolic link' : 'not a regular file'})`).join(', ')}; a bundle is regular files only.`, 'Remove them, or encrypt the directory the run wrote.');
  }
  const paths = entries.map((e) => e.path);
  const bytes = await encryptToFile(tarStream(dir, paths), recipients, outFile, input.force === true);
  return { files: paths.length, bytes };
}

/**
 * Encrypts a stream of plaintext chunks to `outFile` through a temp file in the same directory:
 * on any failure (a file vanishing mid-stream, a full disk) the temp file is removed and nothing
 * is left at `outFile`.
 */
export async function encryptToFile(source: AsyncIterable<Uint8Array>, recipients: readonly string[], outFile: string, force: boolean): Promise<number> {
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  const tmp = join(dirname(outFile), `.${basename(outFile)}.tmp-${randomBytes(6).toString('hex')}`);
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o600);
  } catch (err) {
    throw new UsageError(`Cannot write beside ${outFile}: ${(err as Error).message}.`, 'Check that the directory exists and is writable.');
  }
  let bytes = 0;
  try {
    const cipher = await e.encrypt(ReadableStream.from(source) as unknown as globalThis.ReadableStream<Uint8Array>);
    const reader = cipher.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await fh.write(value);
      bytes += value.length;
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    if (force) renameSync(tmp, outFile);
    else {
      // link fails if the name exists, even if it appeared during encryption: nothing is replaced unasked.
      try {
        linkSync(tmp, outFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(outFile);
        throw err;
      }
      unlinkSync(tmp);
    }
    return bytes;
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

export interface DecryptBundleInput {
  file: string;
  identities: readonly string[];
  /** Must not exist, or be an empty directory. */
  outDir: string;
  /** Shown in messages instead of the identity file's contents. */
  identityOrigin: string;
}

export async function decryptBundle(input: DecryptBundleInput): Promise<{ files: string[] }> {
  const outDir = resolve(input.outDir);
  assertFreshTarget(outDir, input.outDir);
  let head: Buffer;
  try {
    head = readHead(input.file);
  } catch (err) {
    throw new UsageError(`Cannot read ${input.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`, 'Pass the .age file `soc2 encrypt` wrote.');
  }
  const armored = head.toString('latin1').startsWith('-----BEGIN AGE ENCRYPTED FILE-----');
  if (!armored && !head.toString('latin1').startsWith('age-encryption.org/v1\n')) {
    throw new UsageError(`${input.file} is not an age-encrypted file.`, 'Pass the .age file `soc2 encrypt` wrote.');
  }

  const d = new Decrypter();
  for (const id of input.identities) d.addIdentity(id);
  const work = mkdtempSync(join(dirname(outDir), `.${basename(outDir)}.partial-`));
  const extractor = new TarExtractor(work);
  try {
    let plain: globalThis.ReadableStream<Uint8Array>;
    try {
      plain = armored
        ? (ReadableStream.from([await d.decrypt(armor.decode(readFileSync(input.file, 'latin1')))]) as unknown as globalThis.ReadableStream<Uint8Array>)
        : await d.decrypt(Readable.toWeb(createReadStream(input.file)) as unknown as globalThis.ReadableStream<Uint8Array>);
    } catch (err) {
      throw await headerError(err as Error, input);
    }
    const reader = plain.getReader();
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw new DecryptionFailed(`${input.file} is damaged or was modified after it was encrypted (${(err as Error).message}); nothing was extracted.`, 'Ask for the file again.');
      }
      if (chunk.done) break;
      extractor.write(chunk.value);
    }
    extractor.end();
    if (existsEmptyDir(outDir)) rmdirSync(outDir);
    renameSync(work, outDir);
    return { files: [...extractor.files] };
  } catch (err) {
    extractor.abort();
    rmSync(work, { recursive: true, force: true });
    if (err instanceof TarFormatError) throw new DecryptionFailed(`${input.file}: ${err.message}`, 'The file decrypted correctly but does not hold a soc2 bundle; ask the sender what it is.');
    throw err;
  }
}

function existsError(file: string): UsageError {
  return new UsageError(`${file} already exists.`, 'Pass --force to replace it, or --out with another name.');
}

/** The first bytes of a file: enough to tell age's binary and armored formats apart. */
function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

async function headerError(err: Error, input: DecryptBundleInput): Promise<Soc2Error> {
  if (/no identity matched/.test(err.message)) {
    const publics = await Promise.all(input.identities.map((id) => identityToRecipient(id).catch(() => '?')));
    return new UsageError(
      `${input.file} was not encrypted to any identity in ${input.identityOrigin} (${publics.join(', ')}).`,
      'Use the identity file whose public key the sender encrypted to.',
    );
  }
  return new DecryptionFailed(`${input.file} is damaged or was modified after it was encrypted (${err.message}); nothing was extracted.`, 'Ask for the file again.');
}

function assertFreshTarget(abs: string, shown: string): void {
  let st;
  try {
    st = statSync(abs);
  } catch {
    try {
      statSync(dirname(abs));
    } catch {
      throw new UsageError(`Cannot create ${shown}: its parent directory does not exist.`, 'Create the parent first, or pass --out with another directory.');
    }
    return;
  }
  if (!st.isDirectory() || readdirSync(abs).length > 0) {
    throw new UsageError(`${shown} already exists and is not an empty directory; soc2 decrypt never writes over existing files.`, 'Pass --out with a new directory.');
  }
}

function existsEmptyDir(abs: string): boolean {
  try {
    return statSync(abs).isDirectory() && readdirSync(abs).length === 0;
  } catch {
    return false;
  }
}
