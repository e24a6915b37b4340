import type { WorkflowHandle } from '@temporalio/client';
import { optionalTsToMs, tsToMs } from '@temporalio/common/lib/time';

/** What the Web UI shows of one activity in a run: when it was scheduled, its give-up point, its last attempt. */
export interface ActivityRecord {
  readonly type: string;
  readonly scheduledAtMs: number;
  /** The scheduleToCloseTimeout the run scheduled it with: the point where retries give up. */
  readonly scheduleToCloseMs: number | undefined;
  readonly lastAttempt: number | undefined;
  readonly lastStartedAtMs: number | undefined;
  readonly lastFailure: string | undefined;
  /** The worker that ran the last attempt (its identity, `pid@host` by default). */
  readonly lastIdentity: string | undefined;
}

/** Every activity of a run, from its history (Temporal records the last started attempt of each). */
export async function activityRecords(
  handle: WorkflowHandle,
): Promise<{ startedAtMs: number; lastEventAtMs: number; activities: ActivityRecord[] }> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const byScheduledId = new Map<string, ActivityRecord>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      byScheduledId.set(String(event.eventId), {
        type: scheduled.activityType?.name ?? '',
        scheduledAtMs: tsToMs(event.eventTime),
        scheduleToCloseMs: optionalTsToMs(scheduled.scheduleToCloseTimeout),
        lastAttempt: undefined,
        lastStartedAtMs: undefined,
        lastFailure: undefined,
        lastIdentity: undefined,
      });
    }
    const started = event.activityTaskStartedEventAttributes;
    const record = started && byScheduledId.get(String(started.scheduledEventId));
    if (started && record) {
      byScheduledId.set(String(started.scheduledEventId), {
        ...record,
        lastAttempt: started.attempt ?? undefined,
        lastStartedAtMs: tsToMs(event.eventTime),
        lastFailure: started.lastFailure?.message ?? undefined,
        lastIdentity: started.identity ?? undefined,
      });
    }
  }
  return {
    startedAtMs: tsToMs(events[0]?.eventTime),
    lastEventAtMs: tsToMs(events.at(-1)?.eventTime),
    activities: [...byScheduledId.values()],
  };
}
