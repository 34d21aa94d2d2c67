import { describe, expect, it } from 'vitest';
import { collectors, loadCollector, type CollectorId } from '../../../../src/collectors/index.js';
import { GITHUB_PERMISSIONS, githubTokenNeeds } from '../../../../src/collectors/github/permissions.js';

describe('collectors/github/permissions', () => {
  it('maps declared permissions to fine-grained permissions and the narrowest classic scopes', () => {
    const needs = githubTokenNeeds(['github:administration:read', 'github:dependabot_alerts:read', 'github:org_members:read', 'config:DescribeConfigRules']);
    expect(needs.fineGrained.map((p) => `${p.scope}:${p.name}`)).toEqual(['repository:Metadata', 'repository:Administration', 'repository:Dependabot alerts', 'organization:Members']);
    expect(needs.classicScopes).toEqual(['read:org', 'repo']); // repo nests security_events
    expect(needs.unknown).toEqual([]);
  });

  it('drops scopes a broader requested scope already grants', () => {
    expect(githubTokenNeeds(['github:webhooks:read']).classicScopes).toEqual(['repo']);
    expect(githubTokenNeeds(['github:org_members:read', 'github:org_administration:read']).classicScopes).toEqual(['admin:org', 'repo']);
    expect(githubTokenNeeds(['github:dependabot_alerts:read']).classicScopes).toEqual(['repo']);
  });

  it('lists an undeclared permission string instead of dropping it', () => {
    expect(githubTokenNeeds(['github:adminstration:read']).unknown).toEqual(['github:adminstration:read']);
  });

  it('knows every permission a GitHub collector declares', async () => {
    for (const id of Object.keys(collectors).filter((k) => k.startsWith('github.'))) {
      const c = await loadCollector(id as CollectorId);
      for (const p of c.permissions) expect(Object.keys(GITHUB_PERMISSIONS), `${id} declares ${p}`).toContain(p);
    }
  });
});
