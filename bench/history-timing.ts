import type { WorkflowHandle } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/** Where one run's time went, from its history's event times (ms since the epoch). */
export interface RunTiming {
  readonly startedAt: number;
  readonly firstTaskAt: number;
  /** When the summary write-back activity completed: the summary is in WordPress from here on. */
  readonly writtenBackAt: number;
  readonly closedAt: number;
  /** Scheduled → completed, per activity type (the last attempt's completion; retries would show here). */
  readonly activityMs: Record<string, number>;
}

export async function runTiming(handle: WorkflowHandle): Promise<RunTiming> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<number, { name: string; at: number }>();
  const activityMs: Record<string, number> = {};
  let startedAt = NaN;
  let firstTaskAt = NaN;
  let writtenBackAt = NaN;
  let closedAt = NaN;
  for (const event of history.events ?? []) {
    const at = optionalTsToMs(event.eventTime) ?? NaN;
    // Each event carries the attributes of its own type only, which tells the type without the proto enums.
    if (event.workflowExecutionStartedEventAttributes) startedAt = at;
    else if (event.workflowTaskStartedEventAttributes && Number.isNaN(firstTaskAt)) firstTaskAt = at;
    else if (event.activityTaskScheduledEventAttributes) {
      scheduled.set(Number(event.eventId), { name: event.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at });
    } else if (event.activityTaskCompletedEventAttributes) {
      const activity = scheduled.get(Number(event.activityTaskCompletedEventAttributes.scheduledEventId));
      if (activity) {
        activityMs[activity.name] = at - activity.at;
        if (activity.name === 'writeSummary') writtenBackAt = at;
      }
    } else if (event.workflowExecutionCompletedEventAttributes) closedAt = at;
  }
  return { startedAt, firstTaskAt, writtenBackAt, closedAt, activityMs };
}
