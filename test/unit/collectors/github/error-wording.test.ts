import { afterEach, describe, expect, it } from 'vitest';
import { collectors, loadCollector, type CollectorId } from '../../../../src/collectors/index.js';
import type { Evidence } from '../../../../src/collectors/types.js';
import { DEMO_TOKENS, demoGitHubEstate, type GitHubEstate } from '../../../../src/sandbox/estate/github.js';
import type { FakeGitHubOptions } from '../../../../src/sandbox/github-server.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * GitHub's error texts ("Branch not protected", "Dependabot alerts are disabled for this
 * repository.", "no analysis found", "… must be enabled …") are not part of its published
 * description and may change. Every collector must reach the same evidence when they do.
 */
const REWORDED = 'Reworded by the test.';

const reword: Rewrite = (body, x) => {
  if (x.path === '/graphql') {
    const b = body as { errors?: Array<{ message: string }> };
    if (!b.errors?.length) return undefined;
    for (const e of b.errors) e.message = REWORDED;
    return b;
  }
  if (x.status < 400 || typeof body !== 'object' || body === null || !('message' in body)) return undefined;
  return { ...body, message: REWORDED };
};

/** An estate where every text-matched answer occurs: no classic protection, alerts off, no analysis, code scanning not on the plan. */
function estateWithEveryRefusal(): GitHubEstate {
  const estate = demoGitHubEstate();
  const repo = (name: string) => estate.repos.find((r) => r.name === name)!;
  repo('web-app').dependabotAlertsEnabled = false;
  repo('sandbox-playground').codeScanning = 'unavailable';
  repo('sandbox-playground').security = { ...repo('sandbox-playground').security, advancedSecurity: 'disabled' };
  return estate;
}

/** What a verdict rests on: resources, and which gaps of which kind for which permission (messages quote GitHub). */
function verdictInputs(ev: Evidence<object>) {
  return {
    complete: ev.complete,
    resources: ev.resources.map((r) => ({ id: r.id, data: r.data, notApplicable: r.notApplicable })),
    gaps: ev.gaps.map((g) => ({ resource: g.resource, kind: g.kind, permission: g.permission })),
  };
}

async function collectAll(harness: Harness, token: string, rewrite?: Rewrite) {
  const ctx = harness.ctx(await harness.github({ token, ...(rewrite ? { fetch: rewritingFetch(rewrite) } : {}) }));
  const out: Record<string, ReturnType<typeof verdictInputs>> = {};
  for (const id of Object.keys(collectors).filter((k) => k.startsWith('github.')) as CollectorId[]) {
    const c = await loadCollector(id);
    out[id] = verdictInputs(await c.collect(ctx, c.params.parse({})));
  }
  return out;
}

describe('collectors/github: verdicts do not depend on the wording of GitHub\'s errors', () => {
  const scenarios: Array<[string, FakeGitHubOptions, string]> = [
    ['REST (GraphQL lacks Ref.rules), owner token', { graphqlMissingFields: ['Ref.rules'] }, DEMO_TOKENS.owner],
    ['GraphQL, owner token', {}, DEMO_TOKENS.owner],
    ['GraphQL, member token without admin rights', {}, DEMO_TOKENS.member],
  ];

  it.each(scenarios)('%s: the same evidence with every error message reworded', async (_name, opts, token) => {
    h = await startHarness(estateWithEveryRefusal(), opts);
    let reworded = 0;
    const counting: Rewrite = (body, x) => {
      const out = reword(body, x);
      if (out !== undefined) reworded++;
      return out;
    };
    const baseline = await collectAll(h, token);
    const changed = await collectAll(h, token, counting);
    expect(reworded).toBeGreaterThan(0);
    expect(changed).toEqual(baseline);
  }, 30_000);

  it('the REST scenario reaches every text-matched answer, so the comparison covers them', async () => {
    h = await startHarness(estateWithEveryRefusal(), { graphqlMissingFields: ['Ref.rules'] });
    const seen = new Set<string>();
    const record: Rewrite = (body, x) => {
      const m = (body as { message?: unknown } | undefined)?.message;
      if (x.status >= 400 && typeof m === 'string') seen.add(`${x.status} ${m}`);
      return undefined;
    };
    const all = await collectAll(h, DEMO_TOKENS.owner, record);
    expect([...seen]).toEqual(
      expect.arrayContaining(['404 Branch not protected', '403 Dependabot alerts are disabled for this repository.', '404 no analysis found', expect.stringMatching(/^403 .*must be enabled/)]),
    );
    // …and the answers they stand for: unprotected, alerts off, never analysed, not on the plan.
    const data = (id: string, repo: string) => all[id]!.resources.find((r) => r.id === `northwind-analytics/${repo}`)!.data as Record<string, unknown>;
    expect(data('github.branch-rules', 'data-pipeline')).toMatchObject({ protected: false });
    expect(data('github.security-features', 'web-app')).toMatchObject({ dependabotAlerts: false });
    expect(data('github.security-features', 'data-pipeline')).toMatchObject({ codeScanningStatus: 'not-configured' });
    expect(data('github.security-features', 'sandbox-playground')).toMatchObject({ codeScanningStatus: 'unavailable' });
  }, 30_000);
});
