import { describe, expect, it } from 'vitest';
import { collector, findContacts, hasContent } from '../../../../src/collectors/repo/security-policy.js';
import { makeCtx, makeRepo } from './helpers.js';

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
});
