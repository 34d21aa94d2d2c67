import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { DecryptionFailed, decryptBundle, encryptBundle, encryptToFile, parseIdentities, parseRecipients } from '../../../src/evidence/encrypt.js';
import { UsageError } from '../../../src/errors.js';
import { bundleFiles } from './bundle-fixture.js';
import { tempDir } from '../../helpers/tmp.js';

const HAS_AGE = existsSync('/usr/bin/age');

async function pair(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** A report bundle in `<parent>/report`, with nothing else in <parent>. */
function bundle(): { parent: string; dir: string; files: Record<string, string> } {
  const parent = tempDir();
  const dir = join(parent, 'report');
  const files = bundleFiles();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { parent, dir, files };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('evidence/encrypt', () => {
  it('round-trips a bundle: every file back byte for byte, and no plaintext left beside the encrypted file', async () => {
    const { parent, dir, files } = bundle();
    const { identity, recipient } = await pair();
    const r = await encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'report.tar.age') });
    expect(r.files).toBe(4);
    expect(readdirSync(parent).sort()).toEqual(['report', 'report.tar.age']);
    const cipher = readFileSync(join(parent, 'report.tar.age'));
    expect(cipher.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    for (const text of Object.values(files)) expect(cipher.includes(Buffer.from(text.slice(0, 40)))).toBe(false);

    const out = join(parent, 'opened');
    const d = await decryptBundle({ file: join(parent, 'report.tar.age'), identities: [identity], outDir: out, identityOrigin: 'id.txt' });
    expect(d.files.sort()).toEqual(Object.keys(files).sort());
    for (const [rel, text] of Object.entries(files)) expect(readFileSync(join(out, rel), 'utf8')).toBe(text);
    expect(readdirSync(parent).sort()).toEqual(['opened', 'report', 'report.tar.age']);
  });

  it('encrypts to several recipients, each of whom can open it', async () => {
    const { parent, dir } = bundle();
    const a = await pair();
    const b = await pair();
    await encryptBundle({ dir, recipients: [a.recipient, b.recipient], outFile: join(parent, 'x.age') });
    for (const [i, who] of [a, b].entries()) {
      const d = await decryptBundle({ file: join(parent, 'x.age'), identities: [who.identity], outDir: join(parent, `out${i}`), identityOrigin: 'id' });
      expect(d.files).toHaveLength(4);
    }
  });

  it('fails clearly with a wrong identity, naming its public key, and leaves nothing behind', async () => {
    const { parent, dir } = bundle();
    const right = await pair();
    const wrong = await pair();
    await encryptBundle({ dir, recipients: [right.recipient], outFile: join(parent, 'x.age') });
    const err = await rejection(decryptBundle({ file: join(parent, 'x.age'), identities: [wrong.identity], outDir: join(parent, 'out'), identityOrigin: 'wrong.txt' }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`${join(parent, 'x.age')} was not encrypted to any identity in wrong.txt (${wrong.recipient}).`);
    expect(readdirSync(parent).sort()).toEqual(['report', 'x.age']);
  });

  it('refuses a tampered or truncated file without extracting anything', async () => {
    const { parent, dir } = bundle();
    const { identity, recipient } = await pair();
    await encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'x.age') });
    const cipher = readFileSync(join(parent, 'x.age'));
    const flipped = Buffer.from(cipher);
    flipped[flipped.length - 100] = flipped[flipped.length - 100]! ^ 1;
    writeFileSync(join(parent, 'flipped.age'), flipped);
    writeFileSync(join(parent, 'short.age'), cipher.subarray(0, cipher.length - 300));
    for (const f of ['flipped.age', 'short.age']) {
      const err = await rejection(decryptBundle({ file: join(parent, f), identities: [identity], outDir: join(parent, 'out'), identityOrigin: 'id' }));
      expect(err, f).toBeInstanceOf(DecryptionFailed);
      expect(err.message).toContain('damaged or was modified after it was encrypted');
      expect(readdirSync(parent).sort()).toEqual(['flipped.age', 'report', 'short.age', 'x.age'].sort());
    }
  });

  it('never decrypts into a directory that already holds files', async () => {
    const { parent, dir } = bundle();
    const { identity, recipient } = await pair();
    await encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'x.age') });
    await expect(decryptBundle({ file: join(parent, 'x.age'), identities: [identity], outDir: dir, identityOrigin: 'id' })).rejects.toThrow(/already exists and is not an empty directory/);
    mkdirSync(join(parent, 'empty'));
    expect((await decryptBundle({ file: join(parent, 'x.age'), identities: [identity], outDir: join(parent, 'empty'), identityOrigin: 'id' })).files).toHaveLength(4);
  });

  it('removes its temp file and writes nothing when encryption fails half-way', async () => {
    const parent = tempDir();
    const { recipient } = await pair();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(100_000, 1);
      throw new Error('disk went away');
    }
    await expect(encryptToFile(failing(), [recipient], join(parent, 'x.age'), false)).rejects.toThrow('disk went away');
    expect(readdirSync(parent)).toEqual([]);
  });

  describe('usage errors (exit 2) before anything is written', () => {
    it.each([
      [['age1notarecipient'], /"age1notarecipient" is not a valid age recipient/],
      [['AGE-SECRET-KEY-1QQQ'], /is not a valid age recipient/],
      [['ssh-ed25519 AAAA'], /is not a valid age recipient/],
      [[], /No recipient given/],
    ])('recipients %j', (list, message) => {
      expect(() => parseRecipients(list)).toThrow(UsageError);
      expect(() => parseRecipients(list)).toThrow(message);
    });

    it('names the bad recipient among good ones and writes no file', async () => {
      const { parent, dir } = bundle();
      const { recipient } = await pair();
      const bad = `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`;
      const err = await rejection(encryptBundle({ dir, recipients: [recipient, bad], outFile: join(parent, 'x.age') }));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toContain(JSON.stringify(bad));
      expect(readdirSync(parent)).toEqual(['report']);
    });

    it('refuses an output file inside the bundle, an existing output without force, and a bundle with a symbolic link', async () => {
      const { parent, dir } = bundle();
      const { recipient } = await pair();
      await expect(encryptBundle({ dir, recipients: [recipient], outFile: join(dir, 'x.age') })).rejects.toThrow(/would be inside the bundle/);
      writeFileSync(join(parent, 'x.age'), 'old');
      await expect(encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'x.age') })).rejects.toThrow(/already exists/);
      expect(readFileSync(join(parent, 'x.age'), 'utf8')).toBe('old');
      await encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'x.age'), force: true });
      expect(readFileSync(join(parent, 'x.age')).subarray(0, 3).toString()).toBe('age');
      symlinkSync('/etc/hostname', join(dir, 'host'));
      await expect(encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'y.age') })).rejects.toThrow(/host \(a symbolic link\)/);
    });

    it('reads age identity files and says which line is not an identity', async () => {
      const { identity, recipient } = await pair();
      expect(parseIdentities(`# created: 2026-01-01\n# public key: ${recipient}\n${identity}\n`, 'id.txt')).toEqual([identity]);
      expect(() => parseIdentities('# only a comment\n', 'id.txt')).toThrow(/holds no age identity/);
      expect(() => parseIdentities(`${identity}\n${recipient}\n`, 'id.txt')).toThrow(/id\.txt:2 is not an age identity/);
    });
  });

  describe.skipIf(!HAS_AGE)('interoperates with the standard age tool (/usr/bin/age)', () => {
    it('age -d decrypts what soc2 encrypted, and tar lists it', async () => {
      const { parent, dir, files } = bundle();
      const { identity, recipient } = await pair();
      writeFileSync(join(parent, 'id.txt'), `${identity}\n`);
      await encryptBundle({ dir, recipients: [recipient], outFile: join(parent, 'x.age') });
      execFileSync('age', ['-d', '-i', join(parent, 'id.txt'), '-o', join(parent, 'x.tar'), join(parent, 'x.age')]);
      const listing = execFileSync('tar', ['-tf', join(parent, 'x.tar')], { encoding: 'utf8' });
      expect(listing.trim().split('\n').sort()).toEqual(Object.keys(files).sort());
    });

    it('soc2 decrypt opens what age encrypted (a ustar archive made by tar), armored or not', async () => {
      const { parent, dir, files } = bundle();
      const { identity, recipient } = await pair();
      execFileSync('tar', ['--format=ustar', '-cf', join(parent, 'x.tar'), '-C', dir, '.']);
      for (const armor of [false, true]) {
        const out = join(parent, `x${armor ? '.armored' : ''}.age`);
        execFileSync('age', ['-r', recipient, ...(armor ? ['-a'] : []), '-o', out, join(parent, 'x.tar')]);
        const target = join(parent, armor ? 'out-armored' : 'out');
        await decryptBundle({ file: out, identities: [identity], outDir: target, identityOrigin: 'id' });
        for (const [rel, text] of Object.entries(files)) expect(readFileSync(join(target, rel), 'utf8')).toBe(text);
      }
    });
  });
});
