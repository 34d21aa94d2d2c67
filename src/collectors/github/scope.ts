/**
 * Which repositories are in scope: include/exclude globs from the config (soc2's one dialect,
 * src/util/glob.ts, where `*` stays within a name; matched against the repository name, or against
 * owner/name when the pattern has a slash; case-insensitive, as GitHub names are) and whether forks
 * count.
 */
import { globMatches } from '../../util/glob.js';

export interface RepoScope {
  include: string[];
  exclude: string[];
  includeForks: boolean;
}

/** Why a repository is out of scope, or undefined when it is in. */
export function outOfScopeReason(repo: { name: string; fullName: string; fork: boolean }, scope: RepoScope): string | undefined {
  const test = (p: string) => globMatches(p, p.includes('/') ? repo.fullName : repo.name, { ignoreCase: true });
  if (!scope.include.some(test)) return 'not matched by github.repos.include';
  const excludedBy = scope.exclude.find(test);
  if (excludedBy) return `excluded by github.repos.exclude "${excludedBy}"`;
  if (repo.fork && !scope.includeForks) return 'a fork (set github.includeForks: true to include forks)';
  return undefined;
}
