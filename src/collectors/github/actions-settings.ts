/**
 * github.actions-settings — GitHub Actions policy per repository: default GITHUB_TOKEN permissions
 * (read or write), whether workflows may approve pull requests, and which actions may run.
 *
 * GitHub lets an organisation restrict these and a repository only tighten them: with the
 * organisation default at read, every repository is read; with approvals disallowed, no
 * repository can allow them; with "local only" or Actions disabled, no repository can widen it.
 * Those organisation answers are used instead of asking each repository (which keeps large
 * organisations cheap); whatever the organisation leaves open is read per repository.
 */
import { z } from 'zod';
import type { ApiCall, CollectContext, Collector, Gap } from '../types.js';
import { gapFromError, restGet } from './http.js';
import { errorStatus } from '../../util/error-status.js';
import { collectPerRepo } from './repos.js';
import { tri } from './three-valued.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  actionsEnabled: z.boolean().describe('GitHub Actions enabled'),
  allowedActions: z.enum(['all', 'local_only', 'selected', 'none']).nullable().describe('actions workflows may use (the organisation ceiling where it decides)'),
  defaultWorkflowPermissions: z.enum(['read', 'write']).nullable().describe('default GITHUB_TOKEN permissions'),
  canApprovePullRequestReviews: z.boolean().nullable().describe('workflows may create and approve pull requests'),
  decidedBy: z.array(z.string()).describe('which settings the organisation policy decides'),
});
export type ActionsSettings = z.infer<typeof resource>;

const ALLOWED = ['all', 'local_only', 'selected'] as const;

interface OrgPolicy {
  enabledRepositories?: string;
  allowedActions?: string;
  defaultWorkflowPermissions?: string;
  canApprove?: boolean;
  calls: ApiCall[];
}

/** The organisation's Actions policy, or what of it the token can read (owners only). */
function orgPolicy(ctx: CollectContext<'github'>): Promise<OrgPolicy> {
  const org = ctx.github.org;
  return ctx.memo(`github:actions-policy:${org}`, async (ctx) => {
    const calls: ApiCall[] = [];
    const policy: OrgPolicy = { calls };
    try {
      const { data } = await restGet<{ enabled_repositories: string; allowed_actions?: string }>(ctx, calls, '/orgs/{org}/actions/permissions', { org });
      policy.enabledRepositories = data.enabled_repositories;
      if (data.allowed_actions) policy.allowedActions = data.allowed_actions;
    } catch (e) {
      if (errorStatus(e) === undefined) throw e;
      // Not readable: every repository is asked instead.
    }
    try {
      const { data } = await restGet<{ default_workflow_permissions: string; can_approve_pull_request_reviews: boolean }>(ctx, calls, '/orgs/{org}/actions/permissions/workflow', { org });
      policy.defaultWorkflowPermissions = data.default_workflow_permissions;
      policy.canApprove = data.can_approve_pull_request_reviews;
    } catch (e) {
      if (errorStatus(e) === undefined) throw e;
    }
    return policy;
  });
}

export const collector: Collector<'github', Params, ActionsSettings> = {
  id: 'github.actions-settings',
  source: 'github',
  description: 'GitHub Actions per repository: default workflow token permissions, whether workflows may approve pull requests, and the allowed-actions policy.',
  params,
  resource,
  permissions: ['github:administration:read', 'github:org_administration:read'],
  revealedBy: { allowedActions: 'github:administration:read', defaultWorkflowPermissions: 'github:administration:read', canApprovePullRequestReviews: 'github:administration:read' },
  defaultWhenEmpty: 'error',
  example: `collector: github.actions-settings
assert:
  all:
    - { key: defaultWorkflowPermissions, op: eq, value: read }
    - { key: canApprovePullRequestReviews, op: eq, value: false }
`,
  async collect(ctx) {
    const policy = await orgPolicy(ctx);
    const actionsOff = policy.enabledRepositories === 'none';
    const allowedFixed = actionsOff || policy.allowedActions === 'local_only' || policy.allowedActions === 'selected';
    const tokenFixed = actionsOff || policy.defaultWorkflowPermissions === 'read';
    const approveFixed = actionsOff || policy.canApprove === false;
    const decidedBy = [
      ...(allowedFixed ? ['allowedActions'] : []),
      ...(tokenFixed ? ['defaultWorkflowPermissions'] : []),
      ...(approveFixed ? ['canApprovePullRequestReviews'] : []),
    ].map((k) => `${k}: organisation policy`);

    const ev = await collectPerRepo<ActionsSettings>(
      ctx,
      () => ({ actionsEnabled: false, allowedActions: 'none', defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false, decidedBy: [] }),
      async (repo) => {
        const calls: ApiCall[] = [...policy.calls];
        const gaps: Gap[] = [];
        const r = { owner: repo.fullName.split('/')[0]!, repo: repo.name };
        let enabled = !actionsOff;
        let allowed: ActionsSettings['allowedActions'] = actionsOff ? 'none' : ((policy.allowedActions as ActionsSettings['allowedActions']) ?? 'all');
        if (!allowedFixed) {
          try {
            const { data } = await restGet<{ enabled: boolean; allowed_actions?: string }>(ctx, calls, '/repos/{owner}/{repo}/actions/permissions', r);
            enabled = data.enabled;
            // allowed_actions is optional in GitHub's description: not sent is unknown, not "all".
            allowed = data.enabled ? (ALLOWED.includes(data.allowed_actions as never) ? (data.allowed_actions as ActionsSettings['allowedActions']) : null) : 'none';
          } catch (e) {
            gaps.push(gapFromError(e, { resource: repo.fullName, permission: 'github:administration:read', what: 'the allowed-actions policy', operation: 'GET /repos/{owner}/{repo}/actions/permissions' }));
          }
        }
        let tokenPerm: ActionsSettings['defaultWorkflowPermissions'] = 'read';
        let approve: boolean | null = false;
        if (!(tokenFixed && approveFixed)) {
          try {
            const { data } = await restGet<{ default_workflow_permissions?: string; can_approve_pull_request_reviews?: unknown }>(ctx, calls, '/repos/{owner}/{repo}/actions/permissions/workflow', r);
            const perm = data.default_workflow_permissions;
            tokenPerm = tokenFixed ? 'read' : perm === 'read' || perm === 'write' ? perm : null;
            approve = approveFixed ? false : tri(data.can_approve_pull_request_reviews);
          } catch (e) {
            gaps.push(gapFromError(e, { resource: repo.fullName, permission: 'github:administration:read', what: 'the default workflow token permissions', operation: 'GET /repos/{owner}/{repo}/actions/permissions/workflow' }));
          }
        }
        if (gaps.length) return { gaps, calls };
        return { data: { actionsEnabled: enabled, allowedActions: allowed, defaultWorkflowPermissions: tokenPerm, canApprovePullRequestReviews: approve, decidedBy }, calls };
      },
    );
    return { ...ev, facts: { ...ev.facts, organisationPolicy: { enabledRepositories: policy.enabledRepositories ?? 'unknown', allowedActions: policy.allowedActions ?? 'unknown', defaultWorkflowPermissions: policy.defaultWorkflowPermissions ?? 'unknown', canApprovePullRequestReviews: policy.canApprove ?? 'unknown' } } };
  },
};
