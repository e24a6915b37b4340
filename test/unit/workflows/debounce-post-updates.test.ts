import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PostForSummary, WriteSummaryInput } from '../../../contract/post-summary';
import { postUpdatedSchema } from '../../../contract/events';
import { debounceStatusQuery, postUpdatedUpdate, type PostEdit } from '../../../contract/post-updates';
import { contentRunId } from '../../../contract/workflow-ids';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import type { debouncePostUpdates } from '../../../workflows';
import { queryUntil, startWorkflowTestbed, type WorkflowTestbed } from '../../support/workflow-testbed';

const HOUR_MS = 3_600_000;

/** A post whose content the test edits; what the LLM was asked to summarise and what was written back. */
function fakePost() {
  const key = randomUUID();
  let content = 'v1';
  let summaryHash: string | null = null;
  const asked: string[] = [];
  const written: WriteSummaryInput[] = [];
  const activities = {
    // A quiet period of an hour: real seconds between two edits never end it, only the test's skips do.
    readAutomationSettings: async () => ({ batchConcurrency: 1, batchChildrenPerRun: 10, editQuietMs: HOUR_MS }),
    fetchPost: async (id: number): Promise<PostForSummary> => ({
      id,
      status: 'publish',
      title: 'Edited',
      content,
      contentHash: `${key}-${content}`,
      summaryHash,
    }),
    summarizePost: async (input: { content: string }) => (asked.push(input.content), { summary: `About ${input.content}` }),
    writeSummary: async (input: WriteSummaryInput) => {
      written.push(input);
      summaryHash = input.contentHash; // stored beside the summary, as WordPress does
    },
  };
  return { activities, asked, written, edit: (next: string) => (content = next), hashOf: (c: string) => `${key}-${c}` };
}

describe('debouncePostUpdates, with stand-in activities on the time-skipping test server', () => {
  let testbed: WorkflowTestbed;
  before(async () => (testbed = await startWorkflowTestbed()));
  after(() => testbed?.teardown());

  it('summarises a burst of edits once, the latest content, after the quiet period; a re-sent edit is a duplicate', async () => {
    const post = fakePost();
    const site = 'https://example.org/';
    const edits = [1, 2, 3].map((): PostEdit => ({ eventKey: `post.updated:${randomUUID()}` }));
    const status = await testbed.withWorker(post.activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof debouncePostUpdates>('debouncePostUpdates', {
        taskQueue,
        workflowId: `post.updated:${randomUUID()}`,
        args: [{ site, postId: 9 }],
      });
      // Each edit comes half a quiet period after the one before, so none lets the period end.
      for (const [i, edit] of edits.entries()) {
        if (i > 0) await testbed.env.sleep(HOUR_MS / 2);
        post.edit(`v${i + 1}`);
        assert.equal(await handle.executeUpdate(postUpdatedUpdate, { args: [edit] }), 'accepted');
      }
      assert.equal(await handle.executeUpdate(postUpdatedUpdate, { args: [edits[2]!] }), 'duplicate');
      assert.deepEqual(await handle.query(debounceStatusQuery), { pending: true, edits: 3, summaries: 0, lastOutcome: null });
      assert.deepEqual(post.asked, [], 'nothing summarised inside the quiet period');
      // The run ends a day after the last edit; time skips to the summary, then to that end.
      return handle.result();
    });
    assert.deepEqual(status, { pending: false, edits: 3, summaries: 1, lastOutcome: 'summarized' });
    assert.deepEqual(post.asked, ['v3'], 'one LLM call, for the latest content');
    assert.equal(post.written.length, 1);
    assert.ok(
      post.written[0]!.run.startsWith(`${contentRunId(site, 9, post.hashOf('v3'))}/`),
      `written by the enrichPost child keyed by that content, not ${post.written[0]!.run}`,
    );
  });

  it("hands the child the latest edit's review choice: the site may change its setting between edits", async () => {
    const post = fakePost();
    const first: PostEdit = { eventKey: `post.updated:${randomUUID()}` };
    const later: PostEdit = { eventKey: `post.updated:${randomUUID()}`, suggest: ['summary', 'description'] };
    await testbed.withWorker(post.activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof debouncePostUpdates>('debouncePostUpdates', {
        taskQueue,
        workflowId: `post.updated:${randomUUID()}`,
        args: [{ site: 'https://example.org/', postId: 9 }],
      });
      assert.equal(await handle.executeUpdate(postUpdatedUpdate, { args: [first] }), 'accepted');
      post.edit('v2');
      assert.equal(await handle.executeUpdate(postUpdatedUpdate, { args: [later] }), 'accepted');
      return handle.result();
    });
    assert.deepEqual(post.written.map((w) => w.suggest), [['summary', 'description']]);
  });

  it('summarises again for an edit after the last summary, and ends unchanged for content already summarised', async () => {
    const post = fakePost();
    const edit = (): PostEdit => ({ eventKey: `post.updated:${randomUUID()}` });
    const status = await testbed.withWorker(post.activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof debouncePostUpdates>('debouncePostUpdates', {
        taskQueue,
        workflowId: `post.updated:${randomUUID()}`,
        args: [{ site: 'https://example.org/', postId: 9 }],
      });
      await handle.executeUpdate(postUpdatedUpdate, { args: [edit()] });
      await testbed.env.sleep(2 * HOUR_MS);
      await queryUntil(handle, debounceStatusQuery, (s) => s.summaries === 1 && !s.pending);
      post.edit('v2');
      await handle.executeUpdate(postUpdatedUpdate, { args: [edit()] });
      await testbed.env.sleep(2 * HOUR_MS);
      await queryUntil(handle, debounceStatusQuery, (s) => s.summaries === 2 && !s.pending);
      // A save that changed nothing.
      await handle.executeUpdate(postUpdatedUpdate, { args: [edit()] });
      return handle.result();
    });
    assert.deepEqual(post.asked, ['v1', 'v2']);
    assert.deepEqual(status, { pending: false, edits: 3, summaries: 2, lastOutcome: 'unchanged' });
  });

  it('still takes the post.updated events that runs started before it had an input of its own were given, as input and as edits', async () => {
    const post = fakePost();
    const site = `https://${randomUUID()}.example/`;
    const event = () => postUpdatedSchema.parse(sampleEvent('post.updated', { post_id: 9, site }));
    const [first, second] = [event(), event()];
    const status = await testbed.withWorker(post.activities, async (taskQueue) => {
      const handle = await testbed.client.workflow.start<typeof debouncePostUpdates>('debouncePostUpdates', {
        taskQueue,
        workflowId: `post.updated:${randomUUID()}`,
        args: [first],
      });
      // The update by name, with the event as its argument: what the receiver sent before edits had a shape of their own.
      assert.equal(await handle.executeUpdate<string, [typeof first]>(postUpdatedUpdate.name, { args: [first] }), 'accepted');
      assert.equal(await handle.executeUpdate(postUpdatedUpdate, { args: [{ eventKey: second.idempotency_key }] }), 'accepted');
      assert.equal(await handle.executeUpdate<string, [typeof second]>(postUpdatedUpdate.name, { args: [second] }), 'duplicate', 'both shapes name one key');
      return handle.result();
    });
    assert.deepEqual(status, { pending: false, edits: 2, summaries: 1, lastOutcome: 'summarized' });
    assert.ok(post.written[0]!.run.startsWith(`${contentRunId(site, 9, post.hashOf('v1'))}/`), "the child is keyed by the event's site and post");
  });
});
