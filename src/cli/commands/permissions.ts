/**
 * `soc2 permissions`: the least-privilege IAM policy and GitHub token permissions for the controls
 * in scope, derived from what their collectors declare (never written by hand).
 */
import { loadConfig } from '../../config/load.js';
import { loadConfiguredControls } from '../../controls/load.js';
import { loadCollector, type CollectorId } from '../../collectors/index.js';
import { CALLER_IDENTITY_ACTION, iamPolicyFor } from '../../collectors/aws/permissions.js';
import { githubTokenNeeds } from '../../collectors/github/permissions.js';
import { githubAppPermissionLines, githubAppPermissions, type GitHubAppPermissions } from '../../collectors/github/app-permissions.js';
import { makeChalk } from '../terminal.js';
import { assertGitHubEndpoint, withGitHubApiUrl } from '../../collectors/github/endpoint.js';

export interface PermissionsReport {
  aws: { inScope: boolean; controls: string[]; policy: object };
  github: { inScope: boolean; controls: string[]; app: { permissions: GitHubAppPermissions } } & ReturnType<typeof githubTokenNeeds>;
}

export async function permissionsReport(opts: { config?: string; cwd: string; env?: NodeJS.ProcessEnv }): Promise<PermissionsReport> {
  const loaded = loadConfig({ cwd: opts.cwd, file: opts.config, today: new Date() });
  // The same endpoint rule as `soc2 run`, so that setting up a token finds a refused apiUrl early.
  assertGitHubEndpoint(loaded, opts.env ?? process.env);
  const controls = await loadConfiguredControls(loaded);
  const bySource = { aws: { controls: [] as string[], permissions: new Set<string>() }, github: { controls: [] as string[], permissions: new Set<string>() } };
  for (const c of controls) {
    if (c.type !== 'automated' || !c.collector) continue;
    const collector = await loadCollector(c.collector as CollectorId);
    if (collector.source === 'repo') continue;
    const bucket = bySource[collector.source];
    bucket.controls.push(c.id);
    for (const p of collector.permissions) bucket.permissions.add(p);
  }
  // A run that reads AWS also asks STS who it is, for the provenance in results.json.
  if (bySource.aws.controls.length) bySource.aws.permissions.add(CALLER_IDENTITY_ACTION);
  return {
    aws: { inScope: Boolean(loaded.config.aws), controls: bySource.aws.controls, policy: iamPolicyFor([...bySource.aws.permissions]) },
    github: (() => {
      const needs = githubTokenNeeds(bySource.github.permissions);
      return { inScope: Boolean(loaded.config.github), controls: bySource.github.controls, ...needs, app: { permissions: githubAppPermissions(needs) } };
    })(),
  };
}

export async function permissionsCommand(opts: { config?: string; json?: boolean; githubApiUrl?: string }): Promise<void> {
  const report = await permissionsReport({ config: opts.config, cwd: process.cwd(), env: withGitHubApiUrl(process.env, opts.githubApiUrl) });
  if (opts.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const c = makeChalk();
  const out: string[] = [];
  out.push(c.bold(`AWS — least-privilege IAM policy for ${report.aws.controls.length} AWS controls`) + (report.aws.inScope ? '' : c.dim(' (not in scope yet: the configuration has no aws section)')));
  out.push('Attach it to the role or user soc2 runs as (read-only: AWS Config, and STS GetCallerIdentity to record who ran it):', '', JSON.stringify(report.aws.policy, null, 2), '');
  out.push(c.bold(`GitHub — token permissions for ${report.github.controls.length} GitHub controls`) + (report.github.inScope ? '' : c.dim(' (not in scope yet: the configuration has no github section)')));
  out.push('Fine-grained personal access token or GitHub App (read-only):');
  for (const p of report.github.fineGrained) out.push(`  ${p.scope === 'organization' ? 'Organization' : 'Repository'} permission "${p.name}": ${p.access}  ${c.dim(`— ${p.why}`)}`);
  out.push(`Classic token scopes: ${report.github.classicScopes.join(', ')}`);
  if (report.github.roles.length) out.push(`The token's user must also be: ${report.github.roles.join('; ')}`);
  out.push('', c.bold('GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY) — permissions to give the app'));
  out.push('Paste into the app manifest, or set the same under Settings → Developer settings → GitHub Apps → Permissions; an app acts by these alone (no user role needed):');
  out.push(...githubAppPermissionLines(report.github.app.permissions));
  process.stdout.write(out.join('\n') + '\n');
}
