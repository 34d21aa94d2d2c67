/**
 * Cases for the GitHub controls that hold the thresholds and allow-lists the collectors used to
 * apply: GH-015 (an approved outside writer is an exception), GH-016/GH-017 (deploy keys and their
 * age), GH-024 (remediation deadlines per severity), GH-028/GH-029 (the change population). The
 * collectors report facts (each key's and alert's date, each change's approvals and checks); the
 * YAML judges them against the run's clock, 2026-04-01T09:00Z in the tester.
 */
import { testControl } from '../helpers/control-tester.js';
import type { Gap } from '../../src/collectors/types.js';
import { demoGitHubEstate } from '../../src/sandbox/estate/github.js';

const forbidden = (repo: string, what: string, permission: string): Gap => ({
  kind: 'permission', resource: repo, permission,
  message: `${repo}: GitHub answered 403 Resource not accessible by integration when reading ${what}; grant the token ${permission}.`,
});

const noDeployKeys = { deployKeyCount: 0, keys: [], writeKeys: [], writeKeyCount: 0 };

const deployKey = (title: string, createdAt: string, readOnly = true) => ({ title, readOnly, createdAt, summary: `“${title}” added ${createdAt.slice(0, 10)}` });

const alert = (number: number, severity: string | null, createdAt: string | null, what = 'lodash (GHSA-xxxx)') => ({
  tool: 'dependabot', number, severity, createdAt,
  summary: `Dependabot #${number} ${severity ?? 'severity unknown'} ${what} opened ${createdAt?.slice(0, 10) ?? 'on a date GitHub did not give'}`,
});

/** github.vulnerability-alerts: alerts on, two open alerts both within their deadlines. */
const alertsOnTime = {
  dependabotAlertsEnabled: true,
  codeScanningEnabled: true,
  openAlerts: 2,
  openBySeverity: { critical: 0, high: 1, medium: 1, low: 0 },
  alerts: [alert(1, 'high', '2026-03-20T08:00:00Z'), alert(2, 'medium', '2026-02-01T08:00:00Z')],
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
};

const directPush = {
  kind: 'direct_commit', number: null, title: 'hotfix: disable broken job', url: 'https://github.com/acme/api/commit/' + 'c'.repeat(40),
  mergedBy: 'ana', mergeCommit: 'c'.repeat(40), headCommit: 'c'.repeat(40), approvals: [], approvedByOther: false, approvedOnFinalCommit: false,
};

testControl('GH-015', {
  defaults: { outsideCollaborators: [], outsideWithWrite: [], outsideWithWriteCount: 0, outsideAdmins: [], outsideAdminCount: 0 },
  pass: [{ name: 'an outside collaborator who can only read', resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (read)'] }] }],
  fail: [{
    resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (write)'], outsideWithWrite: ['vendor-dev (write)'], outsideWithWriteCount: 1 }, { id: 'acme/web' }],
    findings: [{ resource: 'acme/api', message: /^acme\/api: outside collaborators who can push: 1 — vendor-dev \(write\); required: none\.$/ }],
  }],
  excepted: [{
    name: 'an approved outside writer is an exception for that repository, not a pass',
    resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (write)'], outsideWithWrite: ['vendor-dev (write)'], outsideWithWriteCount: 1 }],
    exceptions: [{ control: 'GH-015', resources: ['acme/api'], justification: 'Vendor ships the SDK under contract 2026-03.', approvedBy: 'cto@acme.example', expires: '2026-12-31' }],
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
  pass: [{ name: 'a read-only deploy key', resources: [{ id: 'acme/api', deployKeyCount: 1, keys: [deployKey('ci', '2026-01-10T00:00:00Z')] }] }],
  fail: [{
    resources: [{ id: 'acme/api', deployKeyCount: 2, keys: [deployKey('ci', '2026-01-10T00:00:00Z'), deployKey('ci-push', '2026-01-11T00:00:00Z', false)], writeKeys: ['ci-push'], writeKeyCount: 1 }],
    findings: [/^acme\/api: deploy keys with write access: 1 — ci-push; required: none\.$/],
  }],
  error: [{
    resources: [],
    gaps: [forbidden('acme/api', 'deploy keys', 'github:administration:read')],
    because: /^Evidence is incomplete: acme\/api: GitHub answered 403 .* deploy keys/,
  }],
});

testControl('GH-017', {
  defaults: noDeployKeys,
  pass: [{ name: 'a key younger than the rotation age at the run\'s clock', resources: [{ id: 'acme/api', deployKeyCount: 1, keys: [deployKey('ci', '2025-04-02T00:00:00Z')] }] }],
  fail: [
    {
      resources: [{ id: 'acme/api', deployKeyCount: 2, keys: [deployKey('ci', '2025-06-01T00:00:00Z'), deployKey('backup', '2025-03-01T00:00:00Z')] }],
      findings: [/^acme\/api: deploy keys older than 365 days: 1 — “backup” added 2025-03-01; required: none\.$/],
    },
    {
      name: 'the sample estate: data-pipeline keeps a key past 365 days',
      estate: { github: demoGitHubEstate() },
      findings: [{ resource: 'northwind-analytics/data-pipeline', message: /deploy keys older than 365 days: 1 — “airflow deploy \(write\)” added 2024-03-01; required: none\./ }],
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
  pass: [
    { resources: [{ id: 'acme/api' }] },
    { name: 'no open alerts', resources: [{ id: 'acme/api', openAlerts: 0, openBySeverity: { critical: 0, high: 0, medium: 0, low: 0 }, alerts: [] }] },
  ],
  fail: [
    {
      name: 'a critical alert open longer than 7 days',
      resources: [{ id: 'acme/api', openAlerts: 3, alerts: [...alertsOnTime.alerts, alert(4, 'critical', '2026-03-23T08:00:00Z')] }],
      findings: [/^acme\/api: critical alerts open longer than 7 days: 1 — Dependabot #4 critical lodash \(GHSA-xxxx\) opened 2026-03-23; required: none\.$/],
    },
    {
      name: 'Dependabot alerts off',
      resources: [{ id: 'acme/api', dependabotAlertsEnabled: false, openAlerts: 0, openBySeverity: { critical: 0, high: 0, medium: 0, low: 0 }, alerts: [] }],
      findings: [/^acme\/api: Dependabot alerts enabled is false; required: true\.$/],
    },
  ],
  error: [{
    name: 'an alert without a severity, older than the shortest deadline and younger than the longest',
    resources: [{ id: 'acme/api', openBySeverity: null, alerts: [alert(5, null, '2026-03-01T08:00:00Z')] }],
    because: /acme\/api: could not tell critical alerts open longer than 7 days or high alerts open longer than 30 days: GitHub did not report severity \(alerts\.severity\) of Dependabot #5 severity unknown/,
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
      resources: [{ id: 'acme/api#43', number: 43, approvedOnFinalCommit: false }, { id: 'acme/api#42' }],
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
    resources: [{ id: 'acme/api#42', checksState: 'FAILURE', checksPassed: false }],
    findings: [/^acme\/api#42: checks passed on the final commit is false; required: true\.$/],
  }],
  not_applicable: [{ name: 'no change reached a default branch in the period', resources: [] }],
  error: [{
    name: 'checks on the final commit could not be read',
    resources: [{ id: 'acme/api#42', checksState: 'UNKNOWN', checksPassed: null }],
    because: /acme\/api#42: GitHub did not say whether checks passed on the final commit \(checksPassed\); reading it needs github:checks:read\.$/,
  }],
});
