import { describe, expect, it } from 'vitest';
import { verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTESTATION_FILE, hashBundleFiles, predicateFromResults, previousStatementDigest, sha256Hex, writeAttestation } from '../../../src/evidence/attestation.js';
import { IN_TOTO_PAYLOAD_TYPE, makeEnvelope, pae, parseEnvelope, verifiedSignatures } from '../../../src/evidence/dsse.js';
import { bundlePathProblem } from '../../../src/evidence/bundle-path.js';
import { InvalidSubjectError, RUN_PREDICATE_TYPE, STATEMENT_TYPE, buildStatement } from '../../../src/evidence/statement.js';
import { makeKey, sampleResults, writeBundle } from './bundle-fixture.js';

const key = makeKey();

describe('evidence/dsse', () => {
  it('encodes PAE as the DSSE specification\'s example', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts lengths in bytes, not characters', () => {
    expect(pae('t', Buffer.from('Füße', 'utf8')).toString('utf8')).toBe('DSSEv1 1 t 6 Füße');
  });

  it('signs PAE(type, payload) with Ed25519, so the type cannot be swapped under the signature', () => {
    const payload = Buffer.from('{"a":1}');
    const env = makeEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, [key]);
    expect(env.signatures).toHaveLength(1);
    expect(verify(null, pae(IN_TOTO_PAYLOAD_TYPE, payload), key.publicKey, Buffer.from(env.signatures[0]!.sig, 'base64'))).toBe(true);
    expect(verifiedSignatures(env, payload, key.publicKey)).toHaveLength(1);
    expect(verifiedSignatures({ ...env, payloadType: 'text/plain' }, payload, key.publicKey)).toHaveLength(0);
    expect(verifiedSignatures(env, payload, makeKey().publicKey)).toHaveLength(0);
  });

  it('parses only well-formed envelopes', () => {
    const env = makeEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from('x'), [key]);
    expect(parseEnvelope(env)).toMatchObject({ ok: true, payload: Buffer.from('x') });
    expect(parseEnvelope([])).toMatchObject({ ok: false });
    expect(parseEnvelope({ ...env, payload: 'eA' })).toMatchObject({ ok: false, problem: expect.stringContaining('base64') });
    expect(parseEnvelope({ ...env, signatures: [{ sig: 5 }] })).toMatchObject({ ok: false });
    expect(parseEnvelope({ ...env, signatures: [{ ...env.signatures[0], extra: 1 }] })).toMatchObject({ ok: false, problem: expect.stringContaining('extra') });
  });
});

describe('evidence/bundle-path', () => {
  it.each(['results.json', 'evidence/github/x.json', 'a b/ü.csv', '..hidden', 'x..y'])('accepts %s', (name) => expect(bundlePathProblem(name)).toBeUndefined());
  it.each(['', '/abs', '../x', 'a/../b', 'a/..', './x', 'a//b', 'a/', 'a\\b', 'C:x', 'a\u0000b', 'a\nb'])('rejects %j', (name) => expect(bundlePathProblem(name)).toBeTypeOf('string'));
});

describe('evidence/statement', () => {
  const predicate = predicateFromResults(sampleResults(), null);

  it('builds an in-toto Statement v1 with sorted subjects and the run predicate', () => {
    const s = buildStatement([{ path: 'b.json', sha256: 'b'.repeat(64) }, { path: 'a.json', sha256: 'a'.repeat(64) }], predicate);
    expect(s._type).toBe('https://in-toto.io/Statement/v1');
    expect(STATEMENT_TYPE).toBe('https://in-toto.io/Statement/v1');
    expect(s.predicateType).toBe(RUN_PREDICATE_TYPE);
    expect(RUN_PREDICATE_TYPE).toMatch(/^urn:soc2:/);
    expect(s.subject).toEqual([
      { name: 'a.json', digest: { sha256: 'a'.repeat(64) } },
      { name: 'b.json', digest: { sha256: 'b'.repeat(64) } },
    ]);
    expect(s.predicate).toMatchObject({
      tool: { name: 'soc2', version: expect.any(String) },
      run: { id: '7f3c2a9e-4b1d-4c8e-9a6f-2d5e8b1c0a47', sample: true },
      config: { file: 'soc2.config.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      period: { start: '2026-01-01', end: '2026-03-31' },
      scope: { github: { org: 'acme' } },
      previousStatement: null,
    });
  });

  it.each([
    [[{ path: '../x', sha256: 'a'.repeat(64) }], /"\.\.\/x".*"\.\." segment/],
    [[{ path: 'x', sha256: 'A'.repeat(64) }], /not a lower-case hex SHA-256/],
    [[{ path: 'x', sha256: 'a'.repeat(64) }, { path: 'x', sha256: 'a'.repeat(64) }], /twice/],
  ])('refuses to build a statement it could not stand behind: %j', (files, message) => {
    expect(() => buildStatement(files, predicate)).toThrow(InvalidSubjectError);
    expect(() => buildStatement(files, predicate)).toThrow(message);
  });
});

describe('evidence/attestation', () => {
  it('writes one envelope on one line whose payload is the statement, and hashes files as written', () => {
    const b = writeBundle({ key });
    const text = readFileSync(join(b.dir, ATTESTATION_FILE), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const env = JSON.parse(text);
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    expect(env.signatures).toEqual([{ keyid: key.keyid, sig: expect.any(String) }]);
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
    expect(statement).toEqual(b.attestation.statement);
    expect(statement.subject.find((s: { name: string }) => s.name === 'report.html').digest.sha256).toBe(sha256Hex(readFileSync(join(b.dir, 'report.html'))));
    expect(b.attestation.statementSha256).toBe(sha256Hex(Buffer.from(env.payload, 'base64')));
  });

  it('writes an unsigned envelope (no signatures) when no key is given', () => {
    const b = writeBundle();
    expect(JSON.parse(readFileSync(join(b.dir, ATTESTATION_FILE), 'utf8')).signatures).toEqual([]);
  });

  it('chains runs: the previous statement digest is read from the directory before it is replaced', () => {
    const first = writeBundle({ key });
    expect(previousStatementDigest(first.dir)).toEqual({ sha256: first.attestation.statementSha256 });
    const second = writeAttestation({
      dir: first.dir,
      files: hashBundleFiles(first.dir, first.files),
      predicate: predicateFromResults(sampleResults(), previousStatementDigest(first.dir)),
      key,
    });
    expect(second.statement.predicate.previousStatement).toEqual({ sha256: first.attestation.statementSha256 });
    writeFileSync(join(first.dir, ATTESTATION_FILE), 'garbage');
    expect(previousStatementDigest(first.dir)).toBeNull();
  });

  it('never lists its own file as a subject', () => {
    const b = writeBundle();
    expect(() => writeAttestation({ dir: b.dir, files: [{ path: ATTESTATION_FILE, sha256: 'a'.repeat(64) }], predicate: predicateFromResults(sampleResults(), null) })).toThrow(/cannot be a subject of itself/);
  });
});
