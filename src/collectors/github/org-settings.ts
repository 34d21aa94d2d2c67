/**
 * github.org-settings — the organisation's access settings and people: two-factor requirement,
 * base repository permission, who may create (public) repositories, owners and members, members
 * without two-factor authentication, and outside collaborators. One resource: the organisation.
 * A setting GitHub does not send (owner-only, or optional in its description) or a list the token
 * may not read is null — "could not tell", never "off" — with the permission in `revealedBy`.
 */
import { z } from 'zod';
import type { ApiCall, Collector, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import { gapFromError, isRateLimit, restGet, restList } from './http.js';
import { errorStatus } from '../../util/error-status.js';
import { tri } from './three-valued.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  twoFactorRequirementEnabled: z.boolean().nullable().describe('two-factor authentication required for everyone'),
  defaultRepositoryPermission: z.string().nullable().describe('base repository permission of members'),
  membersCanCreateRepositories: z.boolean().nullable().describe('members can create repositories'),
  membersCanCreatePublicRepositories: z.boolean().nullable().describe('members can create public repositories'),
  membersCanForkPrivateRepositories: z.boolean().nullable().describe('members can fork private repositories'),
  membersCanDeleteRepositories: z.boolean().nullable().describe('members can delete or transfer repositories'),
  ownerCount: z.number().int().nullable().describe('number of organisation owners'),
  owners: z.array(z.string()).nullable().describe('organisation owners'),
  memberCount: z.number().int().nullable().describe('number of members'),
  membersWithoutTwoFactor: z.array(z.string()).nullable().describe('members without two-factor authentication'),
  outsideCollaboratorCount: z.number().int().nullable().describe('number of outside collaborators'),
  outsideCollaborators: z.array(z.string()).nullable().describe('outside collaborators'),
});
export type OrgSettings = z.infer<typeof resource>;

const ORG_ADMIN = 'github:org_administration:read';
const MEMBERS = 'github:org_members:read';

/**
 * GET /orgs/{org} fields, each optional in GitHub's description and shown to owners only; most
 * are also nullable. Absent or null is "GitHub did not say": the field is null, never false.
 */
const SETTINGS = {
  twoFactorRequirementEnabled: 'two_factor_requirement_enabled',
  membersCanCreateRepositories: 'members_can_create_repositories',
  membersCanCreatePublicRepositories: 'members_can_create_public_repositories',
  membersCanForkPrivateRepositories: 'members_can_fork_private_repositories',
  membersCanDeleteRepositories: 'members_can_delete_repositories',
} as const;

/** Refusals that mean "this token may not see it" (the field then names the permission) rather than a failed read. */
function isRefusal(e: unknown): boolean {
  const status = errorStatus(e);
  // 422 is GitHub's answer to a non-owner using an owner-only filter; a 403 may also be a rate limit.
  return (status === 403 || status === 404 || status === 422) && !isRateLimit(e);
}

export const collector: Collector<'github', Params, OrgSettings> = {
  id: 'github.org-settings',
  source: 'github',
  description: 'Organisation settings and people: 2FA requirement, base permission, repository creation, owners, members without 2FA, outside collaborators.',
  params,
  resource,
  permissions: [ORG_ADMIN, MEMBERS],
  revealedBy: {
    ...Object.fromEntries([...Object.keys(SETTINGS), 'defaultRepositoryPermission'].map((k) => [k, ORG_ADMIN])),
    // The 2FA filter is owner-only: GitHub answers 422 to anyone else.
    membersWithoutTwoFactor: ORG_ADMIN,
    ...Object.fromEntries(['ownerCount', 'owners', 'memberCount', 'outsideCollaboratorCount', 'outsideCollaborators'].map((k) => [k, MEMBERS])),
  },
  defaultWhenEmpty: 'error',
  example: `collector: github.org-settings
assert: { key: twoFactorRequirementEnabled, op: eq, value: true }
`,
  async collect(ctx) {
    const gh = ctx.github;
    const org = gh.org;
    const calls: ApiCall[] = [];
    const gaps: Gap[] = [];

    let settings: Record<string, unknown> = {};
    let settingsRead = false;
    try {
      settings = (await restGet<Record<string, unknown>>(ctx, calls, '/orgs/{org}', { org })).data;
      settingsRead = true;
    } catch (e) {
      gaps.push(gapFromError(e, { resource: org, permission: ORG_ADMIN, what: 'organisation settings', operation: 'GET /orgs/{org}' }));
    }

    const list = async (route: string, p: Record<string, string>, what: string, permission: string): Promise<string[] | null> => {
      try {
        return (await restList<{ login: string }>(ctx, calls, route, { org, ...p })).map((u) => u.login).sort();
      } catch (e) {
        // A refusal leaves the field null (the engine names the permission); anything else is a failed read.
        if (!isRefusal(e)) gaps.push(gapFromError(e, { resource: org, permission, what, operation: `GET ${route}` }));
        return null;
      }
    };
    const [owners, members, no2fa, outside] = await Promise.all([
      list('/orgs/{org}/members', { role: 'admin' }, 'the organisation owners', MEMBERS),
      list('/orgs/{org}/members', { role: 'all' }, 'the organisation members', MEMBERS),
      list('/orgs/{org}/members', { filter: '2fa_disabled' }, 'members without two-factor authentication', ORG_ADMIN),
      list('/orgs/{org}/outside_collaborators', {}, 'the outside collaborators', MEMBERS),
    ]);

    if (!settingsRead && owners === null && members === null && no2fa === null && outside === null) return new EvidenceBuilder<OrgSettings>().addCalls(calls).addGaps(gaps).build();
    const permission = settings['default_repository_permission'];
    const data: OrgSettings = {
      twoFactorRequirementEnabled: tri(settings[SETTINGS.twoFactorRequirementEnabled]),
      defaultRepositoryPermission: typeof permission === 'string' ? permission : null,
      membersCanCreateRepositories: tri(settings[SETTINGS.membersCanCreateRepositories]),
      membersCanCreatePublicRepositories: tri(settings[SETTINGS.membersCanCreatePublicRepositories]),
      membersCanForkPrivateRepositories: tri(settings[SETTINGS.membersCanForkPrivateRepositories]),
      membersCanDeleteRepositories: tri(settings[SETTINGS.membersCanDeleteRepositories]),
      ownerCount: owners?.length ?? null,
      owners,
      memberCount: members?.length ?? null,
      membersWithoutTwoFactor: no2fa,
      outsideCollaboratorCount: outside?.length ?? null,
      outsideCollaborators: outside,
    };
    return new EvidenceBuilder<OrgSettings>().addCalls(calls).addGaps(gaps).withFacts({ plan: (settings['plan'] as { name?: string } | undefined)?.name ?? 'unknown' }).add({ id: org, data }).build();
  },
};
