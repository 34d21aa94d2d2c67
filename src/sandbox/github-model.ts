/**
 * Reads over the fake estate that REST routes and GraphQL resolvers share: which rulesets apply to
 * a branch (GitHub's effective-rules view), the default-branch history and the PR search.
 */
import type { GitHubEstate, PullSpec, RepoSpec, Ruleset, RulesetRule } from './estate/github.js';

/** fnmatch-style glob as GitHub uses in ruleset conditions: `*` stays in a path segment, `**` crosses. */
export function globToRegExp(glob: string, flags = ''): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, flags);
}

function refMatches(pattern: string, branch: string, defaultBranch: string): boolean {
  if (pattern === '~ALL') return true;
  if (pattern === '~DEFAULT_BRANCH') return branch === defaultBranch;
  const p = pattern.startsWith('refs/heads/') ? pattern.slice('refs/heads/'.length) : pattern;
  return globToRegExp(p).test(branch);
}

export function rulesetApplies(ruleset: Ruleset, repo: RepoSpec, branch: string): boolean {
  if (ruleset.target !== 'branch') return false;
  if (ruleset.repositoryInclude && !ruleset.repositoryInclude.some((p) => p === '~ALL' || globToRegExp(p).test(repo.name))) return false;
  // An empty include list applies to every ref not excluded (the behaviour Scorecard had to fix in #4835).
  const included = ruleset.include.length === 0 || ruleset.include.some((p) => refMatches(p, branch, repo.defaultBranch));
  return included && !ruleset.exclude.some((p) => refMatches(p, branch, repo.defaultBranch));
}

export interface EffectiveRule {
  rule: RulesetRule;
  ruleset: Ruleset;
  sourceType: 'Repository' | 'Organization';
  source: string;
}

/** Active rules on a branch from repository and organisation rulesets (`GET /repos/{o}/{r}/rules/branches/{b}`). */
export function effectiveRules(estate: GitHubEstate, repo: RepoSpec, branch: string): EffectiveRule[] {
  const out: EffectiveRule[] = [];
  const consider = (rs: Ruleset, sourceType: 'Repository' | 'Organization', source: string) => {
    if (rs.enforcement !== 'active' || !rulesetApplies(rs, repo, branch)) return;
    for (const rule of rs.rules) out.push({ rule, ruleset: rs, sourceType, source });
  };
  for (const rs of repo.rulesets) consider(rs, 'Repository', `${estate.org}/${repo.name}`);
  for (const rs of estate.orgRulesets) consider(rs, 'Organization', estate.org);
  return out;
}

export function findRepo(estate: GitHubEstate, owner: string, name: string): RepoSpec | undefined {
  if (owner.toLowerCase() !== estate.org.toLowerCase()) return undefined;
  return estate.repos.find((r) => r.name.toLowerCase() === name.toLowerCase());
}

// ------------------------------------------------------------------------------------- PR search

export interface SearchHit {
  repo: RepoSpec;
  pull: PullSpec;
}

function parseBound(s: string, end: boolean): number {
  if (s === '*') return end ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T${end ? '23:59:59' : '00:00:00'}Z`);
  return Date.parse(s);
}

/**
 * Every merged pull request of an estate, newest first (ties by repository name, then number
 * descending), with its merge time parsed: GitHub search answers each page of a query, and at the
 * scale bench's 200,000 pull requests scanning and sorting the estate per page was nearly all of a
 * run's time. Rebuilt when the estate's repositories or pull-request lists change, or when a
 * pull request it answers with no longer has the merge time it was indexed under.
 */
interface MergedIndex {
  shape: Array<[RepoSpec, PullSpec[], number]>;
  hits: Array<{ repo: RepoSpec; pull: PullSpec; mergedAt: string; t: number }>;
}
const mergedIndexes = new WeakMap<GitHubEstate, MergedIndex>();

/** The order search answers in: newest first (by `when`), then repository name, then number descending. */
function newestFirst<H extends SearchHit>(when: (hit: H) => number): (a: H, b: H) => number {
  return (a, b) => when(b) - when(a) || a.repo.name.localeCompare(b.repo.name) || b.pull.number - a.pull.number;
}

function mergedIndex(estate: GitHubEstate): MergedIndex {
  const cached = mergedIndexes.get(estate);
  if (cached && cached.shape.length === estate.repos.length && cached.shape.every(([repo, pulls, n], i) => estate.repos[i] === repo && repo.pulls === pulls && pulls.length === n)) return cached;
  const hits: MergedIndex['hits'] = [];
  for (const repo of estate.repos) for (const pull of repo.pulls) if (pull.mergedAt) hits.push({ repo, pull, mergedAt: pull.mergedAt, t: Date.parse(pull.mergedAt) });
  hits.sort(newestFirst((h) => h.t));
  const index = { shape: estate.repos.map((r): [RepoSpec, PullSpec[], number] => [r, r.pulls, r.pulls.length]), hits };
  mergedIndexes.set(estate, index);
  return index;
}

/**
 * The subset of GitHub's issue search the collectors use: `org:`, `repo:`, `is:pr`, `is:merged`,
 * `base:`, `merged:A..B` (dates or ISO timestamps). Results sorted newest first, as GitHub's
 * default for this kind of query effectively returns them.
 */
export function searchPulls(estate: GitHubEstate, query: string, visible: (repo: RepoSpec) => boolean): SearchHit[] {
  const terms = query.trim().split(/\s+/);
  let repoFilter: string | undefined;
  let orgOk = true;
  let base: string | undefined;
  let mergedOnly = false;
  let prOnly = false;
  let range: [number, number] | undefined;
  for (const t of terms) {
    const [k, ...rest] = t.split(':');
    const v = rest.join(':');
    if (k === 'org') orgOk = v.toLowerCase() === estate.org.toLowerCase();
    else if (k === 'repo') repoFilter = v.toLowerCase();
    else if (k === 'is' && v === 'pr') prOnly = true;
    else if (k === 'is' && v === 'merged') mergedOnly = true;
    else if (k === 'base') base = v;
    else if (k === 'merged') {
      const [a, b] = v.split('..');
      range = [parseBound(a ?? '*', false), parseBound(b ?? '*', true)];
    }
  }
  if (!orgOk || !prOnly) return [];
  const wanted = (repo: RepoSpec, pull: PullSpec) => (!repoFilter || `${estate.org}/${repo.name}`.toLowerCase() === repoFilter) && (!base || pull.baseRef === base) && visible(repo);
  if (mergedOnly || range) {
    const [lo, hi] = range ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const index = mergedIndex(estate);
    // Newest first: skip past everything merged after the range, then take until it is left.
    let a = 0;
    let b = index.hits.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (index.hits[mid]!.t > hi) a = mid + 1;
      else b = mid;
    }
    const hits: SearchHit[] = [];
    for (let i = a; i < index.hits.length && index.hits[i]!.t >= lo; i++) {
      const h = index.hits[i]!;
      if (h.pull.mergedAt !== h.mergedAt) {
        mergedIndexes.delete(estate);
        return searchPulls(estate, query, visible);
      }
      if (wanted(h.repo, h.pull)) hits.push({ repo: h.repo, pull: h.pull });
    }
    return hits;
  }
  const hits: SearchHit[] = [];
  for (const repo of estate.repos) for (const pull of repo.pulls) if (wanted(repo, pull)) hits.push({ repo, pull });
  hits.sort(newestFirst((h) => Date.parse(h.pull.mergedAt ?? h.pull.createdAt)));
  return hits;
}
