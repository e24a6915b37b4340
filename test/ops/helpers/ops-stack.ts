import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { EnrichPostResult } from '../../../contract/post-summary';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import { TEST_PAYLOAD_KEYS } from '../../support/relay';
import { startStack, type Stack } from '../../support/stack';
import { sendWebhook } from '../../support/webhook';

/** The whole stack, with what an operator's test does to it: create posts, send events, watch runs end. */
export interface OpsStack extends Stack {
  /** Environment for the CLI and `temporal`/tctl: the relay's own Temporal. */
  readonly cliEnv: Record<string, string>;
  createPost(title: string): Promise<number>;
  /** Sends post.published for a post through the signed webhook; resolves to the workflow ID (the key). */
  publish(postId: number, overrides?: Record<string, unknown>): Promise<string>;
  /** Waits for the run to fail and returns its run ID. */
  expectFailed(workflowId: string): Promise<string>;
  /** Waits for the workflow ID's current run to complete and returns its result and run ID. */
  expectCompleted(workflowId: string): Promise<{ result: EnrichPostResult; runId: string }>;
  storedSummary(postId: number): Promise<string | undefined>;
}

export async function startOpsStack(options: { ui?: boolean } = {}): Promise<OpsStack> {
  const stack = await startStack({ temporal: { ui: options.ui ?? false } });
  const { temporal, wp, relay } = stack;
  return {
    ...stack,
    cliEnv: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: relay.config.temporal.namespace, PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS },
    async createPost(title) {
      const response = await wp.rest('/wp/v2/posts', {
        method: 'POST',
        body: JSON.stringify({ title, content: `<p>${title}: what the summary is made from.</p>`, status: 'publish' }),
      });
      assert.equal(response.status, 201, await response.clone().text());
      return ((await response.json()) as { id: number }).id;
    },
    async publish(postId, overrides = {}) {
      const event = sampleEvent('post.published', { post_id: postId, ...overrides });
      const answer = await sendWebhook(relay.url, event);
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'accepted');
      return String(event.idempotency_key);
    },
    async expectFailed(workflowId) {
      const handle = relay.client.workflow.getHandle(workflowId);
      await assert.rejects(handle.result(), WorkflowFailedError);
      const description = await handle.describe();
      assert.equal(description.status.name, 'FAILED');
      return description.runId;
    },
    async expectCompleted(workflowId) {
      const handle = relay.client.workflow.getHandle(workflowId);
      const result = (await handle.result()) as EnrichPostResult;
      const description = await handle.describe();
      assert.equal(description.status.name, 'COMPLETED');
      return { result, runId: description.runId };
    },
    async storedSummary(postId) {
      const post = (await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta?: Record<string, unknown> };
      const summary = post.meta?.ai_relay_summary;
      return typeof summary === 'string' && summary !== '' ? summary : undefined;
    },
  };
}
