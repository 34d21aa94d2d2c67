/**
 * repo.security-policy — does the repository tell outsiders how to report a vulnerability? Looks
 * for SECURITY.md (and .markdown, .rst, .adoc; any case) where GitHub looks for it, and whether it
 * has content and a contact: an email address or a link (a form, a bug bounty page, GitHub's
 * private vulnerability reporting).
 *
 * A repository without its own policy shows its owner's default, kept in the owner's public
 * `.github` repository (root, .github/ or docs/). That lives only on GitHub, so this collector
 * consults GitHub when GitHub is in scope (the engine then passes `ctx.github`, see `consults`):
 * one read of the `.github` repository, its folder listings and the policy file, shared by every
 * call for the same owner. Without GitHub in scope, the evidence says the default was not checked.
 */
import { z } from 'zod';
import type { ApiCall, CollectContext, Collector, Evidence, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import { gapFromError, restGet } from '../github/http.js';
import { errorStatus } from '../../util/error-status.js';
import { dirGaps, findAll, loadRepo, readRepoText, repoFacts } from './files.js';

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
  securityPolicySource: z.enum(['repository', 'organisation default']).nullable().describe('where the security policy in effect is kept'),
  organisationDefaultPolicy: z
    .enum(['not needed', 'found', 'none', 'not checked (GitHub is not in scope)', 'not checked (GitHub could not be read)'])
    .describe("organisation default security policy (the owner's .github repository)"),
  organisationDefaultNote: z.string().describe('what was checked for the organisation default, and what was found'),
});

export type SecurityPolicyParams = z.infer<typeof params>;
export type SecurityPolicyResource = z.infer<typeof resource>;

/** GitHub's answer to the question "does the owner keep a default policy", read once per owner. */
interface OrganisationDefault {
  status: 'found' | 'none' | 'unreadable';
  /** `owner/.github:path` of the file in effect. */
  path: string | null;
  text: string;
  note: string;
  calls: ApiCall[];
  gaps: Gap[];
}

interface ContentEntry {
  name: string;
  path: string;
  type: string;
}

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

/**
 * The security policy the owner's public `.github` repository provides as a default, where GitHub
 * looks for it (the same places and names as in a repository). A private or missing `.github`
 * repository provides none: GitHub only uses a public one.
 */
function organisationDefault(ctx: CollectContext<'repo', 'github'> & CollectContext<'github'>, owner: string, resource: string): Promise<OrganisationDefault> {
  return ctx.memo(`repo:organisation-security-policy:${owner.toLowerCase()}`, async (ctx) => {
    const calls: ApiCall[] = [];
    const repo = `${owner}/.github`;
    const what = `the organisation's default security policy (${repo})`;
    const result = (status: OrganisationDefault['status'], note: string, extra: Partial<OrganisationDefault> = {}): OrganisationDefault => ({ status, path: null, text: '', note, calls, gaps: [], ...extra });
    const unreadable = (e: unknown, operation: string) => result('unreadable', `${repo} could not be read`, { gaps: [gapFromError(e, { resource, what, operation, permission: 'github:contents:read' })] });
    try {
      const meta = await restGet<{ private?: boolean; visibility?: string }>(ctx, calls, '/repos/{owner}/{repo}', { owner, repo: '.github' });
      if (meta.data.private !== false) return result('none', `${repo} is not public, so GitHub does not use its files as defaults`);
    } catch (e) {
      if (errorStatus(e) === 404) return result('none', `${owner} has no public .github repository, so there is no default policy`);
      return unreadable(e, 'GET /repos/{owner}/{repo}');
    }
    const list = async (dir: string): Promise<ContentEntry[]> => {
      const res = await restGet<ContentEntry[] | ContentEntry>(ctx, calls, '/repos/{owner}/{repo}/contents/{path}', { owner, repo: '.github', path: dir });
      return Array.isArray(res.data) ? res.data : [];
    };
    try {
      const root = await list('');
      const listings = new Map<string, ContentEntry[]>([['', root]]);
      for (const dir of ['.github', 'docs']) {
        if (root.some((e) => e.type === 'dir' && e.name === dir)) listings.set(`${dir}/`, await list(dir));
      }
      const found: string[] = [];
      for (const dir of DIRS) {
        for (const name of NAMES) {
          const hit = listings.get(dir)?.find((e) => e.type === 'file' && e.name.toLowerCase() === name);
          if (hit && !found.includes(hit.path)) found.push(hit.path);
        }
      }
      if (found.length === 0) return result('none', `${repo} has no SECURITY file at its root, in .github/ or in docs/`);
      let chosen: { path: string; text: string } | undefined;
      for (const path of found) {
        const file = await restGet<{ content?: string; encoding?: string }>(ctx, calls, '/repos/{owner}/{repo}/contents/{path}', { owner, repo: '.github', path });
        const text = file.data.encoding === 'base64' && typeof file.data.content === 'string' ? Buffer.from(file.data.content, 'base64').toString('utf8') : '';
        chosen ??= { path, text };
        if (hasContent(text)) {
          chosen = { path, text };
          break;
        }
      }
      const where = `${repo}:${chosen!.path}`;
      return result('found', `${where} is the default GitHub shows for repositories of ${owner} without their own`, { path: where, text: chosen!.text });
    } catch (e) {
      return unreadable(e, 'GET /repos/{owner}/{repo}/contents/{path}');
    }
  });
}

/** Whether GitHub is in scope for this run (the engine passes it only then); narrows `ctx` to carry it. */
function consultsGitHub(ctx: CollectContext<'repo', 'github'>): ctx is CollectContext<'repo', 'github'> & CollectContext<'github'> {
  return ctx.github !== undefined;
}

export const collector: Collector<'repo', SecurityPolicyParams, SecurityPolicyResource, 'github'> = {
  id: 'repo.security-policy',
  source: 'repo',
  description: "Finds the security policy (SECURITY.md, .markdown, .rst or .adoc at the root, .github/ or docs/) and checks it has content and a contact; without one, and with GitHub in scope, reads the owner's default from its public .github repository.",
  params,
  resource,
  permissions: ['local:read'],
  consults: ['github'],
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
      securityPolicySource: null,
      organisationDefaultPolicy: 'not needed',
      organisationDefaultNote: 'the repository has its own security policy',
    };
    for (const path of findAll(snap, SECURITY_POLICY_LOCATIONS, true)) {
      // A policy that could not be read might be the one with content: that is "could not tell" (a gap).
      const text = await readRepoText(ctx, snap, path, { calls, gaps });
      if (text === undefined) continue;
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
    if (data.securityPolicyPresent) {
      // GitHub shows the owner's default only where the repository has no policy file of its own.
      data.securityPolicySource = 'repository';
      if (!data.securityPolicyHasContent) data.organisationDefaultNote = 'the repository has its own security policy file, so GitHub shows it and not the default';
    } else {
      const owner = snap.name.includes('/') ? snap.name.slice(0, snap.name.indexOf('/')) : ctx.github?.org;
      if (!consultsGitHub(ctx) || owner === undefined) {
        data.organisationDefaultPolicy = 'not checked (GitHub is not in scope)';
        data.organisationDefaultNote = `the organisation's default policy (${owner ?? '<owner>'}/.github) could not be checked: GitHub is not in scope; add a github section to soc2.config.yaml to check it`;
      } else {
        const fallback = await organisationDefault(ctx, owner, snap.name);
        calls.push(...fallback.calls);
        gaps.push(...fallback.gaps);
        data.organisationDefaultNote = fallback.note;
        if (fallback.status === 'unreadable') {
          data.organisationDefaultPolicy = 'not checked (GitHub could not be read)';
        } else if (fallback.status === 'none') {
          data.organisationDefaultPolicy = 'none';
        } else {
          data.organisationDefaultPolicy = 'found';
          data.securityPolicyPresent = true;
          data.securityPolicySource = 'organisation default';
          data.securityPolicyPath = fallback.path;
          data.securityPolicyHasContent = hasContent(fallback.text);
          data.securityPolicyContacts = findContacts(fallback.text);
          data.securityPolicyHasContact = data.securityPolicyContacts.length > 0;
        }
      }
    }
    return new EvidenceBuilder<typeof data>().addCalls(calls).addGaps(gaps).withFacts(repoFacts(snap)).add({ id: snap.name, data }).build();
  },
};
