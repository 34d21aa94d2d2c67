/**
 * What reports and finding sentences say about GitHub, from results.json alone (no Octokit).
 */
import type { SourceAbout } from '../types.js';

interface GitHubScope {
  org: string;
  apiUrl: string;
}

type GitHubIdentity =
  | { state: 'known'; login: string; tokenKind: string; apiUrl: string }
  | { state: 'unknown'; tokenKind: string; reason: string }
  | { state: 'not-in-scope' };

const TOKEN_KIND_TEXT: Record<string, string> = {
  classic: 'classic personal access token',
  'fine-grained': 'fine-grained personal access token',
  'app-installation': 'GitHub App installation token',
  'app-user': 'GitHub App user token',
  unknown: 'token of unknown kind',
};

export const about: SourceAbout = {
  id: 'github',
  system: 'GitHub',
  label: 'GitHub',
  // The flag is how a person or CI confirms a github.apiUrl from the configuration file (see README, Security).
  flags: [{
    flag: '--github-api-url <url>',
    option: 'githubApiUrl',
    env: 'GITHUB_API_URL',
    description: 'GitHub API base URL (as GITHUB_API_URL, which it overrides); confirms a non-default github.apiUrl in the configuration',
  }],
  scopeText(entry) {
    if (!entry) return ['not in scope'];
    const sc = entry as GitHubScope;
    return ['organisation ', { code: sc.org }, ` through ${sc.apiUrl}`];
  },
  scopeProperties: (entry) => [['github-org', (entry as GitHubScope | null)?.org]],
  identity: {
    label: 'GitHub identity',
    properties(entry) {
      const p = entry as GitHubIdentity;
      if (p.state === 'not-in-scope') return [];
      return [['github-token-kind', p.tokenKind], p.state === 'known' ? ['github-login', p.login] : ['github-login-unknown', p.reason]];
    },
    text(entry) {
      const p = entry as GitHubIdentity;
      return p.state === 'known'
        ? `${p.login}, with a ${TOKEN_KIND_TEXT[p.tokenKind]}, at ${p.apiUrl}`
        : p.state === 'unknown' ? `unknown login (${TOKEN_KIND_TEXT[p.tokenKind]}) — ${p.reason}` : 'not in scope';
    },
    people(entry) {
      const p = entry as GitHubIdentity;
      return p.state === 'known' ? [p.login] : [];
    },
  },
};
