/**
 * github.branch-rules — the rules GitHub enforces on each repository's default branch: the union
 * of classic branch protection and every active repository and organisation ruleset, so a
 * ruleset-only repository counts as protected. "Unprotected" is reported only when both layers
 * were read and both are empty; anything unreadable is a gap.
 */
import { z } from 'zod';
import type { Collector } from '../types.js';
import { branchFacts, type BranchFacts, type RuleFact } from './repo-facts.js';
import { collectPerRepo } from './repos.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const resource = z.object({
  defaultBranch: z.string().describe('default branch'),
  protected: z.boolean().describe('default branch protected (classic protection or an active ruleset)'),
  protectionSources: z.array(z.string()).describe('where the protection comes from'),
  pullRequestRequired: z.boolean().describe('pull request required before merging'),
  requiredApprovals: z.number().int().describe('required approvals'),
  dismissStaleReviews: z.boolean().describe('stale approvals dismissed on new commits'),
  requireCodeOwnerReview: z.boolean().describe('code-owner review required'),
  requireLastPushApproval: z.boolean().describe('approval of the most recent push required'),
  statusChecksRequired: z.boolean().describe('status checks required'),
  requiredStatusChecks: z.array(z.string()).describe('required status checks'),
  strictStatusChecks: z.boolean().describe('branch must be up to date before merging'),
  forcePushesBlocked: z.boolean().describe('force pushes blocked'),
  deletionBlocked: z.boolean().describe('branch deletion blocked'),
  signedCommitsRequired: z.boolean().describe('signed commits required'),
  linearHistoryRequired: z.boolean().describe('linear history required'),
  adminsCanBypass: z.boolean().describe('administrators (or listed actors) can bypass the review requirement'),
  bypassActors: z.array(z.string()).describe('who can bypass'),
});
export type BranchRules = z.infer<typeof resource>;

/** GitHub layers classic protection and rulesets: the strictest of each setting is enforced. */
export function mergeBranchRules(f: BranchFacts): BranchRules {
  const c = f.classic;
  const rules = f.rules;
  const of = (type: string) => rules.filter((r) => r.type === type);
  const prRules = of('pull_request');
  const checkRules = of('required_status_checks');
  const label = (r: RuleFact) => `ruleset "${r.rulesetName}" (${r.sourceType === 'Organization' ? 'organisation' : 'repository'})`;
  const sources = [...(c ? ['classic branch protection'] : []), ...new Set(rules.map(label))];

  const classicPr = c !== null && c.requiredApprovals !== null;
  const requiredApprovals = Math.max(classicPr ? (c.requiredApprovals ?? 0) : 0, ...prRules.map((r) => r.requiredApprovals ?? 0));
  const checks = new Set<string>([...(c?.statusChecks ?? []), ...checkRules.flatMap((r) => r.statusChecks ?? [])]);

  // Who can get a change in without the review: each layer that requires a pull request must be
  // bypassable, or admins are held by the one that is not.
  const bypassActors: string[] = [];
  if (classicPr && !c.enforceAdmins) bypassActors.push('repository admins (classic protection: "Do not allow bypassing" is off)');
  for (const r of prRules) for (const b of r.bypass ?? []) bypassActors.push(`${b.actor} (${b.mode}) via ${label(r)}`);
  // Any bypass actor counts: "pull_request" mode lets them merge without the approvals, "exempt" skips the rules.
  const layers = [...(classicPr ? [!c.enforceAdmins] : []), ...prRules.map((r) => (r.bypass ?? []).length > 0)];
  const adminsCanBypass = layers.length === 0 ? true : layers.every(Boolean);

  return {
    defaultBranch: f.branch,
    protected: c !== null || rules.length > 0,
    protectionSources: sources,
    pullRequestRequired: classicPr || prRules.length > 0,
    requiredApprovals,
    dismissStaleReviews: (classicPr && c.dismissStale) || prRules.some((r) => r.dismissStale),
    requireCodeOwnerReview: (classicPr && c.codeOwners) || prRules.some((r) => r.codeOwners),
    requireLastPushApproval: (classicPr && c.lastPushApproval) || prRules.some((r) => r.lastPushApproval),
    statusChecksRequired: checks.size > 0,
    requiredStatusChecks: [...checks].sort(),
    strictStatusChecks: (c?.statusChecks != null && c.strict) || checkRules.some((r) => r.strict),
    forcePushesBlocked: (c !== null && !c.allowForcePushes) || of('non_fast_forward').length > 0,
    deletionBlocked: (c !== null && !c.allowDeletions) || of('deletion').length > 0,
    signedCommitsRequired: (c?.signatures ?? false) || of('required_signatures').length > 0,
    linearHistoryRequired: (c?.linearHistory ?? false) || of('required_linear_history').length > 0,
    adminsCanBypass,
    bypassActors: [...new Set(bypassActors)],
  };
}

const unprotected: BranchRules = {
  defaultBranch: '',
  protected: false,
  protectionSources: [],
  pullRequestRequired: false,
  requiredApprovals: 0,
  dismissStaleReviews: false,
  requireCodeOwnerReview: false,
  requireLastPushApproval: false,
  statusChecksRequired: false,
  requiredStatusChecks: [],
  strictStatusChecks: false,
  forcePushesBlocked: false,
  deletionBlocked: false,
  signedCommitsRequired: false,
  linearHistoryRequired: false,
  adminsCanBypass: true,
  bypassActors: [],
};

export const collector: Collector<Params, BranchRules> = {
  id: 'github.branch-rules',
  source: 'github',
  description: 'Rules GitHub enforces on each repository\'s default branch: classic branch protection merged with active repository and organisation rulesets.',
  params,
  resource,
  permissions: ['github:metadata:read', 'github:administration:read'],
  defaultWhenEmpty: 'error',
  example: `collector: github.branch-rules
assert:
  all:
    - { key: pullRequestRequired, op: eq, value: true }
    - { key: requiredApprovals, op: gte, value: 1 }
`,
  async collect(ctx) {
    return collectPerRepo(
      ctx,
      (repo) => ({ ...unprotected, defaultBranch: repo.defaultBranch }),
      async (repo) => {
        const facts = await branchFacts(ctx, repo);
        if (!facts.ok) return { gaps: facts.gaps, calls: facts.calls };
        const merged = mergeBranchRules(facts.value);
        // Rulesets whose bypass list the token may not see leave "who can bypass" unknown.
        const hidden = facts.value.rules.filter((r) => r.type === 'pull_request' && r.bypass === null);
        if (hidden.length) {
          return {
            gaps: [{ resource: repo.fullName, kind: 'permission', permission: 'github:administration:read', message: `${repo.fullName}: token lacks github:administration:read: GitHub shows who may bypass ruleset "${hidden[0]!.rulesetName}" only to admins, so whether admins can bypass review is unknown.` }],
            calls: facts.calls,
          };
        }
        return { data: merged, calls: facts.calls };
      },
    );
  },
};
