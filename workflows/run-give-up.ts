import { workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { GIVE_UP_AFTER_MEMO } from '../contract/activity-options';

/**
 * The give-up point this run was started with: the memo the receiver sets from ACTIVITY_GIVE_UP_AFTER, or
 * undefined for a run started without it. The memo is part of the run's first history event, so this stays
 * deterministic on replay. Temporal copies a memo neither to children nor across continue-as-new, so a workflow
 * that starts children or continues as new hands the value on in their input instead.
 */
export function runGiveUpAfter(): Duration | undefined {
  const configured = workflowInfo().memo?.[GIVE_UP_AFTER_MEMO];
  return typeof configured === 'string' || typeof configured === 'number' ? (configured as Duration) : undefined;
}

/** `options` with the given give-up point (by default this run's, from its memo); the default when there is none. */
export function withRunGiveUp(options: ActivityOptions, giveUpAfter: Duration | undefined = runGiveUpAfter()): ActivityOptions {
  return giveUpAfter === undefined ? options : { ...options, scheduleToCloseTimeout: giveUpAfter };
}
