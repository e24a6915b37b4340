import { workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { GIVE_UP_AFTER_MEMO } from './activity-options';

/**
 * `options` with the give-up point this run was started with (the memo the receiver sets from
 * ACTIVITY_GIVE_UP_AFTER). Call it inside a workflow function; runs started without the memo keep the default.
 * The memo is part of the run's first history event, so this stays deterministic on replay.
 */
export function withRunGiveUp(options: ActivityOptions): ActivityOptions {
  const configured = workflowInfo().memo?.[GIVE_UP_AFTER_MEMO];
  return typeof configured === 'string' || typeof configured === 'number'
    ? { ...options, scheduleToCloseTimeout: configured as Duration }
    : options;
}
