/**
 * Regression tests for the bugs the fault matrix found, one fault each, against the fake servers
 * through the real Octokit and AWS SDK clients. Where the old code looped for ever, a guard in the
 * test answers a request repeated too often with a 400 (a count, never a time), so the old code
 * fails on an assertion instead of hanging.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectAll, type CallOutcome } from '../../src/engine/collect.js';
import { standaloneContext } from '../../src/engine/memo.js';
import type { PlannedCall } from '../../src/engine/plan.js';
import { loadCollector, type CollectorId } from '../../src/collectors/index.js';
import { callAws, paginateAws } from '../../src/collectors/aws/call.js';
import { gapFromError, restList } from '../../src/collectors/github/http.js';
import type { ApiCall, CollectContext, Evidence } from '../../src/collectors/types.js';
import type { GitHubContext } from '../../src/collectors/github/client.js';
import { collector as changePopulation } from '../../src/collectors/github/change-population.js';
import { collector as orgSettings } from '../../src/collectors/github/org-settings.js';
import { collector as webhooks } from '../../src/collectors/github/webhooks.js';
import { demoAwsEstate, DEMO_AWS_NOW } from '../../src/sandbox/estate/aws.js';
import { DEMO_NOW, DEMO_PERIOD, demoGitHubEstate } from '../../src/sandbox/estate/github.js';
import type { GitHubFault } from '../../src/sandbox/github-server.js';
import { startAwsHarness, type AwsHarness } from '../fakes/aws-harness.js';
import { startHarness, type Harness } from '../fakes/github-context.js';
import { faultGitHubEstate } from './estate.js';

let gh: Harness | undefined;
let aws: AwsHarness | undefined;
afterEach(async () => {
  await gh?.close();
  await aws?.close();
  gh = undefined;
  aws = undefined;
});

/**
 * The guard against a loop that never ends: once the same request (method, URL, body) has been
 * sent `limit` times it is answered 400 without reaching the fake, which ends the old loops with
 * an error instead of a hang. `tripped` says whether it ever had to.
 */
function loopGuard(limit: number): { fetch: typeof fetch; tripped: () => boolean } {
  const seen = new Map<string, number>();
  let tripped = false;
  return {
    tripped: () => tripped,
    fetch: async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const request = `${init?.method ?? 'GET'} ${url} ${typeof init?.body === 'string' ? init.body : ''}`;
      const n = (seen.get(request) ?? 0) + 1;
      seen.set(request, n);
      if (n <= limit) return fetch(input, init);
      tripped = true;
      return new Response(JSON.stringify({ message: `the test's loop guard: the same request was sent ${n} times` }), { status: 400, headers: { 'content-type': 'application/json' } });
    },
  };
}

/** A GitHub harness whose client is set up before the fault (the capability probe is not under test). */
async function githubWith(faults: GitHubFault[], opts: { estate?: ReturnType<typeof demoGitHubEstate>; fetch?: typeof fetch } = {}): Promise<GitHubContext> {
  gh = await startHarness(opts.estate ?? demoGitHubEstate(), { waitUnitMs: 1 });
  const github = await gh.github(opts.fetch ? { fetch: opts.fetch } : {});
  gh.server.setFaults(faults);
  return github;
}

function context(github: GitHubContext): CollectContext<'github'> {
  return standaloneContext({ repoRoot: '.', period: { ...DEMO_PERIOD }, now: () => new Date(DEMO_NOW), progress: () => {}, github });
}

const messages = (e: Evidence<object>) => e.gaps.map((g) => g.message).join('\n');

describe('collectors/github/http under faults', () => {
  it('stops with a gap, instead of paging for ever, when a Link next points back at the page just read', async () => {
    const guard = loopGuard(5);
    const github = await githubWith([{ kind: 'repeat-page', route: 'GET /orgs/{org}/members' }], { fetch: guard.fetch });
    const calls: ApiCall[] = [];
    const read = restList(context(github), calls, '/orgs/{org}/members', { org: github.org });
    await expect(read).rejects.toThrow(/pointed back at a page already read \(\/orgs\/northwind-analytics\/members\?per_page=100\) after 1 page/);
    expect(guard.tripped()).toBe(false);
    expect(gh!.server.stats.byRoute['GET /orgs/{org}/members']).toBe(1);
    expect(calls).toEqual([expect.objectContaining({ operation: 'GET /orgs/{org}/members', pages: 1 })]);
  });

  it('reads an empty 200 body as a failed read (retried, then a gap), never as an empty list', async () => {
    const github = await githubWith([{ kind: 'empty-body', route: 'GET /repos/{owner}/{repo}/hooks' }]);
    const ev = await webhooks.collect(context(github), {});
    expect(ev.complete).toBe(false);
    expect(ev.resources).toEqual([expect.objectContaining({ notApplicable: expect.stringMatching(/archived/) })]);
    expect(ev.gaps.length).toBeGreaterThan(0);
    for (const g of ev.gaps) expect(g).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/GET \/repos\/\{owner\}\/\{repo\}\/hooks: GitHub's answer was HTTP 200 with an empty body, also after retrying; webhooks could not be read/) });
  });

  it('reads a body that is not complete JSON as a failed read, not as organisation settings GitHub left out', async () => {
    const github = await githubWith([{ kind: 'malformed-json', route: 'GET /orgs/{org}' }]);
    const ev = await orgSettings.collect(context(github), {});
    expect(ev.complete).toBe(false);
    expect(messages(ev)).toMatch(/GET \/orgs\/\{org\}: GitHub's answer was not complete JSON \(\d+ bytes\), also after retrying; organisation settings could not be read/);
  });

  it('says the connection failed, not that GitHub answered 500, when the connection is reset', async () => {
    const github = await githubWith([{ kind: 'connection-reset', route: 'GET /repos/{owner}/{repo}/hooks' }]);
    const ev = await webhooks.collect(context(github), {});
    expect(ev.complete).toBe(false);
    expect(messages(ev)).toMatch(/the connection to GitHub failed \(other side closed\)/);
    expect(messages(ev)).not.toMatch(/answered 500/);
  });

  it('reports a request aborted by its timeout as a timeout, although Octokit marks it status 500', () => {
    const aborted = Object.assign(new DOMException('This operation was aborted', 'AbortError'), { status: 500 });
    expect(gapFromError(aborted, { what: 'webhooks', operation: 'GET /repos/{owner}/{repo}/hooks' })).toMatchObject({ kind: 'timeout', message: 'GET /repos/{owner}/{repo}/hooks timed out; webhooks could not be read.' });
  });
});

describe('engine with GitHub collectors under a never-ending answer', () => {
  it('stops a list page that never ends when the collector\'s timeout passes, so it cannot outlive the run', async () => {
    const github = await githubWith([{ kind: 'never-ends', route: 'GET /repos/{owner}/{repo}/hooks' }]);
    const outcomes = await collectAll([{ key: 'hooks', collectorId: 'github.webhooks', params: {}, controls: [] }], {
      concurrency: 1,
      // The answer never ends, so any timeout is reached; a short one keeps the test short.
      timeoutMs: 300,
      now: () => new Date(DEMO_NOW),
      contextFor: async () => ({ ok: true, ctx: { repoRoot: '.', period: { ...DEMO_PERIOD }, now: () => new Date(DEMO_NOW), progress: () => {}, github } }),
    });
    expect(outcomes.get('hooks')).toMatchObject({ kind: 'error', reason: expect.stringMatching(/github\.webhooks did not finish within 300 ms/) });
    // The run's signal is never aborted here: only the collector's own timeout can end the pages.
    await vi.waitFor(() => expect(gh!.server.stats.hanging).toBe(0), { timeout: 10_000, interval: 20 });
    expect(gh!.server.stats.byRoute['GET /repos/{owner}/{repo}/hooks']).toBeGreaterThan(0);
  });
});

describe('collectors/github/change-population under faults', () => {
  it('stops with a gap, instead of paging for ever, when GraphQL hands back the cursor it was given', async () => {
    const guard = loopGuard(5);
    // Enough merged pull requests for two pages of search, and one repository with two pages of history.
    const github = await githubWith([{ kind: 'repeat-page', route: 'POST /graphql' }], { estate: faultGitHubEstate(), fetch: guard.fetch });
    const ev = await changePopulation.collect(context(github), {});
    expect(guard.tripped()).toBe(false);
    expect(ev.complete).toBe(false);
    expect(messages(ev)).toMatch(/northwind-analytics: GitHub search handed back a page cursor it had already given, after 2 pages of merged pull requests/);
    expect(messages(ev)).toMatch(/northwind-analytics\/svc-0002: GitHub handed back a history page cursor it had already given, after 2 pages of main/);
  });
});

describe('collectors/aws/call under faults', () => {
  it('reads an answer without its list (an empty body) as a gap, not as an empty list', async () => {
    aws = await startAwsHarness(demoAwsEstate(), { faults: [{ kind: 'empty-body', operation: 'DescribeConfigRules', times: 1 }] });
    const r = await paginateAws(aws.ctx(), 'DescribeConfigRules', {}, 'ConfigRules', { region: 'us-east-1' });
    expect(r.ok).toBe(false);
    expect(r.items).toEqual([]);
    expect(r.ok ? undefined : r.gap).toMatchObject({ kind: 'other', message: expect.stringMatching(/^config:DescribeConfigRules in us-east-1 answered page 1 without its list \(ConfigRules\), so soc2 could not tell what it holds/) });
  });

  it('says an unparsable answer was not complete JSON, without the SDK\'s hint about a hidden field', async () => {
    aws = await startAwsHarness(demoAwsEstate(), { faults: [{ kind: 'malformed-json', operation: 'DescribeConfigurationRecorders' }] });
    const r = await callAws(aws.ctx(), 'DescribeConfigurationRecorders', {}, { region: 'us-east-1' });
    const message = r.ok ? '' : r.gap.message;
    expect(message).toMatch(/^config:DescribeConfigurationRecorders in us-east-1 failed \(UnparsableAnswer: the answer \(HTTP 200\) was not complete JSON\)/);
    expect(message).not.toMatch(/\$response|Deserialization error/);
  });
});

describe('engine with AWS collectors under a never-ending answer', () => {
  const plan = (collectorId: CollectorId, params: unknown): PlannedCall => ({ key: collectorId, collectorId, params, controls: [] });

  async function runStoppedEarly(collectorId: CollectorId, params: unknown, run: AbortController): Promise<CallOutcome> {
    const ctx = aws!.ctx();
    const outcomes = await collectAll([plan(collectorId, params)], {
      concurrency: 1,
      // The answer never ends, so any timeout is reached; a short one keeps the test short.
      timeoutMs: 300,
      now: () => new Date(DEMO_AWS_NOW),
      signal: run.signal,
      contextFor: async () => ({ ok: true, ctx: { period: ctx.period, now: ctx.now, progress: () => {}, aws: aws!.aws } }),
      load: async (id) => loadCollector(id as CollectorId),
    });
    return outcomes.get(collectorId)!;
  }

  it('aws.config-rules leaves no unhandled rejection behind when its timeout stops it mid-read', async () => {
    const unhandled: unknown[] = [];
    const note = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      aws = await startAwsHarness(demoAwsEstate(), { faults: [{ kind: 'never-ends', operation: 'GetComplianceDetailsByConfigRule' }] });
      const run = new AbortController();
      const outcome = await runStoppedEarly('aws.config-rules', { rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] }, run);
      expect(outcome).toMatchObject({ kind: 'error', reason: expect.stringMatching(/aws\.config-rules did not finish within 300 ms/) });
      // Node reports an unhandled rejection once the microtasks of the tick that made it have run.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      run.abort(new Error('The run is over.'));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });

  it('stops a shared AWS read that never ends once the run is over, so it cannot outlive the run', async () => {
    aws = await startAwsHarness(demoAwsEstate(), { faults: [{ kind: 'never-ends', operation: 'DescribeConfigurationRecorders' }] });
    const run = new AbortController();
    const outcome = await runStoppedEarly('aws.config-recorder', {}, run);
    expect(outcome).toMatchObject({ kind: 'error', reason: expect.stringMatching(/did not finish within/) });
    // The collector gave up, but the shared read it waited for is still open…
    expect(aws.server.stats.hanging).toBeGreaterThan(0);
    run.abort(new Error('The run is over.'));
    // …until the run's signal stops it.
    await vi.waitFor(() => expect(aws!.server.stats.hanging).toBe(0), { timeout: 10_000, interval: 20 });
  });
});
