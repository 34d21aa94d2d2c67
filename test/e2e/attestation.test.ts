import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { loadSigningKey } from '../../src/evidence/keys.js';
import { createHash } from 'node:crypto';
import { writeBundle } from '../unit/evidence/bundle-fixture.js';

describe('soc2 keygen and soc2 verify (attested bundles)', () => {
  it('keygen writes a 0600 PKCS#8 private key and an SPKI public key, and never replaces them unasked', async () => {
    const dir = tempDir();
    const r = await runCli(['keygen', '--out', 'keys/auditor'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the directory keys does not exist');

    mkdirSync(join(dir, 'keys'));
    const ok = await runCli(['keygen', '--out', 'keys/auditor'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(statSync(join(dir, 'keys/auditor.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'keys/auditor.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(join(dir, 'keys/auditor.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const key = loadSigningKey({ file: join(dir, 'keys/auditor.key'), env: {} })!;
    expect(ok.stdout).toContain(`Key id (SHA-256 of the public key): ${key.keyid}`);
    expect(ok.stdout).toContain('SOC2_SIGNING_KEY');

    const again = await runCli(['keygen', '--out', 'keys/auditor'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('keys/auditor.key and keys/auditor.pub already exist');
    expect(loadSigningKey({ file: join(dir, 'keys/auditor.key'), env: {} })!.keyid).toBe(key.keyid);

    const forced = await runCli(['keygen', '--out', 'keys/auditor', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(loadSigningKey({ file: join(dir, 'keys/auditor.key'), env: {} })!.keyid).not.toBe(key.keyid);
  });

  it('verify exits 0 for an untouched signed bundle, 1 naming each tampered file, 2 for bad usage', async () => {
    const cwd = tempDir();
    expect((await runCli(['keygen', '--out', 'k'], { cwd })).code).toBe(0);
    const key = loadSigningKey({ file: join(cwd, 'k.key'), env: {} })!;
    const b = writeBundle({ key });

    const good = await runCli(['verify', b.dir, '--key', 'k.pub'], { cwd });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`Signature: valid, by the key in k.pub (keyid ${key.keyid})`);
    expect(good.stdout).toContain('Every one of the 4 files the statement lists matches its SHA-256');
    expect(good.stdout).toContain('(SAMPLE DATA from soc2 demo)');

    writeFileSync(join(b.dir, 'results.json'), readFileSync(join(b.dir, 'results.json'), 'utf8').replace('"fail"', '"pass"'));
    writeFileSync(join(b.dir, 'extra.csv'), 'a,b\r\n');
    const bad = await runCli(['verify', b.dir, '--key', 'k.pub'], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('does not verify: 2 problems');
    expect(bad.stderr).toMatch(/changed +results\.json: contents changed since the run/);
    expect(bad.stderr).toMatch(/added +extra\.csv: not attested by the run/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const noKeyFile = await runCli(['verify', b.dir, '--key', 'missing.pub'], { cwd });
    expect(noKeyFile.code).toBe(2);
    expect(noKeyFile.stderr).toContain('The public key file missing.pub does not exist');
    const privateAsPublic = await runCli(['verify', b.dir, '--key', 'k.key'], { cwd });
    expect(privateAsPublic.code).toBe(2);
    expect(privateAsPublic.stderr).toContain('k.key is a private key');
    expect((await runCli(['verify', join(b.dir, 'results.json')], { cwd })).code).toBe(2);
    expect((await runCli(['verify', join(cwd, 'nowhere')], { cwd })).code).toBe(2);
    const empty = await runCli(['verify', tempDir()], { cwd });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('neither attestation.intoto.jsonl nor evidence/manifest.json');
  });

  it('verify accepts an unsigned bundle only with --allow-unsigned, and says it is unsigned', async () => {
    const b = writeBundle();
    const strict = await runCli(['verify', b.dir], { cwd: b.dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('The bundle is unsigned');
    const allowed = await runCli(['verify', b.dir, '--allow-unsigned'], { cwd: b.dir });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('UNSIGNED');
  });

  it('still re-hashes a directory with only the older evidence manifest, says what that cannot show, and has no signature for --key', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'report', 'evidence'), { recursive: true });
    writeFileSync(join(cwd, 'report', 'results.json'), '{}\n');
    const body = Buffer.from('{}\n');
    writeFileSync(join(cwd, 'report', 'evidence', 'manifest.json'), JSON.stringify({ kind: 'soc2-manifest', runId: 'run-1', algorithm: 'sha256', files: [{ path: 'results.json', sha256: createHash('sha256').update(body).digest('hex'), size: body.length }] }));
    const ok = await runCli(['verify', 'report'], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Every file listed in report/evidence/manifest.json matches its SHA-256.');
    expect(ok.stdout).toContain('does not list files added later');
    expect((await runCli(['keygen', '--out', 'k'], { cwd })).code).toBe(0);
    const withKey = await runCli(['verify', 'report', '--key', 'k.pub'], { cwd });
    expect(withKey.code).toBe(1);
    expect(withKey.stderr).toContain('there is no signature to check with k.pub');
  });
});
