/**
 * Shared plumbing for the repo.* collectors: which files the checkout tracks, reading one of them
 * safely, the repository's display name, and an ApiCall record for every local read so that each
 * evidence file says exactly what was looked at. Not a collector: it is not registered.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CollectorError } from '../../errors.js';
import type { ApiCall, CollectContext, Gap } from '../types.js';
import { compileLinear, type LinearPattern } from '../../pattern.js';

/** How the list of files was obtained; recorded in every repo.* evidence file. */
export type FileListMethod = 'git' | 'walk';

/** Directories a directory walk never enters (build output and third-party code). */
export const WALK_SKIP_DIRS: readonly string[] = ['.git', 'node_modules', 'dist', 'vendor'];

/** Everything the repo.* collectors share about one checkout, read once per run. */
export interface RepoSnapshot {
  /** Absolute path of the checkout. */
  root: string;
  /** `owner/repo` from the origin remote when it is a hosted URL, else the directory's name. */
  name: string;
  method: FileListMethod;
  /** Why git was not used, when `method` is 'walk'. */
  note?: string;
  /** Paths relative to `root`, '/'-separated, sorted. */
  files: string[];
  /** Directories the walk could not read ('.' for the root); a collector that needed them is incomplete. */
  unreadableDirs: string[];
  /** The calls that produced this snapshot; every collector copies them into its evidence. */
  calls: ApiCall[];
}

/** A local read, recorded like any remote API call so the auditor can see what was consulted. */
export function localCall(ctx: CollectContext, operation: string, params: Record<string, unknown>, items?: number): ApiCall {
  const call: ApiCall = { source: 'local', operation, params, at: ctx.now().toISOString() };
  if (items !== undefined) call.items = items;
  return call;
}

interface GitResult {
  ok: boolean;
  stdout: Buffer;
  /** First line of stderr or the spawn error, when not ok. */
  reason: string;
  /** The git binary could not be started at all. */
  missing: boolean;
}

function git(root: string, args: string[], signal: AbortSignal): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      // The checkout may be an untrusted pull request in CI: a repository-configured fsmonitor
      // would run an arbitrary program on a read-only command, so it is switched off here.
      ['-c', 'core.fsmonitor=false', ...args],
      {
        cwd: root,
        encoding: 'buffer',
        maxBuffer: 512 * 1024 * 1024,
        signal,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, stdout, reason: '', missing: false });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        const firstLine = stderr.toString('utf8').split('\n').find((l) => l.trim() !== '')?.trim();
        resolve({ ok: false, stdout, reason: firstLine ?? error.message, missing: code === 'ENOENT' });
      },
    );
  });
}

/**
 * `owner/repo` from a remote URL, or undefined for local-path remotes. Only the two path segments
 * are kept, so credentials embedded in an https URL never reach the evidence.
 */
export function repoNameFromRemote(url: string): string | undefined {
  const trimmed = url.trim();
  let pathPart: string | undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)$/i.exec(trimmed);
  const scpLike = /^(?:[^@/\s]+@)?[^:/\s]+:(?!\/)(.+)$/.exec(trimmed);
  if (withScheme && !/^file:/i.test(trimmed)) pathPart = withScheme[1];
  else if (scpLike) pathPart = scpLike[1];
  if (!pathPart) return undefined;
  const segments = pathPart.replace(/\.git\/?$/, '').replace(/\/+$/, '').split('/').filter(Boolean);
  if (segments.length < 2) return undefined;
  return `${segments[segments.length - 2]}/${segments[segments.length - 1]}`;
}

async function walk(root: string, signal: AbortSignal): Promise<{ files: string[]; unreadable: string[] }> {
  const files: string[] = [];
  const unreadable: string[] = [];
  const skip = new Set(WALK_SKIP_DIRS);
  async function visit(rel: string): Promise<void> {
    signal.throwIfAborted();
    let entries;
    try {
      entries = await fs.readdir(rel ? path.join(root, rel) : root, { withFileTypes: true });
    } catch {
      unreadable.push(rel || '.');
      return;
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      // Symbolic links are not followed: they can point outside the checkout.
      if (entry.isDirectory()) {
        if (!skip.has(entry.name)) await visit(child);
      } else if (entry.isFile()) {
        files.push(child);
      }
    }
  }
  await visit('');
  return { files, unreadable };
}

async function snapshot(ctx: CollectContext): Promise<RepoSnapshot> {
  const root = path.resolve(ctx.repoRoot);
  try {
    const st = await fs.stat(root);
    if (!st.isDirectory()) throw new Error('not a directory');
  } catch {
    throw new CollectorError(
      `The repository checkout ${root} does not exist or is not a directory.`,
      'not-found',
      'Run soc2 from the root of the checkout, or point the repo root at it.',
    );
  }
  const calls: ApiCall[] = [];
  let name = path.basename(root);

  const listed = await git(root, ['ls-files', '-z', '--cached'], ctx.signal);
  const files = listed.ok ? listed.stdout.toString('utf8').split('\0').filter(Boolean).sort() : [];
  calls.push(localCall(ctx, 'git ls-files', { path: '.', args: ['-z', '--cached'] }, files.length));
  let note: string | undefined;
  if (listed.ok && files.length > 0) {
    const remote = await git(root, ['config', '--get', 'remote.origin.url'], ctx.signal);
    // The URL itself is not recorded: it may carry a token (https://x:token@host/…).
    calls.push(localCall(ctx, 'git config', { key: 'remote.origin.url' }));
    if (remote.ok) name = repoNameFromRemote(remote.stdout.toString('utf8')) ?? name;
    return { root, name, method: 'git', files, unreadableDirs: [], calls };
  }
  if (listed.ok) {
    // A directory inside some other repository but not tracked by it (a demo folder, a fresh
    // `git init`): "tracked" would be vacuous, so the files on disk are what can be judged.
    note = 'git tracks no files under this directory';
  } else if (listed.missing) {
    note = 'git is not installed';
  } else if (/not a git repository/i.test(listed.reason)) {
    note = 'not a git work tree';
  } else {
    note = `git ls-files failed: ${listed.reason}`;
  }
  ctx.progress(`repo: listing files by walking ${root} (${note})`);
  const walked = await walk(root, ctx.signal);
  walked.files.sort();
  calls.push(localCall(ctx, 'walk-directory', { path: '.', skip: [...WALK_SKIP_DIRS] }, walked.files.length));
  return { root, name, method: 'walk', note, files: walked.files, unreadableDirs: walked.unreadable, calls };
}

/** The checkout's file list and name, computed once per run and shared by every repo.* collector. */
export function loadRepo(ctx: CollectContext): Promise<RepoSnapshot> {
  return ctx.memo(`repo:snapshot:${path.resolve(ctx.repoRoot)}`, () => snapshot(ctx));
}

/**
 * Gaps for directories the walk could not read. With `dirs`, only those that could hold one of
 * those directories count (an unreadable `tmp/` says nothing about `.github/CODEOWNERS`).
 */
export function dirGaps(snap: RepoSnapshot, dirs?: readonly string[]): Gap[] {
  const covers = (unreadable: string, dir: string) => unreadable === '.' || dir === unreadable || dir.startsWith(unreadable + '/');
  return snap.unreadableDirs
    .filter((u) => !dirs || dirs.some((d) => covers(u, d)))
    .map((dir) => ({
      kind: 'permission' as const,
      resource: snap.name,
      message: `Directory ${dir} could not be read, so files in it were not checked; make it readable by the user running soc2.`,
    }));
}

/** Population-level facts every repo.* evidence file carries. */
export function repoFacts(snap: RepoSnapshot): Record<string, unknown> {
  const facts: Record<string, unknown> = { fileListMethod: snap.method, fileCount: snap.files.length };
  if (snap.note) facts.fileListNote = snap.note;
  return facts;
}

/** The first of `candidates` present in the snapshot; `ignoreCase` compares paths case-insensitively. */
export function findFirst(snap: RepoSnapshot, candidates: readonly string[], ignoreCase = false): string | undefined {
  return findAll(snap, candidates, ignoreCase)[0];
}

/** Every file of the snapshot matching one of `candidates`, in the candidates' order. */
export function findAll(snap: RepoSnapshot, candidates: readonly string[], ignoreCase = false): string[] {
  const key = (p: string) => (ignoreCase ? p.toLowerCase() : p);
  const byKey = new Map<string, string[]>();
  for (const f of snap.files) {
    const k = key(f);
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  const found: string[] = [];
  for (const c of candidates) for (const f of byKey.get(key(c)) ?? []) if (!found.includes(f)) found.push(f);
  return found;
}

export type ReadResult =
  | { ok: true; text: string; bytes: number; binary: boolean }
  | { ok: false; reason: 'missing' | 'too-large' | 'not-a-file' | 'outside-root' | 'unreadable'; bytes?: number; message: string };

/** Default cap on one file read: larger files are skipped, and the skip is reported. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * Reads one file of the checkout. Never throws for ordinary file-system conditions: the caller
 * turns each outcome into a fact or a gap. A symbolic link is followed only when its target stays
 * inside the checkout, so a crafted link cannot pull /etc/shadow into the evidence.
 */
export async function readRepoFile(
  ctx: CollectContext,
  rel: string,
  options: { maxBytes?: number; calls?: ApiCall[] } = {},
): Promise<ReadResult> {
  const root = path.resolve(ctx.repoRoot);
  const abs = path.join(root, rel);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  options.calls?.push(localCall(ctx, 'read-file', { path: rel }));
  try {
    const link = await fs.lstat(abs);
    if (link.isSymbolicLink()) {
      const [realRoot, target] = await Promise.all([fs.realpath(root), fs.realpath(abs)]);
      if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
        return { ok: false, reason: 'outside-root', message: `${rel} is a symbolic link to a file outside the checkout` };
      }
    }
    const st = await fs.stat(abs);
    if (!st.isFile()) return { ok: false, reason: 'not-a-file', message: `${rel} is not a regular file` };
    if (st.size > maxBytes) {
      return { ok: false, reason: 'too-large', bytes: st.size, message: `${rel} is ${st.size} bytes, over the ${maxBytes}-byte limit` };
    }
    const buf = await fs.readFile(abs, { signal: ctx.signal });
    // The same heuristic git uses: a NUL byte near the start means binary.
    const binary = buf.subarray(0, 8000).includes(0);
    let text = binary ? '' : buf.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text, bytes: buf.length, binary };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { ok: false, reason: 'missing', message: `${rel} is tracked but missing from the working tree` };
    }
    return { ok: false, reason: 'unreadable', message: `${rel} could not be read (${code ?? 'error'})` };
  }
}

/** A gap for a file the collector needed but could not read. */
export function readGap(snap: RepoSnapshot, result: Extract<ReadResult, { ok: false }>): Gap {
  return {
    kind: result.reason === 'unreadable' ? 'permission' : 'other',
    resource: snap.name,
    message: `${result.message}; make it readable by the user running soc2.`,
  };
}

/**
 * A glob as a RegExp over '/'-separated relative paths: `**` spans directories, `*` and `?` stay
 * within one segment, and a pattern ending in '/' matches everything below that directory.
 */
export function globToRegExp(glob: string): LinearPattern {
  let g = glob.trim().replace(/^\.\//, '').replace(/^\//, '');
  if (g.endsWith('/')) g += '**';
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const ch = g[i] as string;
    if (ch === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // RE2: globs come from control params and from the checkout's own package.json, and a pattern
  // like **a**a**a**b would make RegExp backtrack for hours on a long path.
  return compileLinear(`^${re}$`);
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the output. */
export async function mapLimit<T, U>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
