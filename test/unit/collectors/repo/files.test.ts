import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../../../src/errors.js';
import { globToRegExp, isRepoFile, loadRepo, readGap, readRepoFile, readRepoText, repoFacts, repoNameFromRemote, withRepoFile } from '../../../../src/collectors/repo/files.js';
import { collector as codeowners } from '../../../../src/collectors/repo/codeowners.js';
import { collector as securityPolicy } from '../../../../src/collectors/repo/security-policy.js';
import { git, makeCtx, makeRepo, tempDir, writeFiles } from './helpers.js';

describe('collectors/repo/files', () => {
  it('lists tracked files with git ls-files, including staged files in subfolders, sorted', async () => {
    const dir = await makeRepo({ 'b.txt': 'b', 'a/z.txt': 'z', 'node_modules/x/package.json': '{}' }, { git: true, untracked: { 'new.txt': 'n' } });
    const snap = await loadRepo(makeCtx(dir));
    expect(snap.method).toBe('git');
    // Tracked dependency folders are committed content, so git mode keeps them.
    expect(snap.files).toEqual(['a/z.txt', 'b.txt', 'node_modules/x/package.json']);
    expect(snap.calls[0]).toEqual({ source: 'local', operation: 'git ls-files', params: { path: '.', args: ['-z', '-t', '--cached'] }, at: '2026-06-30T00:00:00.000Z', items: 3 });
    expect(snap.skipWorktree.size).toBe(0);
  });

  it('keeps files outside a sparse checkout in the list and marks them skip-worktree', async () => {
    const dir = await makeRepo({ 'app/main.ts': 'x', 'app/util.ts': 'y', 'docs/guide.md': 'z', 'README.md': 'r' }, { git: true });
    git(dir, 'commit', '-q', '-m', 'initial');
    git(dir, 'sparse-checkout', 'set', '--no-cone', '/app/', '/README.md');
    const snap = await loadRepo(makeCtx(dir));
    expect(snap.files).toEqual(['README.md', 'app/main.ts', 'app/util.ts', 'docs/guide.md']);
    expect([...snap.skipWorktree]).toEqual(['docs/guide.md']);
    expect(repoFacts(snap)).toMatchObject({ fileCount: 4, filesOutsideSparseCheckout: 1 });
  });

  it('walks a directory that is not a git work tree and says why', async () => {
    const dir = await makeRepo({ 'a.txt': 'a', 'dist/out.js': '', 'vendor/x.go': '', '.git-keep': '' });
    const snap = await loadRepo(makeCtx(dir));
    expect(snap.method).toBe('walk');
    expect(snap.note).toBe('not a git work tree');
    expect(snap.files).toEqual(['.git-keep', 'a.txt']);
    expect(snap.calls.map((c) => c.operation)).toEqual(['git ls-files', 'walk-directory']);
  });

  it("does not walk soc2's own report, staging and cache directories (a run must not scan what it is writing)", async () => {
    const dir = await makeRepo({
      'a.txt': 'a',
      'soc2-report/.soc2-report': 'soc2 report directory\n',
      'soc2-report/results.json': '{}',
      'custom-out/.soc2-report': 'soc2 report directory\n',
      'custom-out/evidence/repo/x.json': '{}',
      '.soc2-report.soc2-tmp-0a1b2c3d4e5f/evidence/repo/y.json': '{}',
      '.soc2-report.soc2-old-0a1b2c3d4e5f/results.json': '{}',
      '.soc2-cache/github/etags/ab/cd.json': '{}',
      'notes/.soc2-report-like.txt': 'kept: only the marker file names a report directory',
    });
    const snap = await loadRepo(makeCtx(dir));
    expect(snap.method).toBe('walk');
    expect(snap.files).toEqual(['a.txt', 'notes/.soc2-report-like.txt']);
  });

  it('walks a folder that sits untracked inside another repository, and keeps its own name', async () => {
    const outer = await makeRepo({ 'README.md': '# outer' }, { git: true, remote: 'https://github.com/acme/outer.git' });
    const inner = path.join(outer, 'demo', 'data-api');
    await writeFiles(inner, { 'SECURITY.md': 'security@acme.example' });
    const snap = await loadRepo(makeCtx(inner));
    expect(snap.method).toBe('walk');
    expect(snap.note).toBe('git tracks no files under this directory');
    expect(snap.name).toBe('data-api');
    expect(snap.files).toEqual(['SECURITY.md']);
  });

  it('lists only the tracked files below a subfolder of a work tree, relative to it', async () => {
    const dir = await makeRepo({ 'services/api/CODEOWNERS': '* @acme/api\n', 'CODEOWNERS': '* @acme/root\n' }, { git: true });
    const snap = await loadRepo(makeCtx(path.join(dir, 'services/api')));
    expect(snap.method).toBe('git');
    expect(snap.files).toEqual(['CODEOWNERS']);
  });

  it('lists the checkout once per run however many collectors ask', async () => {
    const dir = await makeRepo({ CODEOWNERS: '* @acme/x\n', 'SECURITY.md': 'a@b.example\n' }, { git: true });
    const ctx = makeCtx(dir);
    const [a, b] = await Promise.all([codeowners.collect(ctx, {}), securityPolicy.collect(ctx, {})]);
    expect(a.calls[0]).toBe(b.calls[0]);
    expect(a.calls.filter((c) => c.operation === 'git ls-files')).toHaveLength(1);
  });

  it('throws a not-found CollectorError when the checkout does not exist', async () => {
    const dir = path.join(await tempDir(), 'missing');
    await expect(loadRepo(makeCtx(dir))).rejects.toSatisfy((e) => e instanceof CollectorError && e.kind === 'not-found');
  });

  it('reads files, flags binary content, and refuses large files and links out of the checkout', async () => {
    const dir = await makeRepo({ 'a.txt': '\ufeffhello', 'b.bin': Buffer.from([1, 0, 2]), 'big.txt': 'x'.repeat(50) });
    const outside = await tempDir();
    await fs.writeFile(path.join(outside, 'o.txt'), 'outside');
    await fs.symlink(path.join(outside, 'o.txt'), path.join(dir, 'link.txt'));
    await fs.symlink(path.join(dir, 'a.txt'), path.join(dir, 'inside-link.txt'));
    const ctx = makeCtx(dir);
    const calls: import('../../../../src/collectors/types.js').ApiCall[] = [];
    expect(await readRepoFile(ctx, 'a.txt', { calls })).toEqual({ ok: true, text: 'hello', bytes: 8, binary: false });
    expect(await readRepoFile(ctx, 'b.bin')).toMatchObject({ ok: true, binary: true });
    expect(await readRepoFile(ctx, 'big.txt', { maxBytes: 10 })).toMatchObject({ ok: false, reason: 'too-large', bytes: 50 });
    expect(await readRepoFile(ctx, 'link.txt')).toMatchObject({ ok: false, reason: 'outside-root' });
    expect(await readRepoFile(ctx, 'inside-link.txt')).toMatchObject({ ok: true, text: 'hello' });
    expect(await readRepoFile(ctx, 'gone.txt')).toMatchObject({ ok: false, reason: 'missing' });
    expect(calls).toEqual([{ source: 'local', operation: 'read-file', params: { path: 'a.txt' }, at: '2026-06-30T00:00:00.000Z' }]);
  });

  it('tells whether a path is a regular file inside the checkout, following only links that stay inside', async () => {
    const dir = await makeRepo({ 'a/b.txt': 'b', 'c/d.txt': 'd' });
    const outside = await tempDir();
    await writeFiles(outside, { 'o.txt': 'o' });
    await fs.symlink(outside, path.join(dir, 'out'));
    await fs.symlink('c', path.join(dir, 'in'));
    const ctx = makeCtx(dir);
    expect(await isRepoFile(ctx, 'a/b.txt')).toBe(true);
    expect(await isRepoFile(ctx, 'in/d.txt')).toBe(true);
    expect(await isRepoFile(ctx, 'out/o.txt')).toBe(false);
    expect(await isRepoFile(ctx, 'a')).toBe(false);
    expect(await isRepoFile(ctx, 'a/missing.txt')).toBe(false);
    expect(await isRepoFile(ctx, '../x')).toBe(false);
  });

  it('hands a link over as the path it holds when asked, without following it', async () => {
    const dir = await makeRepo({ 'a.txt': 'a' });
    await fs.symlink('/nowhere/at/all', path.join(dir, 'l'));
    const ctx = makeCtx(dir);
    const seen = await withRepoFile(ctx, 'l', async (f) => ({ ok: true as const, link: f.link, size: f.size, text: (await f.head(100)).toString() }), { links: 'as-link' });
    expect(seen).toEqual({ ok: true, link: true, size: 15, text: '/nowhere/at/all' });
    expect(await withRepoFile(ctx, 'l', async () => ({ ok: true as const }))).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('turns a failure while reading an open file into a refusal, never an exception', async () => {
    const dir = await makeRepo({ 'a.txt': 'a' });
    const result = await withRepoFile(makeCtx(dir), 'a.txt', async () => {
      throw Object.assign(new Error('I/O error'), { code: 'EIO' });
    });
    expect(result).toEqual({ ok: false, reason: 'unreadable', message: 'a.txt could not be read (EIO)' });
  });

  it('says in each gap what to do about the refusal', async () => {
    const dir = await makeRepo({ 'a.txt': 'a' });
    const outside = await tempDir();
    await fs.symlink(outside, path.join(dir, 'docs'));
    const ctx = makeCtx(dir);
    const snap = await loadRepo(ctx);
    const read = await readRepoFile(ctx, 'docs/SECURITY.md');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(readGap(snap, read)).toEqual({
      kind: 'other',
      resource: 'acme-api',
      message: 'docs/SECURITY.md was not read: docs is a symbolic link that leads outside the checkout; soc2 reads only files inside the checkout: replace the symbolic link with the file or directory itself.',
    });
  });

  it('reads text for a collector: the text, empty for a binary file, and undefined with a gap when it cannot be read', async () => {
    const dir = await makeRepo({ 'a.txt': 'hello', 'b.bin': Buffer.from([1, 0, 2]) });
    const ctx = makeCtx(dir);
    const snap = await loadRepo(ctx);
    const into = { calls: [] as import('../../../../src/collectors/types.js').ApiCall[], gaps: [] as import('../../../../src/collectors/types.js').Gap[] };
    expect(await readRepoText(ctx, snap, 'a.txt', into)).toBe('hello');
    expect(await readRepoText(ctx, snap, 'b.bin', into)).toBe('');
    expect(into.gaps).toEqual([]);
    expect(await readRepoText(ctx, snap, 'gone.txt', into)).toBeUndefined();
    expect(into.gaps).toEqual([{ kind: 'other', resource: snap.name, message: expect.stringContaining('gone.txt') }]);
    expect(into.calls.map((c) => c.params)).toEqual([{ path: 'a.txt' }, { path: 'b.bin' }, { path: 'gone.txt' }]);
  });

  it('derives owner/repo from remote URLs without keeping credentials', () => {
    expect(repoNameFromRemote('git@github.com:acme/api.git')).toBe('acme/api');
    expect(repoNameFromRemote('https://x-access-token:SECRETVALUE@github.com/acme/api.git\n')).toBe('acme/api');
    expect(repoNameFromRemote('ssh://git@ghe.acme.example:2222/platform/infra')).toBe('platform/infra');
    expect(repoNameFromRemote('https://gitlab.com/group/sub/project.git/')).toBe('sub/project');
    expect(repoNameFromRemote('/srv/git/api.git')).toBeUndefined();
    expect(repoNameFromRemote('file:///srv/git/acme/api.git')).toBeUndefined();
  });

  it('matches globs by path segment', () => {
    expect(globToRegExp('packages/*').test('packages/api')).toBe(true);
    expect(globToRegExp('packages/*').test('packages/api/sub')).toBe(false);
    expect(globToRegExp('apps/**').test('apps/web/site')).toBe(true);
    expect(globToRegExp('**/fixtures/**').test('fixtures/a.json')).toBe(true);
    expect(globToRegExp('**/fixtures/**').test('test/fixtures/a.json')).toBe(true);
    expect(globToRegExp('./docs/').test('docs/a/b.md')).toBe(true);
    expect(globToRegExp('*.md').test('a.md')).toBe(true);
    expect(globToRegExp('*.md').test('docs/a.md')).toBe(false);
  });

  it('reads a file in pieces no larger than asked, whole, at every size around the piece boundary', async () => {
    const piece = 64;
    const sizes = [0, 1, piece - 1, piece, piece + 1, 2 * piece, 3 * piece + 5];
    const dir = await makeRepo(Object.fromEntries(sizes.map((n) => [`f${n}.bin`, Buffer.from(Array.from({ length: n }, (_, i) => i % 251))])));
    for (const n of sizes) {
      const pieces = await withRepoFile(makeCtx(dir), `f${n}.bin`, async (file) => {
        const out: Buffer[] = [];
        for await (const p of file.pieces(piece)) out.push(Buffer.from(p));
        return out;
      });
      if ('ok' in pieces) throw new Error(pieces.message);
      expect(pieces.every((p) => p.length > 0 && p.length <= piece), `size ${n}`).toBe(true);
      expect(Buffer.concat(pieces).equals(Buffer.from(Array.from({ length: n }, (_, i) => i % 251))), `size ${n}`).toBe(true);
    }
  });
});
