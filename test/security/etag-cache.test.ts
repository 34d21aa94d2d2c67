/**
 * Threat model: evidence cannot be forged through the GitHub ETag cache.
 *
 * The cache sits on disk between runs and CI restores it from places others can write to (another
 * branch's cache, a shared runner). Whoever can write it must not be able to change a verdict:
 * - an edited entry (new body, same ETag — GitHub would answer 304) is discarded and fetched again,
 *   and the evidence says so;
 * - a cache written with another token, even under the names this token uses and with GitHub's
 *   current ETags, gives the same verdicts as no cache;
 * - the directory is private (0700/0600), holds neither the token nor anything redaction would
 *   remove from evidence, and stays within its size budget, pruning the least recently used.
 * What the MAC does not protect against — someone who holds the same token — is in SECURITY.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachingFetch } from '../../src/collectors/github/etag-cache.js';
import { readResults } from '../../src/results.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempDir, tempTree } from '../helpers/tmp.js';

const TOKEN = 'ghp' + '_' + 'cacheTestToken'.padEnd(36, '7');
const GHP_IN_BODY = 'ghp' + '_' + 'leakedIntoAnIssueBody'.padEnd(36, '3');

/** Every cache entry file under a cache directory, with its parsed contents. */
function entries(cacheDir: string): Array<{ file: string; entry: { url: string; etag: string; body: string; [k: string]: unknown } }> {
  const root = join(cacheDir, 'etags');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard))
    .filter((n) => n.endsWith('.json'))
    .map((n) => ({ file: join(root, shard, n), entry: JSON.parse(readFileSync(join(root, shard, n), 'utf8')) })));
}

/**
 * A GitHub-like origin for unit tests: answers `GET <path>` with the body registered for it,
 * an ETag derived from the body, and 304 when If-None-Match matches.
 */
function fakeOrigin(bodies: Map<string, string>) {
  const seen: Array<{ url: string; ifNoneMatch: string | null }> = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    seen.push({ url, ifNoneMatch: headers.get('if-none-match') });
    const body = bodies.get(new URL(url).pathname);
    if (body === undefined) return new Response('{"message":"Not Found"}', { status: 404 });
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(body, { status: 200, headers: { etag, 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': 'R1' } });
  };
  return { fetch: fetchFn, seen };
}

const get = (f: typeof fetch, path: string) => f(`https://api.example.test${path}`, { method: 'GET', headers: { accept: 'application/vnd.github+json', authorization: `token ${TOKEN}` } });

describe('soc2 run: an edited or foreign cache cannot change a verdict', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub(demoGitHubEstate());
  });
  afterAll(() => gh.close());

  const config = 'period: { start: 2026-01-01, end: 2026-03-31 }\ngithub: { org: northwind-analytics }\n';
  const run = (dir: string, token: string = DEMO_TOKENS.owner) => runCli(['run', '--only', 'GH-018,GH-019'], { cwd: dir, env: cleanEnv({ GITHUB_TOKEN: token, GITHUB_API_URL: gh.url }) });
  type Results = { controls: Array<{ id: string; status: string; evidence: Array<{ calls: Array<{ operation: string; status?: number; cache?: string; cacheNote?: string }> }> }> };
  const results = (dir: string): Results => readResults(JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')));
  const verdicts = (dir: string) => Object.fromEntries(results(dir).controls.map((c) => [c.id, c.status]));
  const cacheDir = (dir: string) => join(dir, '.soc2-cache', 'github');

  it('discards a cached body edited to turn a failing control into a pass, fetches it again and says so', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config });
    expect((await run(dir)).code).toBe(1);
    expect(verdicts(dir)['GH-018']).toBe('fail');
    // The attacker's edit: no webhooks at all, under the ETag GitHub still answers 304 to.
    const hooks = entries(cacheDir(dir)).filter(({ entry }) => /\/hooks(\?|$)/.test(entry.url) && entry.body !== '[]');
    expect(hooks.length).toBeGreaterThan(0);
    for (const { file, entry } of hooks) writeFileSync(file, JSON.stringify({ ...entry, body: '[]' }));

    const again = await run(dir);
    expect(verdicts(dir)['GH-018']).toBe('fail');
    expect(again.code).toBe(1);
    const calls = results(dir).controls.find((c) => c.id === 'GH-018')!.evidence.flatMap((e) => e.calls);
    const hookCalls = calls.filter((c) => c.operation === 'GET /repos/{owner}/{repo}/hooks' && c.cache !== 'revalidated');
    expect(hookCalls.length).toBe(hooks.length);
    for (const c of hookCalls) {
      expect(c.cache).toBe('discarded');
      expect(c.cacheNote).toMatch(/MAC does not verify/);
      expect(c.status).toBe(200);
    }
    // Entries that were not touched still revalidate: the cache keeps working.
    expect(calls.some((c) => c.cache === 'revalidated' && c.status === 304)).toBe(true);
  });

  it('gives the verdicts of a run without cache when the restored cache was written with another token', async () => {
    const clean = tempTree({ 'soc2.config.yaml': config });
    await run(clean);
    const expected = verdicts(clean);
    expect(expected['GH-018']).toBe('fail');

    // The strongest forgery someone without the token can make: valid entries under their own
    // token, placed under the names this token uses, with GitHub's current ETags (so GitHub
    // answers 304) and the bodies they want.
    const restored = tempTree({ 'soc2.config.yaml': config });
    const victim = entries(cacheDir(clean));
    for (const { file, entry } of victim) {
      const forged = join(tempDir(), 'forge');
      const f = cachingFetch({ dir: forged, token: DEMO_TOKENS.narrow, inner: async () => new Response(/\/hooks(\?|$)/.test(entry.url) ? '[]' : entry.body, { status: 200, headers: { etag: entry.etag, 'content-type': 'application/json' } }) });
      await f.fetch(entry.url, { method: 'GET', headers: { accept: 'application/vnd.github.v3+json' } });
      const [made] = entries(forged);
      const target = join(cacheDir(restored), file.slice(cacheDir(clean).length));
      mkdirSync(join(target, '..'), { recursive: true });
      renameSync(made!.file, target);
    }
    await run(restored);
    expect(verdicts(restored)).toEqual(expected);
    const calls = results(restored).controls.flatMap((c) => c.evidence.flatMap((e) => e.calls));
    expect(calls.some((c) => c.cache === 'discarded')).toBe(true);
    expect(calls.some((c) => c.cache === 'revalidated')).toBe(false);
  });

  it('keeps the cache private: directory 0700, files 0600, and neither the token nor a hash of it inside', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config });
    await run(dir);
    const root = join(cacheDir(dir), 'etags');
    expect(statSync(root).mode & 0o777).toBe(0o700);
    const all = entries(cacheDir(dir));
    expect(all.length).toBeGreaterThan(0);
    const token = DEMO_TOKENS.owner;
    const fingerprints = [token, createHash('sha256').update(token).digest('hex'), createHash('sha256').update(`token ${token}`).digest('hex')];
    for (const { file } of all) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
      expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
      const text = readFileSync(file, 'utf8');
      for (const f of fingerprints) expect(text).not.toContain(f);
      for (const f of fingerprints) expect(file).not.toContain(f);
    }
  });
});

describe('collectors/github/etag-cache', () => {
  it('keeps only redacted bodies and only what a 304 needs', async () => {
    const dir = tempDir();
    const origin = fakeOrigin(new Map([['/repos/acme/api/issues', JSON.stringify([{ title: `oops ${GHP_IN_BODY}`, url: 'https://deploy:hunter2hunter2@ci.example/x' }])]]));
    const cache = cachingFetch({ dir, token: TOKEN, inner: origin.fetch });
    const res = await get(cache.fetch, '/repos/acme/api/issues');
    expect(await res.text()).toContain(GHP_IN_BODY); // the engine redacts what collectors return
    const [{ file, entry }] = entries(dir) as [ReturnType<typeof entries>[number]];
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(GHP_IN_BODY);
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain(TOKEN);
    expect(Object.keys(entry).sort()).toEqual(['body', 'etag', 'headers', 'mac', 'status', 'url', 'v']);
    expect(Object.keys(entry['headers'] as object)).not.toContain('x-github-request-id');
    // The next request revalidates and gets the same (redacted) data back.
    const again = await get(cache.fetch, '/repos/acme/api/issues');
    expect(again.headers.get('x-soc2-cache')).toBe('revalidated');
    expect(origin.seen.at(-1)!.ifNoneMatch).toBe(entry.etag);
    expect(JSON.parse(await again.text())[0].title).toBe('oops ghp_[REDACTED]');
  });

  it.each([
    ['an edited body', (e: Record<string, unknown>) => JSON.stringify({ ...e, body: '[]' }), /MAC does not verify/],
    ['an edited ETag', (e: Record<string, unknown>) => JSON.stringify({ ...e, etag: '"other"' }), /MAC does not verify/],
    ['a removed MAC', (e: Record<string, unknown>) => JSON.stringify({ ...e, mac: undefined }), /not one this version of soc2 writes/],
    ['an entry of the old format', (e: Record<string, unknown>) => JSON.stringify({ url: e['url'], etag: e['etag'], status: 200, headers: {}, body: '[]' }), /not one this version of soc2 writes/],
    ['garbage', () => '{not json', /not valid JSON/],
  ])('discards %s and asks again without If-None-Match', async (_what, tamper, reason) => {
    const dir = tempDir();
    const origin = fakeOrigin(new Map([['/orgs/acme/repos', '[{"name":"api"}]']]));
    const first = cachingFetch({ dir, token: TOKEN, inner: origin.fetch });
    await get(first.fetch, '/orgs/acme/repos');
    const [{ file, entry }] = entries(dir) as [ReturnType<typeof entries>[number]];
    writeFileSync(file, tamper(entry));

    const second = cachingFetch({ dir, token: TOKEN, inner: origin.fetch });
    const res = await get(second.fetch, '/orgs/acme/repos');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('[{"name":"api"}]');
    expect(res.headers.get('x-soc2-cache')).toBe('discarded');
    expect(res.headers.get('x-soc2-cache-note')).toMatch(reason);
    expect(origin.seen.at(-1)!.ifNoneMatch).toBeNull();
    expect(second.stats.discarded).toBe(1);
    // The fresh answer replaced the bad entry.
    const third = cachingFetch({ dir, token: TOKEN, inner: origin.fetch });
    expect((await get(third.fetch, '/orgs/acme/repos')).headers.get('x-soc2-cache')).toBe('revalidated');
  });

  it('does not use entries written with another token', async () => {
    const dir = tempDir();
    const origin = fakeOrigin(new Map([['/orgs/acme/repos', '[]']]));
    await get(cachingFetch({ dir, token: TOKEN, inner: origin.fetch }).fetch, '/orgs/acme/repos');
    const other = cachingFetch({ dir, token: 'ghp' + '_' + 'anotherToken'.padEnd(36, '1'), inner: origin.fetch });
    const res = await get(other.fetch, '/orgs/acme/repos');
    expect(origin.seen.at(-1)!.ifNoneMatch).toBeNull();
    expect(res.headers.get('x-soc2-cache')).toBeNull();
  });

  it('never takes its own markers from the network', async () => {
    const dir = tempDir();
    const cache = cachingFetch({ dir, token: TOKEN, inner: async () => new Response('{}', { status: 200, headers: { 'x-soc2-cache': 'revalidated' } }) });
    expect((await get(cache.fetch, '/x')).headers.get('x-soc2-cache')).toBeNull();
  });

  it('tightens a directory of its own to 0700 and its files to 0600', async () => {
    const dir = tempDir();
    const origin = fakeOrigin(new Map([['/a', '"a"']]));
    await get(cachingFetch({ dir, token: TOKEN, inner: origin.fetch }).fetch, '/a');
    const [{ file }] = entries(dir) as [ReturnType<typeof entries>[number]];
    chmodSync(join(dir, 'etags'), 0o755);
    chmodSync(join(file, '..'), 0o777);
    chmodSync(file, 0o644);
    await get(cachingFetch({ dir, token: TOKEN, inner: origin.fetch }).fetch, '/a');
    expect(statSync(join(dir, 'etags')).mode & 0o777).toBe(0o700);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('does not use a cache directory that is a symbolic link, and writes nothing through it', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(dir, 'etags'));
    const notes: string[] = [];
    const origin = fakeOrigin(new Map([['/a', '"a"']]));
    const cache = cachingFetch({ dir, token: TOKEN, inner: origin.fetch, note: (m) => notes.push(m) });
    const res = await get(cache.fetch, '/a');
    expect(res.status).toBe(200);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(cache.stats.disabled).toMatch(/symbolic link/);
    expect(notes.join('\n')).toMatch(/not used/);
  });

  it('removes symbolic links planted inside the cache instead of following them', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const origin = fakeOrigin(new Map([['/a', '"a"']]));
    await get(cachingFetch({ dir, token: TOKEN, inner: origin.fetch }).fetch, '/a');
    const [{ file }] = entries(dir) as [ReturnType<typeof entries>[number]];
    const shard = join(file, '..');
    const planted = join(dir, 'etags', 'ff');
    if (planted !== shard) symlinkSync(elsewhere, planted);
    await get(cachingFetch({ dir, token: TOKEN, inner: origin.fetch }).fetch, '/a');
    expect(existsSync(planted) && lstatSync(planted).isSymbolicLink()).toBe(false);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('stays within its byte budget, deleting the least recently used entries first', async () => {
    const dir = tempDir();
    const body = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(900) });
    const origin = fakeOrigin(new Map(Array.from({ length: 40 }, (_, i) => [`/r/${i}`, body(i)])));
    const budget = 12_000;
    const cache = cachingFetch({ dir, token: TOKEN, inner: origin.fetch, maxBytes: budget });
    for (let i = 0; i < 40; i++) await get(cache.fetch, `/r/${i}`);
    const kept = entries(dir);
    const size = kept.reduce((n, { file }) => n + statSync(file).size, 0);
    expect(size).toBeLessThanOrEqual(budget);
    expect(cache.stats.pruned).toBeGreaterThan(0);
    const ids = kept.map(({ entry }) => Number(new URL(entry.url).pathname.split('/')[2])).sort((a, b) => a - b);
    expect(ids).toContain(39); // the newest survive
    expect(ids).not.toContain(0); // the oldest went first
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => 40 - ids.length + k));
  });

  it('prunes a cache that is over budget when it opens, oldest use first', async () => {
    const dir = tempDir();
    const origin = fakeOrigin(new Map(Array.from({ length: 10 }, (_, i) => [`/r/${i}`, JSON.stringify({ i, pad: 'y'.repeat(900) })])));
    const filling = cachingFetch({ dir, token: TOKEN, inner: origin.fetch });
    for (let i = 0; i < 10; i++) await get(filling.fetch, `/r/${i}`);
    // Last used: /r/0 most recently, /r/9 longest ago.
    for (const { file, entry } of entries(dir)) {
      const i = Number(new URL(entry.url).pathname.split('/')[2]);
      const at = new Date(Date.UTC(2026, 0, 1) - i * 60_000);
      utimesSync(file, at, at);
    }
    const one = statSync(entries(dir)[0]!.file).size;
    const small = cachingFetch({ dir, token: TOKEN, inner: origin.fetch, maxBytes: one * 5 });
    await get(small.fetch, '/r/0');
    const ids = entries(dir).map(({ entry }) => Number(new URL(entry.url).pathname.split('/')[2])).sort((a, b) => a - b);
    expect(ids).toEqual([0, 1, 2, 3]);
  });

  it('is off with a budget of 0', async () => {
    const dir = tempDir();
    const origin = fakeOrigin(new Map([['/a', '"a"']]));
    const cache = cachingFetch({ dir, token: TOKEN, inner: origin.fetch, maxBytes: 0 });
    await get(cache.fetch, '/a');
    await get(cache.fetch, '/a');
    expect(origin.seen.every((s) => s.ifNoneMatch === null)).toBe(true);
    expect(existsSync(join(dir, 'etags'))).toBe(false);
  });
});
