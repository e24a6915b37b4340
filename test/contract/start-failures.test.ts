import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../../src/config/config';
import { startReceiver, type RunningReceiver } from '../../src/http/server';
import { WpSiteKey } from '../../contract/search-attributes';
import { createStartEvent } from '../../src/temporal/start-event';
import { startFailureAnswer } from '../../src/http/start-failure-answer';
import { StartFailure } from '../../src/temporal/start-failure';
import type { PostPublished } from '../../contract/events';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { captureLog, type CapturedLog } from '../support/captured-log';
import { eventually } from '../support/eventually';
import { TEST_SECRET } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';

const SITE = 'https://example.org/';
const siteOf = (length: number) => SITE + 'a'.repeat(length - SITE.length);

/**
 * How a failed start is answered, against a real `temporal server start-dev`: what the event itself causes is a
 * 400, what the relay's configuration causes is a 503 that an operator is told about, on /readyz and in the log.
 */
describe('start failures against a real Temporal server', () => {
  let temporal: TestTemporal;
  let connection: Connection;
  const receivers: RunningReceiver[] = [];

  async function receiverFor(namespace: string): Promise<{ url: string; log: CapturedLog }> {
    const config = loadConfig({ WP_RELAY_SECRET: TEST_SECRET, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_START_TIMEOUT_MS: '3000' });
    const log = captureLog();
    const receiver = await startReceiver({ config, client: new Client({ connection, namespace }), logger: log.logger, port: 0 });
    receivers.push(receiver);
    return { url: receiver.url, log };
  }

  before(async () => {
    temporal = await startTestTemporal();
    connection = await Connection.connect({ address: temporal.address });
  });
  after(async () => {
    for (const receiver of receivers) await receiver.close();
    await connection.close();
    await temporal.stop();
  });

  it('a site URL of 2 047 characters is a 400 naming the field, and one of 2 046 is accepted whole', async () => {
    const { url } = await receiverFor('default');
    const tooLong = await sendWebhook(url, sampleEvent('post.published', { site: siteOf(2047) }));
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error, 'invalid_payload');
    assert.match(String(tooLong.body.reason), /site: must be at most 2046 bytes/);

    const event = sampleEvent('post.published', { site: siteOf(2046) });
    const fits = await sendWebhook(url, event);
    assert.equal(fits.status, 202);
    const description = await new Client({ connection }).workflow.getHandle(event.idempotency_key).describe();
    assert.equal(description.typedSearchAttributes.get(WpSiteKey), siteOf(2046));
  });

  it('bounds the site in UTF-8 bytes after normalising: 700 × "é" is 4 200 bytes once percent-encoded → 400', async () => {
    const { url } = await receiverFor('default');
    const answer = await sendWebhook(url, sampleEvent('post.published', { site: SITE + 'é'.repeat(700) }));
    assert.equal(answer.status, 400);
    assert.match(String(answer.body.reason), /site: must be at most/);
  });

  it('a start Temporal refuses as INVALID_ARGUMENT (a site that skipped validation) is refused, answered 400 with its reason, not a 503', async () => {
    const startEvent = createStartEvent(new Client({ connection }), { taskQueue: 'start-failures', timeoutMs: 3000 });
    const event = { ...sampleEvent('post.published'), site: siteOf(2047) } as PostPublished;
    const failure = await startEvent(event).then(() => undefined, (e: unknown) => e);
    assert.ok(failure instanceof StartFailure, String(failure));
    assert.equal(failure.failure.kind, 'refused');
    const error = startFailureAnswer(failure);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'rejected_by_temporal');
    assert.match(error.reason, /WpSite.*exceeds size limit 2048/);
    assert.equal(error.retryAfterSeconds, undefined);
  });

  it('a namespace that does not exist: 503 relay_misconfigured with Retry-After, /readyz not ready, counted, logged at error with the fix', async () => {
    const { url, log } = await receiverFor('no-such-namespace');
    const answer = await sendWebhook(url, sampleEvent('post.published'));
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error, 'relay_misconfigured');
    assert.ok(Number(answer.headers.get('retry-after')) > 0);

    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 503);
    const readiness = (await ready.json()) as { status: string; problems: string[] };
    assert.equal(readiness.status, 'misconfigured');
    assert.match(readiness.problems.join('\n'), /no-such-namespace.*TEMPORAL_NAMESPACE/s);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /wp_ai_relay_webhooks_total\{outcome="unavailable",reason="relay_misconfigured",status="503"\} 1/);
    assert.match(metrics, /^wp_ai_relay_misconfigured 1$/m);

    const errors = log.entries().filter((entry) => entry.level === 50);
    assert.ok(errors.some((entry) => /TEMPORAL_NAMESPACE/.test(String(entry.fix))), log.text());
    assert.ok(errors.some((entry) => /TEMPORAL_NAMESPACE/.test(JSON.stringify(entry.problems))), log.text());
  });

  it('a namespace without the search attributes: 503 relay_misconfigured, and /readyz names each missing one with the command', async () => {
    await connection.workflowService.registerNamespace({ namespace: 'bare', workflowExecutionRetentionPeriod: msToTs('1 day') });
    const { url, log } = await receiverFor('bare');
    // A new namespace reaches the frontend's cache within seconds; until then starts fail as namespace-not-found,
    // which is a misconfiguration too. Wait for the one this test is about.
    const readiness = await eventually(async () => {
      const now = (await (await fetch(`${url}/readyz`)).json()) as { status: string; problems?: string[] };
      return /search attribute/.test(JSON.stringify(now)) ? now : undefined;
    }, '/readyz to name the missing search attributes');
    assert.equal(readiness.status, 'misconfigured');
    for (const name of ['WpEvent', 'WpSite', 'WpPostId']) {
      assert.ok(readiness.problems?.some((p) => p.includes(`search attribute ${name} is not registered`)), JSON.stringify(readiness));
    }
    assert.match(readiness.problems?.[0] ?? '', /temporal operator search-attribute create --name WpEvent --type Keyword/);

    const answer = await eventually(async () => {
      const sent = await sendWebhook(url, sampleEvent('post.published'));
      return /search attribute/.test(log.text()) ? sent : undefined;
    }, 'a start refused for the missing search attributes');
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error, 'relay_misconfigured');
    const fix = log.entries().find((entry) => entry.level === 50 && /search attribute/.test(String(entry.fix)));
    assert.ok(fix, log.text());
    assert.match(String(fix.fix), /temporal operator search-attribute create/);
  });

  it('/readyz is 200 with status ready when the namespace and every search attribute are in place', async () => {
    const { url } = await receiverFor('default');
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
    assert.match(await (await fetch(`${url}/metrics`)).text(), /^wp_ai_relay_misconfigured 0$/m);
  });
});
