import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { WpEventKey, WpPostIdKey, WpSiteKey } from '../../contract/search-attributes';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { signedHeaders } from '../../contract/sign';
import { spawnReceiver } from '../support/receiver-process';
import { startRelay, TEST_SECRET, type Relay } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { postRaw, sendWebhook } from '../support/webhook';

/**
 * DESIGN.md's status table, row by row, against a real `temporal server start-dev`. No worker runs here: the
 * contract is about what the receiver records, and a started workflow stays visible either way.
 */
describe('webhook contract against a real Temporal server', () => {
  let temporal: TestTemporal;
  let relay: Relay;

  before(async () => {
    temporal = await startTestTemporal();
    relay = await startRelay({
      temporal,
      worker: false,
      env: { WP_RELAY_SECRETS: `k1:${TEST_SECRET},k2:second-secret-0123456789` },
    });
  });
  after(async () => {
    await relay.stop();
    await temporal.stop();
  });

  async function workflowExists(workflowId: string): Promise<boolean> {
    try {
      await relay.client.workflow.getHandle(workflowId).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  it('202 accepted: starts enrichPost with the key as workflow id, on the task queue, with search attributes', async () => {
    const event = sampleEvent('post.published', { post_id: 77 });
    const answer = await sendWebhook(relay.url, event);
    assert.equal(answer.status, 202);
    assert.equal(answer.body.status, 'accepted');
    assert.equal(answer.body.workflowId, event.idempotency_key);
    const description = await relay.client.workflow.getHandle(event.idempotency_key).describe();
    assert.equal(description.runId, answer.body.runId);
    assert.equal(description.type, 'enrichPost');
    assert.equal(description.taskQueue, relay.taskQueue);
    assert.equal(description.typedSearchAttributes.get(WpEventKey), 'post.published');
    assert.equal(description.typedSearchAttributes.get(WpSiteKey), 'https://example.org/');
    assert.equal(description.typedSearchAttributes.get(WpPostIdKey), 77);
  });

  it('202 duplicate: the same key again, while the run is open and after it closed', async () => {
    const event = sampleEvent('post.published');
    assert.equal((await sendWebhook(relay.url, event)).body.status, 'accepted');
    const open = await sendWebhook(relay.url, event);
    assert.equal(open.status, 202);
    assert.deepEqual(open.body, { status: 'duplicate', workflowId: event.idempotency_key });

    await relay.client.workflow.getHandle(event.idempotency_key).terminate('closing it for the test');
    const closed = await sendWebhook(relay.url, event);
    assert.deepEqual(closed.body, { status: 'duplicate', workflowId: event.idempotency_key });
  });

  it('accepts the Standard Webhooks scheme, signed with the second active secret', async () => {
    const event = sampleEvent('post.published');
    const answer = await sendWebhook(relay.url, event, { scheme: 'standard', secret: 'second-secret-0123456789' });
    assert.equal(answer.status, 202);
    assert.equal(answer.body.status, 'accepted');
  });

  const rejections: [string, number, string, (event: Record<string, unknown>) => Promise<{ status: number; body: Record<string, unknown> }>][] = [
    ['a missing signature header', 400, 'missing_header', (e) => sendWebhook(relay.url, e, { headers: { 'x-wp-signature': '' } })],
    ['bad JSON', 400, 'invalid_json', (e) => sendWebhook(relay.url, e, { body: `{"idempotency_key":"${String(e.idempotency_key)}",` })],
    ['an invalid payload', 400, 'invalid_payload', (e) => sendWebhook(relay.url, { ...e, post_id: -1 })],
    ['an unknown event', 400, 'unknown_event', (e) => sendWebhook(relay.url, { ...e, event: 'user.deleted' })],
    ['a header key that differs from the body key', 400, 'key_mismatch', (e) => sendWebhook(relay.url, e, { idempotencyKey: `${String(e.idempotency_key)}-x` })],
    ['a bad signature', 401, 'bad_signature', (e) => sendWebhook(relay.url, e, { secret: 'wrong-secret-0123456789' })],
    ['an unknown key id', 401, 'unknown_key_id', (e) => sendWebhook(relay.url, e, { keyId: 'k9' })],
    ['a timestamp 301 s old', 401, 'timestamp_out_of_window', (e) => sendWebhook(relay.url, e, { timestamp: Math.floor(Date.now() / 1000) - 301 })],
    ['a body over 256 KiB', 413, 'body_too_large', (e) => sendWebhook(relay.url, { ...e, padding: 'x'.repeat(256 * 1024) })],
    ['a non-JSON content type', 415, 'unsupported_media_type', (e) => sendWebhook(relay.url, e, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
  ];
  for (const [what, status, code, send] of rejections) {
    it(`${status} ${code} for ${what}, and no workflow is started`, async () => {
      const event = sampleEvent('post.published');
      const answer = await send(event);
      assert.equal(answer.status, status);
      assert.equal(answer.body.error, code);
      assert.equal(typeof answer.body.reason, 'string');
      assert.equal(await workflowExists(String(event.idempotency_key)), false);
    });
  }

  it('50 concurrent identical requests start exactly one workflow', async () => {
    const event = sampleEvent('post.published');
    const body = JSON.stringify(event);
    const headers = signedHeaders({ secret: TEST_SECRET, body, idempotencyKey: event.idempotency_key });
    const answers = await Promise.all(Array.from({ length: 50 }, () => postRaw(relay.url, body, headers)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [202]);
    assert.equal(answers.filter((a) => a.body.status === 'accepted').length, 1);
    assert.equal(answers.filter((a) => a.body.status === 'duplicate').length, 49);
    let runs = 0;
    for await (const _ of relay.client.workflow.list({ query: `WorkflowId = "${event.idempotency_key}"` })) runs += 1;
    assert.equal(runs, 1);
  });

  it('429 with Retry-After under backlog, and every 202 is recorded while no 429 is', async () => {
    const tight = await startRelay({ temporal, worker: false, env: { MAX_IN_FLIGHT_STARTS: '1' } });
    try {
      const outcomes: { key: string; status: number; retryAfter: string | null }[] = [];
      for (let burst = 0; burst < 10 && !outcomes.some((o) => o.status === 429); burst += 1) {
        const events = Array.from({ length: 20 }, () => sampleEvent('post.published'));
        const answers = await Promise.all(events.map((e) => sendWebhook(tight.url, e)));
        answers.forEach((a, i) => outcomes.push({ key: events[i]!.idempotency_key, status: a.status, retryAfter: a.headers.get('retry-after') }));
      }
      const shed = outcomes.filter((o) => o.status === 429);
      assert.ok(shed.length > 0, 'no request was shed with one start allowed in flight');
      assert.ok(shed.every((o) => o.retryAfter === '1'));
      for (const o of outcomes) assert.equal(await workflowExists(o.key), o.status === 202, `${o.key} answered ${o.status}`);
    } finally {
      await tight.stop();
    }
  });

  it('a receiver process that crashed and restarted still answers duplicate: the dedupe is Temporal\'s', async () => {
    const env = { TEMPORAL_ADDRESS: temporal.address, WP_RELAY_SECRET: TEST_SECRET, TEMPORAL_TASK_QUEUE: relay.taskQueue, LOG_LEVEL: 'silent' };
    const first = await spawnReceiver(env);
    const event = sampleEvent('post.published');
    assert.equal((await sendWebhook(first.url, event)).body.status, 'accepted');
    await first.kill();
    const second = await spawnReceiver(env);
    try {
      const again = await sendWebhook(second.url, event); // re-signed with a fresh timestamp, same key
      assert.equal(again.status, 202);
      assert.equal(again.body.status, 'duplicate');
    } finally {
      await second.stop();
    }
  });

  it('503 with Retry-After while Temporal is down, then 202 once it is back, with earlier keys still duplicates', async () => {
    const before = sampleEvent('post.published');
    assert.equal((await sendWebhook(relay.url, before)).body.status, 'accepted');

    await temporal.stop();
    const during = sampleEvent('post.published');
    const refused = await sendWebhook(relay.url, during);
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error, 'temporal_unavailable');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await fetch(`${relay.url}/readyz`)).status, 503);

    temporal = await temporal.restart();
    const retried = await sendWebhook(relay.url, during); // the sender's retry, same key
    assert.equal(retried.status, 202);
    assert.equal(retried.body.status, 'accepted');
    assert.equal((await sendWebhook(relay.url, before)).body.status, 'duplicate');
    assert.equal((await fetch(`${relay.url}/readyz`)).status, 200);
  });
});
