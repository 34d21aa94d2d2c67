/**
 * Which deployed Config rules answer a control's request, and whether their last evaluation can
 * be relied on. Pure functions, tested with tables.
 *
 * A control names a managed rule identifier (S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED) or a rule
 * name. Matching by identifier finds the rule whatever it was called: deployed by hand
 * ('s3-bucket-server-side-encryption-enabled'), by a conformance pack (name + '-conformance-pack-
 * <id>'), or under a custom name. Aggregator mode has names only: see rule-names.ts.
 */
import type { AggregateEvaluationResult, ConfigRule, ConfigRuleEvaluationStatus } from '@aws-sdk/client-config-service';
import { isManagedIdentifier } from './rule-names.js';

export { isManagedIdentifier, matchRuleName, type NameMatch } from './rule-names.js';

/** Rules being deleted no longer evaluate anything: they do not count as deployed. */
const GONE_STATES = new Set(['DELETING', 'DELETING_RESULTS']);

/** Rules in `deployed` that answer `requested` (by source identifier or by exact name). */
export function matchRules(requested: string, deployed: readonly ConfigRule[]): ConfigRule[] {
  return deployed.filter((rule) => !GONE_STATES.has(rule.ConfigRuleState ?? 'ACTIVE')
    && ((isManagedIdentifier(requested) && rule.Source?.SourceIdentifier === requested) || rule.ConfigRuleName === requested));
}

export type EvaluationProblem =
  | { kind: 'never'; message: string }
  | { kind: 'failed'; message: string; at: Date }
  | { kind: 'stale'; message: string; at: Date }
  /** Results that do not say when they were recorded: their age could not be told. */
  | { kind: 'undated'; message: string };

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

/**
 * The aggregate APIs have no rule evaluation status; the same question is asked of the results
 * themselves. A rule's newest result (ResultRecordedTime, or ConfigRuleInvokedTime when that is
 * later) is when it last evaluated successfully in that account and region, at the latest: older
 * than `maxAgeHours` is stale, exactly as a stale LastSuccessfulEvaluationTime is per region.
 * Results that carry neither time cannot be dated: "could not tell", never fresh.
 */
export function resultsProblem(results: readonly AggregateEvaluationResult[], now: Date, maxAgeHours: number): EvaluationProblem | undefined {
  if (results.length === 0) return undefined;
  const newest = newestResultTime(results);
  if (!newest) return { kind: 'undated', message: `none of its ${results.length} results says when it was recorded (ResultRecordedTime is missing), so their age could not be told` };
  const ageHours = (now.getTime() - newest.getTime()) / 3_600_000;
  if (ageHours > maxAgeHours) {
    return { kind: 'stale', at: newest, message: `its newest result was recorded at ${newest.toISOString()}, ${Math.floor(ageHours)} hours before this run (the limit is ${maxAgeHours})` };
  }
  return undefined;
}

/** When the newest of these results was recorded (or its rule invoked, when later); undefined when none says. */
export function newestResultTime(results: readonly AggregateEvaluationResult[]): Date | undefined {
  let newest: Date | undefined;
  for (const r of results) newest = later(newest, later(r.ResultRecordedTime, r.ConfigRuleInvokedTime));
  return newest;
}
