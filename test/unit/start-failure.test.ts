import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { ServiceError } from '@temporalio/client';
import { startFailureAnswer } from '../../src/http/start-failure-answer';
import { classifyStartFailure } from '../../src/temporal/start-failure';

const startFailureToHttpError = (error: unknown) => startFailureAnswer(classifyStartFailure(error));

/** A gRPC error as grpc-js makes it, wrapped the way the Temporal client throws it from workflow.start. */
function failedStart(code: status, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
  return new ServiceError('Failed to start Workflow', { cause: grpc });
}

/** The one gRPC → HTTP table; the real server's own errors for each row are in test/contract/start-failures.test.ts. */
describe('start failure → HTTP status', () => {
  const rows: [string, status, string, number, string][] = [
    ['unavailable', status.UNAVAILABLE, 'connection refused', 503, 'temporal_unavailable'],
    ['deadline exceeded', status.DEADLINE_EXCEEDED, 'deadline', 503, 'temporal_unavailable'],
    ['resource exhausted', status.RESOURCE_EXHAUSTED, 'namespace rate limit exceeded', 503, 'temporal_unavailable'],
    ['aborted', status.ABORTED, 'conflict', 503, 'temporal_unavailable'],
    ['permission denied', status.PERMISSION_DENIED, 'Request unauthorized.', 503, 'relay_misconfigured'],
    ['unauthenticated', status.UNAUTHENTICATED, 'invalid API key', 503, 'relay_misconfigured'],
    ['namespace not found', status.NOT_FOUND, 'Namespace nope is not found.', 503, 'relay_misconfigured'],
    ['unregistered search attribute', status.INVALID_ARGUMENT, 'Namespace bare has no mapping defined for search attribute WpEvent', 503, 'relay_misconfigured'],
    ['an event Temporal refuses', status.INVALID_ARGUMENT, 'search attribute WpSite value size 2049 exceeds size limit 2048', 400, 'rejected_by_temporal'],
  ];
  for (const [what, code, details, httpStatus, reason] of rows) {
    it(`${what} → ${httpStatus} ${reason}`, () => {
      const error = startFailureToHttpError(failedStart(code, details));
      assert.equal(error.status, httpStatus);
      assert.equal(error.code, reason);
      assert.equal(error.retryAfterSeconds !== undefined, httpStatus === 503, 'Retry-After on every 503 and only there');
    });
  }

  it('names what to fix for a permission error: the credentials, not a retry', () => {
    const error = startFailureToHttpError(failedStart(status.PERMISSION_DENIED, 'Request unauthorized.'));
    assert.match(String((error.cause as Error).message), /TEMPORAL_API_KEY/);
  });

  it('an error that is not from gRPC at all (a bug, a closed client) is not acknowledged: 503', () => {
    assert.equal(startFailureToHttpError(new TypeError('x is undefined')).status, 503);
  });
});
