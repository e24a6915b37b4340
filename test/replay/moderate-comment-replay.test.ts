import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { moderateCommentInputSchema } from '../../contract/comment-moderation';
import { commentCreatedSchema } from '../../contract/events';
import { recordedDataConverter, recordedHistory, recordedInput, scheduledActivities } from '../support/recorded-history';
import { workflowBundle } from '../support/workflow-bundle';

/**
 * Real moderateComment histories (a spam comment: fetch, classify, apply), recorded from the end-to-end test
 * (`RECORD_HISTORY=1 ... --test-name-pattern="REST API ends spam" test/e2e/comment-moderation.test.ts` writes
 * moderate-comment-history.json) and committed, replayed against today's workflow code: a change that breaks
 * determinism for runs in flight fails here. One run was started with the comment.created event itself, before
 * the workflow had an input of its own; both must replay.
 */
describe('moderateComment replay', () => {
  for (const [shape, file, schema] of [
    ['the comment.created event', 'moderate-comment-event-input-history.json', commentCreatedSchema],
    ['its own input', 'moderate-comment-history.json', moderateCommentInputSchema.strict()],
  ] as const) {
    it(`replays a run started with ${shape} without a determinism error`, async () => {
      const history = recordedHistory(file);
      assert.ok(schema.safeParse(await recordedInput(history)).success, `the fixture's run was started with ${shape}`);
      const activities = scheduledActivities(history);
      assert.deepEqual(activities.slice(0, 1).concat(activities.slice(-1)), ['fetchComment', 'applyCommentVerdict'], 'the fixture holds a full run');
      assert.ok(activities.includes('classifyComment'));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: recordedDataConverter }, history, `recorded-${file}`);
    });
  }
});
