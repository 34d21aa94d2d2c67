/**
 * What a fake token may read, modelled on GitHub's rules: classic tokens by OAuth scope,
 * fine-grained and app tokens by permission, and admin-only reads also by the user's role.
 */
import type { FakeToken, FinePermission, GitHubEstate, Permission, RepoSpec } from './estate/github.js';

/** Which classic scopes grant a fine-grained permission (read). */
const CLASSIC_SCOPES: Record<FinePermission, string[]> = {
  metadata: ['repo', 'public_repo', 'read:org', 'admin:org'],
  administration: ['repo'],
  contents: ['repo'],
  pull_requests: ['repo'],
  checks: ['repo'],
  statuses: ['repo', 'repo:status'],
  // `repo` includes security_events (the token page nests it under repo).
  vulnerability_alerts: ['security_events', 'repo'],
  security_events: ['security_events', 'repo'],
  secret_scanning_alerts: ['security_events', 'repo'],
  repository_hooks: ['repo', 'read:repo_hook', 'write:repo_hook', 'admin:repo_hook'],
  organization_administration: ['admin:org'],
  members: ['read:org', 'admin:org'],
};

export function tokenHas(token: FakeToken, permission: FinePermission): boolean {
  if (permission === 'metadata') return true;
  if (token.type === 'classic') return (token.scopes ?? []).some((s) => CLASSIC_SCOPES[permission].includes(s));
  return Boolean(token.permissions?.[permission]);
}

/** The user's role on a repository: owners are admin everywhere; others by collaborator entry or the org base permission. */
export function roleOn(estate: GitHubEstate, token: FakeToken, repo: RepoSpec): Permission | 'none' {
  if (token.orgOwner) return 'admin';
  const collab = repo.collaborators.find((c) => c.login === token.login);
  if (collab) return collab.permission;
  const member = estate.members.some((m) => m.login === token.login);
  if (!member) return repo.visibility === 'public' ? 'read' : 'none';
  const base = estate.organization.defaultRepositoryPermission;
  return base === 'none' ? (repo.visibility === 'private' ? 'none' : 'read') : base;
}

const RANK: Record<Permission | 'none', number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function atLeast(role: Permission | 'none', wanted: Permission): boolean {
  return RANK[role] >= RANK[wanted];
}

/** The message GitHub sends when a token's permissions (not the user's role) forbid a read. */
export function forbiddenMessage(token: FakeToken): string {
  return token.type === 'fine-grained' ? 'Resource not accessible by personal access token' : 'Resource not accessible by integration';
}
