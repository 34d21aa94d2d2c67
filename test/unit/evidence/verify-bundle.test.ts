import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MARKER_TEXT, REPORT_MARKER } from '../../../src/evidence/out-dir.js';
import { ATTESTATION_FILE, sha256Hex } from '../../../src/evidence/attestation.js';
import { IN_TOTO_PAYLOAD_TYPE, makeEnvelope, type Envelope } from '../../../src/evidence/dsse.js';
import { verifyBundle, NoStatementError, type BundleVerification } from '../../../src/evidence/verify-bundle.js';
import { UsageError } from '../../../src/errors.js';
import { ATTACHMENT_CSV, EVIDENCE_JSON, makeKey, writeBundle } from './bundle-fixture.js';
import { tempDir } from '../../helpers/tmp.js';

const key = makeKey('owner.pub');

function flipByte(file: string, at = 0.5): void {
  const data = readFileSync(file);
  const i = Math.min(data.length - 1, Math.floor(data.length * at));
  data[i] = data[i]! ^ 0x01;
  writeFileSync(file, data);
}

function readEnvelope(dir: string): Envelope {
  return JSON.parse(readFileSync(join(dir, ATTESTATION_FILE), 'utf8')) as Envelope;
}

function writeEnvelope(dir: string, env: Envelope): void {
  writeFileSync(join(dir, ATTESTATION_FILE), `${JSON.stringify(env)}\n`);
}

/** The statement inside the envelope, edited by `edit`, put back with the envelope's old signatures. */
function editStatement(dir: string, edit: (s: { subject: Array<{ name: string; digest: { sha256: string } }> }) => void): void {
  const env = readEnvelope(dir);
  const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  edit(statement);
  writeEnvelope(dir, { ...env, payload: Buffer.from(JSON.stringify(statement)).toString('base64') });
}

/** The same edit, signed again by `signer` (what a holder of that key could do). */
function resignStatement(dir: string, signer: ReturnType<typeof makeKey>, edit: (s: { subject: Array<{ name: string; digest: { sha256: string } }> }) => void): void {
  const env = readEnvelope(dir);
  const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  edit(statement);
  writeEnvelope(dir, makeEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), [signer]));
}

const named = (r: BundleVerification) => r.problems.map((p) => `${p.kind} ${p.path ?? ''}`.trim());

describe('evidence/verify-bundle', () => {
  it('verifies an untouched signed bundle: signature valid, every subject matched, nothing else present', () => {
    const b = writeBundle({ key });
    const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, signature: { state: 'verified', keyid: key.keyid }, subjects: 4, matched: 4 });
    expect((r.predicate as { run: { id: string } }).run.id).toBe('7f3c2a9e-4b1d-4c8e-9a6f-2d5e8b1c0a47');
  });

  describe('catches and names every kind of tampering', () => {
    it.each([
      ['results.json', 'results.json'],
      ['the HTML report', 'report.html'],
      ['an evidence JSON file', EVIDENCE_JSON],
      ['an attachment CSV', ATTACHMENT_CSV],
    ])('one byte changed in %s', (_kind, rel) => {
      const b = writeBundle({ key });
      flipByte(join(b.dir, rel));
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(r.ok).toBe(false);
      expect(named(r)).toEqual([`changed ${rel}`]);
      expect(r.problems[0]!.message).toContain('contents changed since the run');
      expect(r.signature.state).toBe('verified');
      expect(r.matched).toBe(3);
    });

    it('a file deleted', () => {
      const b = writeBundle({ key });
      rmSync(join(b.dir, EVIDENCE_JSON));
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`missing ${EVIDENCE_JSON}`]);
    });

    it('a file added at the top and one added in evidence/', () => {
      const b = writeBundle({ key });
      writeFileSync(join(b.dir, 'notes.txt'), 'added later\n');
      mkdirSync(join(b.dir, 'evidence', 'aws'), { recursive: true });
      writeFileSync(join(b.dir, 'evidence', 'aws', 'extra.json'), '{}\n');
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(named(r)).toEqual(['added evidence/aws/extra.json', 'added notes.txt']);
      expect(r.problems[1]!.message).toContain('not attested by the run');
    });

    it('the report marker is allowed unattested only with its fixed text: anything written into it is an added file', () => {
      const b = writeBundle({ key });
      writeFileSync(join(b.dir, REPORT_MARKER), MARKER_TEXT);
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([]);
      writeFileSync(join(b.dir, REPORT_MARKER), `${MARKER_TEXT}{"pass": true}\n`);
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`added ${REPORT_MARKER}`]);
      writeFileSync(join(b.dir, REPORT_MARKER), MARKER_TEXT.slice(0, -1));
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`added ${REPORT_MARKER}`]);
    });

    it('a subject removed from the statement: the signature breaks, and the file it covered shows as added', () => {
      const b = writeBundle({ key });
      editStatement(b.dir, (s) => (s.subject = s.subject.filter((x) => x.name !== 'report.html')));
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`signature ${ATTESTATION_FILE}`, 'added report.html']);
    });

    it('a subject missing from a statement its key holder signed is still named as an unattested file', () => {
      const b = writeBundle({ key });
      resignStatement(b.dir, key, (s) => (s.subject = s.subject.filter((x) => x.name !== 'report.html')));
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(r.signature.state).toBe('verified');
      expect(named(r)).toEqual(['added report.html']);
    });

    it('the statement edited and re-hashed to match an edited file, keeping the old signature', () => {
      const b = writeBundle({ key });
      const file = join(b.dir, 'results.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"fail": 3', '"fail": 0'));
      const newDigest = sha256Hex(readFileSync(file));
      editStatement(b.dir, (s) => (s.subject.find((x) => x.name === 'results.json')!.digest.sha256 = newDigest));
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(r.ok).toBe(false);
      expect(named(r)).toEqual([`signature ${ATTESTATION_FILE}`]);
      expect(r.problems[0]!.message).toContain('the statement was edited after it was signed');
      expect(r.signature).toMatchObject({ state: 'invalid', keyid: key.keyid });
    });

    it('the envelope re-signed with a different key', () => {
      const b = writeBundle({ key });
      const intruder = makeKey('intruder.key');
      resignStatement(b.dir, intruder, () => {});
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(named(r)).toEqual([`signature ${ATTESTATION_FILE}`]);
      expect(r.problems[0]!.message).toContain(`the envelope names keyid ${intruder.keyid}`);
    });

    it('the envelope re-signed with a different key that claims the owner\'s keyid', () => {
      const b = writeBundle({ key });
      const intruder = makeKey('intruder.key');
      resignStatement(b.dir, { ...intruder, keyid: key.keyid }, () => {});
      expect(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }).signature.state).toBe('invalid');
    });

    it.each([
      ['a .. segment', '../outside.txt', 'contains a ".." segment'],
      ['a .. segment in the middle', 'evidence/../../outside.txt', 'contains a ".." segment'],
      ['an absolute path', '/etc/passwd', 'absolute path'],
      ['a backslash', 'evidence\\github\\x.json', 'backslash'],
    ])('a subject path with %s, even when signed by the key holder: rejected, never opened', (_what, name, why) => {
      // A file outside the bundle whose digest the statement gives: following the name would match it.
      const parent = tempDir();
      writeFileSync(join(parent, 'outside.txt'), 'outside\n');
      const b = writeBundle({ key, dir: join(parent, 'bundle') });
      resignStatement(b.dir, key, (s) => s.subject.push({ name, digest: { sha256: sha256Hex(Buffer.from('outside\n')) } }));
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual([expect.objectContaining({ kind: 'bad-subject', message: expect.stringContaining(why) })]);
      expect(r.problems[0]!.message).toContain(JSON.stringify(name));
      expect(r.matched).toBe(4);
    });

    it('a subject listed twice', () => {
      const b = writeBundle({ key });
      resignStatement(b.dir, key, (s) => s.subject.push({ ...s.subject[0]! }));
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(r.problems).toEqual([expect.objectContaining({ kind: 'bad-subject', message: expect.stringContaining('listed more than once') })]);
    });

    it('the statement naming its own file as a subject', () => {
      const b = writeBundle({ key });
      resignStatement(b.dir, key, (s) => s.subject.push({ name: ATTESTATION_FILE, digest: { sha256: 'a'.repeat(64) } }));
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`bad-subject ${ATTESTATION_FILE}`]);
    });

    it('an attested file replaced by a symbolic link to an identical copy outside the bundle', () => {
      const b = writeBundle({ key });
      const outside = join(tempDir(), 'results.json');
      writeFileSync(outside, readFileSync(join(b.dir, 'results.json')));
      rmSync(join(b.dir, 'results.json'));
      symlinkSync(outside, join(b.dir, 'results.json'));
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
      expect(named(r)).toEqual(['symlink results.json']);
      expect(r.problems[0]!.message).toContain('never follows links');
    });

    it('the evidence directory replaced by a symbolic link to an identical copy', () => {
      const b = writeBundle({ key });
      const copy = join(tempDir(), 'evidence');
      renameSync(join(b.dir, 'evidence'), copy);
      symlinkSync(copy, join(b.dir, 'evidence'));
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`symlink ${EVIDENCE_JSON}`, `symlink ${ATTACHMENT_CSV}`, 'symlink evidence']);
    });

    it('a symbolic link added to the bundle', () => {
      const b = writeBundle({ key });
      symlinkSync('/etc/hostname', join(b.dir, 'hostname'));
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual(['symlink hostname']);
    });

    it('the statement file replaced by something that is not an envelope', () => {
      const b = writeBundle({ key });
      for (const text of ['not json\n', '{"payloadType":"x"}\n', `${readFileSync(join(b.dir, ATTESTATION_FILE), 'utf8')}${readFileSync(join(b.dir, ATTESTATION_FILE), 'utf8')}`]) {
        writeFileSync(join(b.dir, ATTESTATION_FILE), text);
        const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
        expect(named(r)).toEqual([`statement ${ATTESTATION_FILE}`]);
        expect(r.problems[0]!.message).toContain('was edited');
      }
    });

    it('text slipped into the envelope without changing the signed bytes', () => {
      const b = writeBundle({ key });
      const env = readEnvelope(b.dir);
      writeEnvelope(b.dir, { ...env, payload: `${env.payload.slice(0, 8)}!!${env.payload.slice(8)}` });
      expect(named(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }))).toEqual([`statement ${ATTESTATION_FILE}`]);
      writeEnvelope(b.dir, { ...env, comment: 'trust me' } as Envelope);
      expect(verifyBundle(b.dir, { publicKey: key, allowUnsigned: false }).problems[0]!.message).toContain('comment');
    });

    it('flipping any byte of any attested file is caught and names that file (property)', () => {
      const b = writeBundle({ key });
      fc.assert(
        fc.property(fc.constantFrom(...b.files), fc.double({ min: 0, max: 1, noNaN: true }), (rel, at) => {
          const file = join(b.dir, rel);
          const original = readFileSync(file);
          flipByte(file, at);
          try {
            const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
            expect(named(r)).toEqual([`changed ${rel}`]);
          } finally {
            writeFileSync(file, original);
          }
        }),
        { numRuns: 40 },
      );
    });
  });

  it('reads the statement only up to its limit: a huge one is a named problem, not a whole-file read', () => {
    const b = writeBundle({ key });
    // Sparse: 65 MiB on paper, nothing on disk.
    truncateSync(join(b.dir, ATTESTATION_FILE), 65 * 1024 * 1024);
    const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message)).toEqual(['attestation.intoto.jsonl was edited: it is 65 MiB; soc2 reads at most 64 MiB from a statement.']);
  });

  it('reports a statement that is not UTF-8 as edited, with where', () => {
    const b = writeBundle({ key });
    writeFileSync(join(b.dir, ATTESTATION_FILE), Buffer.from([0x7b, 0xff, 0x7d]));
    const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
    expect(r.problems.map((p) => p.kind)).toEqual(['statement']);
  });

  it('never throws on a mangled statement file, signed or not: it reports a problem (property)', () => {
    const b = writeBundle({ key });
    const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
    const subject = fc.record({
      name: fc.oneof(fc.string(), fc.constantFrom('../x', '/etc/passwd', 'results.json', 'a\\b')),
      digest: fc.oneof(fc.jsonValue(), fc.record({ sha256: fc.oneof(fc.string(), hex64) })),
    });
    const statementish = fc.record(
      {
        _type: fc.oneof(fc.constant('https://in-toto.io/Statement/v1'), fc.string()),
        predicateType: fc.oneof(fc.constant('urn:soc2:predicate:run:v1'), fc.jsonValue()),
        subject: fc.oneof(fc.array(fc.oneof(fc.jsonValue(), subject)), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const signedStatement = statementish.map((st) => JSON.stringify(makeEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(st)), [key])));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), signedStatement), (text) => {
        writeFileSync(join(b.dir, ATTESTATION_FILE), text);
        const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: false });
        expect(r.ok).toBe(false);
        expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  describe('unsigned and unchecked bundles', () => {
    it('fails an unsigned bundle unless unsigned bundles are explicitly allowed, and says it is unsigned', () => {
      const b = writeBundle();
      const strict = verifyBundle(b.dir, { allowUnsigned: false });
      expect(strict.ok).toBe(false);
      expect(named(strict)).toEqual(['unsigned']);
      const allowed = verifyBundle(b.dir, { allowUnsigned: true });
      expect(allowed).toMatchObject({ ok: true, signature: { state: 'unsigned' }, matched: 4 });
    });

    it('still checks every file of an allowed unsigned bundle', () => {
      const b = writeBundle();
      flipByte(join(b.dir, 'report.html'));
      expect(named(verifyBundle(b.dir, { allowUnsigned: true }))).toEqual(['changed report.html']);
    });

    it('fails an unsigned bundle when a key is given, even with unsigned bundles allowed', () => {
      const b = writeBundle();
      const r = verifyBundle(b.dir, { publicKey: key, allowUnsigned: true });
      expect(named(r)).toEqual(['unsigned']);
      expect(r.problems[0]!.message).toContain('a key was given (owner.pub)');
    });

    it('does not pass a signed bundle as verified when no key is given', () => {
      const b = writeBundle({ key });
      const r = verifyBundle(b.dir, { allowUnsigned: false });
      expect(r.ok).toBe(false);
      expect(r.problems[0]!.message).toContain(`signed (keyid ${key.keyid}), but no key was given`);
      expect(verifyBundle(b.dir, { allowUnsigned: true })).toMatchObject({ ok: true, signature: { state: 'not-checked', envelopeKeyids: [key.keyid] } });
    });
  });

  describe('bad usage', () => {
    it('throws a usage error for a directory without a statement, a missing directory and a file', () => {
      const empty = tempDir();
      expect(() => verifyBundle(empty, { allowUnsigned: true })).toThrow(NoStatementError);
      expect(() => verifyBundle(join(empty, 'nope'), { allowUnsigned: true })).toThrow(/does not exist/);
      writeFileSync(join(empty, 'file'), 'x');
      expect(() => verifyBundle(join(empty, 'file'), { allowUnsigned: true })).toThrow(UsageError);
    });
  });
});
