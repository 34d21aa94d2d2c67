/**
 * Test harness: starts the fake GitHub on 127.0.0.1 and builds a real GitHubContext (real Octokit,
 * throttling, retry, ETag cache) pointed at it, plus a CollectContext with a fixed clock and a
 * run-scoped memo, the way the engine builds them.
 */
import { standaloneContext } from '../../src/engine/memo.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubContext } from '../../src/collectors/github/client.js';
import type { CollectContext } from '../../src/collectors/types.js';
import type { GitHubContext } from '../../src/collectors/github/client.js';
import { githubSettingsSchema, type GitHubSettings } from '../../src/config/schema.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../src/sandbox/github-server.js';
import { DEMO_NOW, DEMO_PERIOD, DEMO_TOKENS, demoGitHubEstate, type GitHubEstate } from '../../src/sandbox/estate/github.js';

export interface Harness {
  server: FakeGitHub;
  estate: GitHubEstate;
  cacheDir: string;
  progress: string[];
  /** A fresh GitHubContext (new Octokit) for a token; the ETag cache dir is shared across calls. */
  github(opts?: { token?: string; settings?: Partial<GitHubSettings>; fetch?: typeof fetch; cacheDir?: string; env?: Record<string, string> }): Promise<GitHubContext>;
  /** A CollectContext around a GitHubContext, with its own memo. */
  ctx(github: GitHubContext, period?: { start: string; end: string }): CollectContext<'github'>;
  close(): Promise<void>;
}

export interface HarnessOptions extends FakeGitHubOptions {
  /** For tests that probe routes the fake does not model on purpose: do not fail on close. */
  allowUnknownRoutes?: boolean;
  /** Milliseconds one second of the client's waits lasts (retries, rate limits, GraphQL spacing; see createOctokit); default: real seconds. */
  waitUnitMs?: number;
}

export async function startHarness(estate: GitHubEstate = demoGitHubEstate(), opts: HarnessOptions = {}): Promise<Harness> {
  const server = await startFakeGitHub(estate, opts);
  const cacheDir = mkdtempSync(join(tmpdir(), 'soc2-gh-test-'));
  const progress: string[] = [];
  return {
    server,
    estate,
    cacheDir,
    progress,
    github: ({ token = DEMO_TOKENS.owner, settings = {}, fetch, cacheDir: ownCache, env = {} } = {}) =>
      createGitHubContext(githubSettingsSchema.parse({ org: estate.org, ...settings }), {
        env: { GITHUB_TOKEN: token, GITHUB_API_URL: server.url, ...env },
        userAgent: 'soc2-test/0.0.0',
        cacheDir: ownCache ?? cacheDir,
        progress: (m) => progress.push(m),
        ...(fetch ? { fetch } : {}),
        ...(opts.waitUnitMs !== undefined ? { waitUnitMs: opts.waitUnitMs } : {}),
      }),
    ctx: (github, period = DEMO_PERIOD) => standaloneContext({
      repoRoot: '.',
      period,
      now: () => new Date(DEMO_NOW),
      progress: (m) => progress.push(m),
      github,
    }),
    close: async () => {
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
      // Strict fake: a route it does not know would answer 404, which a collector reads as a
      // permission gap — so the test that caused one fails here, naming the routes.
      if (server.stats.unknownRoutes.length && !opts.allowUnknownRoutes) {
        throw new Error(`The fake GitHub was asked for routes it does not model: ${[...new Set(server.stats.unknownRoutes)].join(', ')}. Model them in src/sandbox/github-rest.ts (or pass allowUnknownRoutes).`);
      }
    },
  };
}
