/**
 * Which repositories are in scope: include/exclude globs from the config (matched against the
 * repository name, or against owner/name when the pattern has a slash; case-insensitive, as GitHub
 * names are) and whether forks count.
 */
import { compileLinear } from '../../pattern.js';

export interface RepoScope {
  include: string[];
  exclude: string[];
  includeForks: boolean;
}

export function globMatches(pattern: string, value: string): boolean {
  let re = '';
  for (const c of pattern) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // RE2: a pattern like *a*a*a*a*b would backtrack for hours on a long name with RegExp.
  return compileLinear(`^${re}$`, { ignoreCase: true }).test(value);
}

/** Why a repository is out of scope, or undefined when it is in. */
export function outOfScopeReason(repo: { name: string; fullName: string; fork: boolean }, scope: RepoScope): string | undefined {
  const test = (p: string) => globMatches(p, p.includes('/') ? repo.fullName : repo.name);
  if (!scope.include.some(test)) return 'not matched by github.repos.include';
  const excludedBy = scope.exclude.find(test);
  if (excludedBy) return `excluded by github.repos.exclude "${excludedBy}"`;
  if (repo.fork && !scope.includeForks) return 'a fork (set github.includeForks: true to include forks)';
  return undefined;
}
