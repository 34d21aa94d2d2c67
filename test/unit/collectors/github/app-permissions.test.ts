import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GITHUB_APP_PERMISSION_KEYS, githubAppPermissionLines, githubAppPermissions } from '../../../../src/collectors/github/app-permissions.js';
import { GITHUB_PERMISSIONS, githubTokenNeeds, type GitHubPermission } from '../../../../src/collectors/github/permissions.js';

describe('collectors/github/app-permissions', () => {
  it('names every permission by a key GitHub documents for an app installation\'s token', () => {
    const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.deref.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { properties: { permissions: { properties: Record<string, unknown> } } } }> }> }>> };
    const documented = Object.keys(spec.paths['/app/installations/{installation_id}/access_tokens']!['post']!.responses['201']!.content['application/json']!.schema.properties.permissions.properties);
    expect(Object.values(GITHUB_APP_PERMISSION_KEYS).filter((k) => !documented.includes(k))).toEqual([]);
    // One key per permission, and organisation permissions by organisation keys.
    expect(new Set(Object.values(GITHUB_APP_PERMISSION_KEYS)).size).toBe(Object.keys(GITHUB_PERMISSIONS).length);
    for (const [p, info] of Object.entries(GITHUB_PERMISSIONS) as Array<[GitHubPermission, (typeof GITHUB_PERMISSIONS)[GitHubPermission]]>) {
      expect(['members', 'organization_administration'].includes(GITHUB_APP_PERMISSION_KEYS[p]), p).toBe(info.fineGrained.scope === 'organization');
    }
  }, 60_000);

  it('prints only what the declared permissions need, grouped by scope, under default_permissions', () => {
    const perms = githubAppPermissions(githubTokenNeeds(['github:webhooks:read', 'github:org_members:read', 'aws:config:Describe']));
    expect(perms).toEqual({ repository: { metadata: 'read', repository_hooks: 'read' }, organization: { members: 'read' } });
    expect(githubAppPermissionLines(perms)).toEqual(['default_permissions:', '  # repository permissions', '  metadata: read', '  repository_hooks: read', '  # organization permissions', '  members: read']);
    expect(githubAppPermissionLines(githubAppPermissions(githubTokenNeeds([])))).toEqual(['default_permissions:', '  # repository permissions', '  metadata: read']);
  });
});
