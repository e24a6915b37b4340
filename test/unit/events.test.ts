import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../src/errors/http-error';
import { postPublishedSchema } from '../../contract/events';
import { parseEvent } from '../../src/webhooks/parse-event';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { VerifiedWebhook } from '../../src/webhooks/verify';

const verifiedAs = (key: string, scheme: 'wp' | 'standard' = 'wp'): VerifiedWebhook => ({
  scheme,
  idempotencyKey: key,
  keyId: undefined,
});

function parse(event: Record<string, unknown>, verified = verifiedAs(String(event.idempotency_key))) {
  return parseEvent(Buffer.from(JSON.stringify(event)), verified);
}

function rejected(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('event payloads', () => {
  it('accepts the seed post.published payload and keeps its fields', () => {
    const event = sampleEvent('post.published', { post_id: 42, title: 'Hello', meta: { categories: [3], tags: ['ai'] } });
    const parsed = parse(event);
    assert.equal(parsed.event, 'post.published');
    assert.equal(parsed.event === 'post.published' && parsed.post_id, 42);
  });

  it('takes an optional rest_base naming the post type\'s REST collection, and nothing that is a path', () => {
    const page = parse(sampleEvent('post.published', { rest_base: 'pages' }));
    assert.equal(page.event === 'post.published' && page.rest_base, 'pages');
    const post = parse(sampleEvent('post.published'));
    assert.equal(post.event === 'post.published' && post.rest_base, undefined);
    for (const bad of ['../users', 'posts/1', '', 'a'.repeat(65), 'pages?x=1']) {
      assert.equal(rejected(() => parse(sampleEvent('post.published', { rest_base: bad }))).code, 'invalid_payload', bad);
    }
  });

  it('takes an optional suggest naming the automations held for review, each once, and nothing else', () => {
    for (const name of ['post.published', 'post.updated', 'batch.requested'] as const) {
      const held = parse(sampleEvent(name, { suggest: ['summary', 'description'] }));
      assert.deepEqual('suggest' in held && held.suggest, ['summary', 'description'], name);
      assert.equal('suggest' in parse(sampleEvent(name)), false, `${name}: absent as before`);
      for (const bad of [['summary', 'summary'], ['title'], 'summary']) {
        assert.equal(rejected(() => parse(sampleEvent(name, { suggest: bad }))).code, 'invalid_payload', `${name}: ${JSON.stringify(bad)}`);
      }
    }
  });

  it('strips HTML and decodes entities in stored text', () => {
    const parsed = postPublishedSchema.parse(
      sampleEvent('post.published', { title: '<b>Caf&#233;</b> &amp; <script>alert(1)</script>Bar&#8217;s', author: '<i>Ann</i>' }),
    );
    assert.equal(parsed.title, 'Café & Bar’s');
    assert.equal(parsed.author, 'Ann');
  });

  it('normalises URLs and refuses non-http schemes', () => {
    const parsed = postPublishedSchema.parse(sampleEvent('post.published', { url: 'HTTPS://Example.ORG:443/a/#frag' }));
    assert.equal(parsed.url, 'https://example.org/a/');
    const error = rejected(() => parse(sampleEvent('post.published', { url: 'javascript:alert(1)' })));
    assert.equal(error.code, 'invalid_payload');
    assert.match(error.reason, /url/);
  });

  it('limits string lengths after stripping', () => {
    const error = rejected(() => parse(sampleEvent('post.published', { title: 'x'.repeat(1001) })));
    assert.match(error.reason, /title/);
    assert.equal(postPublishedSchema.parse(sampleEvent('post.published', { title: `<p>${'x'.repeat(1000)}</p>` })).title.length, 1000);
  });

  it('names the invalid fields without echoing their values', () => {
    const error = rejected(() => parse(sampleEvent('post.published', { post_id: 'secret-value', published_at: 'yesterday' })));
    assert.equal(error.status, 400);
    assert.match(error.reason, /post_id/);
    assert.match(error.reason, /published_at/);
    assert.doesNotMatch(error.reason, /secret-value|yesterday/);
  });

  it('answers unknown_event for an event it does not know', () => {
    const error = rejected(() => parse({ event: 'user.deleted', idempotency_key: 'k1' }));
    assert.equal(error.code, 'unknown_event');
    assert.match(error.reason, /post\.published/);
  });

  it('answers invalid_json for a body that is not JSON, and invalid_payload for JSON that is not an object', () => {
    assert.equal(rejected(() => parseEvent(Buffer.from('{"event":'), verifiedAs('k'))).code, 'invalid_json');
    assert.equal(rejected(() => parseEvent(Buffer.from('[1,2]'), verifiedAs('k'))).code, 'invalid_payload');
  });

  it('answers key_mismatch when the header key differs from the body key', () => {
    const event = sampleEvent('post.published');
    const error = rejected(() => parse(event, verifiedAs('some-other-key')));
    assert.equal(error.code, 'key_mismatch');
  });

  it('takes the key from webhook-id for a Standard Webhooks body without one', () => {
    const { idempotency_key: _omitted, ...event } = sampleEvent('comment.created');
    const parsed = parse(event, verifiedAs('msg_123', 'standard'));
    assert.equal(parsed.idempotency_key, 'msg_123');
  });

  it('validates the other three events', () => {
    for (const name of ['comment.created', 'lead.submitted', 'batch.requested'] as const) {
      assert.equal(parse(sampleEvent(name)).event, name);
    }
    assert.equal(rejected(() => parse(sampleEvent('batch.requested', { limit: 10_000 }))).code, 'invalid_payload');
  });
});
