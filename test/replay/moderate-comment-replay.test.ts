import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from '../support/workflow-bundle';

/**
 * A real moderateComment history (a spam comment: fetch, classify, apply), recorded once from the end-to-end test
 * (`RECORD_HISTORY=1 ... --test-name-pattern="REST API ends spam" test/e2e/comment-moderation.test.ts`) and
 * committed, replayed against today's workflow code: a change that breaks determinism for runs in flight fails here.
 */
describe('moderateComment replay', () => {
  it('replays the recorded history without a determinism error', async () => {
    const json: unknown = JSON.parse(readFileSync(join(__dirname, '../fixtures/moderate-comment-event-input-history.json'), 'utf8'));
    const history = historyFromJSON(json);
    const activities = (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(activities, ['fetchComment', 'classifyComment', 'applyCommentVerdict'], 'the fixture holds a full run');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'recorded-moderate-comment');
  });
});
