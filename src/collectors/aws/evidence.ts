/**
 * AWS's use of the one evidence builder (../evidence-builder.ts): calls listed in the order they
 * were sent (then region and operation), so concurrent reads across regions give stable evidence.
 */
import { CollectorError } from '../../errors.js';
import type { AwsContext, CollectContext } from '../types.js';
import { EvidenceBuilder, sortByKey } from '../evidence-builder.js';

export { sortByKey };

/** A builder for one AWS collector call. */
export function awsEvidence<R>(): EvidenceBuilder<R> {
  return new EvidenceBuilder<R>({ sortCallsBy: (c) => `${c.at}|${c.region ?? ''}|${c.operation}` });
}

/** The AWS context, or a clear error when the run has none (no aws section in the config). */
export function requireAws(ctx: CollectContext, collectorId: string): AwsContext {
  if (!ctx.aws) {
    throw new CollectorError(`${collectorId} needs AWS, but this run has no AWS context.`, 'credentials',
      'Add an aws section to soc2.config.yaml (aws: { regions: [us-east-1] }) and make AWS credentials available.');
  }
  return ctx.aws;
}

/** Maps over items with all calls in flight together (the SDK's connection pool bounds concurrency). */
export function inParallel<T, U>(items: readonly T[], fn: (item: T) => Promise<U>): Promise<U[]> {
  return Promise.all(items.map(fn));
}
