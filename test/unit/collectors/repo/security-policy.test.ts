import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collector, findContacts, hasContent } from '../../../../src/collectors/repo/security-policy.js';
import type { CollectContext, Evidence } from '../../../../src/collectors/types.js';
import { loadControls } from '../../../../src/controls/load.js';
import { evaluateControl } from '../../../../src/engine/evaluate.js';
import { packageRoot } from '../../../../src/paths.js';
import { demoGitHubEstate, type GitHubEstate, type RepoSpec } from '../../../../src/sandbox/estate/github.js';
import type { FakeGitHubOptions } from '../../../../src/sandbox/github-server.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { makeCtx, makeRepo } from './helpers.js';

/** REPO-002 as shipped, collected and evaluated as a run does. */
async function repo002(ctx: CollectContext<'repo', 'github'>) {
  const control = (await loadControls({ paths: [path.join(packageRoot, 'controls')] })).find((c) => c.id === 'REPO-002')!;
  const evidence = (await collector.collect(ctx, {})) as unknown as Evidence<Record<string, unknown>>;
  const ref = { file: 'evidence/repo.security-policy.json', sha256: '0'.repeat(64), collector: collector.id, params: {}, collectedAt: '2026-04-01T09:00:00.000Z', finishedAt: '2026-04-01T09:00:00.000Z', complete: evidence.complete, resourceCount: evidence.resources.length, calls: evidence.calls, gaps: evidence.gaps };
  return { evidence, result: evaluateControl(control, { kind: 'evidence', evidence, ref }, collector, [], '2026-04-01') };
}

/** The demo organisation with a `.github` repository holding `files` (public unless said otherwise). */
function estateWithDotGithub(files: Record<string, string> | null, visibility: RepoSpec['visibility'] = 'public'): GitHubEstate {
  const estate = demoGitHubEstate();
  if (files) estate.repos.push({ ...estate.repos[0]!, id: 990_001, name: '.github', visibility, files, pulls: [], commits: [], collaborators: [], hooks: [], deployKeys: [] });
  return estate;
}

describe('collectors/repo/security-policy', () => {
  it('finds SECURITY.md at the root with its email and link contacts', async () => {
    const dir = await makeRepo({
      'SECURITY.md': `# Security policy

Please report vulnerabilities to security@acme.example or through
https://github.com/acme/api/security/advisories/new. We answer within 2 business days.
`,
    });
    const ev = await collector.collect(makeCtx(dir), {});
    expect(ev.complete).toBe(true);
    expect(ev.resources).toEqual([
      {
        id: 'acme-api',
        data: {
          securityPolicyPresent: true,
          securityPolicyPath: 'SECURITY.md',
          securityPolicyHasContent: true,
          securityPolicyHasContact: true,
          securityPolicyContacts: ['https://github.com/acme/api/security/advisories/new', 'security@acme.example'],
          securityPolicySource: 'repository',
          organisationDefaultPolicy: 'not needed',
          organisationDefaultNote: 'the repository has its own security policy',
        },
      },
    ]);
  });

  it('matches the file name case-insensitively in .github/ and docs/, and other extensions', async () => {
    for (const path of ['.github/security.md', 'docs/Security.rst', 'SECURITY.adoc', 'security.markdown']) {
      const dir = await makeRepo({ [path]: 'Report issues to sec@acme.example.\n' });
      const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
      expect(r.data.securityPolicyPath, path).toBe(path);
      expect(r.data.securityPolicyHasContact, path).toBe(true);
    }
  });

  it('ignores a security policy in other folders or with other extensions', async () => {
    const dir = await makeRepo({ 'src/SECURITY.md': 'mail a@b.example\n', 'SECURITY.txt': 'mail a@b.example\n' });
    const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
    expect(r.data.securityPolicyPresent).toBe(false);
    expect(r.data.securityPolicyPath).toBeNull();
  });

  it('reports a headings-only policy as without content and without contact', async () => {
    const dir = await makeRepo({ 'SECURITY.md': '# Security\n\n## Reporting\n\n' });
    const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
    expect(r.data.securityPolicyPresent).toBe(true);
    expect(r.data.securityPolicyHasContent).toBe(false);
    expect(r.data.securityPolicyHasContact).toBe(false);
  });

  it('reports a policy with text but no contact', async () => {
    const dir = await makeRepo({ '.github/SECURITY.md': '# Security\n\nWe take security seriously.\n' });
    const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
    expect(r.data.securityPolicyHasContent).toBe(true);
    expect(r.data.securityPolicyHasContact).toBe(false);
    expect(r.data.securityPolicyContacts).toEqual([]);
  });

  it('prefers a policy with content over an empty placeholder elsewhere', async () => {
    const dir = await makeRepo({ '.github/SECURITY.md': '', 'SECURITY.md': 'Email security@acme.example.\n' });
    const r = (await collector.collect(makeCtx(dir), {})).resources[0]!;
    expect(r.data.securityPolicyPath).toBe('SECURITY.md');
    expect(r.data.securityPolicyHasContact).toBe(true);
  });

  it('recognises contacts and content', () => {
    expect(findContacts('see <https://acme.example/security>.')).toEqual(['https://acme.example/security']);
    expect(findContacts('mailto:psirt@acme.example')).toEqual(['psirt@acme.example']);
    expect(findContacts('no contact here @acme')).toEqual([]);
    expect(hasContent('Security\n========\n')).toBe(true);
    expect(hasContent('# Title\n---\n')).toBe(false);
  });

  describe('the organisation default policy (issue 13)', () => {
    let harness: Harness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    /** A checkout of northwind-analytics/billing with no policy of its own, and a context on the fake GitHub. */
    async function setUp(estate: GitHubEstate, options: FakeGitHubOptions = {}) {
      harness = await startHarness(estate, options);
      const dir = await makeRepo({ 'README.md': '# billing\n', 'src/index.ts': 'export {};\n' }, { git: true, remote: 'git@github.com:northwind-analytics/billing.git' });
      return makeCtx(dir, { github: await harness.github() });
    }
    const POLICY = '# Security\n\nReport vulnerabilities privately to security@northwind-analytics.example; we answer within two business days.\n';

    it('passes a repository that inherits the default from the organisation\'s public .github repository', async () => {
      const ctx = await setUp(estateWithDotGithub({ 'profile/README.md': '# Northwind\n', '.github/SECURITY.md': POLICY, 'CODE_OF_CONDUCT.md': '# Be kind\n' }));
      const { evidence, result } = await repo002(ctx);
      expect(evidence.complete).toBe(true);
      expect(evidence.resources[0]?.data).toMatchObject({
        securityPolicyPresent: true,
        securityPolicySource: 'organisation default',
        securityPolicyPath: 'northwind-analytics/.github:.github/SECURITY.md',
        securityPolicyHasContent: true,
        securityPolicyContacts: ['security@northwind-analytics.example'],
        organisationDefaultPolicy: 'found',
      });
      expect(evidence.calls.filter((c) => c.source === 'github-rest').map((c) => [c.operation, c.params['path'] ?? null, c.status])).toEqual([
        ['GET /repos/{owner}/{repo}', null, 200],
        ['GET /repos/{owner}/{repo}/contents/{path}', '', 200],
        ['GET /repos/{owner}/{repo}/contents/{path}', '.github', 200],
        ['GET /repos/{owner}/{repo}/contents/{path}', '.github/SECURITY.md', 200],
      ]);
      expect(result.status).toBe('pass');
    });

    it('reads the default once per organisation, however many calls ask', async () => {
      const ctx = await setUp(estateWithDotGithub({ 'SECURITY.md': POLICY }));
      await Promise.all([collector.collect(ctx, {}), collector.collect(ctx, {})]);
      expect(harness!.server.stats.byRoute['GET /repos/{owner}/{repo}/contents/{path}']).toBe(2);
    });

    it('fails when the organisation has no default, or keeps it in a private .github repository GitHub does not use', async () => {
      for (const [estate, note] of [
        [estateWithDotGithub(null), 'northwind-analytics has no public .github repository, so there is no default policy'],
        [estateWithDotGithub({ 'SECURITY.md': POLICY }, 'private'), 'northwind-analytics/.github is not public, so GitHub does not use its files as defaults'],
        [estateWithDotGithub({ 'profile/README.md': '# hi\n' }), 'northwind-analytics/.github has no SECURITY file at its root, in .github/ or in docs/'],
      ] as const) {
        const ctx = await setUp(estate);
        const { evidence, result } = await repo002(ctx);
        expect(evidence.resources[0]?.data).toMatchObject({ securityPolicyPresent: false, organisationDefaultPolicy: 'none', organisationDefaultNote: note });
        expect(result.status).toBe('fail');
        expect(result.findings[0]?.message).toContain('organisation default security policy (the owner\'s .github repository) is "none"');
        await harness!.close();
        harness = undefined;
      }
    });

    it('says the organisation default could not be checked when GitHub is not in scope', async () => {
      const dir = await makeRepo({ 'README.md': '# billing\n' }, { git: true, remote: 'https://github.com/northwind-analytics/billing.git' });
      const { evidence, result } = await repo002(makeCtx(dir));
      expect(evidence.resources[0]?.data).toMatchObject({
        securityPolicyPresent: false,
        organisationDefaultPolicy: 'not checked (GitHub is not in scope)',
        organisationDefaultNote: "the organisation's default policy (northwind-analytics/.github) could not be checked: GitHub is not in scope; add a github section to soc2.config.yaml to check it",
      });
      expect(evidence.calls.every((c) => c.source === 'local')).toBe(true);
      expect(result.status).toBe('fail');
      expect(result.findings[0]?.message).toContain('is "not checked (GitHub is not in scope)"');
    });

    it('ends in error, never a pass or a plain fail, when GitHub answers the default\'s read with a server error', async () => {
      const ctx = await setUp(estateWithDotGithub({ 'SECURITY.md': POLICY }), { faults: [{ kind: 'server-error', route: 'GET /repos/{owner}/{repo}/contents/{path}', times: 10 }] });
      const { evidence, result } = await repo002(ctx);
      expect(evidence.complete).toBe(false);
      expect(evidence.resources[0]?.data).toMatchObject({ organisationDefaultPolicy: 'not checked (GitHub could not be read)' });
      expect(evidence.gaps[0]).toMatchObject({ kind: 'unavailable', resource: 'northwind-analytics/billing' });
      expect(result.status).toBe('error');
    });
  });
});
