/**
 * Cases for the GitHub controls (controls/GH-*.yaml) whose judgment lives in the assertion today.
 * GH-015/016/017/024/028/029, whose thresholds are moving from collectors into the YAML, have
 * their cases in GH-thresholds.test.ts.
 */
import { testControl } from '../helpers/control-tester.js';
import type { Gap } from '../../src/collectors/types.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';

/** github.branch-rules: a default branch with every protection the controls ask for. */
const protectedBranch = {
  defaultBranch: 'main',
  protected: true,
  protectionSources: ['ruleset "main protection" (repository)'],
  pullRequestRequired: true,
  requiredApprovals: 1,
  dismissStaleReviews: true,
  requireCodeOwnerReview: true,
  requireLastPushApproval: false,
  statusChecksRequired: true,
  requiredStatusChecks: ['build'],
  strictStatusChecks: true,
  forcePushesBlocked: true,
  forcePushBypassActors: [],
  deletionBlocked: true,
  signedCommitsRequired: true,
  linearHistoryRequired: false,
  adminsCanBypass: false,
  bypassActors: [],
};

/** github.org-settings: an organisation that meets every organisation control. */
const soundOrg = {
  twoFactorRequirementEnabled: true,
  defaultRepositoryPermission: 'read',
  membersCanCreateRepositories: false,
  membersCanCreatePublicRepositories: false,
  membersCanForkPrivateRepositories: false,
  membersCanDeleteRepositories: false,
  ownerCount: 3,
  owners: ['ana', 'bo', 'cy'],
  memberCount: 40,
  membersWithoutTwoFactor: [],
  outsideCollaboratorCount: 1,
  outsideCollaborators: ['vendor-dev'],
};

/** github.security-features: every feature on. */
const secured = {
  secretScanning: true,
  secretScanningPushProtection: true,
  dependabotAlerts: true,
  dependabotSecurityUpdates: true,
  codeScanning: true,
  codeScanningStatus: 'enabled',
  visibility: 'private',
};

/** github.actions-settings: the least the organisation can allow. */
const lockedActions = {
  actionsEnabled: true,
  allowedActions: 'selected',
  defaultWorkflowPermissions: 'read',
  canApprovePullRequestReviews: false,
  decidedBy: [],
};

/** github.webhooks: two hooks, both over https with a secret. */
const safeHooks = {
  hookCount: 2,
  httpHooks: [],
  httpHookCount: 0,
  tlsVerificationDisabled: [],
  tlsVerificationDisabledCount: 0,
  withoutSecret: [],
  withoutSecretCount: 0,
};

const forbidden = (repo: string, what: string, permission = 'github:administration:read'): Gap => ({
  kind: 'permission', resource: repo, permission,
  message: `${repo}: GitHub answered 403 Resource not accessible by integration when reading ${what}; grant the token ${permission}.`,
});

const archived = 'acme/old-site is archived (read-only): no change can reach it, so its settings no longer protect anything.';

testControl('GH-001', {
  defaults: soundOrg,
  pass: [{ resources: [{ id: 'acme' }] }],
  fail: [{
    resources: [{ id: 'acme', twoFactorRequirementEnabled: false }],
    findings: [/^acme: two-factor authentication required for everyone is false; required: two-factor authentication required for everyone in the organisation\.$/],
  }],
  error: [
    {
      name: 'GitHub did not say whether 2FA is required (a token without organisation administration)',
      resources: [{ id: 'acme', twoFactorRequirementEnabled: null }],
      because: /GitHub did not say whether two-factor authentication required for everyone \(twoFactorRequirementEnabled\); reading it needs github:org_administration:read/,
    },
    { name: 'no organisation was read', resources: [], because: /Nothing to check: the collector found no resources; an empty population is not evidence/ },
  ],
});

testControl('GH-002', {
  defaults: protectedBranch,
  pass: [
    { resources: [{ id: 'acme/api' }, { id: 'acme/web' }] },
    {
      name: 'an archived, unprotected repository is out of scope and does not fail the control',
      resources: [{ id: 'acme/api' }, { id: 'acme/old-site', protected: false, protectionSources: [], notApplicable: archived }],
      counts: { pass: 1, notApplicable: 1 },
    },
  ],
  fail: [
    {
      resources: [{ id: 'acme/api' }, { id: 'acme/scratch', protected: false, protectionSources: [], pullRequestRequired: false, requiredApprovals: 0 }],
      findings: [{ resource: 'acme/scratch', message: /^acme\/scratch: default branch protected \(classic protection or an active ruleset\) is false; required: true\.$/ }],
      counts: { pass: 1, fail: 1 },
    },
    {
      name: 'the sample estate: data-pipeline has no protection (archived legacy-reports is not applicable)',
      estate: { github: demoGitHubEstate() },
      findings: [{ resource: 'northwind-analytics/data-pipeline', message: /default branch protected .* is false/ }],
      counts: { fail: 1, notApplicable: 1 },
    },
  ],
  error: [
    {
      name: 'a repository whose protection could not be read, the others protected',
      resources: [{ id: 'acme/api' }],
      gaps: [forbidden('acme/web', 'branch protection')],
      because: /^Evidence is incomplete: acme\/web: GitHub answered 403/,
      findings: [{ resource: 'acme/web', message: /403/ }],
    },
    {
      name: 'a member token cannot read branch protection anywhere (the sample estate)',
      estate: { github: demoGitHubEstate(), token: DEMO_TOKENS.member },
      because: /^Evidence is incomplete: northwind-analytics\/api: token lacks github:administration:read: .* so the branch rules cannot be known \(not treated as unprotected\)\. \(and 5 more problems\)$/,
      counts: { pass: 0, fail: 0, error: 6, notApplicable: 1 },
    },
  ],
});

testControl('GH-003', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api', requiredApprovals: 2 }] }],
  fail: [
    {
      resources: [{ id: 'acme/api', requiredApprovals: 0 }],
      findings: [/^acme\/api: required approvals is 0; required: at least 1\.$/],
    },
    {
      name: 'no pull request required fails on that alone, even when approvals were not reported',
      resources: [{ id: 'acme/api', pullRequestRequired: false, requiredApprovals: null }],
      findings: [/^acme\/api: pull request required before merging is false; required: true\.$/],
    },
  ],
  error: [{
    resources: [{ id: 'acme/api', requiredApprovals: null }],
    because: /GitHub did not report required approvals \(requiredApprovals\); reading it needs github:administration:read/,
  }],
});

testControl('GH-004', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', dismissStaleReviews: false }, { id: 'acme/web' }],
    findings: [{ resource: 'acme/api', message: /^acme\/api: stale approvals dismissed on new commits is false; required: true\.$/ }],
  }],
  error: [{
    resources: [{ id: 'acme/api', dismissStaleReviews: null }],
    because: /did not say whether stale approvals dismissed on new commits \(dismissStaleReviews\)/,
  }],
});

testControl('GH-005', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [
    {
      name: 'administrators can bypass',
      resources: [{ id: 'acme/api', adminsCanBypass: true, bypassActors: ['repository admins (classic protection: "Do not allow bypassing the above settings" is off)'] }],
      findings: [/^acme\/api: administrators \(or listed actors\) can bypass the review requirement is true; required: no one may bypass .*; .*who can bypass the review requirement is 1 item/],
    },
    {
      name: 'a listed bypass actor fails it even when administrators cannot bypass',
      resources: [{ id: 'acme/api', bypassActors: ['team release-managers (always)'] }],
      findings: [/^acme\/api: who can bypass the review requirement is 1 item \("team release-managers \(always\)"\); required: nobody is allowed to merge without the review\.$/],
    },
    {
      name: 'the sample estate: classic protection without "Do not allow bypassing", an organisation ruleset\'s bypass list, bypass allowances',
      estate: { github: demoGitHubEstate() },
      findings: [
        { resource: 'northwind-analytics/billing-service', message: /can bypass the review requirement is true/ },
        { resource: 'northwind-analytics/data-pipeline', message: /can bypass the review requirement is true/ },
        { resource: 'northwind-analytics/infra-terraform', message: /who can bypass the review requirement is 1 item \("OrganizationAdmin \(pull_request\) via ruleset "Default branch baseline" \(organisation\)"\)/ },
        { resource: 'northwind-analytics/sandbox-playground', message: /who can bypass the review requirement is 3 items \("User:bob-nw / },
      ],
    },
  ],
  error: [{
    resources: [{ id: 'acme/api', adminsCanBypass: null, bypassActors: null }],
    because: /acme\/api: GitHub did not report whether administrators \(or listed actors\) can bypass the review requirement \(adminsCanBypass\) or who can bypass the review requirement \(bypassActors\); reading them needs github:administration:read\.$/,
  }],
});

testControl('GH-006', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [
    {
      resources: [{ id: 'acme/api', forcePushesBlocked: false, deletionBlocked: false }],
      findings: [/^acme\/api: force pushes blocked is false; required: true; branch deletion blocked is false; required: true\.$/],
    },
    {
      name: 'force pushes blocked, but someone may force-push past the block',
      resources: [{ id: 'acme/api', forcePushBypassActors: ['role admin (always)'] }],
      findings: [/^acme\/api: who may still force-push where force pushes are blocked is 1 item .*; required: nobody may force-push past the block\.$/],
    },
  ],
  error: [{
    resources: [{ id: 'acme/api', forcePushBypassActors: null }],
    because: /forcePushBypassActors/,
  }],
});

testControl('GH-007', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', statusChecksRequired: false, requiredStatusChecks: [] }],
    findings: [/^acme\/api: status checks required is false; required: true\.$/],
  }],
  error: [{ resources: [{ id: 'acme/api', statusChecksRequired: null }], because: /did not say whether status checks required \(statusChecksRequired\)/ }],
});

testControl('GH-008', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', requireCodeOwnerReview: false }],
    findings: [/^acme\/api: code-owner review required is false; required: true\.$/],
  }],
  error: [{ resources: [{ id: 'acme/api', requireCodeOwnerReview: null }], because: /did not say whether code-owner review required \(requireCodeOwnerReview\)/ }],
});

testControl('GH-009', {
  defaults: protectedBranch,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [
    {
      resources: [{ id: 'acme/api', signedCommitsRequired: false }],
      findings: [/^acme\/api: signed commits required is false; required: true\.$/],
    },
    {
      name: 'an exception that expired yesterday no longer covers the repository',
      resources: [{ id: 'acme/api', signedCommitsRequired: false }],
      exceptions: [{ control: 'GH-009', resources: ['acme/api'], justification: 'Signing keys are being rolled out to the team.', approvedBy: 'cto@acme.example', expires: '2026-03-31' }],
      findings: [/^acme\/api: signed commits required is false/],
    },
  ],
  excepted: [{
    name: 'an approved, unexpired exception covers the one failing repository',
    resources: [{ id: 'acme/api', signedCommitsRequired: false }, { id: 'acme/web' }],
    exceptions: [{ control: 'GH-009', resources: ['acme/api'], justification: 'Signing keys are being rolled out to the team.', approvedBy: 'cto@acme.example', expires: '2026-06-30' }],
    findings: [{ resource: 'acme/api', message: /signed commits required is false/ }],
    because: /^1 failing resource is covered by an approved exception; nothing else fails\.$/,
  }],
  error: [{ resources: [{ id: 'acme/api', signedCommitsRequired: null }], because: /did not say whether signed commits required \(signedCommitsRequired\)/ }],
});

testControl('GH-010', {
  defaults: soundOrg,
  pass: [{ resources: [{ id: 'acme', defaultRepositoryPermission: 'read' }] }, { resources: [{ id: 'acme', defaultRepositoryPermission: 'none' }] }],
  fail: [{
    resources: [{ id: 'acme', defaultRepositoryPermission: 'write' }],
    findings: [/^acme: base repository permission of members is "write"; required: one of "read", "none"\.$/],
  }],
  error: [{ resources: [{ id: 'acme', defaultRepositoryPermission: null }], because: /did not report base repository permission of members \(defaultRepositoryPermission\); reading it needs github:org_administration:read/ }],
});

testControl('GH-011', {
  defaults: soundOrg,
  pass: [{ resources: [{ id: 'acme' }] }],
  fail: [{
    resources: [{ id: 'acme', membersCanCreatePublicRepositories: true }],
    findings: [/^acme: members can create public repositories is true; required: false\.$/],
  }],
  error: [{ resources: [{ id: 'acme', membersCanCreatePublicRepositories: null }], because: /did not say whether members can create public repositories/ }],
});

testControl('GH-012', {
  defaults: soundOrg,
  pass: [
    { name: 'two owners (the fewest allowed)', resources: [{ id: 'acme', ownerCount: 2, owners: ['ana', 'bo'] }] },
    { name: 'five owners (the most allowed)', resources: [{ id: 'acme', ownerCount: 5, owners: ['ana', 'bo', 'cy', 'dee', 'ed'] }] },
  ],
  fail: [
    { name: 'a single owner', resources: [{ id: 'acme', ownerCount: 1, owners: ['ana'] }], findings: [/^acme: number of organisation owners is 1; required: at least 2\.$/] },
    { name: 'six owners', resources: [{ id: 'acme', ownerCount: 6, owners: ['ana', 'bo', 'cy', 'dee', 'ed', 'flo'] }], findings: [/^acme: number of organisation owners is 6; required: at most 5\.$/] },
  ],
  error: [{ resources: [{ id: 'acme', ownerCount: null, owners: null }], because: /did not report number of organisation owners \(ownerCount\); reading it needs github:org_members:read/ }],
});

testControl('GH-013', {
  defaults: soundOrg,
  pass: [{ resources: [{ id: 'acme' }] }],
  fail: [{
    resources: [{ id: 'acme', membersWithoutTwoFactor: ['dee', 'ed'] }],
    findings: [/^acme: members without two-factor authentication is 2 items \("dee", "ed"\); required: no member without two-factor authentication\.$/],
  }],
  error: [{
    name: 'only owners may list members without 2FA',
    resources: [{ id: 'acme', membersWithoutTwoFactor: null }],
    because: /did not report members without two-factor authentication \(membersWithoutTwoFactor\); reading it needs github:org_administration:read/,
  }],
});

testControl('GH-014', {
  defaults: { outsideCollaborators: [], outsideWithWrite: [], outsideWithWriteCount: 0, outsideAdmins: [], outsideAdminCount: 0 },
  pass: [{
    name: 'an outside collaborator who can only read',
    resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (read)'] }],
  }],
  fail: [{
    resources: [{ id: 'acme/api', outsideCollaborators: ['vendor-dev (admin)'], outsideWithWrite: ['vendor-dev (admin)'], outsideWithWriteCount: 1, outsideAdmins: ['vendor-dev'], outsideAdminCount: 1 }],
    findings: [/^acme\/api: outside collaborators with admin access is 1; required: 0\.$/],
  }],
  error: [{
    name: 'GitHub listed an outside collaborator without saying what they can do',
    resources: [{ id: 'acme/web' }],
    gaps: [{ resource: 'acme/api', kind: 'other', message: 'acme/api: GitHub listed vendor-dev as outside collaborator(s) without saying what they can do (no permission flags), so who can push is unknown.' }],
    because: /acme\/api: GitHub listed vendor-dev as outside collaborator\(s\) without saying what they can do/,
  }],
});

testControl('GH-018', {
  defaults: safeHooks,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', httpHooks: ['http://ci.acme.example/hook'], httpHookCount: 1, tlsVerificationDisabled: ['https://chat.acme.example/hook'], tlsVerificationDisabledCount: 1 }],
    findings: [/^acme\/api: webhooks sending to plain http URLs is 1; required: 0; webhooks with TLS certificate verification disabled is 1; required: 0\.$/],
  }],
  error: [{
    name: 'hook configurations GitHub did not show',
    resources: [{ id: 'acme/api', httpHooks: null, httpHookCount: null, tlsVerificationDisabled: null, tlsVerificationDisabledCount: null }],
    because: /did not report webhooks sending to plain http URLs \(httpHookCount\) or webhooks with TLS certificate verification disabled \(tlsVerificationDisabledCount\); reading them needs github:webhooks:read/,
  }],
});

testControl('GH-019', {
  defaults: safeHooks,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', withoutSecret: ['https://ci.acme.example/hook'], withoutSecretCount: 1 }],
    findings: [/^acme\/api: webhooks without a secret is 1; required: 0\.$/],
  }],
  error: [{
    resources: [{ id: 'acme/api' }],
    gaps: [forbidden('acme/web', 'webhooks', 'github:webhooks:read')],
    because: /acme\/web: GitHub answered 403 .* webhooks; grant the token github:webhooks:read/,
  }],
});

testControl('GH-020', {
  defaults: secured,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', secretScanningPushProtection: false }],
    findings: [/^acme\/api: secret scanning push protection enabled is false; required: true\.$/],
  }],
  error: [{
    resources: [{ id: 'acme/api', secretScanning: null, secretScanningPushProtection: null }],
    because: /did not say whether secret scanning enabled \(secretScanning\) or whether secret scanning push protection enabled \(secretScanningPushProtection\); reading them needs github:administration:read/,
  }],
});

testControl('GH-021', {
  defaults: secured,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{ resources: [{ id: 'acme/api', dependabotAlerts: false }], findings: [/^acme\/api: Dependabot alerts enabled is false; required: true\.$/] }],
  error: [{ resources: [{ id: 'acme/api', dependabotAlerts: null }], because: /did not say whether Dependabot alerts enabled \(dependabotAlerts\); reading it needs github:dependabot_alerts:read/ }],
});

testControl('GH-022', {
  defaults: secured,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{ resources: [{ id: 'acme/api', dependabotSecurityUpdates: false }], findings: [/^acme\/api: Dependabot security updates enabled is false; required: true\.$/] }],
  error: [{ resources: [{ id: 'acme/api', dependabotSecurityUpdates: null }], because: /did not say whether Dependabot security updates enabled \(dependabotSecurityUpdates\); reading it needs github:administration:read/ }],
});

testControl('GH-023', {
  defaults: secured,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{
    resources: [{ id: 'acme/api', codeScanning: false, codeScanningStatus: 'not-configured' }],
    findings: [/^acme\/api: code scanning has analysed the default branch is false; required: true\.$/],
  }],
  error: [{
    resources: [{ id: 'acme/api', codeScanning: null, codeScanningStatus: null }],
    because: /did not say whether code scanning has analysed the default branch \(codeScanning\); reading it needs github:code_scanning_alerts:read/,
  }],
});

testControl('GH-025', {
  defaults: lockedActions,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{ resources: [{ id: 'acme/api', defaultWorkflowPermissions: 'write' }], findings: [/^acme\/api: default GITHUB_TOKEN permissions is "write"; required: "read"\.$/] }],
  error: [{ resources: [{ id: 'acme/api', defaultWorkflowPermissions: null }], because: /did not report default GITHUB_TOKEN permissions \(defaultWorkflowPermissions\); reading it needs github:administration:read/ }],
});

testControl('GH-026', {
  defaults: lockedActions,
  pass: [{ resources: [{ id: 'acme/api' }] }],
  fail: [{ resources: [{ id: 'acme/api', canApprovePullRequestReviews: true }], findings: [/^acme\/api: workflows may create and approve pull requests is true; required: false\.$/] }],
  error: [{ resources: [{ id: 'acme/api', canApprovePullRequestReviews: null }], because: /did not say whether workflows may create and approve pull requests \(canApprovePullRequestReviews\)/ }],
});

testControl('GH-027', {
  defaults: lockedActions,
  pass: [
    { resources: [{ id: 'acme/api', allowedActions: 'selected' }] },
    { resources: [{ id: 'acme/api', allowedActions: 'local_only' }] },
    { name: 'Actions turned off', resources: [{ id: 'acme/api', actionsEnabled: false, allowedActions: 'none' }] },
  ],
  fail: [{
    resources: [{ id: 'acme/api', allowedActions: 'all' }],
    findings: [/^acme\/api: actions workflows may use \(the organisation ceiling where it decides\) is "all"; required: one of "local_only", "selected", "none"\.$/],
  }],
  error: [{ resources: [{ id: 'acme/api', allowedActions: null }], because: /did not report actions workflows may use .* \(allowedActions\); reading it needs github:administration:read/ }],
});

testControl('GH-030', {
  defaults: soundOrg,
  pass: [{ resources: [{ id: 'acme' }] }],
  fail: [{ resources: [{ id: 'acme', membersCanDeleteRepositories: true }], findings: [/^acme: members can delete or transfer repositories is true; required: false\.$/] }],
  error: [{ resources: [{ id: 'acme', membersCanDeleteRepositories: null }], because: /did not say whether members can delete or transfer repositories \(membersCanDeleteRepositories\)/ }],
});
