/**
 * The estates the fault matrix runs against: the demo estates, and for GitHub enough extra
 * repositories (from the bench estate) that reads span pages — two GraphQL batches of repository
 * facts, two pages of merged pull requests, one repository with two pages of default-branch history.
 */
import { benchGitHubEstate } from '../../src/sandbox/estate/github-bench.js';
import { demoGitHubEstate, fakeSha, shiftDays, type GitHubEstate } from '../../src/sandbox/estate/github.js';

/** Bench repositories added to the demo organisation. */
const EXTRA_REPOS = 60;
/** Commits on one repository's default branch in the period: more than one page of 100. */
const LONG_HISTORY = 120;

export function faultGitHubEstate(): GitHubEstate {
  const estate = demoGitHubEstate();
  const extra = benchGitHubEstate(EXTRA_REPOS).repos;
  // svc-0002 is neither a fork nor archived, and has pull request #1 merged into main.
  const long = extra.find((r) => r.name === 'svc-0002')!;
  for (let i = 0; i < LONG_HISTORY; i++) {
    long.commits.push({ sha: fakeSha(`svc-0002:history:${i}`), message: `Part ${i} of change 1`, author: 'bob-nw', committedDate: shiftDays('2026-01-06T00:00:00Z', i / 10), pr: 1, checks: 'SUCCESS' });
  }
  estate.repos.push(...extra);
  return estate;
}
