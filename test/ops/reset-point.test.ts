import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { findResetPoint, NoResetPointError } from '../../src/cli/reset-point';
import { ROOT } from './helpers/cli';

const EventType = temporal.api.enums.v1.EventType;
/** A real enrichPost history: fetchPost (scheduled by task 4), summarizePost (by 10), writeSummary (by 16). */
const completed = historyFromJSON(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/enrich-post-history.json'), 'utf8'))).events ?? [];
const id = (e: temporal.api.history.v1.IHistoryEvent) => Number(e.eventId);

/** The same history as if summarizePost had failed for good: its completion becomes a failure, and it ends there. */
function failedAtSummarize(): temporal.api.history.v1.IHistoryEvent[] {
  const scheduled = completed.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'summarizePost')!;
  const done = completed.find((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id(scheduled))!;
  return [
    ...completed.filter((e) => id(e) < id(done)),
    temporal.api.history.v1.HistoryEvent.fromObject({
      eventId: id(done),
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
      activityTaskFailedEventAttributes: { scheduledEventId: id(scheduled), failure: { message: 'LLM answered HTTP 400' } },
    }),
  ];
}

test('auto picks the workflow task that scheduled the activity that failed, not the last one', () => {
  const events = failedAtSummarize();
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'summarizePost')!;
  const point = findResetPoint(events, 'auto');
  assert.equal(point.eventId, Number(scheduled.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId));
  assert.equal(events.find((e) => id(e) === point.eventId)?.eventType, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  assert.ok(point.eventId < id(scheduled));
  assert.match(point.explanation, /the workflow task that scheduled summarizePost/);
});

test('without a failed activity, auto falls back to the first workflow task and says so', () => {
  const point = findResetPoint(completed, 'auto');
  const first = completed.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)!;
  assert.equal(point.eventId, id(first));
  assert.match(point.explanation, /^FirstWorkflowTask .*no failed activity/);
});

test('first, last and a given event ID are taken as asked; an event that is no completed workflow task is refused', () => {
  const tasks = completed.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map(id);
  assert.equal(findResetPoint(completed, 'first').eventId, tasks[0]);
  assert.equal(findResetPoint(completed, 'last').eventId, tasks.at(-1));
  assert.equal(findResetPoint(completed, { eventId: tasks[1]! }).eventId, tasks[1]);
  assert.throws(() => findResetPoint(completed, { eventId: 5 }), NoResetPointError);
  assert.throws(() => findResetPoint(completed.slice(0, 3), 'auto'), /no completed workflow task/);
});
