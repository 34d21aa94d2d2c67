/**
 * The GitHub permission vocabulary collectors declare ('github:<area>:read'), and what each means
 * as a fine-grained token / GitHub App permission and as a classic OAuth scope. `soc2 permissions`
 * prints the least-privilege token from the collectors' declarations through `githubTokenNeeds`.
 * No Octokit here: it is loaded by commands that never talk to GitHub.
 */

export interface GitHubPermissionInfo {
  /** Fine-grained PAT / GitHub App permission, as GitHub's settings page names it. */
  fineGrained: { scope: 'repository' | 'organization'; name: string; access: 'read' };
  /** Classic PAT / OAuth scope that grants it (the narrowest one). */
  classicScope: string;
  /** What the collector reads with it, for the printed explanation. */
  why: string;
  /** A role the user behind the token must also hold, when a permission alone is not enough. */
  role?: string;
}

export const GITHUB_PERMISSIONS = {
  'github:metadata:read': {
    fineGrained: { scope: 'repository', name: 'Metadata', access: 'read' },
    classicScope: 'repo',
    why: 'list repositories, read effective branch rules (rulesets) and repository flags',
  },
  'github:administration:read': {
    fineGrained: { scope: 'repository', name: 'Administration', access: 'read' },
    classicScope: 'repo',
    why: 'classic branch protection, ruleset bypass lists, deploy keys, Actions settings, security settings',
    role: 'repository admin or organisation owner (GitHub hides these settings from others)',
  },
  'github:contents:read': {
    fineGrained: { scope: 'repository', name: 'Contents', access: 'read' },
    classicScope: 'repo',
    why: 'default-branch commit history (direct pushes)',
  },
  'github:pull_requests:read': {
    fineGrained: { scope: 'repository', name: 'Pull requests', access: 'read' },
    classicScope: 'repo',
    why: 'merged pull requests and their reviews (search omits what the token cannot read)',
  },
  'github:checks:read': {
    fineGrained: { scope: 'repository', name: 'Checks', access: 'read' },
    classicScope: 'repo',
    why: 'check-run results on the final commit of each change',
  },
  'github:statuses:read': {
    fineGrained: { scope: 'repository', name: 'Commit statuses', access: 'read' },
    classicScope: 'repo',
    why: 'commit-status results on the final commit of each change',
  },
  'github:dependabot_alerts:read': {
    fineGrained: { scope: 'repository', name: 'Dependabot alerts', access: 'read' },
    classicScope: 'security_events',
    why: 'open Dependabot alerts and whether alerts are enabled',
  },
  'github:code_scanning_alerts:read': {
    fineGrained: { scope: 'repository', name: 'Code scanning alerts', access: 'read' },
    classicScope: 'security_events',
    why: 'open code-scanning alerts and whether code scanning runs',
  },
  'github:webhooks:read': {
    fineGrained: { scope: 'repository', name: 'Webhooks', access: 'read' },
    classicScope: 'read:repo_hook',
    why: 'repository webhooks: URL scheme and TLS verification',
    role: 'repository admin or organisation owner (GitHub hides these settings from others)',
  },
  'github:org_administration:read': {
    fineGrained: { scope: 'organization', name: 'Administration', access: 'read' },
    classicScope: 'admin:org',
    why: 'organisation settings (2FA requirement, base permission, repository creation) and org Actions policy',
    role: 'organisation owner (GitHub shows these settings to owners only; classic tokens need admin:org, there is no read-only scope)',
  },
  'github:org_members:read': {
    fineGrained: { scope: 'organization', name: 'Members', access: 'read' },
    classicScope: 'read:org',
    why: 'members, owners and outside collaborators',
  },
} as const satisfies Record<string, GitHubPermissionInfo>;

export type GitHubPermission = keyof typeof GITHUB_PERMISSIONS;

export function isGitHubPermission(p: string): p is GitHubPermission {
  return Object.prototype.hasOwnProperty.call(GITHUB_PERMISSIONS, p);
}

export interface GitHubTokenNeeds {
  /** Fine-grained token: repository and organisation permissions, e.g. { scope: 'repository', name: 'Administration', access: 'read' }. */
  fineGrained: Array<{ scope: 'repository' | 'organization'; name: string; access: 'read'; permission: GitHubPermission; why: string }>;
  /** Classic token scopes, deduplicated and sorted. */
  classicScopes: string[];
  /** Roles the token's user must hold for some reads. */
  roles: string[];
  /** Declared strings this module does not know (a collector typo); listed so nothing is silently dropped. */
  unknown: string[];
}

/**
 * Given the permission strings the collectors declare (any source; non-GitHub ones are ignored),
 * the fine-grained permissions and classic scopes a token needs.
 */
export function githubTokenNeeds(declared: Iterable<string>): GitHubTokenNeeds {
  const wanted = new Set<GitHubPermission>(['github:metadata:read']);
  const unknown = new Set<string>();
  for (const p of declared) {
    if (!p.startsWith('github:')) continue;
    if (isGitHubPermission(p)) wanted.add(p);
    else unknown.add(p);
  }
  const order = Object.keys(GITHUB_PERMISSIONS) as GitHubPermission[];
  const perms = order.filter((p) => wanted.has(p));
  const classic = new Set<string>();
  for (const p of perms) classic.add(GITHUB_PERMISSIONS[p].classicScope);
  // Keep the list minimal: `repo` nests read:repo_hook and security_events; admin:org nests read:org.
  if (classic.has('repo')) {
    classic.delete('read:repo_hook');
    classic.delete('security_events');
  }
  if (classic.has('admin:org')) classic.delete('read:org');
  const roles = [...new Set(perms.map((p) => (GITHUB_PERMISSIONS[p] as GitHubPermissionInfo).role).filter((r): r is string => Boolean(r)))];
  return {
    fineGrained: perms.map((p) => ({ ...GITHUB_PERMISSIONS[p].fineGrained, permission: p, why: GITHUB_PERMISSIONS[p].why })),
    classicScopes: [...classic].sort(),
    roles,
    unknown: [...unknown].sort(),
  };
}

/** The classic scopes that grant a permission (any of them suffices). */
export function classicScopesGranting(p: GitHubPermission): string[] {
  const scope: string = GITHUB_PERMISSIONS[p].classicScope;
  switch (scope) {
    case 'repo':
      return ['repo'];
    case 'security_events':
      return ['security_events', 'repo']; // repo nests security_events
    case 'read:repo_hook':
      return ['read:repo_hook', 'write:repo_hook', 'admin:repo_hook', 'repo'];
    case 'admin:org':
      return ['admin:org'];
    case 'read:org':
      return ['read:org', 'write:org', 'admin:org'];
    default:
      return [scope];
  }
}
