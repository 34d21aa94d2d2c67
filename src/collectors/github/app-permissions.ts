/**
 * The GitHub App permissions soc2's collectors need, by the keys GitHub uses for an app (the app
 * manifest's `default_permissions`, an installation's `permissions`): what `soc2 permissions`
 * prints for someone setting up the app. Typed over every permission collectors may declare, so a
 * new one cannot be left out. No Octokit here.
 */
import type { GitHubPermission, GitHubTokenNeeds } from './permissions.js';

export const GITHUB_APP_PERMISSION_KEYS: Record<GitHubPermission, string> = {
  'github:metadata:read': 'metadata',
  'github:administration:read': 'administration',
  'github:contents:read': 'contents',
  'github:pull_requests:read': 'pull_requests',
  'github:checks:read': 'checks',
  'github:statuses:read': 'statuses',
  'github:dependabot_alerts:read': 'vulnerability_alerts',
  'github:code_scanning_alerts:read': 'security_events',
  'github:webhooks:read': 'repository_hooks',
  'github:org_administration:read': 'organization_administration',
  'github:org_members:read': 'members',
};

export interface GitHubAppPermissions {
  repository: Record<string, 'read'>;
  organization: Record<string, 'read'>;
}

/** The app permissions for the fine-grained permissions a run needs (githubTokenNeeds), in its order. */
export function githubAppPermissions(needs: Pick<GitHubTokenNeeds, 'fineGrained'>): GitHubAppPermissions {
  const out: GitHubAppPermissions = { repository: {}, organization: {} };
  for (const p of needs.fineGrained) out[p.scope][GITHUB_APP_PERMISSION_KEYS[p.permission]] = p.access;
  return out;
}

/** As lines to paste under an app manifest's `default_permissions:` (or to tick on the app's settings page). */
export function githubAppPermissionLines(perms: GitHubAppPermissions): string[] {
  const lines = ['default_permissions:'];
  for (const scope of ['repository', 'organization'] as const) {
    const entries = Object.entries(perms[scope]);
    if (!entries.length) continue;
    lines.push(`  # ${scope} permissions`);
    for (const [key, access] of entries) lines.push(`  ${key}: ${access}`);
  }
  return lines;
}
