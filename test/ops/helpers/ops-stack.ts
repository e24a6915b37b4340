import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { EnrichPostResult } from '../../../workflows';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import { startLlmStub, type LlmStub } from '../../support/llm-stub';
import { startRelay, type Relay } from '../../support/relay';
import { startTestTemporal, type TestTemporal } from '../../support/temporal';
import { sendWebhook } from '../../support/webhook';
import { startWordPress, type WordPress } from '../../support/wordpress';

/**
 * Everything a run of enrichPost touches, all real: Temporal dev server, WordPress (with the plugin, which
 * registers the summary meta), the stand-in LLM, and the relay (receiver + worker) wired to them.
 */
export interface OpsStack {
  readonly temporal: TestTemporal;
  readonly wp: WordPress;
  readonly llm: LlmStub;
  readonly relay: Relay;
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
  stop(): Promise<void>;
}

export async function startOpsStack(options: { ui?: boolean } = {}): Promise<OpsStack> {
  const [temporal, wp, llm] = await Promise.all([startTestTemporal({ ui: options.ui ?? false }), startWordPress(), startLlmStub()]);
  const relay = await startRelay({
    temporal,
    env: { OPENAI_BASE_URL: llm.baseURL, WP_BASE_URL: wp.baseUrl, WP_USERNAME: wp.adminUser, WP_APP_PASSWORD: wp.appPassword },
  });
  return {
    temporal,
    wp,
    llm,
    relay,
    cliEnv: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: relay.config.temporal.namespace },
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
    async stop() {
      await relay.stop();
      await Promise.all([llm.close(), wp.stop(), temporal.stop()]);
    },
  };
}
