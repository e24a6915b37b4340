import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseSecrets } from '../../contract/secrets';
import { verifyWebhook } from '../../src/webhooks/verify';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { elapse, pluginLogLines, readOutbox, type OutboxRow, type WordPress } from '../../tools/wordpress';

/** What a load balancer says while the relay behind it is down: 503, and it keeps what it was sent. */
async function startUnavailable(retryAfter: string) {
  const requests: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': retryAfter });
    res.end('{"error":"relay unavailable"}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/wp`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Signatures carry whole seconds; waiting for the next one makes a re-signed attempt differ. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));

const only = (rows: OutboxRow[], postId: number): OutboxRow => {
  const mine = rows.filter((row) => row.object_id === postId);
  assert.equal(mine.length, 1);
  return mine[0]!;
};

describe('delivery when the receiver is down', () => {
  let stack: Stack;
  let wp: WordPress;
  let relay: Relay;
  let unavailable: Awaited<ReturnType<typeof startUnavailable>>;
  let endpoint: string;

  before(async () => {
    [stack, unavailable] = await Promise.all([startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } }), startUnavailable('120')]);
    ({ wp, relay } = stack);
    endpoint = `${relay.url}/webhooks/wp`;
    await wp.setOptions({ ai_relay_endpoint: endpoint, ai_relay_allow_private: true });
  });
  after(async () => {
    await Promise.all([stack?.stop(), unavailable?.close()]);
  });

  const publish = async (title: string) => {
    const response = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title, content: `${title}.`, status: 'publish' }) });
    assert.equal(response.status, 201);
    return ((await response.json()) as { id: number }).id;
  };

  test('an event stays in the outbox through refusals and 503s, re-signed on every attempt, and is delivered once the receiver is back', async () => {
    await relay.stopReceiver();
    const postId = await publish('Outage');
    let row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['pending', 1, null]);
    assert.equal(row.next_attempt_at - row.updated_at, 60);
    assert.notEqual(await wp.runPhp("echo wp_next_scheduled('ai_relay_process_outbox') ?: 'none';"), 'none');

    await wp.setOptions({ ai_relay_endpoint: unavailable.url });
    await wp.runCron();
    assert.equal(only(await readOutbox(wp), postId).attempts, 1, 'not retried before its time');

    await elapse(wp, 60);
    row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['pending', 2, 503]);
    // The receiver's Retry-After (120 s) is shorter than the schedule's next step, which wins.
    assert.equal(row.next_attempt_at - row.updated_at, 300);

    await nextSecond();
    await elapse(wp, 300);
    row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['pending', 3, 503]);
    assert.equal(row.next_attempt_at - row.updated_at, 1800);

    const [second, third] = unavailable.requests;
    assert.equal(unavailable.requests.length, 2);
    assert.ok(second && third);
    assert.equal(second.headers['idempotency-key'], row.idempotency_key);
    assert.equal(third.headers['idempotency-key'], row.idempotency_key);
    assert.equal(second.body.toString(), row.body);
    assert.equal(third.body.toString(), row.body);
    assert.notEqual(second.headers['x-wp-timestamp'], third.headers['x-wp-timestamp']);
    assert.notEqual(second.headers['x-wp-signature'], third.headers['x-wp-signature']);
    for (const attempt of [second, third]) {
      const verified = verifyWebhook(attempt.headers, attempt.body, {
        secrets: parseSecrets(TEST_SECRET, { keyed: false }),
        toleranceSeconds: 300,
      });
      assert.equal(verified.idempotencyKey, row.idempotency_key);
    }

    await relay.startReceiver();
    await wp.setOptions({ ai_relay_endpoint: endpoint });
    await elapse(wp, 1800);
    row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['delivered', 4, 202]);
    const result = await relay.client.workflow.getHandle(row.idempotency_key).result();
    assert.equal(result.outcome, 'summarized');
    const post = (await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, string> };
    assert.equal(post.meta.ai_relay_summary, 'A short summary of “Outage”.');

    await elapse(wp, 6 * 3600);
    assert.equal(only(await readOutbox(wp), postId).attempts, 4, 'a delivered event is never sent again');
  });

  test('after 1 min, 5 min, 30 min, 2 h and 6 h of retries an event is marked failed and the admin is told', async () => {
    await wp.setOptions({ ai_relay_endpoint: unavailable.url });
    const sent = unavailable.requests.length;
    const postId = await publish('Never');
    assert.equal(only(await readOutbox(wp), postId).attempts, 1);
    // The first wait is the receiver's Retry-After (120 s), which is longer than the schedule's 1 min.
    for (const [wait, attempts] of [[120, 2], [300, 3], [1800, 4], [7200, 5]] as const) {
      await elapse(wp, wait / 2);
      assert.equal(only(await readOutbox(wp), postId).attempts, attempts - 1, `not retried before ${wait} s`);
      await elapse(wp, wait / 2);
      const row = only(await readOutbox(wp), postId);
      assert.deepEqual([row.status, row.attempts], ['pending', attempts]);
    }
    await elapse(wp, 10800);
    assert.equal(only(await readOutbox(wp), postId).attempts, 5);
    await elapse(wp, 10800);
    const row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['failed', 6, 503]);
    assert.equal(unavailable.requests.length - sent, 6);

    await elapse(wp, 86400);
    assert.equal(unavailable.requests.length - sent, 6, 'a failed event is not retried on its own');

    const dashboard = await (await fetch(`${wp.baseUrl}/wp-admin/`, { headers: { cookie: await wp.login() } })).text();
    assert.match(dashboard, /AI Relay: 1 event could not be delivered\./);
  });

  test('a receiver on a private address is refused until the admin allows private networks', async () => {
    // "localhost" is not the site's own host, so WordPress applies its private-address rule as well as the port rule.
    await wp.setOptions({ ai_relay_endpoint: endpoint.replace('127.0.0.1', 'localhost'), ai_relay_allow_private: false });
    const postId = await publish('Private');
    let row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.last_http_status], ['pending', null]);
    assert.match(row.last_response ?? '', /valid URL/);

    await wp.setOptions({ ai_relay_allow_private: true });
    await elapse(wp, 60);
    row = only(await readOutbox(wp), postId);
    assert.deepEqual([row.status, row.last_http_status], ['delivered', 202]);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
