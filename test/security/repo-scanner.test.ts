/**
 * The repository scanner against a hostile checkout. The threat: soc2 runs in CI on a checkout it
 * did not write, so a pull request can plant symbolic links, odd file types, huge or binary files.
 * What must hold: nothing outside the checkout is ever read by a repo.* collector, whatever path
 * component is a link; every file the scanner could not read is visible in the evidence and keeps
 * the control from passing; and REPO-008 cannot be evaded by size, encoding, binary content or a
 * piece boundary.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCollector, type CollectorId } from '../../src/collectors/index.js';
import { readRepoFile } from '../../src/collectors/repo/files.js';
import type { CollectContext, Evidence } from '../../src/collectors/types.js';
import { loadControls } from '../../src/controls/load.js';
import { evaluateControl } from '../../src/engine/evaluate.js';
import { packageRoot } from '../../src/paths.js';
import type { EvidenceRef } from '../../src/results.js';
import { fake, git, makeCtx, makeRepo, tempDir, writeFiles } from '../unit/collectors/repo/helpers.js';

/** A marker that only files outside the checkout contain: it must never reach any evidence. */
const OUTSIDE = 'outsider-owned-content';

interface ControlRun {
  status: string;
  statusReason: string;
  evidence: Evidence<Record<string, unknown>>;
}

/** Collects and evaluates one shipped control the way a run does, with optional parameter overrides. */
async function runControl(ctx: CollectContext, id: string, params: Record<string, unknown> = {}): Promise<ControlRun> {
  const control = (await loadControls({ paths: [path.join(packageRoot, 'controls')] })).find((c) => c.id === id);
  if (!control || control.type !== 'automated') throw new Error(`no automated control ${id}`);
  const c = await loadCollector(control.collector as CollectorId);
  const resolved = { ...(control.resolvedParams as Record<string, unknown>), ...params };
  const evidence = (await c.collect(ctx, c.params.parse(resolved))) as Evidence<Record<string, unknown>>;
  const ref: EvidenceRef = {
    file: `evidence/${control.collector}.json`,
    sha256: '0'.repeat(64),
    collector: c.id,
    params: resolved,
    collectedAt: '2026-06-30T00:00:00.000Z',
    finishedAt: '2026-06-30T00:00:00.000Z',
    complete: evidence.complete,
    resourceCount: evidence.resources.length,
    calls: evidence.calls,
    gaps: evidence.gaps,
  };
  const result = evaluateControl(control, { kind: 'evidence', evidence, ref }, c, [], '2026-06-30');
  return { status: result.status, statusReason: result.statusReason, evidence };
}

/** A git checkout of `files`, after which the directory or file `rel` is replaced by a link to `target`. */
async function checkoutWithLink(files: Record<string, string>, rel: string, target: string): Promise<string> {
  const dir = await makeRepo(files, { git: true });
  await fs.rm(path.join(dir, rel), { recursive: true, force: true });
  await fs.symlink(target, path.join(dir, rel));
  return dir;
}

/** A directory outside the checkout holding `files`, each carrying the OUTSIDE marker. */
async function outsideDir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, files);
  return dir;
}

const gapText = (ev: Evidence<unknown>) => ev.gaps.map((g) => g.message).join('\n');

describe('security/repo-scanner', () => {
  describe('a symbolic link anywhere in a path never leads a read out of the checkout', () => {
    it('refuses .github replaced by a link out of the checkout, for CODEOWNERS, Dependabot and workflows', async () => {
      const elsewhere = await outsideDir({
        CODEOWNERS: `* @${OUTSIDE}/owners\n`,
        'dependabot.yml': `version: 2\nupdates:\n  - package-ecosystem: npm # ${OUTSIDE}\n    directory: /\n    schedule: { interval: weekly }\n`,
        'workflows/ci.yml': `name: ${OUTSIDE}\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${OUTSIDE}/action@v1\n`,
      });
      const dir = await checkoutWithLink(
        { '.github/CODEOWNERS': '* @acme/owners\n', '.github/dependabot.yml': 'version: 2\nupdates: []\n', '.github/workflows/ci.yml': 'on: push\n' },
        '.github',
        elsewhere,
      );
      const ctx = makeCtx(dir);
      for (const [id, file] of [
        ['REPO-001', '.github/CODEOWNERS'],
        ['REPO-003', '.github/dependabot.yml'],
        ['REPO-004', '.github/workflows/ci.yml'],
      ] as const) {
        const run = await runControl(ctx, id);
        expect(JSON.stringify(run.evidence), id).not.toContain(OUTSIDE);
        expect(run.evidence.complete, id).toBe(false);
        expect(gapText(run.evidence), id).toContain(`${file} was not read: .github is a symbolic link that leads outside the checkout`);
        expect(run.status, id).toBe('error');
      }
    });

    it('refuses a link two levels down (.github/workflows)', async () => {
      const elsewhere = await outsideDir({ 'ci.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${OUTSIDE}/action@v1\n` });
      const dir = await checkoutWithLink({ '.github/CODEOWNERS': '* @acme/o\n', '.github/workflows/ci.yml': 'on: push\n' }, '.github/workflows', elsewhere);
      const run = await runControl(makeCtx(dir), 'REPO-004');
      expect(JSON.stringify(run.evidence)).not.toContain(OUTSIDE);
      expect(gapText(run.evidence)).toContain('.github/workflows/ci.yml was not read: .github/workflows is a symbolic link that leads outside the checkout');
      expect(run.status).toBe('error');
    });

    it('refuses a link three levels above the file for the secret scan, and lists the file', async () => {
      const key = fake.githubToken();
      const elsewhere = await outsideDir({ 'deep/keys.env': `TOKEN=${key} # ${OUTSIDE}\n` });
      const dir = await checkoutWithLink({ 'README.md': '# api\n', 'src/config/deep/keys.env': 'TOKEN=\n' }, 'src/config', elsewhere);
      const run = await runControl(makeCtx(dir), 'REPO-008');
      const data = run.evidence.resources[0]!.data as { secretCount: number; filesNotScanned: Array<{ path: string; reason: string }> };
      expect(JSON.stringify(run.evidence)).not.toContain(OUTSIDE);
      expect(data.secretCount).toBe(0);
      expect(data.filesNotScanned).toEqual([
        { path: 'src/config/deep/keys.env', reason: 'src/config/deep/keys.env was not read: src/config is a symbolic link that leads outside the checkout' },
      ]);
      expect(run.status).toBe('error');
      expect(run.statusReason).toContain('1 tracked file could not be scanned for secrets');
    });

    it('refuses a link out of the checkout reached through a link that stays inside', async () => {
      const elsewhere = await outsideDir({ 'SECURITY.md': `Write to ${OUTSIDE}@example.com\n` });
      const dir = await makeRepo({ 'README.md': '# x\n', 'docs/SECURITY.md': 'Write to security@acme.example\n' }, { git: true });
      await fs.rm(path.join(dir, 'docs'), { recursive: true });
      await fs.symlink(elsewhere, path.join(dir, 'shared'));
      await fs.symlink('shared', path.join(dir, 'docs'));
      const run = await runControl(makeCtx(dir), 'REPO-002');
      expect(JSON.stringify(run.evidence)).not.toContain(OUTSIDE);
      expect(gapText(run.evidence)).toContain('docs/SECURITY.md was not read: docs is a symbolic link that leads outside the checkout');
      expect(run.status).toBe('error');
    });

    it('refuses a file link out of the checkout visibly, where it used to be skipped in silence', async () => {
      const elsewhere = await outsideDir({ 'SECURITY.md': `Mail ${OUTSIDE}@example.com\n`, 'requirements.txt': `flask  # ${OUTSIDE}\n` });
      const dir = await makeRepo({ 'README.md': '# x\n' });
      await fs.symlink(path.join(elsewhere, 'SECURITY.md'), path.join(dir, 'SECURITY.md'));
      await fs.symlink(path.join(elsewhere, 'requirements.txt'), path.join(dir, 'requirements.txt'));
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      const ctx = makeCtx(dir);
      const policy = await runControl(ctx, 'REPO-002');
      expect(JSON.stringify(policy.evidence)).not.toContain(OUTSIDE);
      expect(gapText(policy.evidence)).toContain('SECURITY.md is a symbolic link to a file outside the checkout, so it was not read');
      expect(policy.status).toBe('error');
      // Read as empty, the manifest would declare no dependencies and need no lockfile.
      const lockfile = await runControl(ctx, 'REPO-007');
      expect(gapText(lockfile.evidence)).toContain('requirements.txt is a symbolic link to a file outside the checkout');
      expect(lockfile.status).toBe('error');
    });

    it('follows links that stay inside the checkout, for a directory and for a file', async () => {
      const dir = await makeRepo(
        { '.github/CODEOWNERS': '* @acme/real\n', 'config/github/CODEOWNERS': '* @acme/linked\n', 'policies/security.md': 'Mail security@acme.example\n', 'SECURITY.md': '' },
        { git: true },
      );
      await fs.rm(path.join(dir, '.github'), { recursive: true });
      await fs.symlink(path.join('config', 'github'), path.join(dir, '.github'));
      await fs.rm(path.join(dir, 'SECURITY.md'));
      await fs.symlink(path.join(dir, 'policies', 'security.md'), path.join(dir, 'SECURITY.md'));
      const ctx = makeCtx(dir);
      const owners = await runControl(ctx, 'REPO-001');
      expect(owners.evidence.complete).toBe(true);
      expect(owners.evidence.resources[0]!.data).toMatchObject({ codeownersPath: '.github/CODEOWNERS', owners: ['@acme/linked'] });
      const policy = await runControl(ctx, 'REPO-002');
      expect(policy.status).toBe('pass');
    });

    it('never joins a path with "..", an absolute path or an empty part onto the checkout', async () => {
      const elsewhere = await tempDir();
      await fs.writeFile(path.join(elsewhere, 'secret.txt'), OUTSIDE);
      const dir = await makeRepo({ 'a/b.txt': 'inside' });
      const ctx = makeCtx(dir);
      const rel = path.relative(dir, path.join(elsewhere, 'secret.txt')).split(path.sep).join('/');
      expect(rel.startsWith('../')).toBe(true);
      for (const hostile of [rel, `a/../${rel}`, 'a/../a/b.txt', './a/b.txt', 'a//b.txt', path.join(elsewhere, 'secret.txt')]) {
        const read = await readRepoFile(ctx, hostile);
        expect(read, hostile).toMatchObject({ ok: false, reason: 'outside-root' });
        expect(JSON.stringify(read)).not.toContain(OUTSIDE);
      }
    });

    it('does not enter a linked directory when walking a checkout that is not a git work tree', async () => {
      const elsewhere = await outsideDir({ 'keys.env': `TOKEN=${fake.githubToken()} ${OUTSIDE}\n` });
      const dir = await makeRepo({ 'README.md': '# x\n' });
      await fs.symlink(elsewhere, path.join(dir, 'config'));
      // exclude: [] so that README.md (documentation, excluded by default) is the one file scanned.
      const run = await runControl(makeCtx(dir), 'REPO-008', { exclude: [] });
      expect(JSON.stringify(run.evidence)).not.toContain(OUTSIDE);
      expect(run.evidence.resources[0]!.data).toMatchObject({ fileListMethod: 'walk', filesScanned: 1, secretCount: 0 });
    });
  });

  describe('REPO-008 cannot be evaded and never passes with files left unscanned', () => {
    const piece = 16 * 1024;

    it('finds a key at the very end of a file many times larger than a piece', async () => {
      const key = fake.awsKeyId();
      const line = 'log line without anything secret in it, padded to a realistic width of text\n';
      const lines = Math.ceil((3 * 1024 * 1024) / line.length);
      const dir = await makeRepo({ 'README.md': '# x\n', 'data/huge.log': line.repeat(lines) + `trailer ${key}` });
      const run = await runControl(makeCtx(dir), 'REPO-008', { maxFileBytes: 64 * 1024 });
      const data = run.evidence.resources[0]!.data as Record<string, unknown>;
      expect(data).toMatchObject({ secretCount: 1, filesScannedInPieces: 1, filesNotScannedCount: 0 });
      expect(data.secrets).toEqual([expect.objectContaining({ file: 'data/huge.log', line: lines + 1, column: 9, kind: 'aws-access-key-id' })]);
      expect(run.status).toBe('fail');
    });

    it('finds, exactly once, a key cut by every piece boundary, after multi-byte characters cut the same way', async () => {
      const key = fake.githubToken();
      const parts: string[] = [];
      let bytes = 0;
      const expected: Array<{ line: number; column: number }> = [];
      let line = 1;
      for (let boundary = piece; boundary <= 40 * piece; boundary += piece) {
        // Fill with two-byte characters up to just before the boundary, so one of them may be cut too.
        const fill = boundary - bytes - 21;
        const filler = 'é'.repeat(Math.floor(fill / 2)) + (fill % 2 ? 'x' : '') + '\n';
        parts.push(filler);
        bytes += Buffer.byteLength(filler);
        line++;
        // The key starts 20 bytes before the boundary and ends 20 bytes after it.
        const text = `t=${key}\n`;
        expected.push({ line, column: 3 });
        parts.push(text);
        bytes += Buffer.byteLength(text);
        line++;
      }
      const dir = await makeRepo({ 'big/blob.txt': parts.join('') });
      const run = await runControl(makeCtx(dir), 'REPO-008', { maxFileBytes: piece });
      const data = run.evidence.resources[0]!.data as { secrets: Array<{ line: number; column: number }>; secretCount: number };
      expect(data.secretCount).toBe(expected.length);
      expect(data.secrets.map(({ line, column }) => ({ line, column }))).toEqual(expected);
      expect(run.status).toBe('fail');
    });

    it('searches a binary file (it has a NUL byte) and a UTF-16 file for keys', async () => {
      const aws = fake.awsKeyId();
      const ghp = fake.githubToken();
      const dir = await makeRepo({
        'assets/build.bin': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0xff]), Buffer.from(` ${aws} `), Buffer.alloc(64)]),
        'ops/settings.reg': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`"token"="${ghp}"\r\n`, 'utf16le')]),
      });
      const run = await runControl(makeCtx(dir), 'REPO-008');
      const data = run.evidence.resources[0]!.data as { secrets: Array<{ file: string; kind: string }>; binaryFilesScanned: number };
      expect(data.secrets.map((s) => [s.file, s.kind])).toEqual([
        ['assets/build.bin', 'aws-access-key-id'],
        ['ops/settings.reg', 'github-token'],
      ]);
      expect(data.binaryFilesScanned).toBe(2);
      expect(JSON.stringify(run.evidence)).not.toContain(aws.slice(4));
      expect(run.status).toBe('fail');
    });

    it('finds a key hidden in the target of a committed symbolic link', async () => {
      const ghp = fake.githubToken();
      const dir = await makeRepo({ 'README.md': '# x\n' });
      await fs.symlink(ghp, path.join(dir, 'token'));
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      const run = await runControl(makeCtx(dir), 'REPO-008');
      expect(run.evidence.resources[0]!.data).toMatchObject({ secretCount: 1, linksScanned: 1, secrets: [expect.objectContaining({ file: 'token', kind: 'github-token' })] });
      expect(run.status).toBe('fail');
    });

    it('ends in error, with the list, when tracked files cannot be read', async () => {
      const dir = await makeRepo({ 'README.md': '# x\n', 'ci/pipe': 'was a file\n', 'ci/dir': 'was a file\n', 'gone.txt': 'x\n' }, { git: true });
      await fs.rm(path.join(dir, 'ci/pipe'));
      execFileSync('mkfifo', [path.join(dir, 'ci/pipe')]);
      await fs.rm(path.join(dir, 'ci/dir'));
      await fs.mkdir(path.join(dir, 'ci/dir'));
      await fs.rm(path.join(dir, 'gone.txt'));
      const run = await runControl(makeCtx(dir), 'REPO-008');
      expect(run.status).toBe('error');
      expect(run.evidence.complete).toBe(false);
      const data = run.evidence.resources[0]!.data as Record<string, unknown>;
      expect(data.filesNotScanned).toEqual([
        { path: 'ci/dir', reason: 'ci/dir is not a regular file, so it was not read' },
        { path: 'ci/pipe', reason: 'ci/pipe is not a regular file, so it was not read' },
        { path: 'gone.txt', reason: expect.stringContaining('gone.txt is tracked but missing from the working tree') },
      ]);
      expect(data.filesNotScannedCount).toBe(3);
      expect(run.statusReason).toContain('3 tracked files could not be scanned for secrets');
      expect(run.statusReason).toContain('ci/pipe is not a regular file');
    });

    it.skipIf(process.getuid?.() === 0)('ends in error when a file is not readable by the user running soc2', async () => {
      const dir = await makeRepo({ 'README.md': '# x\n', 'secret.env': 'x\n' });
      await fs.chmod(path.join(dir, 'secret.env'), 0o000);
      const run = await runControl(makeCtx(dir), 'REPO-008');
      expect(run.evidence.gaps).toEqual([expect.objectContaining({ kind: 'permission', message: expect.stringContaining('secret.env could not be read (EACCES)') })]);
      expect(run.status).toBe('error');
    });
  });
});
