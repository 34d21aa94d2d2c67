import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { bundleFiles } from '../unit/evidence/bundle-fixture.js';

describe('soc2 encrypt and soc2 decrypt', () => {
  it('round-trips a report directory through age, and exits 2 for a bad recipient or identity, 1 for a damaged file', async () => {
    const cwd = tempDir();
    const files = bundleFiles();
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(cwd, 'report', rel)), { recursive: true });
      writeFileSync(join(cwd, 'report', rel), text);
    }
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    writeFileSync(join(cwd, 'auditor.txt'), `# public key: ${recipient}\n${identity}\n`);
    const other = await generateIdentity();
    writeFileSync(join(cwd, 'other.txt'), `${other}\n`);

    const bad = await runCli(['encrypt', 'report', '--to', 'age1typo'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"age1typo" is not a valid age recipient');
    expect(readdirSync(cwd).sort()).toEqual(['auditor.txt', 'other.txt', 'report']);

    const enc = await runCli(['encrypt', 'report/', '--to', recipient], { cwd });
    expect(enc.stderr).toBe('');
    expect(enc.code).toBe(0);
    expect(enc.stdout).toContain('Wrote report.tar.age: 4 files from report/');
    expect(readdirSync(cwd).sort()).toEqual(['auditor.txt', 'other.txt', 'report', 'report.tar.age']);

    const wrong = await runCli(['decrypt', 'report.tar.age', '--identity', 'other.txt', '--out', 'opened'], { cwd });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('was not encrypted to any identity in other.txt');

    const dec = await runCli(['decrypt', 'report.tar.age', '--identity', 'auditor.txt', '--out', 'opened'], { cwd });
    expect(dec.stderr).toBe('');
    expect(dec.code).toBe(0);
    expect(dec.stdout).toContain('Decrypted report.tar.age into opened: 4 files.');
    for (const [rel, text] of Object.entries(files)) expect(readFileSync(join(cwd, 'opened', rel), 'utf8')).toBe(text);

    const again = await runCli(['decrypt', 'report.tar.age', '--identity', 'auditor.txt', '--out', 'opened'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists and is not an empty directory');

    const cipher = readFileSync(join(cwd, 'report.tar.age'));
    cipher[cipher.length - 10] = cipher[cipher.length - 10]! ^ 1;
    writeFileSync(join(cwd, 'damaged.age'), cipher);
    const damaged = await runCli(['decrypt', 'damaged.age', '--identity', 'auditor.txt', '--out', 'from-damaged'], { cwd });
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain('damaged or was modified');
    expect(readdirSync(cwd)).not.toContain('from-damaged');

    const noId = await runCli(['decrypt', 'report.tar.age', '--identity', 'missing.txt', '--out', 'x'], { cwd });
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('missing.txt: no such file: the age identity file does not exist.');
  });
});
