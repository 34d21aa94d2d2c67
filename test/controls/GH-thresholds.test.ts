/**
 * Cases for the GitHub controls whose thresholds and allow-lists are moving from collectors into
 * control YAML (issue 9): GH-015 (outside-collaborator allow-list), GH-016/GH-017 (deploy keys and
 * their age), GH-024 (vulnerability SLA), GH-028/GH-029 (change-population deviations). They are
 * written against today's shape — the collector decides "stale", "overdue" and "allowed" and the
 * assertion compares a count — and kept apart so they can be adapted when that change lands.
 */
import { testControl } from '../helpers/control-tester.js';
import type { Gap } from '../../src/collectors/types.js';
import { demoGitHubEstate } from '../../src/sandbox/estate/github.js';

const forbidden = (repo: string, what: string, permission: string): Gap => ({
  kind: 'permission', resource: repo, permission,
  message: `${repo}: GitHub answered 403 Resource not accessible by integration when reading ${what}; grant the token ${permission}.`,
});

const noDeployKeys = { deployKeyCount: 0, writeKeys: [], writeKeyCount: 0, staleKeys: [], staleKeyCount: 0 };

/** github.vulnerability-alerts: alerts on, two open alerts both within their SLA. */
const alertsOnTime = {
  dependabotAlertsEnabled: true,
  codeScanningEnabled: true,
  openAlerts: 2,
  openBySeverity: { critical: 0, high: 1, medium: 1, low: 0 },
  overdueCount: 0,
  overdue: [],
  oldestOpenDays: 12,
};

/** github.change-population: a pull request approved by another person on its final commit, checks green. */
const reviewedPull = {
  kind: 'pull_request',
  repository: 'acme/api',
  number: 42,
  title: 'Add rate limiting',
  url: 'https://github.com/acme/api/pull/42',
  author: 'ana',
  createdAt: '2026-02-02T10:00:00Z',
  mergedAt: '2026-02-03T15:00:00Z',
  mergedBy: 'ana',
  mergeCommit: 'a'.repeat(40),
  baseBranch: 'main',
  headCommit: 'b'.repeat(40),
  approvals: ['bo'],
  approvedByOther: true,
  approvedOnFinalCommit: true,
  checksState: 'SUCCESS',
  checksPassed: true,
  deviations: [],
};

const directPush = {
  kind: 'direct_commit', number: null, title: 'hotfix: disable broken job', url: 'https://github.com/acme/api/commit/' + 'c'.repeat(40),
  mergedBy: 'ana', mergeCommit: 'c'.repeat(40), headCommit: 'c'.repeat(40), approvals: [], approvedByOther: false, approvedOnFinalCommit: false,
  deviations: ['reached the default branch without a pull request (direct push)'],
};

testControl('GH-015', {
  defaults: { outsideCollaborators: [], outsideWithWrite: [], outsideWithWriteCount: 0, outsideAdmins: [], outsideAdminCount: 0 },
  pass: [{ name: 'an outside collaborator who can only read', resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (read)'] }] }],
  fail: [{
    resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (write)'], outsideWithWrite: ['vendor-dev (write)'], outsideWithWriteCount: 1 }, { id: 'acme/web' }],
    findings: [{ resource: 'acme/api', message: /^acme\/api: outside collaborators who can push is 1; required: 0\.$/ }],
  }],
  error: [{
    name: 'the collaborator list of one repository could not be read',
    resources: [{ id: 'acme/api' }],
    gaps: [forbidden('acme/web', 'collaborators', 'github:administration:read')],
    because: /^Evidence is incomplete: acme\/web: GitHub answered 403 .* collaborators/,
  }],
});

testControl('GH-016', {
  defaults: noDeployKeys,
  pass: [{ name: 'a read-only deploy key', resources: [{ id: 'acme/api', deployKeyCount: 1 }] }],
  fail: [{
    resources: [{ id: 'acme/api', deployKeyCount: 2, writeKeys: ['ci-push (id 7)'], writeKeyCount: 1 }],
    findings: [/^acme\/api: deploy keys with write access is 1; required: 0\.$/],
  }],
  error: [{
    resources: [],
    gaps: [forbidden('acme/api', 'deploy keys', 'github:administration:read')],
    because: /^Evidence is incomplete: acme\/api: GitHub answered 403 .* deploy keys/,
  }],
});

testControl('GH-017', {
  defaults: noDeployKeys,
  pass: [{ name: 'a key younger than the rotation age', resources: [{ id: 'acme/api', deployKeyCount: 1 }] }],
  fail: [
    {
      resources: [{ id: 'acme/api', deployKeyCount: 1, staleKeys: ['backup (id 3, 400 days old)'], staleKeyCount: 1 }],
      findings: [/^acme\/api: deploy keys older than the rotation age is 1; required: 0\.$/],
    },
    {
      name: 'the sample estate: data-pipeline keeps a key past 365 days',
      estate: { github: demoGitHubEstate() },
      findings: [{ resource: 'northwind-analytics/data-pipeline', message: /deploy keys older than the rotation age is 1; required: 0\./ }],
    },
  ],
  error: [{
    resources: [{ id: 'acme/api' }],
    gaps: [forbidden('acme/web', 'deploy keys', 'github:administration:read')],
    because: /^Evidence is incomplete: acme\/web: GitHub answered 403/,
  }],
});

testControl('GH-024', {
  defaults: alertsOnTime,
  pass: [{ resources: [{ id: 'acme/api' }] }, { name: 'no open alerts', resources: [{ id: 'acme/api', openAlerts: 0, openBySeverity: { critical: 0, high: 0, medium: 0, low: 0 }, oldestOpenDays: 0 }] }],
  fail: [
    {
      resources: [{ id: 'acme/api', overdueCount: 1, overdue: ['Dependabot #4 critical lodash (GHSA-xxxx) open 9 days (SLA 7)'], oldestOpenDays: 9 }],
      findings: [/^acme\/api: alerts open longer than the SLA is 1; required: no alert open longer than its SLA\.$/],
    },
    {
      name: 'Dependabot alerts off',
      resources: [{ id: 'acme/api', dependabotAlertsEnabled: false, openAlerts: 0, openBySeverity: { critical: 0, high: 0, medium: 0, low: 0 }, oldestOpenDays: 0 }],
      findings: [/^acme\/api: Dependabot alerts enabled is false; required: true\.$/],
    },
  ],
  error: [{
    name: 'an alert without a severity, older than the shortest SLA and younger than the longest',
    resources: [{ id: 'acme/api', openBySeverity: null, overdueCount: null, overdue: null, oldestOpenDays: 40 }],
    because: /acme\/api: GitHub did not report alerts open longer than the SLA \(overdueCount\); reading it needs github:dependabot_alerts:read\.$/,
  }],
});

testControl('GH-028', {
  defaults: reviewedPull,
  pass: [{ resources: [{ id: 'acme/api#42', label: 'acme/api#42 “Add rate limiting”' }] }],
  fail: [
    {
      name: 'a direct push to the default branch',
      resources: [{ id: 'acme/api@cccccccccccc', label: 'acme/api@cccccccccccc “hotfix: disable broken job”', ...directPush }],
      findings: [/^acme\/api@cccccccccccc “hotfix: disable broken job”: how the change reached the default branch is "direct_commit"; required: the change came through a pull request \(not a direct push\); approved by someone other than the author on the final commit is false; required: true\.$/],
    },
    {
      name: 'approved only before a later commit',
      resources: [{ id: 'acme/api#43', number: 43, approvedOnFinalCommit: false, deviations: ['approved only before later commits: approval on 1111111, final commit bbbbbbb'] }, { id: 'acme/api#42' }],
      findings: [{ resource: 'acme/api#43', message: /^acme\/api#43: approved by someone other than the author on the final commit is false; required: true\.$/ }],
      counts: { pass: 1, fail: 1 },
    },
  ],
  not_applicable: [{ name: 'no change reached a default branch in the period', resources: [], because: /^Nothing to check: the collector found no resources\.$/ }],
  error: [{
    name: 'search counted more merged pull requests than it returned',
    resources: [{ id: 'acme/api#42' }],
    gaps: [{ resource: 'acme', kind: 'other', message: 'acme: GitHub search counted 2 merged pull requests between 2026-01-01 and 2026-03-31 but returned 1; the change population is incomplete.' }],
    because: /^Evidence is incomplete: acme: GitHub search counted 2 merged pull requests .* the change population is incomplete\.$/,
  }],
});

testControl('GH-029', {
  defaults: reviewedPull,
  pass: [{ resources: [{ id: 'acme/api#42' }] }],
  fail: [{
    resources: [{ id: 'acme/api#42', checksState: 'FAILURE', checksPassed: false, deviations: ['checks failure on the final commit'] }],
    findings: [/^acme\/api#42: checks passed on the final commit is false; required: true\.$/],
  }],
  not_applicable: [{ name: 'no change reached a default branch in the period', resources: [] }],
  error: [{
    name: 'checks on the final commit could not be read',
    resources: [{ id: 'acme/api#42', checksState: 'UNKNOWN', checksPassed: null }],
    because: /acme\/api#42: GitHub did not say whether checks passed on the final commit \(checksPassed\); reading it needs github:checks:read\.$/,
  }],
});
