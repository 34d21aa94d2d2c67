/**
 * What an API client's error says about the answer, whichever client threw it: Octokit puts the
 * HTTP status on `status`, the AWS SDK puts it (and the request id) on `$metadata`. A network
 * failure or a bug carries neither, and then there is no status: callers must not read that as
 * any particular answer.
 */

interface AwsMetadata {
  httpStatusCode?: unknown;
  requestId?: unknown;
}

function metadataOf(e: unknown): AwsMetadata | undefined {
  if (typeof e !== 'object' || e === null || !('$metadata' in e)) return undefined;
  const m = (e as { $metadata: unknown }).$metadata;
  return typeof m === 'object' && m !== null ? (m as AwsMetadata) : undefined;
}

/** The HTTP status of the answer the error came from; undefined when there was no answer. */
export function errorStatus(e: unknown): number | undefined {
  const aws = metadataOf(e)?.httpStatusCode;
  if (typeof aws === 'number') return aws;
  if (typeof e === 'object' && e !== null && 'status' in e) {
    const s = (e as { status: unknown }).status;
    if (typeof s === 'number') return s;
  }
  return undefined;
}

/** The request id the AWS SDK read from the answer the error came from, when it had one. */
export function errorRequestId(e: unknown): string | undefined {
  const id = metadataOf(e)?.requestId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
