/**
 * Cases for the controls on the local checkout (controls/REPO-*.yaml). The repo.* collectors
 * report fields that are always known, so "could not tell" comes from a file the collector could
 * not read: those cases run the real collector on a checkout whose tracked file is missing from
 * the working tree.
 */
import { testControl } from '../helpers/control-tester.js';

const missingFromWorkingTree = (path: string) =>
  new RegExp(`^Evidence is incomplete: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is tracked but missing from the working tree .*, so it was not read; restore it \\(git checkout -- <path>\\) or commit its removal\\.$`);

/** repo.codeowners: a CODEOWNERS file with a catch-all rule and nothing invalid. */
const owned = {
  codeownersPresent: true,
  codeownersPath: '.github/CODEOWNERS',
  ignoredCodeownersFiles: [],
  ruleCount: 2,
  owners: ['@acme/devs', '@acme/sre'],
  invalidLines: [],
  invalidLineCount: 0,
  linesWithoutOwners: [],
  hasCatchAllRule: true,
  catchAllLine: 1,
  catchAllOwners: ['@acme/devs'],
  filesWithoutOwner: [],
  filesWithoutOwnerCount: 0,
};

/** repo.security-policy: a SECURITY.md with text and a contact. */
const policy = {
  securityPolicyPresent: true,
  securityPolicyPath: 'SECURITY.md',
  securityPolicyHasContent: true,
  securityPolicyHasContact: true,
  securityPolicyContacts: ['security@acme.example'],
  securityPolicySource: 'repository',
  organisationDefaultPolicy: 'not needed',
  organisationDefaultNote: 'the repository has its own security policy',
};

/** repo.dependency-updates: Dependabot updating npm. */
const dependabot = {
  dependencyUpdateToolConfigured: true,
  tools: ['dependabot'],
  dependabotConfigPath: '.github/dependabot.yml',
  dependabotEcosystems: ['npm'],
  dependabotUpdateCount: 1,
  renovateConfigPath: null,
  problems: [],
};

/** repo.workflows: a workflow that pins its actions, reads only, and runs on push. */
const tidyWorkflow = {
  path: '.github/workflows/ci.yml',
  name: 'CI',
  parsed: true,
  parseError: null,
  parseErrorLine: null,
  triggers: ['push'],
  jobCount: 1,
  thirdPartyActionCount: 1,
  sameRepositoryActionCount: 0,
  unpinnedActions: [],
  unpinnedActionCount: 0,
  permissionsDeclared: true,
  topLevelPermissions: 'contents: read',
  topLevelPermissionsLine: 2,
  jobPermissions: [{ job: 'test', permissions: null, line: 4 }],
  jobsWithoutPermissions: [],
  writeAll: false,
  topLevelWriteScopes: [],
  privilegedTriggers: [],
  untrustedCheckouts: [],
  untrustedCheckoutCount: 0,
};

/** A workflow file that does not parse: the collector knows nothing else about it. */
const unparsed = {
  parsed: false, parseError: 'line 3: bad indentation of a mapping entry', parseErrorLine: 3, name: null, triggers: null, jobCount: null, thirdPartyActionCount: null,
  sameRepositoryActionCount: null, topLevelPermissionsLine: null,
  unpinnedActions: null, unpinnedActionCount: null, permissionsDeclared: null, topLevelPermissions: null, jobPermissions: null,
  jobsWithoutPermissions: null, writeAll: null, topLevelWriteScopes: null, privilegedTriggers: null, untrustedCheckouts: null, untrustedCheckoutCount: null,
};

/** repo.lockfile: one npm manifest with its lockfile. */
const locked = {
  manifestCount: 1,
  manifests: [{ path: 'package.json', ecosystem: 'npm', lockfile: 'package-lock.json', lockfileRequired: true, note: null }],
  manifestsWithoutLockfile: [],
  missingLockfileCount: 0,
  untrackedLockfiles: [],
};

/** repo.secrets: every tracked file scanned, nothing found. */
const clean = {
  secretCount: 0,
  secrets: [],
  filesScanned: 120,
  binaryFilesScanned: 2,
  filesScannedInPieces: 0,
  linksScanned: 0,
  filesNotScanned: [],
  filesNotScannedCount: 0,
  excludedFileCount: 0,
  excludedByPattern: [],
  exampleValues: [],
  exampleValueCount: 0,
  fileListMethod: 'git',
};

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const workflow = (steps: string, head = 'on: push\npermissions: { contents: read }\n') =>
  `${head}jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
/** An AWS access key id assembled at run time, so this file holds nothing a secret scanner would flag. */
const fakeAwsKeyId = () => ['AK', 'IA'].join('') + 'Q3NWTESTKEY7K9Z2';

testControl('REPO-001', {
  defaults: owned,
  pass: [
    { resources: [{ id: 'acme/api' }] },
    { name: 'a checkout whose CODEOWNERS has a catch-all rule', estate: { repo: { '.github/CODEOWNERS': '* @acme/devs\n/infra/ @acme/sre\n' } } },
  ],
  fail: [
    {
      resources: [{ id: 'acme/api', codeownersPresent: false, codeownersPath: null, ruleCount: 0, owners: [], hasCatchAllRule: false, catchAllLine: null, catchAllOwners: [] }],
      findings: [/^acme\/api: CODEOWNERS file present is false; required: a CODEOWNERS file in \.github\/, the root folder or docs\/; catch-all \(\*\) CODEOWNERS rule present is false; required: a catch-all \(\*\) rule, so that every file has an owner\.$/],
    },
    {
      name: 'an owner GitHub does not accept (GitHub ignores the line without warning)',
      estate: { repo: { '.github/CODEOWNERS': '* @acme/devs\n/infra/ acme/sre\n' } },
      findings: [{ resource: 'acme-api', message: /^acme-api: invalid CODEOWNERS lines is 1 item \(line 2: "acme\/sre" is not @user, @org\/team or an email address\); required: no invalid lines/ }],
    },
  ],
  error: [
    {
      name: 'CODEOWNERS is tracked but missing from the working tree',
      estate: { repo: { '.github/CODEOWNERS': '* @acme/devs\n' }, git: true, deleted: ['.github/CODEOWNERS'] },
      because: missingFromWorkingTree('.github/CODEOWNERS'),
    },
    { name: 'no checkout was read', resources: [], because: /^Nothing to check: the collector found no resources; an empty population is not evidence/ },
  ],
});

testControl('REPO-002', {
  defaults: policy,
  pass: [
    { resources: [{ id: 'acme/api' }] },
    { name: 'a SECURITY.md in .github/ with a reporting address', estate: { repo: { '.github/SECURITY.md': '# Security\n\nReport vulnerabilities privately to security@acme.example.\n' } } },
  ],
  fail: [
    {
      name: 'a policy that is only headings',
      resources: [{ id: 'acme/api', securityPolicyHasContent: false, securityPolicyHasContact: false, securityPolicyContacts: [] }],
      findings: [/^acme\/api: security policy has text beyond headings is false; required: text that explains how to report, not only headings; security policy names a contact \(email or link\) is false; required: an email address or link where vulnerabilities can be reported\.$/],
    },
    {
      name: 'a checkout without a policy',
      estate: { repo: { 'README.md': '# API\n' } },
      findings: [/^acme-api: security policy present is false; required: a SECURITY\.md at the root, in \.github\/ or in docs\//],
    },
  ],
  error: [{
    name: 'SECURITY.md is tracked but missing from the working tree',
    estate: { repo: { 'SECURITY.md': 'Mail security@acme.example\n' }, git: true, deleted: ['SECURITY.md'] },
    because: missingFromWorkingTree('SECURITY.md'),
  }],
});

testControl('REPO-003', {
  defaults: dependabot,
  pass: [
    { resources: [{ id: 'acme/api' }] },
    { name: 'Renovate instead of Dependabot', resources: [{ id: 'acme/api', tools: ['renovate'], dependabotConfigPath: null, dependabotEcosystems: [], dependabotUpdateCount: 0, renovateConfigPath: 'renovate.json' }] },
  ],
  fail: [{
    name: 'a dependabot.yml Dependabot ignores',
    resources: [{
      id: 'acme/api', dependencyUpdateToolConfigured: false, tools: [], dependabotEcosystems: [], dependabotUpdateCount: 0,
      problems: [{ summary: '.github/dependabot.yml:1: version must be 2', file: '.github/dependabot.yml', line: 1, message: 'version must be 2' }],
    }],
    findings: [/^acme\/api: dependency update tool configured is false; required: Dependabot version updates or Renovate configured in the repository\.$/],
  }],
  error: [{
    name: 'dependabot.yml is tracked but missing from the working tree',
    estate: { repo: { '.github/dependabot.yml': 'version: 2\n' }, git: true, deleted: ['.github/dependabot.yml'] },
    because: missingFromWorkingTree('.github/dependabot.yml'),
  }],
});

testControl('REPO-004', {
  defaults: tidyWorkflow,
  pass: [
    { resources: [{ id: '.github/workflows/ci.yml' }] },
    { name: 'an action pinned to a commit', estate: { repo: { '.github/workflows/ci.yml': workflow(`      - uses: actions/checkout@${SHA} # v4\n`) } } },
  ],
  fail: [
    {
      name: 'an action referenced by tag, in a real workflow',
      estate: { repo: { '.github/workflows/ci.yml': workflow('      - uses: actions/checkout@v4\n') } },
      findings: [/^\.github\/workflows\/ci\.yml: third-party actions not pinned to a full commit SHA \(docker:\/\/ images: to a sha256 digest\) is 1 item \(line 7: actions\/checkout@v4 \(job test, step "step 1"\)\); required: every third-party action and reusable workflow pinned to a full commit SHA, every docker:\/\/ image to a sha256 digest\.$/],
    },
    {
      name: 'a workflow file that does not parse cannot be shown to pin anything',
      resources: [{ id: '.github/workflows/ci.yml', ...unparsed }],
      findings: [/^\.github\/workflows\/ci\.yml: workflow file parses as a workflow is false; required: a workflow file that parses, so that it can be checked\.$/],
    },
  ],
  not_applicable: [{ name: 'a repository without workflows', estate: { repo: { 'README.md': '# API\n' } }, because: /^Nothing to check: the collector found no resources\.$/ }],
  error: [{
    name: 'a tracked workflow missing from the working tree, the other pinned',
    estate: { repo: { '.github/workflows/ci.yml': workflow(`      - uses: actions/checkout@${SHA}\n`), '.github/workflows/gone.yml': 'on: push\n' }, git: true, deleted: ['.github/workflows/gone.yml'] },
    because: missingFromWorkingTree('.github/workflows/gone.yml'),
    counts: { pass: 1, error: 1 },
  }],
});

testControl('REPO-005', {
  defaults: tidyWorkflow,
  pass: [
    { resources: [{ id: '.github/workflows/ci.yml' }] },
    {
      name: 'no top-level permissions, but every job declares its own, writes included',
      resources: [{ id: '.github/workflows/release.yml', topLevelPermissions: null, jobPermissions: [{ job: 'release', permissions: 'contents: write', line: 3 }] }],
    },
  ],
  fail: [
    {
      name: 'a job that inherits the repository default token',
      estate: { repo: { '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n' } },
      findings: [/^\.github\/workflows\/ci\.yml: jobs that inherit the repository default token permissions is 1 item \("test"\); required: permissions declared at the top level or on every job\.$/],
    },
    {
      name: 'write-all',
      resources: [{ id: '.github/workflows/release.yml', topLevelPermissions: 'write-all', writeAll: true, topLevelWriteScopes: ['write-all'] }],
      findings: [/^\.github\/workflows\/release\.yml: write-all permissions granted is true; required: no write-all permissions; write scopes granted to every job \(top-level permissions\) is 1 item \("write-all"\); required: no write permission at the top level/],
    },
    {
      name: 'a write scope at the top level reaches every job',
      resources: [{ id: '.github/workflows/ci.yml', topLevelPermissions: 'contents: write', topLevelWriteScopes: ['contents'] }],
      findings: [/^\.github\/workflows\/ci\.yml: write scopes granted to every job \(top-level permissions\) is 1 item \("contents"\); required: no write permission at the top level \(grant writes on the job that needs them\)\.$/],
    },
  ],
  error: [{
    name: 'a tracked workflow missing from the working tree',
    estate: { repo: { '.github/workflows/ci.yml': workflow('      - run: npm test\n'), '.github/workflows/gone.yml': 'on: push\n' }, git: true, deleted: ['.github/workflows/gone.yml'] },
    because: missingFromWorkingTree('.github/workflows/gone.yml'),
  }],
});

testControl('REPO-006', {
  defaults: tidyWorkflow,
  pass: [
    { resources: [{ id: '.github/workflows/ci.yml' }] },
    {
      name: 'pull_request_target that checks out only the base branch',
      estate: { repo: { '.github/workflows/label.yml': workflow(`      - uses: actions/checkout@${SHA}\n`, 'on: pull_request_target\npermissions: { pull-requests: write }\n') } },
    },
  ],
  fail: [{
    name: 'pull_request_target that checks out the pull request\'s head',
    estate: {
      repo: {
        '.github/workflows/preview.yml': workflow(
          `      - uses: actions/checkout@${SHA}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm run build\n`,
          'on: pull_request_target\npermissions: { contents: read }\n',
        ),
      },
    },
    findings: [/^\.github\/workflows\/preview\.yml: steps that check out pull request code under a privileged trigger is 1 item \(line 9: job test, step "step 1" checks out \$\{\{ github\.event\.pull_request\.head\.sha \}\}\); required: no step that checks out pull request code under pull_request_target or workflow_run\.$/],
  }],
  error: [{
    name: 'a tracked workflow missing from the working tree',
    estate: { repo: { '.github/workflows/gone.yml': 'on: pull_request_target\n' }, git: true, deleted: ['.github/workflows/gone.yml'] },
    because: missingFromWorkingTree('.github/workflows/gone.yml'),
  }],
});

testControl('REPO-007', {
  defaults: locked,
  pass: [
    { resources: [{ id: 'acme/api' }] },
    { name: 'a package.json with its package-lock.json', estate: { repo: { 'package.json': '{ "dependencies": { "left-pad": "1.3.0" } }\n', 'package-lock.json': '{ "lockfileVersion": 3 }\n' } } },
  ],
  fail: [{
    name: 'a manifest in a subfolder without its lockfile',
    estate: { repo: { 'package.json': '{ "dependencies": { "left-pad": "1.3.0" } }\n', 'package-lock.json': '{ "lockfileVersion": 3 }\n', 'tools/loadtest/package.json': '{ "dependencies": { "k6": "0.1.0" } }\n' } },
    findings: [/^acme-api: package manifests without a committed lockfile is 1 item \("tools\/loadtest\/package\.json"\); required: a committed lockfile beside every package manifest\.$/],
  }],
  not_applicable: [{
    name: 'no manifest declares dependencies',
    estate: { repo: { 'README.md': '# Docs only\n' } },
    because: /^Nothing to check: every resource found is out of scope\.$/,
    findings: [/^acme-api: not applicable — no package manifests were found/],
  }],
  error: [{
    name: 'a manifest that could not be read',
    resources: [{ id: 'acme/api' }],
    gaps: [{ kind: 'permission', resource: 'acme/api', message: 'services/billing/package.json could not be read (EACCES); make it readable by the user running soc2.' }],
    because: /^Evidence is incomplete: services\/billing\/package\.json could not be read \(EACCES\)/,
  }],
});

testControl('REPO-008', {
  defaults: clean,
  pass: [
    { resources: [{ id: 'acme/api' }] },
    { name: 'a checkout with no credential in it', estate: { repo: { 'src/index.ts': 'export const region = "us-east-1";\n' }, git: true } },
  ],
  fail: [{
    name: 'an AWS access key id in a tracked file (the finding never shows the value)',
    estate: { repo: { 'config/production.yaml': `aws:\n  region: us-east-1\n  accessKeyId: ${fakeAwsKeyId()}\n` }, git: true },
    findings: [/^acme-api: secrets found \(values redacted\) is 1 item \(config\/production\.yaml:3: aws-access-key-id AKIA…\(20 chars\)\); required: no secrets in tracked files\.$/],
  }],
  error: [{
    name: 'a tracked file missing from the working tree was not scanned',
    estate: { repo: { 'README.md': '# API\n', 'config/keys.txt': 'placeholder\n' }, git: true, deleted: ['config/keys.txt'] },
    because: /^Evidence is incomplete: 1 tracked file could not be scanned for secrets, so the repository cannot be called clean: config\/keys\.txt is tracked but missing from the working tree/,
  }],
});
