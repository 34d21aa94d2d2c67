/**
 * The least-privilege IAM policy for the AWS controls in scope, derived from what their collectors
 * declare in `permissions` (never written by hand). Every action is a read-only AWS Config action;
 * the aggregate ones sit in their own statement because only runs with `aws.aggregator` need them.
 * sts:GetCallerIdentity, with which a run records who it ran as, has a statement of its own.
 */

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: '*';
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

/** The run records the AWS identity it ran as (results.json provenance). */
export const CALLER_IDENTITY_ACTION = 'sts:GetCallerIdentity';

/** Aggregate operations (and the aggregator's source status) are only called in aggregator mode. */
function isAggregatorAction(action: string): boolean {
  return /Aggregat/.test(action);
}

/**
 * A policy document allowing exactly the `config:` actions in `permissions`, sorted and deduped.
 * AWS Config's read actions do not support resource-level conditions, hence Resource "*".
 */
export function iamPolicyFor(permissions: readonly string[]): IamPolicy {
  const actions = [...new Set(permissions.filter((p) => /^config:[A-Za-z]+$/.test(p)))].sort();
  const whoAmI = permissions.includes(CALLER_IDENTITY_ACTION);
  const statement: IamStatement[] = [];
  const regional = actions.filter((a) => !isAggregatorAction(a));
  const aggregate = actions.filter(isAggregatorAction);
  if (regional.length) statement.push({ Sid: 'Soc2ReadAwsConfig', Effect: 'Allow', Action: regional, Resource: '*' });
  if (aggregate.length) statement.push({ Sid: 'Soc2ReadAwsConfigAggregator', Effect: 'Allow', Action: aggregate, Resource: '*' });
  // AWS answers GetCallerIdentity whatever the policy says; it is listed so the policy shows every call soc2 makes.
  if (whoAmI) statement.push({ Sid: 'Soc2RecordCallerIdentity', Effect: 'Allow', Action: [CALLER_IDENTITY_ACTION], Resource: '*' });
  return { Version: '2012-10-17', Statement: statement };
}
