import { describe, expect, it } from 'vitest';
import { errorRequestId, errorStatus } from '../../../src/util/error-status.js';

describe('util/error-status', () => {
  it('reads the status Octokit puts on its RequestError', () => {
    expect(errorStatus(Object.assign(new Error('Not Found'), { status: 404 }))).toBe(404);
  });

  it('reads the status and request id the AWS SDK puts on $metadata', () => {
    const e = Object.assign(new Error('AccessDeniedException'), { $metadata: { httpStatusCode: 403, requestId: 'req-1' } });
    expect(errorStatus(e)).toBe(403);
    expect(errorRequestId(e)).toBe('req-1');
  });

  it('has no status for an error that came with no answer', () => {
    for (const e of [new Error('ECONNRESET'), undefined, null, 'boom', { status: '404' }, { $metadata: {} }, { $metadata: null }]) {
      expect(errorStatus(e)).toBeUndefined();
      expect(errorRequestId(e)).toBeUndefined();
    }
  });
});
