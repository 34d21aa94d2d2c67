/**
 * Conditional requests for Octokit: a `fetch` wrapper that remembers each GET response's ETag and
 * body on disk and revalidates with If-None-Match on the next run. GitHub answers an unchanged
 * resource with 304, which costs no rate limit; the wrapper then hands Octokit the cached body as
 * an ordinary 200 (Octokit would otherwise throw on 304), marked with `x-soc2-cache: revalidated`.
 *
 * The cache is evidence's input, and CI restores it from places an attacker may write to (another
 * branch's cache), so:
 * - Every entry carries an HMAC-SHA256 over everything a 304 would replay (URL, ETag, status,
 *   headers, body), keyed by HKDF from the token. Without the token no valid entry can be written;
 *   an entry that does not verify is deleted and the request is sent again without If-None-Match,
 *   and the response says so (`x-soc2-cache: discarded`, with the reason) for the evidence.
 * - File names are an HMAC of the URL and media type under another derived key: responses depend
 *   on who asks, and neither the token nor a plain hash of it is ever written.
 * - Only what a 304 needs is kept, the body passed through the one redactor.
 * - The directory is 0700 and its files 0600. An existing directory of this user is tightened; one
 *   that is a symbolic link, not a directory, or another user's is not used (the run goes on
 *   without the cache). Symbolic links found inside are removed, never followed.
 * - It is bounded (`maxBytes`): past the budget the least recently used entries are deleted.
 */
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactBody } from '../../evidence/redact.js';
import { sameParsedAnswer } from './complete-json.js';

/** Marks a response that involved the cache: 'revalidated' (304, cached body) or 'discarded' (entry failed verification). */
export const CACHE_HEADER = 'x-soc2-cache';
/** Why an entry was discarded. */
export const CACHE_NOTE_HEADER = 'x-soc2-cache-note';

/** Default size budget. */
export const DEFAULT_CACHE_MAX_BYTES = 100 * 1024 * 1024;

const ENTRY_VERSION = 1;
const HKDF_SALT = 'soc2 etag-cache v1';
/** Pruning goes below the budget by this fraction, so that it does not run on every write. */
const PRUNE_TO = 0.9;
const ENTRY_FILE = /^[0-9a-f]{64}\.json$/;
const TMP_FILE = /^[0-9a-f]{64}\.json\.[0-9a-f-]{36}\.tmp$/;
const SHARD_DIR = /^[0-9a-f]{2}$/;

interface Slot {
  /** HMAC of the request (media type and URL) under the name key. */
  name: string;
  file: string;
}

interface Entry {
  v: number;
  url: string;
  etag: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  mac: string;
}

/** Response headers worth keeping with a cached body (pagination and content type). */
const KEPT_HEADERS = ['content-type', 'link', 'x-oauth-scopes', 'x-accepted-oauth-scopes', 'x-github-media-type'];
/** Headers taken from the fresh 304, which carry the current budget and the new request id. */
const FRESH_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset', 'x-ratelimit-resource', 'x-github-request-id', 'date', 'x-oauth-scopes', 'etag'];

export interface EtagCacheStats {
  revalidated: number;
  stored: number;
  /** Entries that failed verification and were fetched again. */
  discarded: number;
  /** Entries deleted to stay within the size budget. */
  pruned: number;
  /** Why the cache is not in use this run, when it is not. */
  disabled?: string;
}

export interface EtagCacheOptions {
  /** The configured cache directory; entries live in its `etags/` subdirectory. */
  dir: string;
  /** The token the requests carry: the MAC and file-name keys derive from it. Never stored. */
  token: string;
  /** Size budget in bytes (0: no cache). */
  maxBytes?: number;
  inner?: typeof fetch;
  /** Where to say that the cache is not used, and why. */
  note?: (message: string) => void;
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function deriveKey(token: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), HKDF_SALT, purpose, 32));
}

const errCode = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** The same response with some headers set (and our own markers never taken from the network). */
function withHeaders(res: Response, set: Record<string, string>, body?: string): Response {
  const headers = new Headers(res.headers);
  headers.delete(CACHE_HEADER);
  headers.delete(CACHE_NOTE_HEADER);
  for (const [k, v] of Object.entries(set)) headers.set(k, v);
  const nullBody = [101, 204, 205, 304].includes(res.status);
  return new Response(nullBody ? null : body ?? res.body, { status: res.status, statusText: res.statusText, headers });
}

export function cachingFetch(opts: EtagCacheOptions): { fetch: typeof fetch; stats: EtagCacheStats } {
  const inner = opts.inner ?? globalThis.fetch;
  const maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  const root = join(opts.dir, 'etags');
  const stats: EtagCacheStats = { revalidated: 0, stored: 0, discarded: 0, pruned: 0 };
  const macKey = deriveKey(opts.token, 'entry mac');
  const nameKey = deriveKey(opts.token, 'entry name');
  /** Entry files on disk (path → size, last use), for the size budget. */
  const index = new Map<string, { size: number; usedMs: number }>();
  let total = 0;

  const disable = (why: string) => {
    stats.disabled = why;
    opts.note?.(`GitHub ETag cache not used: ${why}`);
  };

  const forget = (file: string) => {
    const had = index.get(file);
    if (had) total -= had.size;
    index.delete(file);
  };

  const remove = async (file: string) => {
    forget(file);
    await unlink(file).catch(() => {});
  };

  const prune = async () => {
    if (total <= maxBytes) return;
    const oldestFirst = [...index].sort((a, b) => a[1].usedMs - b[1].usedMs);
    for (const [file] of oldestFirst) {
      if (total <= maxBytes * PRUNE_TO) break;
      await remove(file);
      stats.pruned++;
    }
  };

  /** Our directory, 0700, with what is already in it indexed; false when it may not be used. */
  const open = async (): Promise<boolean> => {
    if (maxBytes <= 0) {
      stats.disabled = 'cacheMaxMegabytes is 0';
      return false;
    }
    try {
      await mkdir(root, { recursive: true, mode: 0o700 });
      const st = await lstat(root);
      if (st.isSymbolicLink() || !st.isDirectory()) {
        disable(`${root} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; soc2 keeps its cache only in a directory of its own.`);
        return false;
      }
      const uid = process.getuid?.();
      if (uid !== undefined && st.uid !== uid) {
        disable(`${root} belongs to another user (uid ${st.uid}); remove it or point github.cacheDir elsewhere.`);
        return false;
      }
      if ((st.mode & 0o077) !== 0) await chmod(root, 0o700);
      for (const shard of await readdir(root)) {
        const dir = join(root, shard);
        const s = await lstat(dir);
        if (s.isSymbolicLink()) {
          await unlink(dir); // a link restored from elsewhere would make us write outside the cache
          continue;
        }
        if (!s.isDirectory() || !SHARD_DIR.test(shard)) continue;
        if ((s.mode & 0o077) !== 0) await chmod(dir, 0o700);
        for (const name of await readdir(dir)) {
          const file = join(dir, name);
          const f = await lstat(file);
          if (f.isSymbolicLink()) {
            await unlink(file);
            continue;
          }
          if (!f.isFile() || !(ENTRY_FILE.test(name) || TMP_FILE.test(name))) continue;
          if ((f.mode & 0o077) !== 0) await chmod(file, 0o600);
          index.set(file, { size: f.size, usedMs: f.mtimeMs });
          total += f.size;
        }
      }
      await prune();
      return true;
    } catch (e) {
      disable(`${root} could not be prepared (${errCode(e) ?? (e as Error).message}).`);
      return false;
    }
  };
  let opened: Promise<boolean> | undefined;

  /** Where a request's entry lives; its name (which the MAC covers) binds the entry to the request. */
  const slotFor = (headers: Headers, url: string): Slot => {
    const name = createHmac('sha256', nameKey).update(`${headers.get('accept') ?? ''}\n${url}`).digest('hex');
    return { name, file: join(root, name.slice(0, 2), `${name}.json`) };
  };

  const macOf = (slot: Slot, e: Omit<Entry, 'mac'>) => {
    const headers = Object.entries(e.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return createHmac('sha256', macKey).update(JSON.stringify([e.v, slot.name, e.url, e.etag, e.status, headers, e.body])).digest('hex');
  };

  type Lookup = { kind: 'hit'; entry: Entry } | { kind: 'miss' } | { kind: 'discard'; reason: string };

  const lookup = async ({ file, ...slot }: Slot, url: string): Promise<Lookup> => {
    let text: string;
    try {
      const st = await lstat(file);
      if (!st.isFile()) return { kind: 'discard', reason: 'the cache entry is not a regular file' };
      if (st.size > maxBytes) return { kind: 'discard', reason: 'the cache entry is larger than the whole cache may be' };
      text = await readFile(file, 'utf8');
    } catch (e) {
      return errCode(e) === 'ENOENT' ? { kind: 'miss' } : { kind: 'discard', reason: `the cache entry could not be read (${errCode(e) ?? 'error'})` };
    }
    let e: Partial<Entry>;
    try {
      e = JSON.parse(text) as Partial<Entry>;
    } catch {
      return { kind: 'discard', reason: 'the cache entry is not valid JSON' };
    }
    if (e === null || typeof e !== 'object' || e.v !== ENTRY_VERSION || typeof e.url !== 'string' || typeof e.etag !== 'string' || typeof e.status !== 'number'
      || typeof e.body !== 'string' || typeof e.mac !== 'string' || e.headers === null || typeof e.headers !== 'object'
      || Object.values(e.headers).some((v) => typeof v !== 'string')) {
      return { kind: 'discard', reason: 'the cache entry is not one this version of soc2 writes' };
    }
    const entry = e as Entry;
    const expected = Buffer.from(macOf({ file, ...slot }, entry), 'hex');
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(entry.mac) ? entry.mac : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { kind: 'discard', reason: 'the cache entry\'s MAC does not verify (written without this token, or edited since)' };
    }
    if (entry.url !== url) return { kind: 'discard', reason: 'the cache entry belongs to another URL' };
    return { kind: 'hit', entry };
  };

  const store = async (slot: Slot, fields: Omit<Entry, 'mac' | 'v'>) => {
    const { file } = slot;
    const entry: Entry = { v: ENTRY_VERSION, ...fields, mac: '' };
    entry.mac = macOf(slot, entry);
    const text = JSON.stringify(entry);
    const size = Buffer.byteLength(text);
    if (size > maxBytes * PRUNE_TO) return; // would evict everything else
    const shard = join(file, '..');
    await mkdir(shard, { mode: 0o700 }).catch((e: unknown) => {
      if (errCode(e) !== 'EEXIST') throw e;
    });
    const st = await lstat(shard);
    if (st.isSymbolicLink() || !st.isDirectory()) return;
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await rename(tmp, file); // atomic: concurrent runs never read half an entry
    forget(file);
    index.set(file, { size, usedMs: Date.now() });
    total += size;
    stats.stored++;
    await prune();
  };

  const wrapped: typeof fetch = async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'GET' || !(await (opened ??= open()))) return clean(await inner(input, init));
    const url = urlOf(input);
    const headers = new Headers(init?.headers);
    const slot = slotFor(headers, url);
    const { file } = slot;
    const found = await lookup(slot, url);
    if (found.kind === 'discard') {
      stats.discarded++;
      await remove(file);
    }
    if (found.kind === 'hit') headers.set('if-none-match', found.entry.etag);
    else headers.delete('if-none-match');
    const res = await inner(input, { ...init, headers });

    if (res.status === 304 && found.kind === 'hit') {
      stats.revalidated++;
      const { entry } = found;
      const merged = new Headers(entry.headers);
      for (const name of FRESH_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) merged.set(name, v);
      }
      merged.set(CACHE_HEADER, 'revalidated');
      const now = new Date();
      await utimes(file, now, now).catch(() => {});
      const known = index.get(file);
      if (known) known.usedMs = now.getTime();
      return new Response(entry.body, { status: entry.status, headers: merged });
    }
    const marks: Record<string, string> = found.kind === 'discard' ? { [CACHE_HEADER]: 'discarded', [CACHE_NOTE_HEADER]: found.reason } : {};
    const etag = res.headers.get('etag');
    if (res.status === 200 && etag) {
      const body = await res.text();
      const kept: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) kept[name] = v;
      }
      try {
        await store(slot, { url, etag, status: 200, headers: kept, body: redactBody(body) });
      } catch {
        // A read-only or full disk only costs the next run its 304s; the response is still good.
      }
      return sameParsedAnswer(res, withHeaders(res, marks, body));
    }
    return Object.keys(marks).length ? withHeaders(res, marks) : clean(res);
  };
  return { fetch: wrapped, stats };
}

/** A response from the network never carries our markers. */
function clean(res: Response): Response {
  return res.headers.has(CACHE_HEADER) || res.headers.has(CACHE_NOTE_HEADER) ? withHeaders(res, {}) : res;
}
