import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultPayloadConverter, WorkflowIdReusePolicy } from '@temporalio/common';
import { classifyFailure, HttpStatusError } from '../../../activities/failures';
import {
  batchProgressQuery,
  cancelBatchSignal,
  pauseBatchSignal,
  resumeBatchSignal,
  type AutomationSettings,
  type BacklogPage,
  type BacklogPost,
  type BatchProgress,
} from '../../../contract/batch';
import { batchRequestedSchema } from '../../../contract/events';
import type { PostForSummary } from '../../../contract/post-summary';
import { batchWorkflowId, contentRunId } from '../../../contract/workflow-ids';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import type { batchEnrich, scheduledBatch } from '../../../workflows';
import { childrenStartedBetween, mostChildrenInFlight, parentEventsByRun } from '../../support/child-history';
import { queryUntil, startWorkflowTestbed, type MockActivities, type WorkflowTestbed } from '../../support/workflow-testbed';

/**
 * The site a test's batch pages through: its backlog (pages of posts needing a summary) and what the children
 * summarised. Keys are the test's own, so no two tests' children share a workflow ID.
 */
function fakeSite(pages: readonly (readonly [ids: readonly number[], scanned: number])[], settings: Partial<AutomationSettings>) {
  const run = randomUUID();
  const hashOf = (id: number) => createHash('sha256').update(`${run} post ${id}`).digest('hex');
  const summarised: number[] = [];
  const post = (id: number, stale = false): BacklogPost => ({ id, hash: hashOf(id), summarised: stale, publish_key: `publish-${run}-${id}` });
  const total = pages.reduce((sum, [, scanned]) => sum + scanned, 0);
  const activities = {
    readAutomationSettings: async () => ({ batchConcurrency: 2, batchChildrenPerRun: 100, editQuietMs: 60_000, ...settings }),
    listSummaryBacklog: async ({ after }: { after: number }): Promise<BacklogPage> => {
      const index = after === 0 ? 0 : pages.findIndex(([ids]) => ids[0]! > after);
      const [ids, scanned] = pages[index]!;
      // Post 3 has a summary of older content; the others have none.
      return { posts: ids.map((id) => post(id, id === 3)), scanned, total, next_cursor: index === pages.length - 1 ? null : ids.at(-1)! };
    },
    fetchPost: async (id: number): Promise<PostForSummary> => ({
      id,
      status: 'publish',
      title: `Post ${id}`,
      content: `Body ${id}`,
      contentHash: hashOf(id),
      summaryHash: null,
    }),
    summarizePost: async ({ title }: { title: string }) => ({ summary: `About ${title}` }),
    writeSummary: async ({ postId }: { postId: number }) => void summarised.push(postId),
  } satisfies MockActivities;
  return { activities, summarised, hashOf, publishKey: (id: number) => post(id).publish_key };
}

describe('batchEnrich, with stand-in activities on the time-skipping test server', () => {
  let testbed: WorkflowTestbed;
  before(async () => (testbed = await startWorkflowTestbed()));
  after(() => testbed?.teardown());

  function startBatch(taskQueue: string, workflowId = `batch-${randomUUID()}`, suggest?: ['summary'] | ['summary', 'description']) {
    return testbed.client.workflow.start<typeof batchEnrich>('batchEnrich', {
      taskQueue,
      workflowId,
      args: [{ site: 'https://example.org/', limit: 4, ...(suggest ? { suggest } : {}) }],
    });
  }

  it('pages through and summarises on the site that asked for the batch, as configured for it (WP_SITES)', async () => {
    const site = fakeSite([[[1, 2], 2]], {});
    const seen: (string | undefined)[][] = [];
    await testbed.withWorker(
      {
        ...site.activities,
        listSummaryBacklog: async (input) => (seen.push(['list', input.site]), site.activities.listSummaryBacklog(input)),
        fetchPost: async (id, _restBase, from) => (seen.push(['fetch', from]), site.activities.fetchPost(id)),
        writeSummary: async (input) => (seen.push(['write', input.site]), site.activities.writeSummary(input)),
      },
      async (taskQueue) => (await startBatch(taskQueue)).result(),
    );
    const asked = 'https://example.org/';
    assert.deepEqual(new Set(seen.map(([, from]) => from)), new Set([asked]));
    assert.deepEqual(seen.map(([what]) => what).sort(), ['fetch', 'fetch', 'list', 'write', 'write']);
  });

  it("hands the site's review choice to every summary child, across continue-as-new", async () => {
    const site = fakeSite([[[1, 2, 3, 4], 4], [[5, 6], 2]], { batchConcurrency: 2, batchChildrenPerRun: 3 });
    const suggested: (readonly string[] | undefined)[] = [];
    const activities = { ...site.activities, writeSummary: async ({ suggest }: { suggest?: readonly string[] }) => void suggested.push(suggest) };
    const result = await testbed.withWorker(activities, async (taskQueue) => (await startBatch(taskQueue, undefined, ['summary', 'description'])).result());
    assert.equal(result.runs, 1, 'it continued as new once');
    assert.equal(suggested.length, 6);
    assert.deepEqual(new Set(suggested.map((s) => JSON.stringify(s))), new Set([JSON.stringify(['summary', 'description'])]));
  });

  it('summarises every post of every page, never more than batchConcurrency at once, continuing as new every batchChildrenPerRun', async () => {
    const site = fakeSite([[[1, 2, 3, 4], 5], [[5, 6, 7], 3]], { batchConcurrency: 2, batchChildrenPerRun: 3 });
    const { handle, result } = await testbed.withWorker(site.activities, async (taskQueue) => {
      const handle = await startBatch(taskQueue);
      return { handle, result: await handle.result() };
    });
    assert.deepEqual(result, { total: 8, scanned: 8, done: 7, skipped: 1, failed: 0, status: 'completed', inFlight: 0, remaining: 0, runs: 2 });
    assert.deepEqual(site.summarised.sort(), [1, 2, 3, 4, 5, 6, 7]);

    const runs = await parentEventsByRun(testbed.client, handle.workflowId, handle.firstExecutionRunId);
    assert.deepEqual(
      runs.map((run) => run.filter((e) => e.kind === 'child-started').length),
      [3, 3, 1],
      'three runs: 3 children, continue-as-new, 3 more, continue-as-new, the last one',
    );
    assert.deepEqual(runs.map((run) => run.at(-1)?.kind === 'continued-as-new'), [true, true, false]);
    assert.deepEqual(runs.map(mostChildrenInFlight), [2, 2, 1], 'the window of 2 is filled and never exceeded');
    const children = runs.flat().flatMap((e) => (e.kind === 'child-started' ? [e.workflowId] : []));
    assert.deepEqual(
      children,
      [1, 2, 3, 4, 5, 6, 7].map((id) => (id === 3 ? contentRunId('https://example.org/', 3, site.hashOf(3)) : site.publishKey(id))),
      "a post without a summary under its publish event's key, a stale one under the key of its new content",
    );
  });

  it('pause stops starting children and answers its progress; resume carries on from where it stood', async () => {
    const workflowId = `batch-${randomUUID()}`;
    const site = fakeSite([[[1, 2, 3, 4], 4]], { batchConcurrency: 1 });
    const { handle, result } = await testbed.withWorker(
      {
        ...site.activities,
        // The moment is the event: post 2's summary is being written when the pause arrives.
        writeSummary: async (input) => {
          if (input.postId === 2) await testbed.client.workflow.getHandle(workflowId).signal(pauseBatchSignal);
          await site.activities.writeSummary(input);
        },
      },
      async (taskQueue) => {
        const handle = await startBatch(taskQueue, workflowId);
        const paused = await queryUntil(handle, batchProgressQuery, (p) => p.status === 'paused' && p.done === 2 && p.inFlight === 0);
        assert.deepEqual(paused, { total: 4, scanned: 4, done: 2, skipped: 0, failed: 0, status: 'paused', inFlight: 0, remaining: 2, runs: 0 });
        await handle.signal(resumeBatchSignal);
        return { handle, result: await handle.result() };
      },
    );
    assert.equal(result.status, 'completed');
    assert.equal(result.done, 4);
    assert.deepEqual(site.summarised, [1, 2, 3, 4]);
    const [run] = await parentEventsByRun(testbed.client, workflowId, handle.firstExecutionRunId);
    assert.deepEqual(childrenStartedBetween(run!, 'pause', 'resume'), [], 'nothing started while paused');
    assert.equal(childrenStartedBetween(run!, 'resume').length, 2);
  });

  it('cancel starts nothing new, lets the child in flight finish, and ends cancelled with what was left', async () => {
    const workflowId = `batch-${randomUUID()}`;
    const site = fakeSite([[[1, 2, 3, 4], 4]], { batchConcurrency: 1 });
    const result = await testbed.withWorker(
      {
        ...site.activities,
        writeSummary: async (input) => {
          if (input.postId === 2) await testbed.client.workflow.getHandle(workflowId).signal(cancelBatchSignal);
          await site.activities.writeSummary(input);
        },
      },
      async (taskQueue) => (await startBatch(taskQueue, workflowId)).result(),
    );
    assert.deepEqual(result, { total: 4, scanned: 4, done: 2, skipped: 0, failed: 0, status: 'cancelled', inFlight: 0, remaining: 2, runs: 0 });
    assert.deepEqual(site.summarised, [1, 2], 'the child in flight when the cancel came still wrote its summary');
  });

  it('counts a child that failed (its own run stays Failed, for a reset) and goes on with the rest', async () => {
    const site = fakeSite([[[1, 2, 3], 3]], { batchConcurrency: 1 });
    const result = await testbed.withWorker(
      {
        ...site.activities,
        fetchPost: async (id) => {
          if (id === 2) throw classifyFailure('WordPress', new HttpStatusError('WordPress', 404, null, 'no such post'));
          return site.activities.fetchPost(id);
        },
      },
      async (taskQueue) => (await startBatch(taskQueue)).result(),
    );
    assert.deepEqual([result.done, result.skipped, result.failed, result.status], [2, 0, 1, 'completed']);
    assert.deepEqual(site.summarised, [1, 3]);
  });

  it('still takes the batch.requested event that runs started before it had an input of its own were given, and continues as new with its own', async () => {
    const siteUrl = `https://${randomUUID()}.example/`;
    const site = fakeSite([[[1, 2], 2], [[3], 1]], { batchConcurrency: 1, batchChildrenPerRun: 2 });
    const pages: number[] = [];
    const event = batchRequestedSchema.parse(sampleEvent('batch.requested', { site: siteUrl, limit: 2 }));
    const { handle, result } = await testbed.withWorker(
      { ...site.activities, listSummaryBacklog: async (input) => (pages.push(input.perPage), site.activities.listSummaryBacklog(input)) },
      async (taskQueue) => {
        const handle = await testbed.client.workflow.start<typeof batchEnrich>('batchEnrich', { taskQueue, workflowId: `batch-${randomUUID()}`, args: [event] });
        return { handle, result: await handle.result() };
      },
    );
    assert.deepEqual([result.done, result.runs, result.status], [3, 1, 'completed']);
    assert.deepEqual(pages, [2, 2], "pages of the event's limit, before and after continue-as-new");
    const children = (await parentEventsByRun(testbed.client, handle.workflowId, handle.firstExecutionRunId)).flat();
    assert.ok(
      children.some((e) => e.kind === 'child-started' && e.workflowId === contentRunId(siteUrl, 3, site.hashOf(3))),
      "the stale post's child is keyed by the event's site",
    );
    const first = await testbed.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
    const continued = first.events?.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)?.workflowExecutionContinuedAsNewEventAttributes;
    const [carriedInput] = continued?.input?.payloads ?? [];
    assert.deepEqual(carriedInput && defaultPayloadConverter.fromPayload(carriedInput), { site: siteUrl, limit: 2 }, 'the next run gets the input of its own');
  });

  describe('scheduledBatch', () => {
    function startScheduled(taskQueue: string, site: string) {
      return testbed.client.workflow.start<typeof scheduledBatch>('scheduledBatch', {
        taskQueue,
        workflowId: `scheduled-${randomUUID()}`,
        args: [{ site, limit: 10 }],
      });
    }

    it("requests the site's batch under the site's one batch ID", async () => {
      const siteUrl = `https://${randomUUID()}.example/`;
      const site = fakeSite([[[1], 1]], {});
      const batch = await testbed.withWorker(site.activities, async (taskQueue) => {
        assert.equal(await (await startScheduled(taskQueue, siteUrl)).result(), 'started');
        return testbed.client.workflow.getHandle(batchWorkflowId(siteUrl)).result();
      });
      assert.equal((batch as BatchProgress).done, 1);
    });

    it('ends duplicate while a batch of that site is running, and leaves that batch alone', async () => {
      const siteUrl = `https://${randomUUID()}.example/`;
      const site = fakeSite([[[1], 1]], {});
      await testbed.withWorker(site.activities, async (taskQueue) => {
        // Started paused, so it is still running whatever the machine's speed.
        const running = await testbed.client.workflow.signalWithStart<typeof batchEnrich, []>('batchEnrich', {
          taskQueue,
          workflowId: batchWorkflowId(siteUrl),
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          args: [{ site: siteUrl, limit: 50 }],
          signal: pauseBatchSignal,
        });
        assert.equal(await (await startScheduled(taskQueue, siteUrl)).result(), 'duplicate');
        await running.signal(cancelBatchSignal);
        assert.equal((await running.result()).status, 'cancelled', 'the batch that was running ran on, until cancelled');
      });
      assert.deepEqual(site.summarised, []);
    });
  });
});
