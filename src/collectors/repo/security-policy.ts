/**
 * repo.security-policy — does the repository tell outsiders how to report a vulnerability? Looks
 * for SECURITY.md (and .markdown, .rst, .adoc; any case) where GitHub looks for it, and whether it
 * has content and a contact: an email address or a link (a form, a bug bounty page, GitHub's
 * private vulnerability reporting).
 */
import { z } from 'zod';
import type { Collector, Evidence, Gap } from '../types.js';
import { dirGaps, findAll, loadRepo, readGap, readRepoFile, repoFacts } from './files.js';

const DIRS = ['.github/', '', 'docs/'];
const NAMES = ['security.md', 'security.markdown', 'security.rst', 'security.adoc'];
export const SECURITY_POLICY_LOCATIONS: readonly string[] = DIRS.flatMap((d) => NAMES.map((n) => d + n));

const params = z.strictObject({});

const resource = z.object({
  securityPolicyPresent: z.boolean().describe('security policy present'),
  securityPolicyPath: z.string().nullable().describe('security policy file'),
  securityPolicyHasContent: z.boolean().describe('security policy has text beyond headings'),
  securityPolicyHasContact: z.boolean().describe('security policy names a contact (email or link)'),
  securityPolicyContacts: z.array(z.string()).describe('contacts named in the security policy'),
});

export type SecurityPolicyParams = z.infer<typeof params>;
export type SecurityPolicyResource = z.infer<typeof resource>;

const EMAIL = /(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const URL = /https?:\/\/[^\s<>()[\]"'`]+/g;
/** At most this many contacts are kept: enough to show one exists and where. */
const MAX_CONTACTS = 10;

/** Text that remains once markup-only lines (headings, rules, rst underlines) are removed. */
export function hasContent(text: string): boolean {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .some((l) => l !== '' && !/^#{1,6}(\s|$)/.test(l) && !/^[=\-~^*_#`+.:]{3,}$/.test(l) && /[\p{L}\p{N}]/u.test(l));
}

export function findContacts(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(URL)) found.add(m[0].replace(/[.,;:!?]+$/, ''));
  for (const m of text.matchAll(EMAIL)) found.add(m[0]);
  return [...found].slice(0, MAX_CONTACTS);
}

export const collector: Collector<SecurityPolicyParams, SecurityPolicyResource> = {
  id: 'repo.security-policy',
  source: 'repo',
  description: 'Finds the security policy (SECURITY.md, .markdown, .rst or .adoc at the root, .github/ or docs/) and checks it has content and a contact.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  locate: { resource: (d) => (d.securityPolicyPath ? { file: d.securityPolicyPath } : undefined) },
  example: `collector: repo.security-policy
params: {}
assert:
  all:
    - { key: securityPolicyPresent, op: eq, value: true }
    - { key: securityPolicyHasContact, op: eq, value: true, message: an email address or link for reporting vulnerabilities }
`,
  async collect(ctx): Promise<Evidence<SecurityPolicyResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap, ['.', '.github', 'docs']);
    const data: SecurityPolicyResource = {
      securityPolicyPresent: false,
      securityPolicyPath: null,
      securityPolicyHasContent: false,
      securityPolicyHasContact: false,
      securityPolicyContacts: [],
    };
    for (const path of findAll(snap, SECURITY_POLICY_LOCATIONS, true)) {
      const read = await readRepoFile(ctx, path, { calls });
      if (!read.ok) {
        // A policy that could not be read might be the one with content: that is "could not tell".
        gaps.push(readGap(snap, read));
        continue;
      }
      const text = read.binary ? '' : read.text;
      // The first file found is the one reported, but a later file with content wins over an
      // empty placeholder, as a reader browsing the repository would find it.
      if (!data.securityPolicyPresent || (!data.securityPolicyHasContent && hasContent(text))) {
        data.securityPolicyPresent = true;
        data.securityPolicyPath = path;
        data.securityPolicyHasContent = hasContent(text);
        data.securityPolicyContacts = findContacts(text);
        data.securityPolicyHasContact = data.securityPolicyContacts.length > 0;
      }
      if (data.securityPolicyHasContent) break;
    }
    return {
      resources: [{ id: snap.name, data }],
      facts: repoFacts(snap),
      complete: gaps.length === 0,
      gaps,
      calls,
    };
  },
};
