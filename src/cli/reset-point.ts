import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export type ResetMode = 'auto' | 'first' | 'last' | { readonly eventId: number };

export interface ResetPoint {
  /** The WorkflowTaskCompleted event to reset to. */
  readonly eventId: number;
  /** Said to the operator and put in the reset reason: which point and why. */
  readonly explanation: string;
}

/** The history cannot be reset the way asked (no completed workflow task, or a bad --to). */
export class NoResetPointError extends Error {
  override readonly name = 'NoResetPointError';
}

const id = (event: HistoryEvent): number => Number(event.eventId ?? 0);

/**
 * Where to reset a run. LastWorkflowTask would replay the failed activity's result and fail again, so `auto`
 * picks the workflow task that scheduled the last activity to fail or time out: the new run schedules that
 * activity afresh and keeps every result before it. A run without a failed activity restarts from its first
 * workflow task (the workflows are idempotent, so work already done is skipped or rewritten identically).
 */
export function findResetPoint(events: readonly HistoryEvent[], mode: ResetMode): ResetPoint {
  const completed = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const first = completed[0];
  const last = completed.at(-1);
  if (first === undefined || last === undefined) {
    throw new NoResetPointError('the run has no completed workflow task to reset to (did a worker ever pick it up?)');
  }
  if (mode === 'first') return { eventId: id(first), explanation: `FirstWorkflowTask (event ${id(first)})` };
  if (mode === 'last') return { eventId: id(last), explanation: `LastWorkflowTask (event ${id(last)})` };
  if (typeof mode === 'object') {
    if (!completed.some((e) => id(e) === mode.eventId)) {
      const ids = completed.map(id).join(', ');
      throw new NoResetPointError(`event ${mode.eventId} is not a WorkflowTaskCompleted event of this run (those are ${ids})`);
    }
    return { eventId: mode.eventId, explanation: `event ${mode.eventId} (given)` };
  }

  const failedActivity = [...events].reverse().find(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED ||
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  );
  const scheduledId = Number(
    failedActivity?.activityTaskFailedEventAttributes?.scheduledEventId ??
      failedActivity?.activityTaskTimedOutEventAttributes?.scheduledEventId ??
      0,
  );
  const scheduled = events.find((e) => id(e) === scheduledId)?.activityTaskScheduledEventAttributes;
  const taskId = Number(scheduled?.workflowTaskCompletedEventId ?? 0);
  if (failedActivity === undefined || !scheduled || !completed.some((e) => id(e) === taskId)) {
    return { eventId: id(first), explanation: `FirstWorkflowTask (event ${id(first)}): no failed activity in the history` };
  }
  const activity = scheduled.activityType?.name ?? 'the activity';
  return {
    eventId: taskId,
    explanation: `event ${taskId}, the workflow task that scheduled ${activity} (event ${scheduledId}), which failed at event ${id(failedActivity)}`,
  };
}
