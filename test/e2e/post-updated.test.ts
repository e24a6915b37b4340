import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { postUpdatedSchema } from '../../contract/events';
import type { debouncePostUpdates } from '../../workflows';
import type { DebounceStatus } from '../../contract/post-updates';
import { debounceStatusQuery } from '../../contract/post-updates';
import type { LlmStub } from '../../tools/llm-stub';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { sendWebhook } from '../support/webhook';
import { readOutbox, type WordPress } from '../../tools/wordpress';
import { summarisedTitles } from '../support/archive';

const QUIET_SECONDS = 3;

/**
 * Edits of a published post, from the plugin (real WordPress, real hooks, the outbox) through the receiver's
 * update-with-start into the post's debounce run and one enrichPost child, against the stand-in LLM.
 */
describe('post.updated, debounced per post', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;

  before(async () => {
    stack = await startStack({
      relayEnv: { EDIT_QUIET_SECONDS: String(QUIET_SECONDS) },
      wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } },
    });
    ({ wp, llm, relay } = stack);
    await wp.setOptions({ ai_relay_endpoint: `${relay.url}/webhooks/wp`, ai_relay_allow_private: true, ai_relay_events: ['post.updated'] });
  });
  after(() => stack?.stop());

  async function save(postId: number, fields: Record<string, unknown>): Promise<void> {
    const response = await wp.rest(`/wp/v2/posts/${postId}`, { method: 'POST', body: JSON.stringify(fields) });
    assert.equal(response.status, 200, await response.clone().text());
  }

  async function settled(workflowId: string, summaries: number): Promise<DebounceStatus> {
    const handle = relay.client.workflow.getHandle<typeof debouncePostUpdates>(workflowId);
    for (;;) {
      const status = await handle.query(debounceStatusQuery);
      if (status.summaries >= summaries && !status.pending && status.lastOutcome !== null) return status;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('ten rapid edits cost one LLM call, of the last content; a re-sent edit is a duplicate; the write-back sends nothing', async () => {
    const created = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Draft 0', content: 'First words.', status: 'publish' }),
    });
    const postId = ((await created.json()) as { id: number }).id;
    assert.equal((await readOutbox(wp)).length, 0, 'a publication is not an edit');

    const from = llm.requests.length;
    for (let i = 1; i <= 10; i++) await save(postId, { title: `Edit ${i}`, content: `Words of edit ${i}.` });
    const rows = await readOutbox(wp);
    assert.deepEqual(rows.map((r) => [r.event, r.status, r.last_http_status]), Array(10).fill(['post.updated', 'delivered', 202]));
    assert.equal(new Set(rows.map((r) => r.idempotency_key)).size, 10);

    const first = postUpdatedSchema.parse(JSON.parse(rows[0]!.body));
    const workflowId = `post-updates:${postId}@${first.site}`;
    const status = await settled(workflowId, 1);
    assert.deepEqual([status.edits, status.summaries, status.lastOutcome], [10, 1, 'summarized']);
    assert.deepEqual(summarisedTitles(llm.requests, from), ['Edit 10'], 'one LLM call, for the last content');
    const post = (await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, string> };
    assert.equal(post.meta.ai_relay_summary, 'A short summary of “Edit 10”.');

    // The plugin re-sends an event with its key (a retry whose 202 was lost): the run has seen it.
    const resent = await sendWebhook(relay.url, JSON.parse(rows[3]!.body) as Record<string, unknown>);
    assert.deepEqual([resent.status, resent.body.status], [202, 'duplicate']);
    assert.equal((await readOutbox(wp)).length, 10, "the relay's own write-back is not an edit");

    // Back and forth to the summarised content: the first save is an edit, the second matches the summary.
    await save(postId, { content: 'Something else.' });
    await save(postId, { content: 'Words of edit 10.' });
    assert.equal((await readOutbox(wp)).length, 11, 'content equal to the stored summary’s is not sent');
    const after = await settled(workflowId, 1);
    assert.deepEqual([after.edits, after.lastOutcome], [11, 'unchanged']);
    assert.equal(llm.requests.length, from + 1, 'reverting to the summarised content costs nothing');

    if (process.env.RECORD_HISTORY === '1') {
      const file = join(__dirname, '../fixtures/debounce-post-updates-history.json');
      writeFileSync(file, `${historyToJSON(await relay.client.workflow.getHandle(workflowId).fetchHistory())}\n`);
    }
  });
});
