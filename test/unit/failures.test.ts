import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import {
  classifyFailure,
  HttpStatusError,
  MAX_INVALID_OUTPUT_ATTEMPTS,
  MissingConfigError,
  retryAfterMs,
  retryDelayFromHeaders,
} from '../../activities/failures';

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
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const network = failure(new TypeError('fetch failed', { cause: refused }));
    assert.equal(network.nonRetryable, false);
    assert.equal(network.type, 'LLMUnreachable');
    assert.match(network.message, /ECONNREFUSED/);
    assert.equal(failure(new DOMException('The operation was aborted due to timeout', 'TimeoutError')).nonRetryable, false);
  });

  it('does not take a plain TypeError for a network error: it is a bug, passed through as it is', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    assert.equal(classifyFailure('WordPress', bug), bug);
    const noCause = new TypeError('fetch failed');
    assert.equal(classifyFailure('WordPress', noCause), noCause);
  });

  it('honours OpenAI\'s retry-after-ms before Retry-After', () => {
    assert.equal(failure(openaiError(429, { 'retry-after-ms': '1500', 'retry-after': '9' })).nextRetryDelay, 1500);
    assert.equal(failure(openaiError(503, { 'retry-after-ms': 'soon', 'retry-after': '4' })).nextRetryDelay, 4000);
    assert.equal(retryDelayFromHeaders(new Headers({ 'retry-after-ms': '99999999' })), 600_000);
    assert.equal(retryDelayFromHeaders(new Headers()), undefined);
  });

  it('honours retry-after-ms on a WordPress or CRM answer given its headers', () => {
    const busy = classifyFailure('CRM', new HttpStatusError('CRM', 429, new Headers({ 'retry-after-ms': '250' }), 'POST'));
    assert.ok(busy instanceof ApplicationFailure);
    assert.equal(busy.nextRetryDelay, 250);
    assert.equal(busy.type, 'CRMUnavailable');
  });

  it('makes off-schema LLM output retryable until its last allowed attempt', () => {
    const parseError = new SyntaxError('Unexpected token } in JSON');
    const first = failure(classifyFailure('LLM', parseError, { attempt: 1 }));
    assert.equal(first.type, 'InvalidLlmOutput');
    assert.equal(first.nonRetryable, false);
    const last = classifyFailure('LLM', new z.ZodError([]), { attempt: MAX_INVALID_OUTPUT_ATTEMPTS });
    assert.ok(last instanceof ApplicationFailure);
    assert.equal(last.nonRetryable, true);
  });

  it('reports a cancelled attempt as the cancellation, whatever the aborted call threw', () => {
    const controller = new AbortController();
    const cancelled = new CancelledFailure('WORKER_SHUTDOWN');
    controller.abort(cancelled);
    assert.equal(classifyFailure('LLM', new APIUserAbortError(), { signal: controller.signal }), cancelled);
    assert.equal(classifyFailure('WordPress', cancelled), cancelled);
  });

  it('keeps an abort that is not a cancellation retryable', () => {
    assert.equal(failure(new APIUserAbortError()).nonRetryable, false);
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
