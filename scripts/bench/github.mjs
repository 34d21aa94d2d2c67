// GitHub bench: the real Octokit against the fake GitHub with 1,000 repositories and 50 ms added to
// every response. Runs every GitHub collector the way the engine does (concurrently, one shared
// ctx.memo), twice: cold, then with the ETag cache of the first run. Imports the built code (dist/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);

const TARGETS = { requestsPerRepo: 3, wallSeconds: 60, share304: 0.8 };
/** GraphQL operations only the change population sends (its requests are reported apart). */
const CHANGE_OPERATIONS = /MergedPulls|DefaultBranchHistory/;

export async function benchGitHub({ repos = 1000, latencyMs = 50, log = console.log } = {}) {
  const [{ startFakeGitHub }, { benchGitHubEstate }, { createGitHubContext }, { collectors, loadCollector }, { githubSettingsSchema }, { standaloneContext }] = await Promise.all([
    dist('sandbox/github-server.js'),
    dist('sandbox/estate/github-bench.js'),
    dist('collectors/github/client.js'),
    dist('collectors/index.js'),
    dist('config/schema.js'),
    dist('engine/memo.js'),
  ]);
  const estate = benchGitHubEstate(repos);
  const server = await startFakeGitHub(estate, { latencyMs });
  const cacheDir = mkdtempSync(join(tmpdir(), 'soc2-bench-github-'));
  const ids = Object.keys(collectors).filter((k) => k.startsWith('github.')).sort();
  const mods = await Promise.all(ids.map((id) => loadCollector(id)));

  const run = async () => {
    const before = { requests: server.stats.requests, notModified: server.stats.notModified, graphql: server.stats.byRoute['POST /graphql'] ?? 0, points: server.stats.rateLimitPointsSpent };
    const t0 = performance.now();
    const github = await createGitHubContext(githubSettingsSchema.parse({ org: estate.org }), {
      env: { GITHUB_TOKEN: estate.demoToken, GITHUB_API_URL: server.url },
      userAgent: 'soc2-bench',
      cacheDir,
    });
    const ctx = standaloneContext({
      repoRoot: root,
      period: estate.period,
      now: () => new Date(estate.now),
      progress: () => {},
      github,
    });
    const evidence = await Promise.all(mods.map(async (c) => [c.id, await c.collect(ctx, c.params.parse({}))]));
    const wallSeconds = (performance.now() - t0) / 1000;
    const requests = server.stats.requests - before.requests;
    const graphql = (server.stats.byRoute['POST /graphql'] ?? 0) - before.graphql;
    const change = evidence.find(([id]) => id === 'github.change-population')?.[1];
    const changeRequests = (change?.calls ?? []).filter((c) => CHANGE_OPERATIONS.test(c.operation)).length;
    const incomplete = evidence.filter(([, ev]) => !ev.complete).map(([id, ev]) => `${id}: ${ev.gaps[0]?.message}`);
    return {
      wallSeconds,
      requests,
      graphql,
      rest: requests - graphql,
      notModified: server.stats.notModified - before.notModified,
      changeRequests,
      requestsPerRepo: (requests - changeRequests) / repos,
      rateLimitPointsSpent: server.stats.rateLimitPointsSpent - before.points,
      population: change?.facts?.populationCount,
      incomplete,
    };
  };

  try {
    const first = await run();
    const second = await run();
    const share304 = second.rest ? second.notModified / second.rest : 0;
    const ok = (b) => (b ? 'OK' : 'OVER TARGET');
    log(`GitHub: ${repos} repositories, ${latencyMs} ms per response, ${ids.length} collectors concurrently`);
    log(`  wall time              ${first.wallSeconds.toFixed(1)} s   (target ≤ ${TARGETS.wallSeconds} s) ${ok(first.wallSeconds <= TARGETS.wallSeconds)}`);
    log(`  requests / repository  ${first.requestsPerRepo.toFixed(2)}   (target ≤ ${TARGETS.requestsPerRepo}; ${first.requests} requests, ${first.graphql} GraphQL, change population's ${first.changeRequests} aside) ${ok(first.requestsPerRepo <= TARGETS.requestsPerRepo)}`);
    log(`  rate-limit points      ${first.rateLimitPointsSpent}`);
    log(`  change population      ${first.population} changes`);
    if (first.incomplete.length) log(`  incomplete evidence    ${first.incomplete.join(' | ')}`);
    log(`  second run (ETags)     ${second.wallSeconds.toFixed(1)} s, ${second.notModified}/${second.rest} REST requests answered 304 = ${(share304 * 100).toFixed(1)}%   (target ≥ ${TARGETS.share304 * 100}%) ${ok(share304 >= TARGETS.share304)}; ${second.rateLimitPointsSpent} points`);
    return {
      repos,
      latencyMs,
      wallSeconds: first.wallSeconds,
      requests: first.requests,
      requestsPerRepo: first.requestsPerRepo,
      changePopulationRequests: first.changeRequests,
      rateLimitPointsSpent: first.rateLimitPointsSpent,
      incomplete: first.incomplete,
      second: { wallSeconds: second.wallSeconds, restRequests: second.rest, notModified: second.notModified, share304, rateLimitPointsSpent: second.rateLimitPointsSpent },
      targetsMet: first.requestsPerRepo <= TARGETS.requestsPerRepo && first.wallSeconds <= TARGETS.wallSeconds && share304 >= TARGETS.share304,
    };
  } finally {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchGitHub();
}
