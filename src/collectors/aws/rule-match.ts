/**
 * Which deployed Config rules answer a control's request, and whether their last evaluation can
 * be relied on. Pure functions, tested with tables.
 *
 * A control names a managed rule identifier (S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED) or a rule
 * name. Matching by identifier finds the rule whatever it was called: deployed by hand
 * ('s3-bucket-server-side-encryption-enabled'), by a conformance pack (name + '-conformance-pack-
 * <id>'), or under a custom name.
 */
import type { ConfigRule, ConfigRuleEvaluationStatus } from '@aws-sdk/client-config-service';

/** Rules being deleted no longer evaluate anything: they do not count as deployed. */
const GONE_STATES = new Set(['DELETING', 'DELETING_RESULTS']);

export function isManagedIdentifier(requested: string): boolean {
  return /^[A-Z0-9]+(_[A-Z0-9]+)+$/.test(requested);
}

/** Rules in `deployed` that answer `requested` (by source identifier or by exact name). */
export function matchRules(requested: string, deployed: readonly ConfigRule[]): ConfigRule[] {
  return deployed.filter((rule) => !GONE_STATES.has(rule.ConfigRuleState ?? 'ACTIVE')
    && ((isManagedIdentifier(requested) && rule.Source?.SourceIdentifier === requested) || rule.ConfigRuleName === requested));
}

/**
 * Aggregate APIs return rule names only, not source identifiers, so aggregator mode matches names:
 * the exact name, the template name of a managed rule (S3_X → s3-x), that name with a
 * conformance-pack suffix, or with the prefix and suffix AWS Organizations gives organization rules.
 */
export function nameMatches(requested: string, name: string): boolean {
  if (name === requested) return true;
  if (!isManagedIdentifier(requested)) return false;
  const base = requested.toLowerCase().replace(/_/g, '-');
  return name === base || new RegExp(`^(OrgConfigRule-)?${base}(-conformance-pack-[a-z0-9]+|-[a-z0-9]{6,})?$`).test(name);
}

export type EvaluationProblem =
  | { kind: 'never'; message: string }
  | { kind: 'failed'; message: string; at: Date }
  | { kind: 'stale'; message: string; at: Date };

function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * Why a rule's results cannot be relied on, or undefined when they can: it never evaluated, its
 * last evaluation failed, or its last successful evaluation is older than `maxAgeHours`.
 */
export function evaluationProblem(status: ConfigRuleEvaluationStatus | undefined, now: Date, maxAgeHours: number): EvaluationProblem | undefined {
  const lastOk = later(status?.LastSuccessfulEvaluationTime, status?.LastSuccessfulInvocationTime);
  const lastFail = later(status?.LastFailedEvaluationTime, status?.LastFailedInvocationTime);
  if (lastFail && (!lastOk || lastFail.getTime() > lastOk.getTime())) {
    const why = status?.LastErrorCode ? ` (${status.LastErrorCode}${status.LastErrorMessage ? `: ${status.LastErrorMessage}` : ''})` : '';
    return { kind: 'failed', at: lastFail, message: `its last evaluation failed at ${lastFail.toISOString()}${why}` };
  }
  if (!lastOk) return { kind: 'never', message: status?.FirstEvaluationStarted ? 'it has not finished an evaluation yet' : 'it has never been evaluated' };
  const ageHours = (now.getTime() - lastOk.getTime()) / 3_600_000;
  if (ageHours > maxAgeHours) {
    return { kind: 'stale', at: lastOk, message: `its last successful evaluation was at ${lastOk.toISOString()}, ${Math.floor(ageHours)} hours before this run (the limit is ${maxAgeHours})` };
  }
  return undefined;
}
