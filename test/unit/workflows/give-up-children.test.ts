import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, RetryState } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../../contract/activities';
import { GIVE_UP_AFTER_MEMO } from '../../../contract/activity-options';
import { batchInputOf } from '../../../contract/batch';
import { batchRequestedSchema, postUpdatedSchema } from '../../../contract/events';
import { postEditOf, postUpdatedUpdate, postUpdatesInputOf } from '../../../contract/post-updates';
import { contentRunId, postUpdatesWorkflowId } from '../../../contract/workflow-ids';
import { dataConverterOf, resolvePayloadCodec } from '../../../src/temporal/data-converter';
import { loadConfig } from '../../../src/config/config';
import { installRuntime } from '../../../src/temporal/runtime';
import { sampleEvent } from '../../../src/webhooks/sample-events';
import type { batchEnrich, debouncePostUpdates } from '../../../workflows';
import { activityRecords } from '../../support/activity-history';
import { TEST_PAYLOAD_KEYS } from '../../support/relay';
import { activityFailureOf } from '../../support/run-failure';
import { startTimeSkipping, type TimeSkipping } from '../../support/time-skipping';
import { workflowBundle } from '../../support/workflow-bundle';

const HOUR_MS = 3_600_000;
/** Far from the 24 h default, so a child that ignored it would fail a day later, not two hours. */
const GIVE_UP_AFTER = '2h';
const CONTENT_HASH = 'c'.repeat(64);

/**
 * ACTIVITY_GIVE_UP_AFTER reaches the runs a batch or a post's edits start, not only the run the receiver starts:
 * the children's WordPress stays down, and each must give up at the parent's setting. Real workflow code on
 * Temporal's time-skipping test server with stand-in activities, so two hours of retries take seconds.
 */
describe('the give-up point of a batch child and a debounced edit', () => {
  let timeSkipping: TimeSkipping;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'give-up-children';
  /** Resolved by a child's first attempt, so the test waits for the child to exist rather than for a while. */
  const childStarted = new Map<number, () => void>();
  const childStartedPromise = (postId: number) => new Promise<void>((resolve) => childStarted.set(postId, resolve));

  const activities: Partial<Activities> = {
    async readAutomationSettings() {
      return { batchConcurrency: 1, batchChildrenPerRun: 10, editQuietMs: 1_000 };
    },
    async listSummaryBacklog() {
      return { posts: [{ id: 41, hash: CONTENT_HASH, summarised: false, publish_key: 'give-up:post:41:publish' }], scanned: 1, next_cursor: null, total: 1 };
    },
    // The parents read the post fine; only the children's WordPress is down, for good.
    async fetchPost(postId) {
      if (Context.current().info.workflowType !== 'enrichPost') {
        return { id: postId, status: 'publish', title: 'T', content: 'C', contentHash: CONTENT_HASH, summaryHash: null };
      }
      childStarted.get(postId)?.();
      throw ApplicationFailure.retryable('WordPress is down', 'WordPressUnavailable');
    },
  };

  before(async () => {
    installRuntime('ERROR');
    const { codec } = resolvePayloadCodec(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS }));
    timeSkipping = await startTimeSkipping(codec);
    env = timeSkipping.env;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
      dataConverter: dataConverterOf(codec),
    });
    running = worker.run();
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await timeSkipping?.stop();
  });

  /** The child failed because its fetchPost retries gave up, at the parent's setting and not the default. */
  async function assertGaveUpAtSetting(childId: string): Promise<void> {
    const child = env.client.workflow.getHandle(childId);
    const { activity, cause } = await activityFailureOf(child);
    assert.equal(activity.activityType, 'fetchPost');
    assert.equal(activity.retryState, RetryState.TIMEOUT, 'retries stopped at the schedule-to-close timeout');
    assert.equal(cause.type, 'WordPressUnavailable');
    const { startedAtMs, lastEventAtMs, activities: records } = await activityRecords(child);
    assert.equal(records.find((a) => a.type === 'fetchPost')?.scheduleToCloseMs, 2 * HOUR_MS);
    // It failed once the next retry would pass the give-up point: within one capped backoff (5 min) of it.
    const elapsed = lastEventAtMs - startedAtMs;
    assert.ok(elapsed <= 2 * HOUR_MS && elapsed >= 2 * HOUR_MS - 5 * 60_000, `failed after ${elapsed} ms of server time`);
  }

  it("a batch's child gives up at the batch's ACTIVITY_GIVE_UP_AFTER", async () => {
    const event = batchRequestedSchema.parse(sampleEvent('batch.requested', { limit: 10 }));
    const batch = await env.client.workflow.start<typeof batchEnrich>('batchEnrich', {
      taskQueue,
      workflowId: `batch-give-up-${event.idempotency_key}`,
      args: [batchInputOf(event)],
      memo: { [GIVE_UP_AFTER_MEMO]: GIVE_UP_AFTER },
    });
    const progress = await batch.result();
    assert.equal(progress.failed, 1, JSON.stringify(progress));
    await assertGaveUpAtSetting('give-up:post:41:publish');
    const { activities: own } = await activityRecords(batch);
    assert.ok(own.length > 0 && own.every((a) => a.scheduleToCloseMs === 2 * HOUR_MS), 'the batch’s own activities too');
  });

  it("a debounced edit's summary gives up at the edit run's ACTIVITY_GIVE_UP_AFTER", async () => {
    const edit = postUpdatedSchema.parse(sampleEvent('post.updated', { post_id: 42 }));
    const started = childStartedPromise(42);
    const debounce = await env.client.workflow.start<typeof debouncePostUpdates>('debouncePostUpdates', {
      taskQueue,
      workflowId: postUpdatesWorkflowId(edit.site, edit.post_id),
      args: [postUpdatesInputOf(edit)],
      memo: { [GIVE_UP_AFTER_MEMO]: GIVE_UP_AFTER },
    });
    assert.equal(await debounce.executeUpdate(postUpdatedUpdate, { args: [postEditOf(edit)] }), 'accepted');
    await started;
    await assertGaveUpAtSetting(contentRunId(edit.site, 42, CONTENT_HASH));
    await debounce.terminate('test over');
  });
});
