import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { signedHeaders } from '../../contract/sign';
import { freePort } from '../support/ports';
import { spawnReceiver, type ReceiverProcess } from '../support/receiver-process';
import { TEST_PAYLOAD_KEYS, TEST_SECRET } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { postRaw, sendWebhook } from '../support/webhook';
import { eventually } from '../support/eventually';
import { ROOT } from './helpers/cli';
import { sample, scrape } from './helpers/prometheus';

const WRONG_SECRET = 'not-the-secret-9876543210';

describe('receiver metrics and logs, from the receiver running as its own process', () => {
  let temporal: TestTemporal;
  let receiver: ReceiverProcess;

  before(async () => {
    temporal = await startTestTemporal();
    receiver = await spawnReceiver({ TEMPORAL_ADDRESS: temporal.address, WP_RELAY_SECRET: TEST_SECRET, LOG_LEVEL: 'info' });
  });
  after(async () => {
    await receiver?.stop();
    await temporal?.stop();
  });

  const metrics = () => scrape(`${receiver.url}/metrics`);
  const webhooks = (text: string, outcome: string, reason: string, status: number) =>
    sample(text, 'wp_ai_relay_webhooks_total', { outcome, reason, status: String(status) });

  test('/metrics counts accepted, duplicate and rejected webhooks by reason, and times them', async () => {
    const before = await metrics();
    const event = sampleEvent('post.published');
    assert.equal((await sendWebhook(receiver.url, event)).status, 202);
    assert.equal((await sendWebhook(receiver.url, event)).status, 202);
    assert.equal((await sendWebhook(receiver.url, sampleEvent('post.published'), { secret: WRONG_SECRET })).status, 401);
    assert.equal((await postRaw(receiver.url, '{}', { 'content-type': 'text/plain' })).status, 415);
    const now = await metrics();

    const delta = (outcome: string, reason: string, status: number) =>
      webhooks(now, outcome, reason, status) - webhooks(before, outcome, reason, status);
    assert.equal(delta('accepted', 'accepted', 202), 1);
    assert.equal(delta('duplicate', 'duplicate', 202), 1);
    assert.equal(delta('rejected', 'bad_signature', 401), 1);
    assert.equal(delta('rejected', 'unsupported_media_type', 415), 1);
    const timed = (text: string) => sample(text, 'wp_ai_relay_webhook_duration_seconds_count', { outcome: 'accepted' });
    assert.equal(timed(now) - timed(before), 1);
    assert.equal(sample(now, 'wp_ai_relay_webhooks_in_flight'), 0);
  });

  test('the log line of a rejected request has its request id and reason, and no secret, signature or body', async () => {
    const event = sampleEvent('post.published', { title: 'Private draft title 4711' });
    const body = JSON.stringify(event);
    const headers = signedHeaders({ secret: WRONG_SECRET, body, idempotencyKey: String(event.idempotency_key) });
    const signature = headers['x-wp-signature'];
    assert.ok(signature);
    const answer = await postRaw(receiver.url, body, { ...headers, 'x-request-id': 'ops-log-rejected-1' });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('x-request-id'), 'ops-log-rejected-1');

    const line = await eventually(async () => logLines(receiver.output()).find((l) => l.requestId === 'ops-log-rejected-1'), 'the log line');
    assert.equal(line.msg, 'webhook rejected');
    assert.equal(line.status, 401);
    assert.equal(line.reason, 'bad_signature');
    assert.equal(line.idempotencyKey, undefined, 'an unverified key is not logged');

    const output = receiver.output();
    for (const secretish of [TEST_SECRET, WRONG_SECRET, signature, 'Private draft title 4711']) {
      assert.equal(output.includes(secretish), false, `the log holds ${secretish.slice(0, 12)}…`);
    }
  });

  test('the log line of an accepted request carries a made-up request id, the idempotency key and the event', async () => {
    const event = sampleEvent('post.published', { title: 'Another private title 4712' });
    const answer = await sendWebhook(receiver.url, event);
    assert.equal(answer.status, 202);
    const requestId = answer.headers.get('x-request-id');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    const line = await eventually(async () => logLines(receiver.output()).find((l) => l.requestId === requestId), 'the log line');
    assert.equal(line.idempotencyKey, event.idempotency_key);
    assert.equal(line.event, 'post.published');
    assert.equal(line.outcome, 'accepted');
    assert.equal(receiver.output().includes('Another private title 4712'), false);
  });
});

describe('503 and 429 are counted apart from rejections', () => {
  let receiver: ReceiverProcess;
  // A Temporal address that takes connections and never answers: a start holds the only slot until the test lets
  // go (closes it, so the client's retries are refused and the start ends in 503), whatever the machine's speed.
  const held = new Set<Socket>();
  const silentTemporal = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => {});
  });
  const letGo = () => {
    silentTemporal.close();
    for (const socket of held) socket.destroy();
  };

  before(async () => {
    silentTemporal.listen(0, '127.0.0.1');
    await once(silentTemporal, 'listening');
    receiver = await spawnReceiver({
      TEMPORAL_ADDRESS: `127.0.0.1:${(silentTemporal.address() as AddressInfo).port}`,
      WP_RELAY_SECRET: TEST_SECRET,
      MAX_IN_FLIGHT_STARTS: '1',
      // Beyond the hold and the client's retries after it, so the 503 is Temporal unreachable, not the deadline.
      TEMPORAL_START_TIMEOUT_MS: '120000',
      LOG_LEVEL: 'info',
    });
  });
  after(async () => {
    await receiver?.stop();
    if (silentTemporal.listening) letGo();
  });

  test('a start Temporal never records is a 503; a webhook arriving while it holds the only slot is a 429', async () => {
    const metrics = () => scrape(`${receiver.url}/metrics`);
    const holding = sendWebhook(receiver.url, sampleEvent('post.published'));
    await eventually(async () => (sample(await metrics(), 'wp_ai_relay_webhooks_in_flight') === 1 ? true : undefined), 'the start in flight');

    const shed = await sendWebhook(receiver.url, sampleEvent('post.published'));
    assert.equal(shed.status, 429);
    assert.ok(shed.headers.get('retry-after'));
    letGo();
    const refused = await holding;
    assert.equal(refused.status, 503);
    assert.ok(refused.headers.get('retry-after'));

    const text = await metrics();
    assert.equal(sample(text, 'wp_ai_relay_webhooks_total', { outcome: 'throttled', reason: 'backpressure', status: '429' }), 1);
    assert.equal(sample(text, 'wp_ai_relay_webhooks_total', { outcome: 'unavailable', reason: 'temporal_unavailable', status: '503' }), 1);
    assert.equal(sample(text, 'wp_ai_relay_webhooks_in_flight'), 0);

    // The line reaches this process through the receiver's stdout, not necessarily before its answer did.
    const line = await eventually(() => logLines(receiver.output()).find((l) => l.status === 503), 'the log line of the 503');
    assert.equal(line.msg, 'webhook not recorded');
    assert.equal(line.level, 40, 'a 503 is logged as a warning');
  });
});

describe('the worker serves the Temporal SDK metrics', () => {
  test('at WORKER_METRICS_ADDRESS, in Prometheus format', async () => {
    const temporal = await startTestTemporal();
    const address = `127.0.0.1:${await freePort()}`;
    const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/worker.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: 'ops-worker-metrics',
        WP_RELAY_SECRET: TEST_SECRET,
        PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
        WORKER_METRICS_ADDRESS: address,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const text = await eventually(
        async () => {
          assert.equal(worker.exitCode, null, `the worker exited:\n${output}`);
          const body = await scrape(`http://${address}/metrics`).catch(() => undefined);
          return body !== undefined && /task_queue="ops-worker-metrics"/.test(body) ? body : undefined;
        },
        'the worker metrics endpoint',
      );
      assert.match(text, /^temporal_\w+/m);
      assert.match(text, /^# TYPE temporal_\w+ (counter|gauge|histogram)$/m);
    } finally {
      worker.kill('SIGTERM');
      if (worker.exitCode === null) await once(worker, 'exit');
      await temporal.stop();
    }
  });
});

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly requestId?: string;
  readonly status?: number;
  readonly reason?: string;
  readonly outcome?: string;
  readonly event?: string;
  readonly idempotencyKey?: string;
}

function logLines(output: string): LogLine[] {
  return output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

