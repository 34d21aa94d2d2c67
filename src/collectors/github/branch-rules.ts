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
import { anyOf, not } from './three-valued.js';

const params = z.strictObject({});
type Params = z.infer<typeof params>;

const ADMIN = 'github:administration:read';

const resource = z.object({
  defaultBranch: z.string().describe('default branch'),
  protected: z.boolean().describe('default branch protected (classic protection or an active ruleset)'),
  protectionSources: z.array(z.string()).describe('where the protection comes from'),
  pullRequestRequired: z.boolean().describe('pull request required before merging'),
  requiredApprovals: z.number().int().nullable().describe('required approvals'),
  dismissStaleReviews: z.boolean().nullable().describe('stale approvals dismissed on new commits'),
  requireCodeOwnerReview: z.boolean().nullable().describe('code-owner review required'),
  requireLastPushApproval: z.boolean().nullable().describe('approval of the most recent push required'),
  statusChecksRequired: z.boolean().nullable().describe('status checks required'),
  requiredStatusChecks: z.array(z.string()).nullable().describe('required status checks'),
  strictStatusChecks: z.boolean().nullable().describe('branch must be up to date before merging'),
  forcePushesBlocked: z.boolean().nullable().describe('force pushes blocked'),
  forcePushBypassActors: z.array(z.string()).nullable().describe('who may still force-push where force pushes are blocked'),
  deletionBlocked: z.boolean().nullable().describe('branch deletion blocked'),
  signedCommitsRequired: z.boolean().nullable().describe('signed commits required'),
  linearHistoryRequired: z.boolean().nullable().describe('linear history required'),
  adminsCanBypass: z.boolean().nullable().describe('administrators (or listed actors) can bypass the review requirement'),
  bypassActors: z.array(z.string()).nullable().describe('who can bypass the review requirement'),
});
export type BranchRules = z.infer<typeof resource>;

/** One layer of protection (classic, or one ruleset) that enforces a setting, and who is exempt from it. */
interface Layer {
  /** Named exemptions; null when the layer's exemptions are unknown. */
  exempt: string[] | null;
}

/**
 * Who gets past a setting that several layers enforce: someone exempt from every layer. Listing
 * actors per layer is enough to tell "nobody" (a layer exempts no one) from "someone" (every layer
 * exempts someone); the union names them. Unknown when a layer's exemptions are unknown and no
 * layer is known to hold everyone.
 */
function exemptFromAll(layers: Layer[]): { anyone: boolean | null; who: string[] | null } {
  if (layers.length === 0) return { anyone: false, who: [] };
  if (layers.some((l) => l.exempt !== null && l.exempt.length === 0)) return { anyone: false, who: [] };
  if (layers.some((l) => l.exempt === null)) return { anyone: null, who: null };
  return { anyone: true, who: [...new Set(layers.flatMap((l) => l.exempt!))] };
}

const CLASSIC_ADMINS = 'repository admins (classic protection: "Do not allow bypassing the above settings" is off)';

/**
 * One layer's exemptions from two sources (classic protection's admins and its allowances).
 * Unknown when either is — unless the other already names someone: then someone is known to be
 * exempt, and the list is a lower bound.
 */
function exemptions(a: string[] | null, b: string[] | null): string[] | null {
  if (a !== null && b !== null) return [...a, ...b];
  const known = [...(a ?? []), ...(b ?? [])];
  return known.length ? known : null;
}

/** Largest of the layers' numbers; unknown when any layer's is. */
function maxOf(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : Math.max(0, ...(values as number[]));
}

/** GitHub layers classic protection and rulesets: the strictest of each setting is enforced. */
export function mergeBranchRules(f: BranchFacts): BranchRules {
  const c = f.classic;
  const rules = f.rules;
  const of = (type: string) => rules.filter((r) => r.type === type);
  const prRules = of('pull_request');
  const checkRules = of('required_status_checks');
  const label = (r: RuleFact) => `ruleset "${r.rulesetName}" (${r.sourceType === 'Organization' ? 'organisation' : 'repository'})`;
  const sources = [...(c ? ['classic branch protection'] : []), ...new Set(rules.map(label))];
  const classicPr = c?.pullRequest ?? null;
  const classicChecks = c?.statusChecks ?? null;
  // Classic protection exempts repository admins from every setting unless "Do not allow bypassing" is on.
  const classicAdmins = (): string[] | null => (c?.enforceAdmins === true ? [] : c?.enforceAdmins === false ? [CLASSIC_ADMINS] : null);

  // Review: a pull-request layer is passed by its bypass list ("pull_request" mode merges without the
  // approvals, "always" and "exempt" skip the rule), and classic by its bypass allowances and admins.
  const reviewLayers: Layer[] = [
    ...(classicPr ? [{ exempt: exemptions(classicAdmins(), classicPr.bypassAllowances?.map((a) => `${a} (classic protection: allowed to bypass required pull requests)`) ?? null) }] : []),
    ...prRules.map((r) => ({ exempt: r.bypass === null ? null : r.bypass.map((b) => `${b.actor} (${b.mode ?? 'mode not given'}) via ${label(r)}`) })),
  ];
  const review = exemptFromAll(reviewLayers);

  // Force pushes: classic blocks them unless allowed; "allowed for specified actors" is a block those actors pass.
  const forceLayers: Array<{ blocks: boolean | null; exempt: string[] | null }> = [];
  if (c) {
    const specified = c.allowForcePushes === true && c.forcePushAllowances !== null && c.forcePushAllowances.length > 0;
    const blocks = specified ? true : c.allowForcePushes === null ? null : !c.allowForcePushes;
    forceLayers.push({ blocks, exempt: exemptions(classicAdmins(), specified ? c.forcePushAllowances!.map((a) => `${a} (classic protection: allowed to force-push)`) : []) });
  }
  // A ruleset's bypass actors in "pull_request" mode can only merge pull requests, which never force-push.
  for (const r of of('non_fast_forward')) {
    forceLayers.push({ blocks: true, exempt: r.bypass === null || r.bypass.some((b) => b.mode === null) ? null : r.bypass.filter((b) => b.mode !== 'pull_request').map((b) => `${b.actor} (${b.mode}) via ${label(r)}`) });
  }
  const forcePushesBlocked = anyOf(...forceLayers.map((l) => l.blocks));
  const blocking = forceLayers.filter((l) => l.blocks === true);
  const force = exemptFromAll(blocking);
  // A layer that may or may not block could hold everyone the known ones exempt: then who passes is unknown.
  const forcePushBypassActors = forcePushesBlocked === false || (blocking.length > 0 && force.anyone === false) ? [] : forceLayers.some((l) => l.blocks === null) ? null : force.who;

  const checks = classicChecks?.contexts === null ? null : [...new Set([...(classicChecks?.contexts ?? []), ...checkRules.flatMap((r) => r.statusChecks ?? [])])].sort();
  const ruleChecksUnknown = checkRules.some((r) => r.statusChecks === null);

  return {
    defaultBranch: f.branch,
    protected: c !== null || rules.length > 0,
    protectionSources: sources,
    pullRequestRequired: classicPr !== null || prRules.length > 0,
    requiredApprovals: maxOf([...(classicPr ? [classicPr.requiredApprovals] : []), ...prRules.map((r) => r.requiredApprovals ?? null)]),
    dismissStaleReviews: anyOf(...(classicPr ? [classicPr.dismissStale] : []), ...prRules.map((r) => r.dismissStale ?? null)),
    requireCodeOwnerReview: anyOf(...(classicPr ? [classicPr.codeOwners] : []), ...prRules.map((r) => r.codeOwners ?? null)),
    requireLastPushApproval: anyOf(...(classicPr ? [classicPr.lastPushApproval] : []), ...prRules.map((r) => r.lastPushApproval ?? null)),
    statusChecksRequired: checks !== null && checks.length > 0 ? true : checks === null || ruleChecksUnknown ? null : false,
    requiredStatusChecks: checks === null || ruleChecksUnknown ? null : checks,
    strictStatusChecks: anyOf(...(classicChecks ? [classicChecks.strict] : []), ...checkRules.map((r) => r.strict ?? null)),
    forcePushesBlocked,
    forcePushBypassActors,
    deletionBlocked: anyOf(c === null ? false : not(c.allowDeletions), of('deletion').length > 0),
    signedCommitsRequired: anyOf(c === null ? false : c.signatures, of('required_signatures').length > 0),
    linearHistoryRequired: anyOf(c === null ? false : c.linearHistory, of('required_linear_history').length > 0),
    // Nothing to bypass when no layer requires a review: reported as "can bypass" so GH-005 never passes on it.
    adminsCanBypass: reviewLayers.length === 0 ? true : review.anyone,
    bypassActors: review.who,
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
  forcePushBypassActors: [],
  deletionBlocked: false,
  signedCommitsRequired: false,
  linearHistoryRequired: false,
  adminsCanBypass: true,
  bypassActors: [],
};

export const collector: Collector<'github', Params, BranchRules> = {
  id: 'github.branch-rules',
  source: 'github',
  description: 'Rules GitHub enforces on each repository\'s default branch: classic branch protection merged with active repository and organisation rulesets.',
  params,
  resource,
  permissions: ['github:metadata:read', ADMIN],
  // Classic protection and ruleset bypass lists are shown to admins only; a field GitHub left out is unknown.
  revealedBy: Object.fromEntries(
    ['requiredApprovals', 'dismissStaleReviews', 'requireCodeOwnerReview', 'requireLastPushApproval', 'statusChecksRequired', 'requiredStatusChecks', 'strictStatusChecks', 'forcePushesBlocked', 'forcePushBypassActors', 'deletionBlocked', 'signedCommitsRequired', 'linearHistoryRequired', 'adminsCanBypass', 'bypassActors'].map((k) => [k, ADMIN]),
  ),
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
      (repo) => ({ ...unprotected, defaultBranch: repo.defaultBranch ?? '' }),
      async (repo) => {
        const facts = await branchFacts(ctx, repo);
        if (!facts.ok) return { gaps: facts.gaps, calls: facts.calls };
        return { data: mergeBranchRules(facts.value), calls: facts.calls };
      },
    );
  },
};
