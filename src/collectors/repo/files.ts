/**
 * Shared plumbing for the repo.* collectors: which files the checkout tracks, reading one of them
 * safely, the repository's display name, and an ApiCall record for every local read so that each
 * evidence file says exactly what was looked at. Not a collector: it is not registered.
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CollectorError } from '../../errors.js';
import type { ApiCall, CollectContext, Gap } from '../types.js';
import type { LinearPattern } from '../../pattern.js';
import { compileGlob } from '../../util/glob.js';

/** How the list of files was obtained; recorded in every repo.* evidence file. */
export type FileListMethod = 'git' | 'walk';

/** Directories a directory walk never enters (build output and third-party code). */
export const WALK_SKIP_DIRS: readonly string[] = ['.git', 'node_modules', 'dist', 'vendor', '.soc2-cache'];

/**
 * soc2's own output in the checkout: a report directory (it holds the `.soc2-report` marker), the
 * staging and set-aside directories a run swaps through (`.<out>.soc2-tmp-…`, `.<out>.soc2-old-…`).
 * A run writing its report while it reads the checkout must not scan what it is writing: those
 * files change under the scanner, and evidence of evidence proves nothing.
 */
const SOC2_WORK_DIR = /^\..+\.soc2-(?:tmp|old)-[0-9a-f]+$/;
const REPORT_MARKER_FILE = '.soc2-report';

async function isSoc2Output(dir: string, name: string): Promise<boolean> {
  if (SOC2_WORK_DIR.test(name)) return true;
  try {
    return (await fs.lstat(path.join(dir, REPORT_MARKER_FILE))).isFile();
  } catch {
    return false;
  }
}

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
  /**
   * Tracked files git marks skip-worktree: outside a sparse checkout, so normally absent from the
   * work tree. They stay in `files` (they are part of the repository); a collector that cannot
   * read one says why.
   */
  skipWorktree: ReadonlySet<string>;
  /** Directories the walk could not read ('.' for the root); a collector that needed them is incomplete. */
  unreadableDirs: string[];
  /** The calls that produced this snapshot; every collector copies them into its evidence. */
  calls: ApiCall[];
}

/** A local read, recorded like any remote API call so the auditor can see what was consulted. */
export function localCall(ctx: CollectContext<'repo'>, operation: string, params: Record<string, unknown>, items?: number): ApiCall {
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
        if (!skip.has(entry.name) && !(await isSoc2Output(path.join(root, child), entry.name))) await visit(child);
      } else if (entry.isFile()) {
        files.push(child);
      }
    }
  }
  await visit('');
  return { files, unreadable };
}

async function snapshot(ctx: CollectContext<'repo'>): Promise<RepoSnapshot> {
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

  // -t tags each path: 'S ' marks skip-worktree entries (a sparse checkout), 'H ' the others.
  const listed = await git(root, ['ls-files', '-z', '-t', '--cached'], ctx.signal);
  const files: string[] = [];
  const skipWorktree = new Set<string>();
  if (listed.ok) {
    for (const entry of listed.stdout.toString('utf8').split('\0')) {
      if (entry.length < 3) continue;
      const file = entry.slice(2);
      files.push(file);
      if (entry[0] === 'S') skipWorktree.add(file);
    }
    files.sort();
  }
  calls.push(localCall(ctx, 'git ls-files', { path: '.', args: ['-z', '-t', '--cached'] }, files.length));
  let note: string | undefined;
  if (listed.ok && files.length > 0) {
    const remote = await git(root, ['config', '--get', 'remote.origin.url'], ctx.signal);
    // The URL itself is not recorded: it may carry a token (https://x:token@host/…).
    calls.push(localCall(ctx, 'git config', { key: 'remote.origin.url' }));
    if (remote.ok) name = repoNameFromRemote(remote.stdout.toString('utf8')) ?? name;
    return { root, name, method: 'git', files, skipWorktree, unreadableDirs: [], calls };
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
  calls.push(localCall(ctx, 'walk-directory', { path: '.', skip: [...WALK_SKIP_DIRS, 'soc2 report directories (.soc2-report marker) and their staging directories'] }, walked.files.length));
  return { root, name, method: 'walk', note, files: walked.files, skipWorktree: new Set(), unreadableDirs: walked.unreadable, calls };
}

/** The checkout's file list and name, computed once per run and shared by every repo.* collector. */
export function loadRepo(ctx: CollectContext<'repo'>): Promise<RepoSnapshot> {
  return ctx.memo(`repo:snapshot:${path.resolve(ctx.repoRoot)}`, (ctx) => snapshot(ctx));
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
  if (snap.skipWorktree.size) facts.filesOutsideSparseCheckout = snap.skipWorktree.size;
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

/** Why a file of the checkout was not read. Every collector makes each of these visible in its evidence. */
export interface Refusal {
  ok: false;
  reason: 'missing' | 'too-large' | 'not-a-file' | 'outside-root' | 'changed' | 'unreadable';
  bytes?: number;
  /** A sentence naming the path and why it was not read. */
  message: string;
}

export type ReadResult = { ok: true; text: string; bytes: number; binary: boolean } | Refusal;

/** Default cap on one whole-file read: larger files are refused as 'too-large', and the refusal is reported. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** One file of the checkout, opened after it was proven to lie inside it. */
export interface OpenedRepoFile {
  /** Bytes in the file when it was opened (for a link read as a link: in the path it holds). */
  size: number;
  /** A symbolic link read as what git stores for it, the path it points to, instead of being followed. */
  link: boolean;
  /** The contents in pieces of at most `pieceBytes`, read from the open file descriptor, never by path again. */
  pieces(pieceBytes: number): AsyncIterable<Buffer>;
  /** The first `limit` bytes (fewer at the end of the file). */
  head(limit: number): Promise<Buffer>;
}

const refuse = (reason: Refusal['reason'], message: string, bytes?: number): Refusal =>
  bytes === undefined ? { ok: false, reason, message } : { ok: false, reason, bytes, message };

/** `p` is `root` or below it; both are real paths (no symbolic links). */
function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The segments of a '/'-separated relative path, or undefined when it is not a plain path below
 * the root: git never lists an absolute path or one with an empty, '.' or '..' part, so such a
 * path can only come from a bug or a crafted index, and is never joined onto the root.
 */
function plainSegments(rel: string): string[] | undefined {
  const segments = rel.split('/');
  const bad = (s: string) => s === '' || s === '.' || s === '..' || s.includes('\0') || s.includes(path.sep);
  return segments.some(bad) ? undefined : segments;
}

function realRoot(ctx: CollectContext<'repo'>): Promise<string> {
  const root = path.resolve(ctx.repoRoot);
  // The root itself may sit below a symbolic link (macOS /tmp, a CI workspace link): the user
  // named it, so it is trusted; everything below it is not.
  return ctx.memo(`repo:real-root:${root}`, () => fs.realpath(root));
}

/** The shortest leading part of `segments` whose real path lies outside `root`: the link to blame. */
async function escapingPrefix(root: string, segments: readonly string[]): Promise<string> {
  for (let i = 1; i <= segments.length; i++) {
    const real = await fs.realpath(path.join(root, ...segments.slice(0, i))).catch(() => undefined);
    if (real !== undefined && !isInside(root, real)) return segments.slice(0, i).join('/');
  }
  return segments.join('/');
}

type Located =
  | { kind: 'file'; real: string; dev: bigint; ino: bigint }
  | { kind: 'link'; target: string };

/**
 * Finds `rel` below the checkout without leaving it. Every directory on the way is resolved to its
 * real path (fs.realpath resolves each component in turn, links included), so a tracked directory
 * replaced by a symbolic link (`.github -> /elsewhere`) is caught at whatever depth it sits, as a
 * file link is; a link that stays inside the checkout is followed. The identity (device, inode)
 * of the file found is returned so that the open that follows can prove it opened that very file.
 */
async function locate(root: string, rel: string, finalLink: 'follow' | 'as-link'): Promise<Located | Refusal> {
  const segments = plainSegments(rel);
  if (!segments) return refuse('outside-root', `${rel} is not a plain path inside the checkout (it is absolute or has an empty, "." or ".." part), so it was not read`);
  const dirs = segments.slice(0, -1);
  const name = segments[segments.length - 1] as string;
  const parent = dirs.length ? await fs.realpath(path.join(root, ...dirs)) : root;
  if (!isInside(root, parent)) {
    return refuse('outside-root', `${rel} was not read: ${await escapingPrefix(root, dirs)} is a symbolic link that leads outside the checkout`);
  }
  let at = path.join(parent, name);
  let st = await fs.lstat(at, { bigint: true });
  if (st.isSymbolicLink()) {
    if (finalLink === 'as-link') return { kind: 'link', target: await fs.readlink(at) };
    at = await fs.realpath(at);
    if (!isInside(root, at)) return refuse('outside-root', `${rel} is a symbolic link to a file outside the checkout, so it was not read`);
    st = await fs.lstat(at, { bigint: true });
  }
  if (!st.isFile()) return refuse('not-a-file', `${rel} is not a regular file, so it was not read`);
  return { kind: 'file', real: at, dev: st.dev, ino: st.ino };
}

// O_NOFOLLOW: the last component must not have become a link since it was located. O_NONBLOCK:
// a FIFO swapped in cannot hang the run. Neither exists on Windows, where 0 leaves them out.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);

function openedFile(handle: FileHandle, size: number, signal: AbortSignal): OpenedRepoFile {
  return {
    size,
    link: false,
    async *pieces(pieceBytes) {
      for (let position = 0; ; ) {
        signal.throwIfAborted();
        // A buffer as large as what is left (plus a byte, to notice growth), not a whole piece:
        // most files are small, and a megabyte per file would keep the garbage collector busy.
        const want = Math.min(pieceBytes, Math.max(size - position, 0) + 1);
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buf, 0, want, position);
        if (bytesRead === 0) return;
        position += bytesRead;
        yield buf.subarray(0, bytesRead);
        // A short read of a regular file is its end; a file that grew fills the buffer and goes on.
        if (bytesRead < want && position >= size) return;
      }
    },
    async head(limit) {
      const buf = Buffer.allocUnsafe(limit);
      let filled = 0;
      while (filled < limit) {
        signal.throwIfAborted();
        const { bytesRead } = await handle.read(buf, filled, limit - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buf.subarray(0, filled);
    },
  };
}

function linkAsFile(target: string): OpenedRepoFile {
  const bytes = Buffer.from(target, 'utf8');
  return {
    size: bytes.length,
    link: true,
    async *pieces() {
      yield bytes;
    },
    async head(limit) {
      return bytes.subarray(0, limit);
    },
  };
}

/**
 * The one way a repo.* collector reads a file of the checkout. Resolves `rel` inside the checkout
 * (see `locate`), opens what it found and checks, on the open descriptor, that it is the same
 * regular file (device and inode): a directory swapped for a link between the two steps cannot
 * redirect the read, because whatever was opened must be the file that was proven to be inside.
 * Then hands the open file to `use` and closes it. Never throws for ordinary file-system
 * conditions (including a failure inside `use` while reading): the caller turns each refusal
 * into a gap or a fact. With `links: 'as-link'` a final symbolic link is not followed but
 * presented as a file holding the path it points to (what git commits for a link).
 */
export async function withRepoFile<T>(
  ctx: CollectContext<'repo'>,
  rel: string,
  use: (file: OpenedRepoFile) => Promise<T>,
  options: { calls?: ApiCall[]; links?: 'follow' | 'as-link' } = {},
): Promise<T | Refusal> {
  options.calls?.push(localCall(ctx, 'read-file', { path: rel }));
  let handle: FileHandle | undefined;
  try {
    const found = await locate(await realRoot(ctx), rel, options.links ?? 'follow');
    if ('ok' in found) return found;
    if (found.kind === 'link') return await use(linkAsFile(found.target));
    handle = await fs.open(found.real, OPEN_FLAGS);
    const st = await handle.stat({ bigint: true });
    if (!st.isFile() || st.dev !== found.dev || st.ino !== found.ino) {
      return refuse('changed', `${rel} changed while it was being opened, so it was not read`);
    }
    return await use(openedFile(handle, Number(st.size), ctx.signal));
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return refuse('missing', `${rel} is tracked but missing from the working tree (or a link in its path leads nowhere), so it was not read`);
    }
    if (code === 'ELOOP') return refuse('outside-root', `${rel} could not be read: its path has a loop of symbolic links`);
    return refuse('unreadable', `${rel} could not be read (${code ?? (err instanceof Error ? err.message : 'error')})`);
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Reads one whole file of the checkout (through `withRepoFile`, so never outside it). A file over
 * `maxBytes` is refused as 'too-large' rather than read. `binary` is git's heuristic: a NUL byte
 * in the first 8000 bytes; the text of a binary file is left empty.
 */
export async function readRepoFile(
  ctx: CollectContext<'repo'>,
  rel: string,
  options: { maxBytes?: number; calls?: ApiCall[] } = {},
): Promise<ReadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const tooLarge = (bytes: number) => refuse('too-large', `${rel} is ${bytes} bytes, over the ${maxBytes}-byte limit`, bytes);
  return withRepoFile<ReadResult>(
    ctx,
    rel,
    async (file) => {
      if (file.size > maxBytes) return tooLarge(file.size);
      // One byte more than the size tells a file that grew after it was opened.
      const buf = await file.head(file.size + 1);
      if (buf.length > file.size) return refuse('changed', `${rel} grew while it was being read, so it was not read`);
      const binary = buf.subarray(0, 8000).includes(0);
      let text = binary ? '' : buf.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { ok: true, text, bytes: buf.length, binary };
    },
    { calls: options.calls },
  );
}

/**
 * A whole file of the checkout as text ('' for a binary file), for a collector that cannot judge
 * without it: a file that could not be read gives undefined and a gap in `into.gaps`, because a
 * caller that read it as empty could excuse what it should have checked.
 */
export async function readRepoText(ctx: CollectContext<'repo'>, snap: RepoSnapshot, rel: string, into: { calls: ApiCall[]; gaps: Gap[] }): Promise<string | undefined> {
  const read = await readRepoFile(ctx, rel, { calls: into.calls });
  if (read.ok) return read.text;
  into.gaps.push(readGap(snap, read));
  return undefined;
}

/** Whether `rel` is a regular file inside the checkout (a link leading out of it is not). */
export async function isRepoFile(ctx: CollectContext<'repo'>, rel: string): Promise<boolean> {
  try {
    const found = await locate(await realRoot(ctx), rel, 'follow');
    return !('ok' in found);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return false;
  }
}

/** What to do about a refusal, for a gap's sentence. */
function remedy(reason: Refusal['reason']): string {
  switch (reason) {
    case 'unreadable':
      return 'make it readable by the user running soc2';
    case 'outside-root':
      return 'soc2 reads only files inside the checkout: replace the symbolic link with the file or directory itself';
    case 'missing':
      return 'restore it (git checkout -- <path>) or commit its removal';
    case 'changed':
      return 'run soc2 again while nothing else modifies the checkout';
    case 'too-large':
      return 'make it smaller';
    case 'not-a-file':
      return 'make it a regular file';
  }
}

/** A gap for a file the collector needed but did not read. */
export function readGap(snap: RepoSnapshot, result: Refusal): Gap {
  return {
    kind: result.reason === 'unreadable' ? 'permission' : 'other',
    resource: snap.name,
    message: `${result.message}; ${remedy(result.reason)}.`,
  };
}

/**
 * A glob (src/util/glob.ts) over '/'-separated paths relative to the checkout: a leading './' or
 * '/' is dropped, and a pattern ending in '/' matches everything below that directory.
 */
export function globToRegExp(glob: string): LinearPattern {
  let g = glob.trim().replace(/^\.\//, '').replace(/^\//, '');
  if (g.endsWith('/')) g += '**';
  return compileGlob(g);
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
