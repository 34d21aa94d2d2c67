/**
 * AWS's use of the one evidence builder (../evidence-builder.ts): calls listed in the order they
 * were sent (then region and operation), so concurrent reads across regions give stable evidence.
 */
import { EvidenceBuilder, sortByKey } from '../evidence-builder.js';

export { sortByKey };

/** A builder for one AWS collector call. */
export function awsEvidence<R>(): EvidenceBuilder<R> {
  return new EvidenceBuilder<R>({ sortCallsBy: (c) => `${c.at}|${c.region ?? ''}|${c.operation}` });
}
