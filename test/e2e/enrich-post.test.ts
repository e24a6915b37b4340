import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { enrichPost } from '../../workflows';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { LlmStub } from '../../tools/llm-stub';
import type { Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { sendWebhook } from '../support/webhook';
import type { WordPress } from '../../tools/wordpress';
import { activityFailureOf } from '../support/run-failure';

/**
 * enrichPost end to end through the real worker: a real WordPress (REST API, Application Password, the plugin's
 * registered meta) is read and written, the real `openai` client talks to the stand-in LLM, Temporal is real.
 */
describe('enrichPost against a real WordPress', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;

  before(async () => {
    stack = await startStack({ relayEnv: { OPENAI_TIMEOUT_MS: '1500' } });
    ({ wp, llm, relay } = stack);
  });
  after(() => stack?.stop());

  async function publishPost(title: string, content: string): Promise<number> {
    const response = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, content, status: 'publish' }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: number }).id;
  }

  async function postMeta(postId: number): Promise<Record<string, string>> {
    const response = await wp.rest(`/wp/v2/posts/${postId}?context=edit`);
    return ((await response.json()) as { meta: Record<string, string> }).meta;
  }

  async function deliver(postId: number, key?: string): Promise<WorkflowHandle<typeof enrichPost>> {
    const event = sampleEvent('post.published', { post_id: postId, ...(key ? { idempotency_key: key } : {}) });
    const answer = await sendWebhook(relay.url, event);
    assert.equal(answer.status, 202);
    return relay.client.workflow.getHandle<typeof enrichPost>(String(event.idempotency_key));
  }

  /** Started events of one activity type, in order, as the Web UI shows them. */
  async function activityStarts(handle: WorkflowHandle, activityType: string) {
    const history = await handle.fetchHistory();
    const scheduled = new Map<string, string>();
    const starts: { attempt: number; lastFailure: string | undefined }[] = [];
    for (const event of history.events ?? []) {
      const s = event.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(event.eventId), s.activityType?.name ?? '');
      const started = event.activityTaskStartedEventAttributes;
      if (started && scheduled.get(String(started.scheduledEventId)) === activityType) {
        starts.push({ attempt: started.attempt ?? 0, lastFailure: started.lastFailure?.message ?? undefined });
      }
    }
    return { starts, scheduled: [...scheduled.values()].filter((t) => t === activityType).length };
  }

  it('summarises a published post and writes the summary back to its meta', async () => {
    const postId = await publishPost('Durable webhooks', '<p>Temporal keeps <strong>every</strong> accepted event.</p>');
    const before = llm.requests.length;
    const handle = await deliver(postId);
    const result = await handle.result();
    assert.equal(result.outcome, 'summarized');

    const meta = await postMeta(postId);
    assert.equal(meta.ai_relay_summary, 'A short summary of “Durable webhooks”.');
    assert.equal(meta.ai_relay_summary_hash, result.contentHash);
    const { runId } = await handle.describe();
    assert.equal(meta.ai_relay_summary_run, `${handle.workflowId}/${runId}`);

    const request = llm.requests[before]!;
    assert.equal(llm.requests.length, before + 1);
    assert.equal(request.authorization, 'Bearer sk-test');
    assert.equal(request.response_format?.type, 'json_schema');
    assert.match(request.messages.at(-1)!.content, /Temporal keeps every accepted event\./);

    if (process.env.RECORD_HISTORY === '1') {
      const file = join(__dirname, '../fixtures/enrich-post-history.json');
      writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
    }
  });

  it('retries a 429 after its Retry-After and writes one summary, the retry visible in history', async () => {
    const postId = await publishPost('Rate limited', 'The model is busy at first.');
    const before = llm.requests.length;
    llm.enqueue({ kind: 'status', status: 429, retryAfter: '1' }, { kind: 'summary', summary: 'Second time lucky.' });
    const handle = await deliver(postId);
    assert.equal((await handle.result()).outcome, 'summarized');
    assert.equal(llm.requests.length, before + 2);
    assert.equal((await postMeta(postId)).ai_relay_summary, 'Second time lucky.');

    const { starts } = await activityStarts(handle, 'summarizePost');
    assert.equal(starts.length, 1, 'Temporal records the last attempt of an activity');
    assert.equal(starts[0]!.attempt, 2);
    assert.match(starts[0]!.lastFailure ?? '', /HTTP 429/);
  });

  it('retries an LLM call that never answers, after the client timeout', async () => {
    const postId = await publishPost('Slow model', 'The first request hangs.');
    llm.enqueue({ kind: 'hang' });
    const handle = await deliver(postId);
    assert.equal((await handle.result()).outcome, 'summarized');
    const { starts } = await activityStarts(handle, 'summarizePost');
    assert.equal(starts[0]!.attempt, 2);
    assert.match(starts[0]!.lastFailure ?? '', /timed out/i);
  });

  it('fails the run at once on the LLM\'s 400, non-retryable, and writes nothing', async () => {
    const postId = await publishPost('Bad request', 'The model refuses the request.');
    const before = llm.requests.length;
    llm.enqueue({ kind: 'status', status: 400, message: 'invalid model' });
    const handle = await deliver(postId);
    const { cause } = await activityFailureOf(handle);
    assert.equal(cause.type, 'LLMRejected');
    assert.equal(cause.nonRetryable, true);
    assert.equal(llm.requests.length, before + 1, 'a 400 is not retried');
    assert.equal((await handle.describe()).status.name, 'FAILED');
    assert.equal((await postMeta(postId)).ai_relay_summary, '');
  });

  it('gives up after three off-schema answers with InvalidLlmOutput', async () => {
    const postId = await publishPost('Chatty model', 'The model answers prose.');
    llm.enqueue(...Array.from({ length: 3 }, () => ({ kind: 'invalid' as const, content: 'Sure! Here is a summary.' })));
    const handle = await deliver(postId);
    const { cause } = await activityFailureOf(handle);
    assert.equal(cause.type, 'InvalidLlmOutput');
    assert.match(cause.message, /attempt 3 of 3/);
  });

  it('runs the same event twice as one LLM call and one write-back, and skips unchanged content under a new key', async () => {
    const postId = await publishPost('Sent twice', 'WordPress fires the hook twice.');
    const before = llm.requests.length;
    const key = `post.published:dup-${postId}`;
    const first = await deliver(postId, key);
    const second = await sendWebhook(relay.url, sampleEvent('post.published', { post_id: postId, idempotency_key: key }));
    assert.equal(second.body.status, 'duplicate');
    assert.equal((await first.result()).outcome, 'summarized');
    assert.equal(llm.requests.length, before + 1);
    assert.equal((await activityStarts(first, 'writeSummary')).scheduled, 1);

    // A new key for the same, unchanged post (say, the plugin re-sent after a restore): the hash matches.
    const again = await deliver(postId);
    assert.equal((await again.result()).outcome, 'unchanged');
    assert.equal(llm.requests.length, before + 1);

    // Once the content changes, a new event summarises again.
    const update = await wp.rest(`/wp/v2/posts/${postId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'WordPress fires the hook twice; we run once.' }),
    });
    assert.equal(update.status, 200);
    const changed = await deliver(postId);
    assert.equal((await changed.result()).outcome, 'summarized');
    assert.equal(llm.requests.length, before + 2);
  });
});
