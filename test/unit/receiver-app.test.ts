import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config';
import { createApp } from '../../src/http/app';
import { createReceiverMetrics } from '../../src/http/metrics';
import { createLogger } from '../../src/logging/logger';
import type { StartEvent, StartResult } from '../../src/temporal/start-event';
import { StartFailure } from '../../src/temporal/start-failure';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { TEST_SECRET } from '../support/relay';
import { postRaw, sendWebhook } from '../support/webhook';

/**
 * The HTTP layer alone, with an injected start function: what each malformed request gets, before anything
 * reaches Temporal. The same rows against a real Temporal server are in test/contract.
 */
describe('receiver app', () => {
  const started: unknown[] = [];
  let gate: Promise<void> | undefined;
  /** What the next start answers or throws; accepted unless a test says otherwise. */
  let nextStart: ((key: string) => StartResult) | undefined;
  let onStart: (() => void) | undefined;
  const startEvent: StartEvent = async (event) => {
    started.push(event);
    onStart?.();
    await gate;
    const answer = nextStart ?? ((key) => ({ status: 'accepted', workflowId: key, runId: 'run-1' }));
    nextStart = undefined;
    return answer(event.idempotency_key);
  };
  const config = loadConfig({ WP_RELAY_SECRET: TEST_SECRET, MAX_IN_FLIGHT_STARTS: '2' });
  const app = createApp({
    webhook: config.webhook,
    startEvent,
    checkReady: async () => ({ status: 'temporal unreachable' }),
    logger: createLogger('silent', 'test'),
    metrics: createReceiverMetrics(),
  });
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  });

  it('answers 202 with the workflow id for a valid signed event', async () => {
    const event = sampleEvent('post.published');
    const answer = await sendWebhook(url, event);
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body, { status: 'accepted', workflowId: event.idempotency_key, runId: 'run-1' });
  });

  it("answers 202 duplicate when Temporal already has the key's run", async () => {
    const event = sampleEvent('post.published');
    nextStart = (key) => ({ status: 'duplicate', workflowId: key });
    const answer = await sendWebhook(url, event);
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body, { status: 'duplicate', workflowId: event.idempotency_key });
  });

  it('answers 401 for a signature made with another secret, without starting anything', async () => {
    const before = started.length;
    const answer = await sendWebhook(url, sampleEvent('post.published'), { secret: 'not-the-relay-secret' });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'bad_signature');
    assert.equal(started.length, before);
  });

  it('answers 400 key_mismatch when the header key is not the signed body key', async () => {
    const answer = await sendWebhook(url, sampleEvent('post.published'), { idempotencyKey: 'another-key' });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'key_mismatch');
  });

  it('answers each start Temporal did not record as the contract says: 503 + Retry-After, or 400 for a refused event', async () => {
    const cases = [
      [{ kind: 'unavailable' }, 503, 'temporal_unavailable', '5'],
      [{ kind: 'misconfigured', fix: 'register the search attribute WpSite' }, 503, 'relay_misconfigured', '60'],
      [{ kind: 'refused', reason: 'site is too long' }, 400, 'rejected_by_temporal', null],
    ] as const;
    for (const [failure, status, error, retryAfter] of cases) {
      nextStart = () => {
        throw new StartFailure(failure, { cause: new Error('from the client') });
      };
      const answer = await sendWebhook(url, sampleEvent('post.published'));
      assert.deepEqual([answer.status, answer.body.error, answer.headers.get('retry-after')], [status, error, retryAfter], failure.kind);
    }
  });

  it('tells in Server-Timing how much of a 202 was the receiver and how much the workflow start', async () => {
    const reached = new Promise<void>((resolve) => (onStart = resolve));
    gate = reached.then(() => new Promise((resolve) => setTimeout(resolve, 50)));
    const sent = performance.now();
    const answer = await sendWebhook(url, sampleEvent('post.published'));
    const waited = performance.now() - sent;
    gate = undefined;
    onStart = undefined;
    assert.equal(answer.status, 202);
    const match = /^receiver;dur=(\d+\.\d\d), temporal;desc="workflow start";dur=(\d+\.\d\d)$/.exec(answer.headers.get('server-timing') ?? '');
    assert.ok(match, `Server-Timing: ${answer.headers.get('server-timing')}`);
    // Once the start was called it was held 50 ms, so its share is at least that, however slow the machine.
    assert.ok(Number(match[2]) >= 49, `the start's share ${match[2]} ms covers the 50 ms it was held`);
    assert.ok(Number(match[2]) <= waited, `the start's share ${match[2]} ms is within the ${waited.toFixed(2)} ms the client waited`);
  });

  it('answers 415 for a body that is not declared JSON, without starting anything', async () => {
    const before = started.length;
    const answer = await sendWebhook(url, sampleEvent('post.published'), { headers: { 'content-type': 'text/plain' } });
    assert.equal(answer.status, 415);
    assert.equal(answer.body.error, 'unsupported_media_type');
    assert.equal(started.length, before);
  });

  it('answers 413 from Content-Length before reading a body over 256 KiB', async () => {
    const body = Buffer.alloc(256 * 1024 + 1, 0x20);
    const answer = await postRaw(url, body, { 'content-type': 'application/json' });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'body_too_large');
  });

  it('answers 413 while reading a chunked body that grows past the limit, without waiting for its end', async () => {
    const req = request(`${url}/webhooks/wp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    const response = once(req, 'response');
    req.on('error', () => {}); // the server may close the socket once it has answered
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 5; i += 1) req.write(chunk); // 320 KiB sent, and the request is never ended
    const [res] = (await response) as [import('node:http').IncomingMessage];
    assert.equal(res.statusCode, 413);
    req.destroy();
  });

  it('answers 429 with Retry-After when too many starts are in progress', async () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const inFlight = [sendWebhook(url, sampleEvent('post.published')), sendWebhook(url, sampleEvent('post.published'))];
    while (started.length < 3) await new Promise((r) => setTimeout(r, 5)); // both held at the gate
    const shed = await sendWebhook(url, sampleEvent('post.published'));
    release();
    gate = undefined;
    assert.equal(shed.status, 429);
    assert.equal(shed.headers.get('retry-after'), '1');
    assert.deepEqual((await Promise.all(inFlight)).map((a) => a.status), [202, 202]);
  });

  it('answers 400 unknown_event before starting anything', async () => {
    const answer = await sendWebhook(url, { event: 'user.deleted', idempotency_key: 'k-unknown' });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'unknown_event');
  });

  it('answers /healthz 200 and /readyz 503 when Temporal is not reachable', async () => {
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 503);
  });

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    const mine = await sendWebhook(url, sampleEvent('post.published'), { headers: { 'x-request-id': 'req-42' } });
    assert.equal(mine.headers.get('x-request-id'), 'req-42');
    const made = await sendWebhook(url, sampleEvent('post.published'), { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers 405 for GET on the webhook route', async () => {
    assert.equal((await fetch(`${url}/webhooks/wp`)).status, 405);
  });
});
