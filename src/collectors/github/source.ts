/**
 * GitHub as an evidence source: reads the `github` section of soc2.config.yaml, checks the API
 * endpoint rule, builds the Octokit client and learns what the token can do and who it acts as,
 * warns about controls the token cannot evaluate, and derives the token permissions from what the
 * GitHub collectors declare. Octokit is loaded only in setup.
 */
import { resolve } from 'node:path';
import type { GitHubSettings } from '../../config/schema.js';
import { redactString } from '../../evidence/redact.js';
import type { Source } from '../types.js';
import type { GitHubContext } from './client.js';
import { endpointError, GITHUB_DEFAULT_API_URL, resolveGitHubApiUrl } from './endpoint.js';
import { GITHUB_PERMISSIONS, githubTokenNeeds, isGitHubPermission } from './permissions.js';
import { githubAppPermissionLines, githubAppPermissions } from './app-permissions.js';

declare module '../types.js' {
  interface SourceContexts {
    /** What GitHub collectors (and collectors that consult GitHub) find on `ctx`. */
    github: { github: GitHubContext };
  }
}

type TokenKind = NonNullable<GitHubContext['identity']>['tokenKind'];
type AppIdentity = { app?: { id: number; slug: string | null; installationId: number } };
type Identity =
  | ({ state: 'known'; login: string; tokenKind: TokenKind; apiUrl: string } & AppIdentity)
  | ({ state: 'unknown'; tokenKind: TokenKind; apiUrl?: string; reason: string } & AppIdentity)
  | { state: 'not-in-scope' };

export const source: Source<GitHubSettings, { github: GitHubContext }> = {
  id: 'github',
  configKey: 'github',
  settings: (config) => config.github,
  notInScope: 'GitHub: the configuration has no github section, so GitHub controls are not applicable. Add a github section with your organisation to evaluate them.',
  notApplicable: 'GitHub is not in scope: the configuration has no github section.',

  // The same endpoint rule for every command, so that a refused apiUrl is found before any work.
  check(settings, loaded, env) {
    if (!settings) return;
    const endpoint = resolveGitHubApiUrl(settings.apiUrl, env);
    if (!endpoint.ok) throw endpointError(endpoint, loaded);
  },

  async setup(settings, opts) {
    const { createGitHubContext } = await import('./client.js');
    opts.progress(`checking what the GitHub token can do for ${settings.org}…`);
    const github = await createGitHubContext(settings, { env: opts.env, userAgent: opts.userAgent, cacheDir: resolve(opts.baseDir, settings.cacheDir), progress: opts.progress, now: opts.now });
    return { github };
  },

  async preflight({ github }, planned) {
    const missing = new Set(github.capabilities.missing);
    if (!missing.size) return [];
    const lines: string[] = [];
    for (const { collector, controls } of planned) {
      const lacking = collector.permissions.filter((p) => missing.has(p));
      if (lacking.length) lines.push(`  ${controls.join(', ')}: needs ${lacking.map(describePermission).join('; ')}`);
    }
    if (!lines.length) return [];
    return [`The GitHub token cannot evaluate these controls; they will end in error:\n${lines.join('\n')}\nGrant the permissions to the token (\`soc2 permissions\` lists them all) and run again.`];
  },

  async scope(settings, _ctx, { env }) {
    return settings ? { org: settings.org, apiUrl: settings.apiUrl ?? env.GITHUB_API_URL ?? GITHUB_DEFAULT_API_URL } : null;
  },

  permissions(collectors) {
    const needs = githubTokenNeeds(collectors.flatMap((c) => [...c.permissions]));
    const app = { permissions: githubAppPermissions(needs) };
    return {
      json: { ...needs, app },
      text: (c, n, inScope) => [
        c.bold(`GitHub — token permissions for ${n} GitHub controls`) + (inScope ? '' : c.dim(' (not in scope yet: the configuration has no github section)')),
        'Fine-grained personal access token or GitHub App (read-only):',
        ...needs.fineGrained.map((p) => `  ${p.scope === 'organization' ? 'Organization' : 'Repository'} permission "${p.name}": ${p.access}  ${c.dim(`— ${p.why}`)}`),
        `Classic token scopes: ${needs.classicScopes.join(', ')}`,
        ...(needs.roles.length ? [`The token's user must also be: ${needs.roles.join('; ')}`] : []),
        '',
        c.bold('GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY) — permissions to give the app'),
        'Paste into the app manifest, or set the same under Settings → Developer settings → GitHub Apps → Permissions; an app acts by these alone (no user role needed):',
        ...githubAppPermissionLines(app.permissions),
      ],
    };
  },

  async provenance(ctx) {
    if (!ctx) return { identity: { state: 'not-in-scope' } satisfies Identity, calls: [] };
    let gh: GitHubContext;
    try {
      gh = (await ctx).github;
    } catch (e) {
      return { identity: { state: 'unknown', tokenKind: 'unknown', reason: `the GitHub client could not be set up: ${messageOf(e)}` } satisfies Identity, calls: [] };
    }
    const apiUrl = gh.capabilities.apiUrl;
    const id = gh.identity;
    if (!id) return { identity: { state: 'unknown', tokenKind: 'unknown', apiUrl, reason: 'the token was not asked who it acts as' } satisfies Identity, calls: [] };
    const app = id.app ? { app: { id: id.app.id, slug: id.app.slug, installationId: id.app.installationId } } : {};
    if (id.login === null) return { identity: { state: 'unknown', tokenKind: id.tokenKind, apiUrl, reason: redactString(id.reason ?? 'GitHub did not say'), ...app } satisfies Identity, calls: [...id.calls] };
    return { identity: { state: 'known', login: id.login, tokenKind: id.tokenKind, apiUrl, ...app } satisfies Identity, calls: [...id.calls] };
  },

  // A shard's repository-by-repository collectors read the shared repository list and keep their part of it.
  shardContext: ({ github }, keep) => ({ github: { ...github, inShard: keep } }),

  startupCalls: ({ github }) => github.capabilities.calls,
};

/** "repository Administration: read (classic: repo)" — the words GitHub's token settings use. */
function describePermission(p: string): string {
  if (!isGitHubPermission(p)) return p;
  const info = GITHUB_PERMISSIONS[p];
  return `${info.fineGrained.scope === 'organization' ? 'organisation' : 'repository'} ${info.fineGrained.name}: ${info.fineGrained.access} (classic: ${info.classicScope})`;
}

function messageOf(e: unknown): string {
  return redactString((e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim());
}
