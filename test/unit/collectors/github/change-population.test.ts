import { afterEach, describe, expect, it } from 'vitest';
import { allKeyPaths } from '../../../../src/schema-walk.js';
import { collector } from '../../../../src/collectors/github/change-population.js';
import { pullRequestRow, toCsv } from '../../../../src/collectors/github/change-rows.js';
import { DEMO_TOKENS, demoGitHubEstate, fakeSha, type GitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Row = Awaited<ReturnType<typeof collector.collect>>['resources'][number];
const find = (rs: Row[], id: string) => rs.find((r) => r.id === id)?.data;

describe('collectors/github/change-population', () => {
  it('returns every change merged into a default branch in the period, reconciled with the search count', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.gaps).toEqual([]);
    expect(ev.complete).toBe(true);
    const ids = ev.resources.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['northwind-analytics/api#101', 'northwind-analytics/api#102', 'northwind-analytics/web-app#57', 'northwind-analytics/billing-service#330', 'northwind-analytics/billing-service#331', 'northwind-analytics/infra-terraform#14']));
    expect(ids).not.toContain('northwind-analytics/api#99'); // merged before the period
    expect(ev.facts).toMatchObject({ searchTotalCount: 10, searchFetched: 10, reconciled: true, mergedPullRequests: 10, directCommits: 1, populationCount: 11 });
  });

  it('reports a pull request merged with no review as not approved by anyone else', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const pr = find(ev.resources, 'northwind-analytics/data-pipeline#210')!;
    expect(pr).toMatchObject({ approvals: [], approvedByOther: false, approvedOnFinalCommit: false, checksState: 'FAILURE', checksPassed: false, mergedBy: 'erin-nw' });
    // a comment by the author is not a review
    expect(find(ev.resources, 'northwind-analytics/data-pipeline#211')!.approvedByOther).toBe(false);
  });

  it('reports a pull request approved only before later commits: approved by another person, not on the final commit', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const pr = find(ev.resources, 'northwind-analytics/billing-service#330')!;
    expect(pr.approvedByOther).toBe(true);
    expect(pr.approvedOnFinalCommit).toBe(false);
    expect(pr.approvals).toEqual([expect.not.stringContaining(` on ${pr.headCommit.slice(0, 7)}`)]);
    expect(find(ev.resources, 'northwind-analytics/api#101')).toMatchObject({ approvedByOther: true, approvedOnFinalCommit: true });
  });

  it('lists a bot\'s approval but does not count it as a person\'s', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(find(ev.resources, 'northwind-analytics/billing-service#332')).toMatchObject({ approvals: [expect.stringMatching(/^github-actions\[bot\] APPROVED/)], approvedByOther: false, approvedOnFinalCommit: false });
  });

  it('reports facts, not judgments: no deviations field, column or count (GH-028 and GH-029 decide)', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(allKeyPaths(collector.resource)).not.toContain('deviations');
    expect(ev.resources.every((r) => !('deviations' in r.data))).toBe(true);
    expect(ev.facts).not.toHaveProperty('deviations');
    expect(ev.attachments!['change-population.csv']!.split('\r\n')[0]).not.toContain('deviations');
  });

  it('lists a commit pushed straight to the default branch as a direct commit', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const direct = ev.resources.filter((r) => r.data.kind === 'direct_commit');
    expect(direct.map((r) => r.id)).toEqual([`northwind-analytics/data-pipeline@${fakeSha('data-pipeline:hotfix').slice(0, 12)}`]);
    expect(direct[0]!.data).toMatchObject({ title: 'hotfix: disable broken job', author: 'erin-nw', approvedOnFinalCommit: false });
  });

  it('keeps an HTML and unicode PR title exactly as data, in the resource and the CSV attachment (the only one)', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const title = '<script>alert(1)</script> Füße 🚀';
    expect(find(ev.resources, 'northwind-analytics/billing-service#331')!.title).toBe(title);
    expect(Object.keys(ev.attachments!)).toEqual(['change-population.csv']);
    expect(ev.attachments!['change-population.csv']).toContain(`,${title},`);
  });

  it('writes the full population as CSV with one row per change', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const lines = ev.attachments!['change-population.csv']!.trim().split('\r\n');
    expect(lines[0]).toBe('id,kind,repository,number,url,title,author,created_at,merged_at,merged_by,merge_commit,base_branch,head_commit,approvals,approved_by_other,approved_on_final_commit,checks_state');
    expect(lines).toHaveLength(ev.resources.length + 1);
  });

  it('splits a period holding more than 1,000 merged pull requests so none is lost', async () => {
    const estate: GitHubEstate = demoGitHubEstate();
    const repo = estate.repos.find((r) => r.name === 'api')!;
    for (let i = 0; i < 1150; i++) {
      const merged = new Date(Date.parse('2026-01-02T00:00:00Z') + i * 3_600_000).toISOString().replace('.000Z', 'Z');
      const head = fakeSha(`bulk${i}`);
      repo.pulls.push({ number: 1000 + i, title: `bulk ${i}`, author: 'bob-nw', createdAt: merged, state: 'closed', mergedAt: merged, mergedBy: 'bob-nw', baseRef: 'main', headRef: `b${i}`, headSha: head, mergeCommitSha: fakeSha(`bulkm${i}`), reviews: [{ id: i, user: 'alice-nw', state: 'APPROVED', submittedAt: merged, commitId: head }], checks: 'SUCCESS' });
    }
    h = await startHarness(estate);
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.gaps).toEqual([]);
    expect(ev.facts).toMatchObject({ searchTotalCount: 1160, searchFetched: 1160, reconciled: true });
    expect((ev.facts?.['searchQuery'] as string)).toMatch(/split into [2-9] part/);
    expect(ev.resources.filter((r) => r.data.title.startsWith('bulk ')).length).toBe(1150);
  });

  const bulkPull = (i: number, merged: string) => {
    const head = fakeSha(`bulk${i}`);
    return { number: 1000 + i, title: `bulk ${i}`, author: 'bob-nw', createdAt: merged, state: 'closed' as const, mergedAt: merged, mergedBy: 'bob-nw', baseRef: 'main', headRef: `b${i}`, headSha: head, mergeCommitSha: fakeSha(`bulkm${i}`), reviews: [{ id: i, user: 'alice-nw', state: 'APPROVED' as const, submittedAt: merged, commitId: head }], checks: 'SUCCESS' as const };
  };

  it('splits again where merges bunch up (2,400 in one week of the period), loses none, and lists pull requests by merge time, then direct pushes', async () => {
    const estate: GitHubEstate = demoGitHubEstate();
    const repo = estate.repos.find((r) => r.name === 'api')!;
    for (let i = 0; i < 2400; i++) repo.pulls.push(bulkPull(i, new Date(Date.parse('2026-02-02T00:00:00Z') + i * 250_000).toISOString().replace('.000Z', 'Z')));
    h = await startHarness(estate);
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.gaps).toEqual([]);
    expect(ev.facts).toMatchObject({ searchTotalCount: 2410, searchFetched: 2410, reconciled: true });
    const ids = ev.resources.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ev.resources.filter((r) => r.data.title.startsWith('bulk ')).length).toBe(2400);
    const kinds = ev.resources.map((r) => r.data.kind);
    const firstDirect = kinds.indexOf('direct_commit');
    expect(firstDirect).toBeGreaterThan(0);
    expect(kinds.slice(firstDirect).every((k) => k === 'direct_commit')).toBe(true);
    const merged = ev.resources.slice(0, firstDirect).map((r) => r.data.mergedAt);
    expect(merged).toEqual([...merged].sort());
    // At least 49 pages of 50 results, and a discarded first page for each split.
    const searches = ev.calls.filter((c) => c.operation.includes('MergedPulls')).length;
    expect(searches).toBeLessThanOrEqual(60);
  });

  it('says the population is incomplete when more than 1,000 pull requests merged in one second (search cannot split a second)', async () => {
    const estate: GitHubEstate = demoGitHubEstate();
    const repo = estate.repos.find((r) => r.name === 'api')!;
    for (let i = 0; i < 1001; i++) repo.pulls.push(bulkPull(i, '2026-02-02T10:00:00Z'));
    h = await startHarness(estate);
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(false);
    expect(ev.facts).toMatchObject({ reconciled: false });
    expect(ev.gaps.map((g) => g.message)).toContainEqual(expect.stringMatching(/counted 1001 merged pull requests between 2026-02-02T10:00:00Z and 2026-02-02T10:00:00Z but returned 1000/));
  });

  it('is a gap, not an empty population, when the token cannot read pull requests', async () => {
    const estate = demoGitHubEstate();
    estate.tokens.find((t) => t.token === DEMO_TOKENS.member)!.permissions!.pull_requests = undefined;
    h = await startHarness(estate);
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), {});
    expect(ev.complete).toBe(false);
    expect(ev.resources).toEqual([]);
    expect(ev.gaps[0]).toMatchObject({ kind: 'permission', permission: 'github:pull_requests:read' });
  });

  it('judges the approval against the final commit and ignores the author\'s own review', () => {
    const row = pullRequestRow({ repository: 'o/r', number: 1, title: 't', url: 'u', author: 'a', createdAt: 'x', mergedAt: 'y', mergedBy: 'a', baseBranch: 'main', headCommit: 'h2', mergeCommit: 'm', checksState: 'SUCCESS', reviews: [
      { author: 'a', authorIsBot: false, state: 'APPROVED', submittedAt: '2026-01-01T00:00:00Z', commit: 'h2' },
      { author: 'b', authorIsBot: false, state: 'APPROVED', submittedAt: '2026-01-01T00:00:00Z', commit: 'h2' },
      { author: 'b', authorIsBot: false, state: 'CHANGES_REQUESTED', submittedAt: '2026-01-02T00:00:00Z', commit: 'h2' },
    ] });
    expect(row.approvedOnFinalCommit).toBe(false);
    expect(toCsv([{ ...row, title: '=HYPERLINK("x")' }])).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('reports checks as unknown (null), not failed, when the token may not read checks or statuses', async () => {
    const estate = demoGitHubEstate();
    const token = 'github' + '_pat_' + 'noChecksToken'.padEnd(30, '0');
    estate.tokens.push({ token, login: 'bob-nw', type: 'fine-grained', permissions: { metadata: 'read', contents: 'read', pull_requests: 'read', members: 'read' }, orgOwner: false });
    h = await startHarness(estate);
    const ev = await collector.collect(h.ctx(await h.github({ token })), {});
    const pr = find(ev.resources, 'northwind-analytics/api#101')!;
    expect(pr).toMatchObject({ checksPassed: null, checksState: 'UNKNOWN' });
    expect(collector.revealedBy?.['checksPassed']).toBe('github:checks:read');
  });

  it('reports a pull request GitHub returns without its reviews as a gap, not as unapproved', async () => {
    const dropReviews: Rewrite = (body, x) => {
      if (x.path !== '/graphql' || !x.request?.query?.includes('MergedPulls')) return undefined;
      for (const n of (body as { data: { search: { nodes: Array<{ number?: number; reviews?: unknown } | null> } } }).data.search.nodes) if (n?.number === 101) n.reviews = null;
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(dropReviews) })), {});
    expect(find(ev.resources, 'northwind-analytics/api#101')).toBeUndefined();
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ resource: 'northwind-analytics/api#101', message: expect.stringContaining('reviews') })]);
  });

  it('reports a commit GitHub returns without its pull requests as a gap, not as a direct push', async () => {
    const dropPrs: Rewrite = (body, x) => {
      if (x.path !== '/graphql' || !x.request?.query?.includes('DefaultBranchHistory')) return undefined;
      const data = (body as { data: Record<string, { nameWithOwner?: string; defaultBranchRef?: { target?: { history?: { nodes: Array<Record<string, unknown>> } } } } | null> }).data;
      for (const repo of Object.values(data)) if (repo?.nameWithOwner === 'northwind-analytics/api') for (const c of repo.defaultBranchRef!.target!.history!.nodes) c['associatedPullRequests'] = null;
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(dropPrs) })), {});
    expect(ev.resources.filter((r) => r.data.kind === 'direct_commit' && r.data.repository === 'northwind-analytics/api')).toEqual([]);
    expect(ev.gaps.length).toBeGreaterThan(0);
    expect(ev.gaps.every((g) => g.resource === 'northwind-analytics/api' && /without its pull requests/.test(g.message))).toBe(true);
  });
});
