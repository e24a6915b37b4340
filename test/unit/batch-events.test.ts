import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../src/errors/http-error';
import { parseEvent } from '../../src/webhooks/parse-event';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { routeOf } from '../../src/temporal/event-routes';
import { backlogPageSchema } from '../../contract/batch';
import { ConfigError, loadConfig } from '../../src/config/config';

const parse = (event: Record<string, unknown>) =>
  parseEvent(Buffer.from(JSON.stringify(event)), { scheme: 'wp', idempotencyKey: String(event.idempotency_key), keyId: undefined });

describe('post.updated and batch.requested', () => {
  it('accepts post.updated with and without its content hash, and routes it to the post’s debounce run', () => {
    const event = parse(sampleEvent('post.updated', { post_id: 7, content_hash: 'ab'.repeat(32) }));
    assert.equal(event.event, 'post.updated');
    const route = routeOf(event);
    assert.equal(route?.workflowType, 'debouncePostUpdates');
    assert.equal(route?.workflowId(event), 'post-updates:7@https://example.org/');
    assert.equal(route?.via.kind, 'update', 'update-with-start, not a plain start');
    assert.equal(parse(sampleEvent('post.updated')).event, 'post.updated');
  });

  it('refuses a post.updated whose hash is not a sha256 digest, naming the field', () => {
    let error: unknown;
    try {
      parse(sampleEvent('post.updated', { content_hash: 'not-a-hash' }));
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, 'invalid_payload');
    assert.match(error.message, /content_hash/);
  });

  it('gives every batch of a site the same workflow ID, whatever its key', () => {
    const a = parse(sampleEvent('batch.requested'));
    const b = parse(sampleEvent('batch.requested'));
    assert.notEqual(a.idempotency_key, b.idempotency_key);
    assert.equal(routeOf(a)?.workflowId(a), routeOf(b)?.workflowId(b));
    assert.equal(routeOf(a)?.workflowType, 'batchEnrich');
  });

  it('checks the plugin’s backlog page shape', () => {
    const page = { posts: [{ id: 3, hash: 'c'.repeat(64), summarised: false, publish_key: 'abc:post:3:publish:1' }], scanned: 1, next_cursor: null, total: 1 };
    assert.deepEqual(backlogPageSchema.parse(page), page);
    assert.equal(backlogPageSchema.safeParse({ ...page, posts: [{ ...page.posts[0], hash: 'x' }] }).success, false);
  });

  it('reads the fan-out and quiet period from the environment and names a bad value', () => {
    const config = loadConfig({ BATCH_CONCURRENCY: '25', BATCH_CHILDREN_PER_RUN: '200', EDIT_QUIET_SECONDS: '1.5' });
    assert.deepEqual(config.automation, { batchConcurrency: 25, batchChildrenPerRun: 200, editQuietMs: 1500 });
    assert.deepEqual(loadConfig({}).automation, { batchConcurrency: 10, batchChildrenPerRun: 1000, editQuietMs: 120_000 });
    assert.throws(
      () => loadConfig({ BATCH_CONCURRENCY: '0', EDIT_QUIET_SECONDS: 'soon' }),
      (error: unknown) => error instanceof ConfigError && /BATCH_CONCURRENCY/.test(error.message) && /EDIT_QUIET_SECONDS/.test(error.message),
    );
  });
});
