import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { APIConnectionTimeoutError, APIError } from 'openai';
import { classifyFailure, HttpStatusError, MissingConfigError, retryAfterMs } from '../../activities/failures';

function failure(error: unknown): ApplicationFailure {
  const classified = classifyFailure('LLM', error);
  assert.ok(classified instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(classified)}`);
  return classified;
}

const openaiError = (status: number, headers: Record<string, string> = {}) =>
  APIError.generate(status, { error: { message: `status ${status}` } }, undefined, new Headers(headers));

describe('failure classification', () => {
  for (const status of [400, 401, 403, 404, 422]) {
    it(`makes HTTP ${status} from the LLM non-retryable`, () => {
      const f = failure(openaiError(status));
      assert.equal(f.nonRetryable, true);
      assert.equal(f.type, 'LLMRejected');
    });
  }

  for (const status of [408, 429, 500, 502, 503]) {
    it(`keeps HTTP ${status} retryable`, () => {
      const f = failure(openaiError(status));
      assert.equal(f.nonRetryable, false);
      assert.equal(f.type, 'LLMUnavailable');
    });
  }

  it('honours Retry-After in seconds as the next retry delay', () => {
    assert.equal(failure(openaiError(429, { 'retry-after': '7' })).nextRetryDelay, 7000);
  });

  it('honours Retry-After as an HTTP date, and caps absurd values at ten minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('86400', now), 600_000);
    assert.equal(retryAfterMs('soon', now), undefined);
  });

  it('classifies WordPress answers by the same table', () => {
    const rejected = classifyFailure('WordPress', new HttpStatusError('WordPress', 404, null, 'GET /wp-json/wp/v2/posts/9'));
    assert.ok(rejected instanceof ApplicationFailure);
    assert.equal(rejected.nonRetryable, true);
    assert.equal(rejected.type, 'WordPressRejected');
    const busy = classifyFailure('WordPress', new HttpStatusError('WordPress', 503, '2', 'POST'));
    assert.ok(busy instanceof ApplicationFailure);
    assert.equal(busy.nonRetryable, false);
    assert.equal(busy.nextRetryDelay, 2000);
  });

  it('keeps timeouts and network errors retryable', () => {
    assert.equal(failure(new APIConnectionTimeoutError()).nonRetryable, false);
    assert.equal(failure(new TypeError('fetch failed')).nonRetryable, false);
    assert.equal(failure(new DOMException('The operation was aborted due to timeout', 'TimeoutError')).nonRetryable, false);
  });

  it('makes missing configuration non-retryable and says what to set', () => {
    const f = failure(new MissingConfigError(['OPENAI_API_KEY']));
    assert.equal(f.nonRetryable, true);
    assert.equal(f.type, 'MissingConfig');
    assert.match(f.message, /set OPENAI_API_KEY/);
  });

  it('passes unknown errors through, so they retry and stay visible', () => {
    const bug = new RangeError('bug');
    assert.equal(classifyFailure('LLM', bug), bug);
  });
});
