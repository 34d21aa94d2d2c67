/**
 * github.change-population — the CC8.1 population for the review period: every pull request
 * merged into a repository's default branch, with author, approvals, whether an approval by
 * someone other than the author was in force on the final commit, checks, merger and merge
 * commit; and every commit that reached the default branch without a pull request. One resource
 * per change (owner/repo#123, owner/repo@sha), so every deviation is its own finding. The rows
 * are facts; the controls (GH-028, GH-029) decide which of them are deviations.
 *
 * Completeness: the merged PRs come from GitHub search (org-wide, one population), whose count is
 * reconciled with its `issueCount`; a period holding more than the search API's 1,000 results is
 * split into parts until each fits. The evidence file holds every row (one per line), pull
 * requests in order of merge time, then direct pushes in order of commit time; the population is
 * also attached as CSV for sampling. Rows are written as each part is read, never held whole.
 */
import { z } from 'zod';
import type { ApiCall, CollectContext, Collector, Gap } from '../types.js';
import { EvidenceBuilder, sortByKey } from '../evidence-builder.js';
import { CHANGE_POPULATION_CSV, directCommitRow, pullRequestRow, rowId, type ChangeRow, type PullInput } from './change-rows.js';
import { gapFromError, gapFromGraphQLError, graphql, type GraphQLErrorItem } from './http.js';
import { HISTORY_PAGE_QUERY, historyQuery, MERGED_PULLS_QUERY } from './queries.js';
import { repositoryInventory, scopeFacts, type RepoInfo } from './repos.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const CHECKS = ['github:checks:read', 'github:statuses:read'] as const;

const resource = z.object({
  kind: z.enum(['pull_request', 'direct_commit']).describe('how the change reached the default branch'),
  repository: z.string().describe('repository'),
  number: z.number().int().nullable().describe('pull request number'),
  title: z.string().describe('title'),
  url: z.string().describe('link'),
  author: z.string().describe('author'),
  createdAt: z.string().describe('opened at'),
  mergedAt: z.string().describe('merged at'),
  mergedBy: z.string().describe('merged by'),
  mergeCommit: z.string().describe('merge commit'),
  baseBranch: z.string().describe('target branch'),
  headCommit: z.string().describe('final commit'),
  approvals: z.array(z.string()).describe('approvals'),
  approvedByOther: z.boolean().describe('approved by someone other than the author'),
  approvedOnFinalCommit: z.boolean().describe('approved by someone other than the author on the final commit'),
  checksState: z.string().describe('checks on the final commit'),
  checksPassed: z.boolean().nullable().describe('checks passed on the final commit'),
});

/** Search returns at most this many results for one query, whatever issueCount says. */
export const SEARCH_CAP = 1000;
const HISTORY_BATCH = 50;

interface SearchPull {
  __typename: string;
  number: number;
  title: string;
  url: string;
  createdAt: string;
  mergedAt: string | null;
  baseRefName: string;
  headRefOid: string;
  repository: { nameWithOwner: string };
  author: { __typename: string; login: string } | null;
  mergedBy: { __typename: string; login: string } | null;
  mergeCommit: { oid: string } | null;
  reviews: { totalCount: number; nodes: Array<{ author: { __typename: string; login: string } | null; state: string; submittedAt: string | null; commit: { oid: string } | null } | null> | null } | null;
  commits: { nodes: Array<{ commit: { oid: string; statusCheckRollup: { state: string } | null } } | null> | null };
}

interface SearchPage {
  search: { issueCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<SearchPull | { __typename: string } | null> | null };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * All merged PRs of the organisation in [from, to] (ms, inclusive), in parts of at most the search
 * cap, oldest part first: each part is handed to `onPart` once read (what was read of it when
 * reading stopped), so no more than one part of the population is held at a time.
 */
async function searchMerged(ctx: CollectContext<'github'>, calls: ApiCall[], gaps: Gap[], from: number, to: number, totals: { issueCount: number; fetched: number; slices: number }, onPart: (pulls: SearchPull[]) => Promise<void>): Promise<void> {
  const org = ctx.github.org;
  const q = `org:${org} is:pr is:merged merged:${iso(from)}..${iso(to)}`;
  const part: SearchPull[] = [];
  let after: string | null = null;
  let issueCount = 0;
  // A cursor handed back twice would page for ever; stopping quietly would drop pull requests.
  const cursors = new Set<string>();
  for (let page = 0; ; page++) {
    let res: Awaited<ReturnType<typeof graphql<SearchPage>>>;
    try {
      res = await graphql<SearchPage>(ctx, calls, 'MergedPulls', MERGED_PULLS_QUERY, { q, after });
    } catch (e) {
      gaps.push(gapFromError(e, { permission: 'github:pull_requests:read', what: `merged pull requests between ${iso(from)} and ${iso(to)}`, operation: 'POST /graphql MergedPulls' }));
      return onPart(part);
    }
    if (!res.data?.search) {
      gaps.push(gapFromGraphQLError(res.errors[0] ?? { message: 'no data' }, { resource: org, permission: 'github:pull_requests:read', what: 'merged pull requests' }));
      return onPart(part);
    }
    const s = res.data.search;
    issueCount = s.issueCount;
    if (page === 0 && issueCount > SEARCH_CAP && to - from >= 1000) {
      // Too many for one search: split the period (in whole seconds) into enough parts for each to
      // hold about 80% of the cap if merges were even, at most four, and search each, the earliest
      // first; a part that still holds too many splits again. Each split costs a discarded first
      // page: halving spent one on every level, while more parts at once spend a request on each
      // part that turns out empty where merges bunch up.
      const seconds = Math.floor((to - from) / 1000) + 1;
      const parts = Math.min(seconds, Math.max(2, Math.min(4, Math.ceil(issueCount / (SEARCH_CAP * 0.8)))));
      for (let i = 0; i < parts; i++) {
        const start = from + Math.floor((seconds * i) / parts) * 1000;
        const end = i === parts - 1 ? to : from + Math.floor((seconds * (i + 1)) / parts) * 1000 - 1000;
        await searchMerged(ctx, calls, gaps, start, end, totals, onPart);
      }
      return;
    }
    // A null item is one GitHub could not resolve: it goes uncounted, and the reconciliation below says so.
    for (const n of s.nodes ?? []) if (n?.__typename === 'PullRequest') part.push(n as SearchPull);
    for (const e of res.errors as GraphQLErrorItem[]) gaps.push(gapFromGraphQLError(e, { resource: org, permission: 'github:pull_requests:read', what: 'part of a merged pull request' }));
    if (!s.pageInfo.hasNextPage || !s.pageInfo.endCursor) break;
    if (cursors.has(s.pageInfo.endCursor)) {
      gaps.push({ resource: org, kind: 'other', message: `${org}: GitHub search handed back a page cursor it had already given, after ${page + 1} pages of merged pull requests between ${iso(from)} and ${iso(to)}, so soc2 stopped reading; the change population is incomplete.` });
      return onPart(part);
    }
    cursors.add(s.pageInfo.endCursor);
    after = s.pageInfo.endCursor;
  }
  totals.slices++;
  totals.issueCount += issueCount;
  totals.fetched += part.length;
  if (part.length !== issueCount) {
    gaps.push({ resource: org, kind: 'other', message: `${org}: GitHub search counted ${issueCount} merged pull requests between ${iso(from)} and ${iso(to)} but returned ${part.length}; the change population is incomplete.` });
  }
  return onPart(part);
}

/** Rows in population order: by time, then repository, then id (code-point order, the same on every machine). */
function addInOrder(out: EvidenceBuilder<ChangeRow>, rows: ChangeRow[]): void {
  const keyed = rows.map((r) => ({ r, id: rowId(r) }));
  sortByKey(keyed, (k) => `${k.r.mergedAt}\u0000${k.r.repository}\u0000${k.id}`);
  for (const { r, id } of keyed) out.add({ id, label: r.title ? `${id} “${r.title}”` : id, data: r });
}

interface HistoryNode {
  oid: string;
  committedDate: string;
  messageHeadline: string;
  author: { name: string | null; user: { login: string } | null } | null;
  statusCheckRollup: { state: string } | null;
  associatedPullRequests: { nodes: Array<{ number: number; mergedAt: string | null; baseRefName: string } | null> | null } | null;
}
interface HistoryConn {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<HistoryNode | null>;
}
type HistoryRepo = { nameWithOwner: string; defaultBranchRef: { name: string; target: { history?: HistoryConn } | null } | null } | null;

/** A repository's default branch, and the commits on it in the period that did not come through a pull request (or could not be told), with their place in the history. */
interface BranchHistory {
  branch: string;
  kept: Array<{ index: number; commit: HistoryNode | null }>;
}

/** Whether GitHub says the commit came through a pull request merged into the branch (its pull requests all known). */
function cameThroughPullRequest(c: HistoryNode, branch: string): boolean {
  const prs = c.associatedPullRequests?.nodes;
  return !!prs && !prs.some((pr) => pr === null) && prs.some((pr) => pr!.mergedAt !== null && pr!.baseRefName === branch);
}

/** Default-branch commits in the period, per repository (batched), following pages where needed. */
async function defaultBranchHistory(ctx: CollectContext<'github'>, calls: ApiCall[], gaps: Gap[], repos: RepoInfo[], since: string, until: string): Promise<Map<string, BranchHistory>> {
  const org = ctx.github.org;
  const out = new Map<string, BranchHistory>();
  for (let i = 0; i < repos.length; i += HISTORY_BATCH) {
    const batch = repos.slice(i, i + HISTORY_BATCH);
    const vars: Record<string, unknown> = { owner: org, since, until };
    batch.forEach((r, j) => (vars[`n${j}`] = r.name));
    let res: Awaited<ReturnType<typeof graphql<Record<string, HistoryRepo>>>>;
    try {
      res = await graphql<Record<string, HistoryRepo>>(ctx, calls, 'DefaultBranchHistory', historyQuery(batch.length), vars);
    } catch (e) {
      for (const r of batch) gaps.push(gapFromError(e, { resource: r.fullName, permission: 'github:contents:read', what: 'default-branch history', operation: 'POST /graphql DefaultBranchHistory' }));
      continue;
    }
    for (const [j, r] of batch.entries()) {
      const node = res.data?.[`r${j}`];
      const err = res.errors.find((e) => e.path?.[0] === `r${j}`);
      const hist = node?.defaultBranchRef?.target?.history;
      if (err) {
        gaps.push(gapFromGraphQLError(err, { resource: r.fullName, permission: 'github:contents:read', what: 'default-branch history' }));
        continue;
      }
      if (!node) {
        gaps.push({ resource: r.fullName, kind: 'other', message: `${r.fullName}: GitHub GraphQL returned no data for the repository, so its default-branch history is unknown.` });
        continue;
      }
      if (!node.defaultBranchRef) continue; // empty repository: no history
      if (!hist) {
        gaps.push({ resource: r.fullName, kind: 'other', message: `${r.fullName}: GitHub returned no history for ${node.defaultBranchRef.name}.` });
        continue;
      }
      const nodes = [...hist.nodes];
      let cursor = hist.pageInfo.hasNextPage ? hist.pageInfo.endCursor : null;
      const cursors = new Set<string>(cursor ? [cursor] : []);
      while (cursor) {
        try {
          const page = await graphql<{ repository: HistoryRepo }>(ctx, calls, 'DefaultBranchHistoryPage', HISTORY_PAGE_QUERY, { owner: org, name: r.name, since, until, after: cursor });
          const h = page.data?.repository?.defaultBranchRef?.target?.history;
          if (!h) throw Object.assign(new Error(page.errors[0]?.message ?? 'no history page'), { status: 502 });
          nodes.push(...h.nodes);
          cursor = h.pageInfo.hasNextPage ? h.pageInfo.endCursor : null;
          if (cursor && cursors.has(cursor)) {
            gaps.push({ resource: r.fullName, kind: 'other', message: `${r.fullName}: GitHub handed back a history page cursor it had already given, after ${cursors.size + 1} pages of ${node.defaultBranchRef.name}, so soc2 stopped reading; its default-branch history is incomplete.` });
            cursor = null;
          } else if (cursor) cursors.add(cursor);
        } catch (e) {
          gaps.push(gapFromError(e, { resource: r.fullName, permission: 'github:contents:read', what: 'a page of default-branch history', operation: 'POST /graphql DefaultBranchHistoryPage' }));
          cursor = null;
        }
      }
      if (nodes.length !== hist.totalCount) gaps.push({ resource: r.fullName, kind: 'other', message: `${r.fullName}: ${hist.totalCount} commits on ${node.defaultBranchRef.name} in the period, ${nodes.length} read.` });
      // Only what can become a row or a gap is kept (a commit that came through a pull request is
      // counted by the search): the whole history of every repository is as large as the population.
      const branch = node.defaultBranchRef.name;
      const kept = nodes.flatMap((c, index) => (c && cameThroughPullRequest(c, branch) ? [] : [{ index, commit: c }]));
      out.set(r.fullName, { branch, kept });
    }
  }
  return out;
}

export const collector: Collector<'github', Params, z.infer<typeof resource>> = {
  id: 'github.change-population',
  source: 'github',
  description: 'Every change that reached a default branch in the review period: merged pull requests with their approvals and checks, and direct pushes (CC8.1 population).',
  params,
  resource,
  permissions: ['github:metadata:read', 'github:pull_requests:read', 'github:contents:read', 'github:checks:read', 'github:statuses:read'],
  revealedBy: { checksPassed: 'github:checks:read' },
  defaultWhenEmpty: 'not_applicable',
  timeoutMs: 30 * 60_000,
  example: `collector: github.change-population
assert:
  all:
    - { key: kind, op: eq, value: pull_request }
    - { key: approvedOnFinalCommit, op: eq, value: true }
`,
  async collect(ctx) {
    const gh = ctx.github;
    const inv = await repositoryInventory(ctx);
    const calls: ApiCall[] = [...inv.calls];
    const gaps: Gap[] = inv.gap ? [inv.gap] : [];
    // Search silently leaves out what the token cannot read, so a missing permission is a gap up front.
    for (const p of ['github:pull_requests:read', 'github:contents:read'] as const) {
      if (gh.capabilities.missing.includes(p)) {
        gaps.push({ resource: gh.org, kind: 'permission', permission: p, message: `${gh.org}: token lacks ${p}; GitHub would silently leave changes out of the population, so it is not collected.` });
      }
    }
    if (gaps.length) return new EvidenceBuilder<ChangeRow>().addCalls(calls).addGaps(gaps).withFacts(scopeFacts(inv)).build();

    const since = `${ctx.period.start}T00:00:00Z`;
    const until = `${ctx.period.end}T23:59:59Z`;
    const totals = { issueCount: 0, fetched: 0, slices: 0 };
    const byName = new Map(inv.repos.map((r) => [r.fullName.toLowerCase(), r]));
    // Rows go to the evidence file as each part of the search is read, with their CSV rows: the
    // population is never held whole (at 200,000 pull requests holding it was most of a run's memory).
    const out = new EvidenceBuilder<ChangeRow>().attachCsv(CHANGE_POPULATION_CSV);
    const history = defaultBranchHistory(ctx, calls, gaps, inv.repos, since, until);
    history.catch(() => {}); // awaited below; read beside the search meanwhile
    const counts = { mergedPullRequests: 0, outOfScope: 0, otherBase: 0, directCommits: 0 };
    // GitHub may leave out checks the token may not read: then "no checks ran" cannot be told.
    const checksReadable = !CHECKS.some((p) => gh.capabilities.missing.includes(p));

    const addPart = async (pulls: SearchPull[]) => {
      const rows: ChangeRow[] = [];
      for (const p of pulls) {
        const repo = byName.get(p.repository.nameWithOwner.toLowerCase());
        if (!repo) {
          counts.outOfScope++;
          continue;
        }
        const id = `${repo.fullName}#${p.number}`;
        const base = repo.defaultBranch ?? (await history).get(repo.fullName)?.branch;
        if (base === undefined) {
          gaps.push({ resource: id, kind: 'other', message: `${id}: GitHub did not say which branch is the default of ${repo.fullName}, so whether this pull request changed it is unknown.` });
          continue;
        }
        if (p.baseRefName !== base) {
          counts.otherBase++;
          continue;
        }
        const reviews = p.reviews?.nodes;
        if (!reviews || reviews.some((r) => r === null)) {
          gaps.push({ resource: id, kind: 'other', message: `${id}: GitHub returned the pull request without (all of) its reviews, so its approvals are unknown.` });
          continue;
        }
        if (p.reviews!.totalCount > reviews.length) gaps.push({ resource: id, kind: 'other', message: `${id}: ${p.reviews!.totalCount} reviews, more than soc2 reads (${reviews.length}).` });
        const final = p.commits?.nodes?.[0]?.commit;
        const input: PullInput = {
          repository: repo.fullName,
          number: p.number,
          title: p.title,
          url: p.url,
          author: p.author?.login ?? null,
          createdAt: p.createdAt,
          mergedAt: p.mergedAt ?? '',
          mergedBy: p.mergedBy?.login ?? null,
          baseBranch: p.baseRefName,
          headCommit: p.headRefOid,
          mergeCommit: p.mergeCommit?.oid ?? null,
          // A review whose commit GitHub returns null points at a commit that no longer exists, so not at the final one.
          reviews: reviews.map((r) => ({ author: r!.author?.login ?? null, authorIsBot: r!.author?.__typename === 'Bot', state: r!.state, submittedAt: r!.submittedAt, commit: r!.commit?.oid ?? null })),
          checksState: final?.statusCheckRollup?.state ?? null,
          checksReadable: checksReadable && final !== undefined && final !== null,
        };
        rows.push(pullRequestRow(input));
      }
      counts.mergedPullRequests += rows.length;
      addInOrder(out, rows);
    };
    await searchMerged(ctx, calls, gaps, Date.parse(since), Date.parse(until), totals, addPart);

    // Direct pushes after the pull requests: the history is read beside the search, so putting its
    // rows among the pull requests' would make the file's order depend on which answered first.
    const direct: ChangeRow[] = [];
    for (const [fullName, h] of await history) {
      for (const { index: i, commit: c } of h.kept) {
        const prs = c?.associatedPullRequests?.nodes;
        if (!c || !prs || prs.some((pr) => pr === null)) {
          gaps.push({ resource: fullName, kind: 'other', message: `${fullName}: GitHub returned commit ${c?.oid ?? `#${i + 1}`} on ${h.branch} without its pull requests, so whether it came through one is unknown.` });
          continue;
        }
        if (cameThroughPullRequest(c, h.branch)) continue;
        direct.push(
          directCommitRow({
            repository: fullName,
            branch: h.branch,
            oid: c.oid,
            committedDate: c.committedDate,
            headline: c.messageHeadline,
            author: c.author?.user?.login ?? c.author?.name ?? 'unknown',
            checksState: c.statusCheckRollup?.state ?? null,
            checksReadable,
            url: `https://github.com/${fullName}/commit/${c.oid}`,
          }),
        );
      }
    }
    counts.directCommits = direct.length;
    addInOrder(out, direct);

    out.addCalls(calls).addGaps(gaps).withFacts({
      ...scopeFacts(inv),
      period: { since, until },
      searchQuery: `org:${gh.org} is:pr is:merged merged:<period, split into ${totals.slices} part(s) of at most ${SEARCH_CAP}>`,
      searchTotalCount: totals.issueCount,
      searchFetched: totals.fetched,
      reconciled: totals.issueCount === totals.fetched,
      mergedPullRequests: counts.mergedPullRequests,
      mergedOutsideScope: counts.outOfScope,
      mergedIntoOtherBranches: counts.otherBase,
      directCommits: counts.directCommits,
      populationCount: counts.mergedPullRequests + counts.directCommits,
    });
    return out.build();
  },
};
