/**
 * github.org-settings — the organisation's access settings and people: two-factor requirement,
 * base repository permission, who may create (public) repositories, owners and members, members
 * without two-factor authentication, and outside collaborators. One resource: the organisation.
 * Owner-only settings that come back absent are a gap, never "off".
 */
import { z } from 'zod';
import type { ApiCall, Collector, Gap } from '../types.js';
import { errorMessage, errorStatus, gapFromError, restGet, restList } from './http.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  twoFactorRequirementEnabled: z.boolean().describe('two-factor authentication required for everyone'),
  defaultRepositoryPermission: z.string().describe('base repository permission of members'),
  membersCanCreateRepositories: z.boolean().describe('members can create repositories'),
  membersCanCreatePublicRepositories: z.boolean().describe('members can create public repositories'),
  membersCanForkPrivateRepositories: z.boolean().describe('members can fork private repositories'),
  membersCanDeleteRepositories: z.boolean().describe('members can delete or transfer repositories'),
  ownerCount: z.number().int().describe('number of organisation owners'),
  owners: z.array(z.string()).describe('organisation owners'),
  memberCount: z.number().int().describe('number of members'),
  membersWithoutTwoFactor: z.array(z.string()).describe('members without two-factor authentication'),
  outsideCollaboratorCount: z.number().int().describe('number of outside collaborators'),
  outsideCollaborators: z.array(z.string()).describe('outside collaborators'),
});
export type OrgSettings = z.infer<typeof resource>;

const ORG_ADMIN = 'github:org_administration:read';
const MEMBERS = 'github:org_members:read';

export const collector: Collector<Params, OrgSettings> = {
  id: 'github.org-settings',
  source: 'github',
  description: 'Organisation settings and people: 2FA requirement, base permission, repository creation, owners, members without 2FA, outside collaborators.',
  params,
  resource,
  permissions: [ORG_ADMIN, MEMBERS],
  defaultWhenEmpty: 'error',
  example: `collector: github.org-settings
assert: { key: twoFactorRequirementEnabled, op: eq, value: true }
`,
  async collect(ctx) {
    const gh = ctx.github!;
    const org = gh.org;
    const calls: ApiCall[] = [];
    const gaps: Gap[] = [];

    let settings: Record<string, unknown> = {};
    try {
      settings = (await restGet<Record<string, unknown>>(ctx, calls, '/orgs/{org}', { org })).data;
      if (!('two_factor_requirement_enabled' in settings)) {
        gaps.push({
          resource: org,
          kind: 'permission',
          permission: ORG_ADMIN,
          message: `${org}: token lacks ${ORG_ADMIN}: GitHub returned the organisation without its owner-only settings (two-factor requirement, base permission, repository creation). Use an owner's token (classic: admin:org; fine-grained: organisation Administration read).`,
        });
      }
    } catch (e) {
      gaps.push(gapFromError(e, { resource: org, permission: ORG_ADMIN, what: 'organisation settings', operation: 'GET /orgs/{org}' }));
    }

    const list = async (route: string, p: Record<string, string>, what: string): Promise<string[] | undefined> => {
      try {
        return (await restList<{ login: string }>(ctx, calls, route, { org, ...p })).map((u) => u.login);
      } catch (e) {
        // The 2FA filters are owner-only: GitHub answers 422 to anyone else.
        if (errorStatus(e) === 422) {
          gaps.push({ resource: org, kind: 'permission', permission: ORG_ADMIN, message: `${org}: token lacks ${ORG_ADMIN}: GitHub answered 422 "${errorMessage(e)}" to GET ${route} (an owner-only filter), so ${what} could not be read.` });
        } else {
          gaps.push(gapFromError(e, { resource: org, permission: MEMBERS, what, operation: `GET ${route}` }));
        }
        return undefined;
      }
    };
    const [owners, members, no2fa, outside] = await Promise.all([
      list('/orgs/{org}/members', { role: 'admin' }, 'the organisation owners'),
      list('/orgs/{org}/members', { role: 'all' }, 'the organisation members'),
      list('/orgs/{org}/members', { filter: '2fa_disabled' }, 'members without two-factor authentication'),
      list('/orgs/{org}/outside_collaborators', {}, 'the outside collaborators'),
    ]);

    if (gaps.length) return { resources: [], complete: false, gaps, calls };
    const bool = (k: string) => settings[k] === true;
    const data: OrgSettings = {
      twoFactorRequirementEnabled: bool('two_factor_requirement_enabled'),
      defaultRepositoryPermission: String(settings['default_repository_permission'] ?? 'unknown'),
      membersCanCreateRepositories: bool('members_can_create_repositories'),
      membersCanCreatePublicRepositories: bool('members_can_create_public_repositories'),
      membersCanForkPrivateRepositories: bool('members_can_fork_private_repositories'),
      membersCanDeleteRepositories: bool('members_can_delete_repositories'),
      ownerCount: owners!.length,
      owners: owners!.sort(),
      memberCount: members!.length,
      membersWithoutTwoFactor: no2fa!.sort(),
      outsideCollaboratorCount: outside!.length,
      outsideCollaborators: outside!.sort(),
    };
    return { resources: [{ id: org, data }], complete: true, gaps: [], calls, facts: { plan: (settings['plan'] as { name?: string } | undefined)?.name ?? 'unknown' } };
  },
};
