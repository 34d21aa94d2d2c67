/**
 * Test helpers for the repo.* collectors: a minimal CollectContext and fixture checkouts built in
 * a fresh temporary directory (optionally as a git work tree with everything staged).
 */
import { chars } from '../../../../src/sandbox/estate/sample-repo.js';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { CollectContext } from '../../../../src/collectors/types.js';
import { standaloneContext } from '../../../../src/engine/memo.js';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

export function makeCtx(repoRoot: string, overrides: Partial<CollectContext<'repo', 'github'>> = {}): CollectContext<'repo', 'github'> {
  const { signal, memo, ...rest } = overrides;
  // Overrides go into the base, as the engine builds it, so that work shared through ctx.memo
  // sees them too (a ctx.github, a clock).
  const ctx = standaloneContext({
    repoRoot,
    period: { start: '2026-04-01', end: '2026-06-30' },
    now: () => new Date('2026-06-30T00:00:00Z'),
    progress: () => {},
    ...rest,
  }, signal);
  return memo ? { ...ctx, memo } : ctx;
}

/** Runs git in `dir` with an identity and no user/system config, so the developer's setup cannot leak in. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=Test', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/**
 * Writes `files` (relative path → contents) into a new temporary directory. With `git`, the
 * directory becomes a work tree with every file staged, and `untracked` files are written after.
 */
export async function makeRepo(
  files: Record<string, string | Buffer>,
  options: { git?: boolean; remote?: string; untracked?: Record<string, string>; name?: string } = {},
): Promise<string> {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'soc2-repo-'));
  created.push(parent);
  const dir = path.join(parent, options.name ?? 'acme-api');
  await fs.mkdir(dir);
  await writeFiles(dir, files);
  if (options.git) {
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    if (options.remote) git(dir, 'remote', 'add', 'origin', options.remote);
  }
  if (options.untracked) await writeFiles(dir, options.untracked);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, contents] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, contents);
  }
}

/** A fresh temporary directory that is removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'soc2-tmp-'));
  created.push(dir);
  return dir;
}

/** Deterministic letters and digits, so fake secrets look random without being real. */
export function fakeChars(length: number, seed: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  return chars(length, seed, alphabet);
}

/**
 * Fake secrets assembled at run time: the repository itself must not contain a literal that
 * secret scanners (ours, GitHub push protection) would flag.
 */
export const fake = {
  awsKeyId: () => ['AK', 'IA'].join('') + fakeChars(16, 7, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
  githubToken: () => ['gh', 'p_'].join('') + fakeChars(36, 11),
  githubFineGrained: () => ['github', '_pat_'].join('') + fakeChars(22, 13) + '_' + fakeChars(59, 17),
  slackToken: () => ['xo', 'xb-'].join('') + fakeChars(12, 23, '0123456789') + '-' + fakeChars(13, 29, '0123456789') + '-' + fakeChars(24, 19),
  privateKey: (type = 'RSA ') => {
    const dashes = '-'.repeat(5);
    const body = Array.from({ length: 6 }, (_, i) => fakeChars(64, 100 + i, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'));
    return [`${dashes}BEGIN ${type}${'PRIVATE'} KEY${dashes}`, ...body, `${dashes}END ${type}${'PRIVATE'} KEY${dashes}`].join('\n');
  },
};
