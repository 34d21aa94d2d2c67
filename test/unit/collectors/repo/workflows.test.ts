import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/repo/workflows.js';
import { git, makeCtx, makeRepo } from './helpers.js';

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

async function collectOne(text: string, file = '.github/workflows/ci.yml') {
  const dir = await makeRepo({ [file]: text });
  const ev = await collector.collect(makeCtx(dir), {});
  expect(ev.resources).toHaveLength(1);
  return ev.resources[0]!;
}

describe('collectors/repo/workflows', () => {
  it('lists third-party actions pinned to a tag with job, step and line, and accepts SHA pins and local actions', async () => {
    const r = await collectOne(`name: CI
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@${SHA} # v4
      - name: Set up Node
        uses: actions/setup-node@v4
      - uses: ./.github/actions/build
      - uses: docker://alpine:3.20
      - uses: acme/lint-action@main
  deploy:
    uses: acme/workflows/.github/workflows/deploy.yml@v2
`);
    expect(r.id).toBe('.github/workflows/ci.yml');
    expect(r.data.parsed).toBe(true);
    expect(r.data.name).toBe('CI');
    expect(r.data.triggers).toEqual(['push', 'pull_request']);
    expect(r.data.thirdPartyActionCount).toBe(5);
    expect(r.data.sameRepositoryActionCount).toBe(1);
    const file = '.github/workflows/ci.yml';
    expect(r.data.unpinnedActions).toEqual([
      { summary: 'line 11: actions/setup-node@v4 (job test, step "Set up Node")', file, kind: 'action', uses: 'actions/setup-node@v4', job: 'test', step: 'Set up Node', line: 11 },
      { summary: 'line 13: docker://alpine:3.20 (job test, step "step 4")', file, kind: 'docker-image', uses: 'docker://alpine:3.20', job: 'test', step: 'step 4', line: 13 },
      { summary: 'line 14: acme/lint-action@main (job test, step "step 5")', file, kind: 'action', uses: 'acme/lint-action@main', job: 'test', step: 'step 5', line: 14 },
      {
        summary: 'line 16: acme/workflows/.github/workflows/deploy.yml@v2 (job deploy)',
        file,
        kind: 'reusable-workflow',
        uses: 'acme/workflows/.github/workflows/deploy.yml@v2',
        job: 'deploy',
        step: null,
        line: 16,
      },
    ]);
    expect(r.data.unpinnedActionCount).toBe(4);
  });

  describe('references GitHub resolves to this repository, and container images (issue 13)', () => {
    // A monorepo of actions: its workflows use its own actions by the remote form as well as by
    // ./path, call its own reusable workflows, and run containers, some pinned by digest.
    const WORKFLOW = `name: release
on: { push: { tags: ['v*'] } }
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: { contents: read }
    steps:
      - uses: actions/checkout@${SHA} # v4
      - uses: Acme/Toolbox/actions/setup@main
      - uses: acme/toolbox@v3
      - uses: ./actions/package
      - uses: acme/toolbox-extras/lint@v1
      - uses: docker://ghcr.io/acme/builder:2.1
      - uses: docker://ghcr.io/acme/signer@sha256:${'a1'.repeat(32)}
  publish:
    uses: acme/toolbox/.github/workflows/publish.yml@main
  notify:
    uses: ./.github/workflows/notify.yml
  audit:
    uses: acme/shared-workflows/.github/workflows/audit.yml@v2
`;

    it('does not count references to this repository as third-party, and checks docker images and reusable workflows', async () => {
      const dir = await makeRepo({ '.github/workflows/release.yml': WORKFLOW }, { git: true, remote: 'git@github.com:acme/toolbox.git' });
      const ev = await collector.collect(makeCtx(dir), {});
      const data = ev.resources[0]!.data;
      expect(ev.facts).toMatchObject({ repository: 'acme/toolbox' });
      expect(data.sameRepositoryActionCount).toBe(5);
      expect(data.thirdPartyActionCount).toBe(5);
      expect(data.unpinnedActions?.map((a) => [a.line, a.kind, a.uses])).toEqual([
        [13, 'action', 'acme/toolbox-extras/lint@v1'],
        [14, 'docker-image', 'docker://ghcr.io/acme/builder:2.1'],
        [21, 'reusable-workflow', 'acme/shared-workflows/.github/workflows/audit.yml@v2'],
      ]);
    });

    it('treats every owner/repo reference as third-party when the checkout has no hosted remote to say which repository it is', async () => {
      const dir = await makeRepo({ '.github/workflows/release.yml': WORKFLOW }, { git: true });
      git(dir, 'remote', 'add', 'origin', '/srv/mirrors/toolbox.git');
      const data = (await collector.collect(makeCtx(dir), {})).resources[0]!.data;
      expect(data.sameRepositoryActionCount).toBe(2);
      expect(data.unpinnedActions?.map((a) => a.line)).toEqual([10, 11, 13, 14, 17, 21]);
    });
  });

  it('reports declared top-level permissions and no write scopes for a read-only workflow', async () => {
    const r = await collectOne(`on: push
permissions:
  contents: read
  pull-requests: read
jobs:
  a: { runs-on: ubuntu-latest, steps: [ { run: echo } ] }
`);
    expect(r.data.permissionsDeclared).toBe(true);
    expect(r.data.topLevelPermissions).toBe('contents: read, pull-requests: read');
    expect(r.data.topLevelPermissionsLine).toBe(2);
    expect(r.data.topLevelWriteScopes).toEqual([]);
    expect(r.data.writeAll).toBe(false);
    expect(r.data.jobsWithoutPermissions).toEqual([]);
  });

  it('counts a workflow with no permissions anywhere as undeclared and names its jobs', async () => {
    const r = await collectOne(`on: push
jobs:
  build: { runs-on: ubuntu-latest, steps: [ { run: make } ] }
  lint:
    runs-on: ubuntu-latest
    permissions: { contents: read }
    steps: [ { run: make lint } ]
`);
    expect(r.data.permissionsDeclared).toBe(false);
    expect(r.data.topLevelPermissions).toBeNull();
    expect(r.data.jobsWithoutPermissions).toEqual(['build']);
    expect(r.data.jobPermissions).toEqual([
      { job: 'build', permissions: null, line: 3 },
      { job: 'lint', permissions: 'contents: read', line: 4 },
    ]);
    expect(r.data.topLevelPermissionsLine).toBeNull();
  });

  it('counts per-job permissions on every job as declared', async () => {
    const r = await collectOne(`on: push
jobs:
  build: { runs-on: ubuntu-latest, permissions: {}, steps: [ { run: make } ] }
  release: { runs-on: ubuntu-latest, permissions: { contents: write }, steps: [ { run: make release } ] }
`);
    expect(r.data.permissionsDeclared).toBe(true);
    expect(r.data.jobPermissions).toEqual([
      { job: 'build', permissions: 'none', line: 3 },
      { job: 'release', permissions: 'contents: write', line: 4 },
    ]);
    expect(r.data.topLevelWriteScopes).toEqual([]);
  });

  it('flags write-all and top-level write scopes', async () => {
    const all = await collectOne(`on: push
permissions: write-all
jobs:
  a: { runs-on: ubuntu-latest, steps: [ { run: echo } ] }
`);
    expect(all.data.writeAll).toBe(true);
    expect(all.data.topLevelPermissions).toBe('write-all');

    const scoped = await collectOne(`on: push
permissions:
  contents: write
  id-token: write
  issues: read
jobs:
  a: { runs-on: ubuntu-latest, steps: [ { run: echo } ] }
`);
    expect(scoped.data.writeAll).toBe(false);
    expect(scoped.data.topLevelWriteScopes).toEqual(['contents: write', 'id-token: write']);
  });

  it('flags write-all granted to a single job', async () => {
    const r = await collectOne(`on: push
permissions: read-all
jobs:
  a: { runs-on: ubuntu-latest, permissions: write-all, steps: [ { run: echo } ] }
`);
    expect(r.data.writeAll).toBe(true);
  });

  it('finds a pull_request_target workflow that checks out the pull request head', async () => {
    const r = await collectOne(`on:
  pull_request_target:
    types: [opened, synchronize]
jobs:
  preview:
    runs-on: ubuntu-latest
    steps:
      - name: Check out PR
        uses: actions/checkout@${SHA}
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm run build
`);
    expect(r.data.privilegedTriggers).toEqual(['pull_request_target']);
    expect(r.data.untrustedCheckouts).toEqual([
      {
        summary: 'line 11: job preview, step "Check out PR" checks out ${{ github.event.pull_request.head.sha }}',
        file: '.github/workflows/ci.yml',
        job: 'preview',
        step: 'Check out PR',
        line: 11,
        via: 'actions/checkout',
        ref: '${{ github.event.pull_request.head.sha }}',
        allowUnsafeCheckout: false,
      },
    ]);
    expect(r.data.untrustedCheckoutCount).toBe(1);
  });

  it('finds head_ref, refs/pull and workflow_run head checkouts, and git fetches in run scripts', async () => {
    const r = await collectOne(`on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.workflow_run.head_sha }}" }
      - uses: actions/checkout@v7
        with:
          ref: refs/pull/\${{ github.event.number }}/merge
          allow-unsafe-pr-checkout: true
      - name: fetch by hand
        run: |
          echo preparing
          git fetch origin \${{ github.head_ref }}
      - run: gh pr checkout 42
`);
    expect(r.data.privilegedTriggers).toEqual(['workflow_run']);
    expect(r.data.untrustedCheckouts?.map((c) => [c.via, c.line])).toEqual([
      ['actions/checkout', 10],
      ['actions/checkout', 13],
      ['run', 18],
      ['run', 19],
    ]);
    expect(r.data.untrustedCheckouts?.[1]?.allowUnsafeCheckout).toBe(true);
    expect(r.data.untrustedCheckouts?.[1]?.summary).toContain('with allow-unsafe-pr-checkout');
    expect(r.data.untrustedCheckouts?.[2]?.ref).toBe('git fetch origin ${{ github.head_ref }}');
  });

  it('does not flag a head checkout under the unprivileged pull_request trigger, or a base checkout under pull_request_target', async () => {
    const plain = await collectOne(`on: pull_request
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
`);
    expect(plain.data.privilegedTriggers).toEqual([]);
    expect(plain.data.untrustedCheckoutCount).toBe(0);

    const base = await collectOne(`on: [pull_request_target]
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/labeler@v5
`);
    expect(base.data.privilegedTriggers).toEqual(['pull_request_target']);
    expect(base.data.untrustedCheckoutCount).toBe(0);
  });

  it('records a file that is not valid YAML as unparsed with the line, instead of throwing', async () => {
    const r = await collectOne(`on: push
jobs:
  build:
    steps: [
`, '.github/workflows/broken.yaml');
    expect(r.id).toBe('.github/workflows/broken.yaml');
    expect(r.data.parsed).toBe(false);
    expect(r.data.parseError).toMatch(/^line \d+, column \d+: /);
    expect(r.data.parseErrorLine).toBe(Number(/^line (\d+)/.exec(r.data.parseError!)![1]));
    // Null, not 0: an assertion such as unpinnedActionCount eq 0 must not pass on an unread file.
    expect(r.data.unpinnedActionCount).toBeNull();
    expect(r.data.permissionsDeclared).toBeNull();
    expect(r.data.untrustedCheckoutCount).toBeNull();
  });

  it('records a YAML file without jobs as not a workflow', async () => {
    const r = await collectOne('on: push\nname: nothing\n');
    expect(r.data.parsed).toBe(false);
    expect(r.data.parseError).toContain('jobs');
  });

  it('returns one resource per workflow file and ignores files outside .github/workflows or in subfolders', async () => {
    const wf = 'on: push\npermissions: {}\njobs:\n  a: { runs-on: ubuntu-latest, steps: [ { run: echo } ] }\n';
    const dir = await makeRepo({
      '.github/workflows/a.yml': wf,
      '.github/workflows/b.yaml': wf,
      '.github/workflows/nested/c.yml': wf,
      '.github/workflows/README.md': '# docs',
      'ci/d.yml': wf,
    });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.resources.map((r) => r.id)).toEqual(['.github/workflows/a.yml', '.github/workflows/b.yaml']);
    expect(ev.complete).toBe(true);
    expect(ev.facts).toMatchObject({ workflowCount: 2, fileListMethod: 'walk' });
    expect(ev.calls.filter((c) => c.operation === 'read-file').map((c) => c.params.path)).toEqual([
      '.github/workflows/a.yml',
      '.github/workflows/b.yaml',
    ]);
    expect(ev.calls.every((c) => c.source === 'local' && c.at === '2026-06-30T00:00:00.000Z')).toBe(true);
  });

  it('returns no resources when there are no workflows, and declares that not applicable by default', async () => {
    const dir = await makeRepo({ 'README.md': '# x' });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.resources).toEqual([]);
    expect(ev.complete).toBe(true);
    expect(collector.defaultWhenEmpty).toBe('not_applicable');
  });

  it('only reads workflows tracked by git in a git work tree', async () => {
    const wf = 'on: push\njobs:\n  a: { runs-on: ubuntu-latest, steps: [ { uses: actions/checkout@v4 } ] }\n';
    const dir = await makeRepo({ '.github/workflows/ci.yml': wf }, { git: true, untracked: { '.github/workflows/scratch.yml': wf } });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.resources.map((r) => r.id)).toEqual(['.github/workflows/ci.yml']);
    expect(ev.facts).toMatchObject({ fileListMethod: 'git' });
    expect(ev.calls[0]).toMatchObject({ source: 'local', operation: 'git ls-files' });
  });

  it('reports a gap, not a pass, for a tracked workflow missing from the working tree', async () => {
    const wf = 'on: push\npermissions: {}\njobs:\n  a: { runs-on: ubuntu-latest, steps: [ { run: echo } ] }\n';
    const dir = await makeRepo({ '.github/workflows/ci.yml': wf, '.github/workflows/gone.yml': wf }, { git: true });
    await fs.rm(path.join(dir, '.github/workflows/gone.yml'));
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ resource: 'acme-api', message: expect.stringContaining('.github/workflows/gone.yml') })]);
    expect(ev.resources.map((r) => r.id)).toEqual(['.github/workflows/ci.yml']);
  });

  it('stops when the run is cancelled', async () => {
    const dir = await makeRepo({ '.github/workflows/ci.yml': 'on: push\njobs: {}\n' });
    const controller = new AbortController();
    controller.abort();
    await expect(collector.collect(makeCtx(dir, { signal: controller.signal }), {})).rejects.toThrow();
  });

  it('accepts an empty params object', () => {
    expect(collector.params.safeParse({}).success).toBe(true);
    expect(collector.params.safeParse({ unknown: 1 }).success).toBe(false);
  });
});
