/**
 * What reports and finding sentences say about GitHub, from results.json alone (no Octokit).
 */
import type { SourceAbout } from '../types.js';

interface GitHubScope {
  org: string;
  apiUrl: string;
}

/** The GitHub App a run acted as, when it ran as an app installation. */
interface GitHubAppIdentity { id: number; slug?: string | null; installationId: number }

type GitHubIdentity =
  | { state: 'known'; login: string; tokenKind: string; apiUrl: string; app?: GitHubAppIdentity }
  | { state: 'unknown'; tokenKind: string; reason: string; app?: GitHubAppIdentity }
  | { state: 'not-in-scope' };

/** " of GitHub App soc2-audit (app id 42, installation 7)", or nothing for a token. */
function appText(app: GitHubAppIdentity | undefined): string {
  return app ? ` of GitHub App ${app.slug ?? '(slug unknown)'} (app id ${app.id}, installation ${app.installationId})` : '';
}

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
      const app: Array<[string, string | undefined]> = p.app
        ? [['github-app-id', String(p.app.id)], ['github-app-slug', p.app.slug ?? undefined], ['github-app-installation-id', String(p.app.installationId)]]
        : [];
      return [['github-token-kind', p.tokenKind], ...app, p.state === 'known' ? ['github-login', p.login] : ['github-login-unknown', p.reason]];
    },
    text(entry) {
      const p = entry as GitHubIdentity;
      return p.state === 'known'
        ? `${p.login}, with a ${TOKEN_KIND_TEXT[p.tokenKind]}${appText(p.app)}, at ${p.apiUrl}`
        : p.state === 'unknown' ? `unknown login (${TOKEN_KIND_TEXT[p.tokenKind]}${appText(p.app)}) — ${p.reason}` : 'not in scope';
    },
    people(entry) {
      const p = entry as GitHubIdentity;
      return p.state === 'known' ? [p.login] : [];
    },
  },
};
