import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import { RetryState } from '@temporalio/common';
import { classifyFailure, HttpStatusError } from '../../../activities/failures';
import { GIVE_UP_AFTER_MEMO } from '../../../contract/activity-options';
import type { PostForSummary, WriteSummaryInput } from '../../../contract/post-summary';
import type { enrichPost } from '../../../workflows';
import { activityRecords } from '../../support/activity-history';
import { activityFailureOf } from '../../support/run-failure';
import { startWorkflowTestbed, type MockActivities, type WorkflowTestbed } from '../../support/workflow-testbed';

const HOUR_MS = 3_600_000;

function publishedPost(overrides: Partial<PostForSummary> = {}): PostForSummary {
  return { id: 7, status: 'publish', title: 'A title', content: 'The body.', contentHash: 'hash-new', summaryHash: null, ...overrides };
}

const llmDown = () => classifyFailure('LLM', new HttpStatusError('LLM', 503, null, 'overloaded'));

describe('enrichPost, with stand-in activities on the time-skipping test server', () => {
  let testbed: WorkflowTestbed;
  before(async () => (testbed = await startWorkflowTestbed()));
  after(() => testbed?.teardown());

  function start(taskQueue: string, memo?: Record<string, unknown>, input: Parameters<typeof enrichPost>[0] = { postId: 7 }) {
    return testbed.client.workflow.start<typeof enrichPost>('enrichPost', {
      taskQueue,
      workflowId: `post.published:${randomUUID()}`,
      args: [input],
      ...(memo ? { memo } : {}),
    });
  }

  it('summarises the post as it is now and writes the summary back once, naming the run that made it', async () => {
    const writes: WriteSummaryInput[] = [];
    const activities: MockActivities = {
      fetchPost: async () => publishedPost(),
      summarizePost: async ({ title, content }) => ({ summary: `Summary of ${title}: ${content}` }),
      writeSummary: async (input) => void writes.push(input),
    };
    const { handle, result } = await testbed.withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue);
      return { handle, result: await handle.result() };
    });
    assert.deepEqual(result, { outcome: 'summarized', postId: 7, summary: 'Summary of A title: The body.', contentHash: 'hash-new' });
    assert.deepEqual(writes, [
      { postId: 7, summary: 'Summary of A title: The body.', contentHash: 'hash-new', run: `${handle.workflowId}/${handle.firstExecutionRunId}` },
    ]);
  });

  it('reads and writes the post on the site its event came from, so a network\'s sites keep their own summaries', async () => {
    const fetched: unknown[][] = [];
    const writes: WriteSummaryInput[] = [];
    const site = 'https://example.com/second/';
    await testbed.withWorker(
      {
        fetchPost: async (...args) => (fetched.push(args), publishedPost()),
        summarizePost: async () => ({ summary: 'Short.' }),
        writeSummary: async (input) => void writes.push(input),
      },
      async (taskQueue) =>
        (
          await testbed.client.workflow.start<typeof enrichPost>('enrichPost', { taskQueue, workflowId: `post.published:${randomUUID()}`, args: [{ postId: 7, site }] })
        ).result(),
    );
    assert.deepEqual(fetched, [[7, undefined, site]]);
    assert.deepEqual(writes.map((w) => [w.postId, w.site]), [[7, site]]);
  });

  it('writes the SEO description from the same answer as the summary, with one LLM call', async () => {
    const writes: WriteSummaryInput[] = [];
    let asked = 0;
    const { handle, result } = await testbed.withWorker(
      {
        fetchPost: async () => publishedPost(),
        summarizePost: async () => ((asked += 1), { summary: 'The summary.', description: 'The description.' }),
        writeSummary: async (input) => void writes.push(input),
      },
      async (taskQueue) => {
        const handle = await start(taskQueue);
        return { handle, result: await handle.result() };
      },
    );
    assert.equal(asked, 1);
    assert.deepEqual(result, { outcome: 'summarized', postId: 7, summary: 'The summary.', description: 'The description.', contentHash: 'hash-new' });
    assert.deepEqual(writes, [
      { postId: 7, summary: 'The summary.', description: 'The description.', contentHash: 'hash-new', run: `${handle.workflowId}/${handle.firstExecutionRunId}` },
    ]);
  });

  it('writes no description for an answer without one (an attempt recorded before descriptions were asked for)', async () => {
    const writes: WriteSummaryInput[] = [];
    const result = await testbed.withWorker(
      { fetchPost: async () => publishedPost(), summarizePost: async () => ({ summary: 'Only a summary.' }), writeSummary: async (input) => void writes.push(input) },
      async (taskQueue) => (await start(taskQueue)).result(),
    );
    assert.equal('description' in result, false);
    assert.equal(writes.length, 1);
    assert.equal('description' in writes[0]!, false);
  });

  it('writes what the site holds for review as suggestions, and its result says which', async () => {
    const writes: WriteSummaryInput[] = [];
    const result = await testbed.withWorker(
      {
        fetchPost: async () => publishedPost(),
        summarizePost: async () => ({ summary: 'The summary.', description: 'The description.' }),
        writeSummary: async (input) => void writes.push(input),
      },
      async (taskQueue) => (await start(taskQueue, undefined, { postId: 7, suggest: ['summary'] })).result(),
    );
    assert.ok(result.outcome === 'summarized');
    assert.deepEqual(result.suggested, ['summary']);
    assert.deepEqual(writes.map((w) => w.suggest), [['summary']]);
  });

  it('asks the LLM nothing when the stored summary was made from this content', async () => {
    let asked = 0;
    const result = await testbed.withWorker(
      {
        fetchPost: async () => publishedPost({ summaryHash: 'hash-new' }),
        summarizePost: async () => ((asked += 1), { summary: 'never' }),
      },
      async (taskQueue) => (await start(taskQueue)).result(),
    );
    assert.deepEqual(result, { outcome: 'unchanged', postId: 7, contentHash: 'hash-new' });
    assert.equal(asked, 0);
  });

  it('ends not_published for a post that was unpublished since the event', async () => {
    const result = await testbed.withWorker({ fetchPost: async () => publishedPost({ status: 'draft' }) }, async (taskQueue) =>
      (await start(taskQueue)).result(),
    );
    assert.deepEqual(result, { outcome: 'not_published', postId: 7, contentHash: 'hash-new' });
  });

  it('retries an LLM outage with backoff until it answers, then writes once; the steps before it are not repeated', async () => {
    const attempts: number[] = [];
    let fetches = 0;
    let writes = 0;
    const result = await testbed.withWorker(
      {
        fetchPost: async () => ((fetches += 1), publishedPost()),
        summarizePost: async () => {
          const { attempt } = Context.current().info;
          attempts.push(attempt);
          if (attempt < 4) throw llmDown();
          return { summary: 'Written after three failures.' };
        },
        writeSummary: async () => void (writes += 1),
      },
      async (taskQueue) => (await start(taskQueue)).result(),
    );
    assert.equal(result.outcome, 'summarized');
    assert.deepEqual(attempts, [1, 2, 3, 4]);
    assert.equal(fetches, 1);
    assert.equal(writes, 1);
  });

  it('gives up at the give-up point the run was started with, failing with a timeout and writing nothing', async () => {
    let writes = 0;
    const { failure, records } = await testbed.withWorker(
      { fetchPost: async () => publishedPost(), summarizePost: async () => Promise.reject(llmDown()), writeSummary: async () => void (writes += 1) },
      async (taskQueue) => {
        const handle = await start(taskQueue, { [GIVE_UP_AFTER_MEMO]: '2h' });
        return { failure: await activityFailureOf(handle), records: await activityRecords(handle) };
      },
    );
    assert.equal(failure.activity.activityType, 'summarizePost');
    assert.equal(failure.activity.retryState, RetryState.TIMEOUT);
    assert.equal(failure.cause.type, 'LLMUnavailable');
    const summarize = records.activities.find((a) => a.type === 'summarizePost')!;
    assert.equal(summarize.scheduleToCloseMs, 2 * HOUR_MS, "the memo's give-up point, not the default day");
    assert.ok(summarize.lastAttempt! > 10, `attempt ${summarize.lastAttempt}: it kept retrying until then`);
    assert.ok(records.lastEventAtMs - records.startedAtMs <= 2 * HOUR_MS, 'it failed by the give-up point');
    assert.equal(writes, 0);
  });

  it('fails at the first non-retryable answer (WordPress 403) and stays failed for a reset', async () => {
    const attempts: number[] = [];
    const failure = await testbed.withWorker(
      {
        fetchPost: async () => publishedPost(),
        summarizePost: async () => ({ summary: 'A summary.' }),
        writeSummary: async () => {
          attempts.push(Context.current().info.attempt);
          throw classifyFailure('WordPress', new HttpStatusError('WordPress', 403, null, 'forbidden'));
        },
      },
      async (taskQueue) => activityFailureOf(await start(taskQueue)),
    );
    assert.equal(failure.activity.activityType, 'writeSummary');
    assert.equal(failure.activity.retryState, RetryState.NON_RETRYABLE_FAILURE);
    assert.equal(failure.cause.type, 'WordPressRejected');
    assert.deepEqual(attempts, [1]);
  });
});
