import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config/config';
import { startReceiver, type RunningReceiver } from '../../src/http/server';
import { rawTextBound } from '../../contract/events';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { captureLog, type CapturedLog } from '../support/captured-log';
import { eventually } from '../support/eventually';
import { head, rawRequest } from '../support/raw-http';
import { TEST_SECRET } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';

/** Marks a request's bytes, so the log can be searched for any of them. */
const SIGNATURE = 'c0ffee'.repeat(10) + 'c0ff';
const BODY = '{"event":"post.published","title":"BODY-MARKER-7781"}';
const marked = [`Content-Type: application/json`, `X-WP-Signature: ${SIGNATURE}`, 'X-WP-Timestamp: 1700000000', 'Idempotency-Key: k-marker'];

/**
 * Requests broken at the HTTP level and slow senders, on real sockets against the real receiver (and a real
 * Temporal dev server behind it): each is answered 400/408/431, nothing of its bytes reaches the log, and slow
 * unauthenticated uploads do not take the slots real senders need.
 */
describe('hostile HTTP against the receiver', () => {
  let temporal: TestTemporal;
  let connection: Connection;
  let receiver: RunningReceiver;
  let log: CapturedLog;

  before(async () => {
    temporal = await startTestTemporal();
    connection = await Connection.connect({ address: temporal.address });
    const config = loadConfig({
      WP_RELAY_SECRET: TEST_SECRET,
      TEMPORAL_ADDRESS: temporal.address,
      MAX_IN_FLIGHT_STARTS: '2',
      // Short enough for the slow-sender tests, long enough that a loaded machine reads a 160 KB body in time.
      HEADERS_TIMEOUT_MS: '2500',
      BODY_TIMEOUT_MS: '2500',
    });
    log = captureLog('debug');
    receiver = await startReceiver({ config, client: new Client({ connection }), logger: log.logger, port: 0 });
  });
  after(async () => {
    await receiver.close();
    await connection.close();
    await temporal.stop();
  });

  function assertLogFreeOfRequestBytes(): void {
    const text = log.text();
    assert.ok(text.length > 0, 'nothing was logged at all');
    assert.doesNotMatch(text, /c0ffee|BODY-MARKER|rawPacket|relay\.test/);
    assert.doesNotMatch(text, /\[\d+,\d+,\d+,\d+/, 'a byte array in the log');
  }

  const broken: [string, number, () => Promise<{ status: number | undefined }>][] = [
    ['a Content-Length larger than the body sent', 400, () => rawRequest(receiver.url, [head([...marked, 'Content-Length: 5000']), BODY])],
    ['an invalid chunk size', 400, () => rawRequest(receiver.url, [head([...marked, 'Transfer-Encoding: chunked']), `zz\r\n${BODY}\r\n0\r\n\r\n`])],
    ['a bad method', 400, () => rawRequest(receiver.url, [head(marked, 'P@ST'), BODY])],
    ['both Content-Length and chunked', 400, () => rawRequest(receiver.url, [head([...marked, 'Content-Length: 10', 'Transfer-Encoding: chunked']), BODY])],
    ['a head over 16 KiB', 431, () => rawRequest(receiver.url, [head([...marked, `X-Padding: ${'p'.repeat(20_000)}`]), BODY])],
    ['a header without a colon', 400, () => rawRequest(receiver.url, [head([...marked, 'NoColonHere']), BODY])],
  ];
  for (const [what, status, send] of broken) {
    it(`answers ${status} to ${what}, and logs none of its bytes`, async () => {
      const answer = await send();
      assert.equal(answer.status, status);
      assertLogFreeOfRequestBytes();
    });
  }

  it('a request aborted mid-body gets no answer (the client is gone) and leaves none of its bytes in the log', async () => {
    const answer = await rawRequest(receiver.url, [head([...marked, 'X-Request-Id: aborted-mid-body', 'Content-Length: 5000']), BODY], { then: 'destroy' });
    assert.equal(answer.status, undefined);
    // The receiver learns of the abort after the client is gone: its line for the request is the end of it.
    await eventually(() => log.entries().find((entry) => entry.requestId === 'aborted-mid-body'), 'the log line of the aborted request');
    assertLogFreeOfRequestBytes();
  });

  it('answers 408 to a head that never ends (slowloris)', async () => {
    const answer = await rawRequest(receiver.url, ['POST /webhooks/wp HTTP/1.1\r\n', 'Host: relay.test\r\n', 'X-A: 1\r\n'], { gapMs: 50, then: 'hold' });
    assert.equal(answer.status, 408);
    assertLogFreeOfRequestBytes();
  });

  it('answers 408 body_timeout to a body that stops arriving, and closes the connection', async () => {
    const answer = await rawRequest(receiver.url, [head([...marked, 'Content-Length: 5000']), BODY], { then: 'hold' });
    assert.equal(answer.status, 408);
    assert.match(answer.text, /"error":"body_timeout"/);
    assert.match(answer.text, /connection: close/i);
    assertLogFreeOfRequestBytes();
  });

  it('slow unauthenticated uploads (10× the in-flight limit) do not make a real sender get 429', async () => {
    const slow = Array.from({ length: 20 }, () =>
      rawRequest(receiver.url, [head([...marked, 'Content-Length: 5000']), '{"a":', '1'], { gapMs: 100, then: 'hold' }),
    );
    // Every slow upload is connected and its head is read: the receiver is handling all twenty.
    await eventually(async () => (/^wp_ai_relay_webhooks_in_flight 20$/m.test(await (await fetch(`${receiver.url}/metrics`)).text()) || undefined), 'the twenty slow uploads in flight');
    const real = await Promise.all([sendWebhook(receiver.url, sampleEvent('post.published')), sendWebhook(receiver.url, sampleEvent('post.published'))]);
    assert.deepEqual(real.map((a) => a.status), [202, 202]);
    const slowAnswers = await Promise.all(slow);
    assert.deepEqual([...new Set(slowAnswers.map((a) => a.status))], [408]);
  });

  it("HTML built to make a parser backtrack is stripped at its raw bound, refused past it, and /healthz is answered beside it", async () => {
    const worstTitle = '<!--'.repeat(rawTextBound(1000) / 4 - 1);
    const worstComment = '<!--'.repeat(Math.floor(rawTextBound(20_000) / 4) - 1);
    const events = [
      ...Array.from({ length: 4 }, () => sampleEvent('post.published', { title: worstTitle })),
      ...Array.from({ length: 4 }, () => sampleEvent('comment.created', { content: worstComment })),
      sampleEvent('post.published', { title: '<!--'.repeat(60_000) }), // the event
    ];
    // The webhooks one after another (this receiver allows two starts in flight), /healthz polled beside them.
    let sending = true;
    const health: number[] = [];
    const polling = (async () => {
      while (sending) health.push((await fetch(`${receiver.url}/healthz`)).status);
    })();
    const answers = [];
    for (const event of events) answers.push(await sendWebhook(receiver.url, event));
    sending = false;
    await polling;
    // All markup and no text: a valid (empty) title or comment, accepted.
    assert.deepEqual(answers.slice(0, 8).map((a) => a.status), Array(8).fill(202));
    assert.equal(answers[8]?.status, 400);
    assert.match(String(answers[8]?.body.reason), /title: must be at most \d+ characters before HTML is stripped/);
    assert.ok(health.length > 0);
    assert.deepEqual([...new Set(health)], [200]);
  });

  it('counts what Node refused in /metrics by parser code', async () => {
    const metrics = await (await fetch(`${receiver.url}/metrics`)).text();
    assert.match(metrics, /wp_ai_relay_http_client_errors_total\{code="HPE_INVALID_CHUNK_SIZE",status="400"\} 1/);
    assert.match(metrics, /wp_ai_relay_http_client_errors_total\{code="ERR_HTTP_REQUEST_TIMEOUT",status="408"\} 1/);
  });
});
