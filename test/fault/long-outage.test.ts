import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolvePayloadCodec } from '../../src/temporal/data-converter';
import { loadConfig } from '../../src/config/config';
import { installRuntime } from '../../src/temporal/runtime';
import { createRelayWorker, type RelayWorker } from '../../src/temporal/worker';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { enrichPost } from '../../workflows';
import { GIVE_UP_AFTER_MEMO } from '../../contract/activity-options';
import { activityRecords } from '../support/activity-history';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { workflowBundle } from '../support/workflow-bundle';
import { startTimeSkipping, type TimeSkipping } from '../support/time-skipping';
import { startWordPress, type WordPress } from '../../tools/wordpress';
import { activityFailureOf } from '../support/run-failure';

const HOUR_MS = 3_600_000;
const minutes = (ms: number) => (ms / 60_000).toFixed(0);

/**
 * Outages of hours against the real workflow and activity code, on Temporal's time-skipping test server: the
 * server's clock jumps over backoff timers, so an hour of retries takes seconds, while every attempt is a real
 * call of the real activities to a real WordPress and the stand-in LLM over HTTP.
 */
describe('outages of hours, on the time-skipping test server', () => {
  let timeSkipping: TimeSkipping;
  let env: TestWorkflowEnvironment;
  let wp: WordPress;
  let llm: LlmStub;
  let wpProxy: OutageProxy;
  let relayWorker: RelayWorker;
  let running: Promise<void>;
  const taskQueue = 'long-outage';

  before(async () => {
    installRuntime('ERROR');
    const { codec } = resolvePayloadCodec(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS }));
    // One after the other, so after() finds whatever was started when a later part fails.
    timeSkipping = await startTimeSkipping(codec);
    env = timeSkipping.env;
    llm = await startLlmStub();
    wp = await startWordPress();
    wpProxy = await startOutageProxy(wp.baseUrl);
    const config = loadConfig({
      TEMPORAL_ADDRESS: env.address,
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_TIMEOUT_MS: '2000',
      WP_BASE_URL: wpProxy.url,
      WP_USERNAME: wp.adminUser,
      WP_APP_PASSWORD: wp.appPassword,
      WP_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'silent',
    });
    relayWorker = await createRelayWorker({ config, address: env.address, workflowBundle: await workflowBundle(), codec });
    running = relayWorker.worker.run();
  });

  after(async () => {
    relayWorker?.worker.shutdown();
    await running;
    await relayWorker?.connection.close();
    await Promise.all([timeSkipping?.stop(), wp?.stop(), llm?.close(), wpProxy?.close()]);
  });

  async function publishPost(title: string): Promise<number> {
    const response = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, content: `<p>${title}: the body.</p>`, status: 'publish' }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: number }).id;
  }

  async function summaryOf(postId: number): Promise<string | undefined> {
    const response = await wp.rest(`/wp/v2/posts/${postId}?context=edit`);
    return ((await response.json()) as { meta: Record<string, string> }).meta.ai_relay_summary || undefined;
  }

  function start(postId: number, memo?: Record<string, unknown>): Promise<WorkflowHandle<typeof enrichPost>> {
    const event = sampleEvent('post.published', { post_id: postId });
    return env.client.workflow.start<typeof enrichPost>('enrichPost', {
      taskQueue,
      workflowId: event.idempotency_key,
      args: [event as Parameters<typeof enrichPost>[0]],
      ...(memo ? { memo } : {}),
    });
  }

  /** Lets the server's clock run (time skips while a result is awaited) until `ms` after the run started. */
  async function untilServerTime(handle: WorkflowHandle, ms: number): Promise<void> {
    const { startedAtMs } = await activityRecords(handle);
    while ((await env.currentTimeMs()) < startedAtMs + ms) await sleep(20);
  }

  it('an LLM answering 500 for over an hour: the run retries by itself and completes once it is back', async (t) => {
    const postId = await publishPost('LLM outage of an hour');
    llm.setDefault({ kind: 'status', status: 500 });
    const before = llm.requests.length;
    const handle = await start(postId);
    const result = handle.result();
    await untilServerTime(handle, HOUR_MS);
    llm.setDefault({ kind: 'summary', summary: 'Written after the outage.' });
    assert.equal((await result).outcome, 'summarized');

    assert.equal(await summaryOf(postId), 'Written after the outage.');
    const { startedAtMs, activities } = await activityRecords(handle);
    const summarize = activities.find((a) => a.type === 'summarizePost')!;
    assert.ok(summarize.lastStartedAtMs! - startedAtMs >= HOUR_MS, 'the successful attempt came after an hour');
    assert.ok(summarize.lastAttempt! >= 15, `attempt ${summarize.lastAttempt}: backoff is capped, so it kept trying`);
    assert.equal(llm.requests.length - before, summarize.lastAttempt, 'one LLM request per attempt');
    assert.equal(summarize.scheduleToCloseMs, 24 * HOUR_MS, 'without a memo the run gives up after the default day');
    t.diagnostic(`healed after ${minutes(summarize.lastStartedAtMs! - startedAtMs)} min of server time, attempt ${summarize.lastAttempt}`);
  });

  it('WordPress unreachable for over an hour during the write-back: the summary is written once it is back', async (t) => {
    const postId = await publishPost('WordPress outage of an hour');
    // The summary is held until WordPress is down, so the write-back, not a call before it, meets the outage
    // whatever the machine's speed (a write-back that got through first would end the run before the hour).
    let wordpressDown!: () => void;
    llm.setDefault({ kind: 'summary', summary: 'Kept until WordPress was back.', until: new Promise<void>((resolve) => (wordpressDown = resolve)) });
    const llmBefore = llm.requests.length;
    const handle = await start(postId, { [GIVE_UP_AFTER_MEMO]: '36h' });
    const result = handle.result();
    while (llm.requests.length === llmBefore) await sleep(10);
    await wpProxy.down();
    wordpressDown();
    await untilServerTime(handle, HOUR_MS);
    await wpProxy.up();
    assert.equal((await result).outcome, 'summarized');

    assert.equal(await summaryOf(postId), 'Kept until WordPress was back.');
    assert.equal(llm.requests.length, llmBefore + 1, 'the LLM was asked once: the outage retried only the write-back');
    const { startedAtMs, activities } = await activityRecords(handle);
    const write = activities.find((a) => a.type === 'writeSummary')!;
    assert.ok(write.lastStartedAtMs! - startedAtMs >= HOUR_MS);
    assert.ok(write.lastAttempt! >= 10, `attempt ${write.lastAttempt}`);
    assert.equal(write.scheduleToCloseMs, 36 * HOUR_MS, 'the give-up point the run was started with');
    t.diagnostic(`healed after ${minutes(write.lastStartedAtMs! - startedAtMs)} min of server time, attempt ${write.lastAttempt}`);
  });

  it('an outage longer than the give-up point fails the run with a schedule-to-close timeout, for a reset', async (t) => {
    const postId = await publishPost('LLM gone for good');
    llm.setDefault({ kind: 'status', status: 503 });
    const handle = await start(postId, { [GIVE_UP_AFTER_MEMO]: '2h' });
    const { activity, cause } = await activityFailureOf(handle);
    assert.equal(activity.activityType, 'summarizePost');
    // Retries stopped because the next one would pass the schedule-to-close timeout; the last failure says why.
    assert.equal(activity.retryState, RetryState.TIMEOUT);
    assert.equal(cause.type, 'LLMUnavailable');
    const { startedAtMs, lastEventAtMs, activities } = await activityRecords(handle);
    const summarize = activities.find((a) => a.type === 'summarizePost')!;
    assert.equal(summarize.scheduleToCloseMs, 2 * HOUR_MS);
    // It failed once the next retry would pass the give-up point: within one capped backoff (5 min) of it.
    const elapsed = lastEventAtMs - startedAtMs;
    assert.ok(elapsed <= 2 * HOUR_MS && elapsed >= 2 * HOUR_MS - 5 * 60_000, `failed after ${elapsed} ms`);
    t.diagnostic(`gave up after ${minutes(elapsed)} min of server time, attempt ${summarize.lastAttempt}`);
    assert.equal(await summaryOf(postId), undefined, 'nothing was written');
  });
});
