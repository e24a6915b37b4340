import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Timeouts and retries of each activity group. Non-retryable failures are marked at the source
 * (activities/failures.ts), so the policies need no list of error types: what reaches a retry is transient
 * (network, timeout, 408, 429, 5xx) and is retried with capped backoff, without an attempt limit, until the
 * activity's scheduleToCloseTimeout: the "give up" point. It is of the order of a day, so an outage of an hour
 * heals by itself and the run then completes; only past it does the run fail and wait for a reset.
 *
 * The HTTP clients inside the activities time out earlier than one attempt (config.ts checks OPENAI_TIMEOUT_MS
 * and WP_TIMEOUT_MS against these), so a hung call surfaces as a retryable timeout of ours rather than a silent
 * activity timeout. The heartbeat timeout lets Temporal notice a worker that died mid-attempt within seconds
 * instead of at the end of the start-to-close timeout.
 */
export const WORDPRESS_START_TO_CLOSE_MS = 30_000;
export const LLM_START_TO_CLOSE_MS = 60_000;
export const HEARTBEAT_TIMEOUT_MS = 10_000;

/** How long transient failures are retried when the run's start did not say otherwise (ACTIVITY_GIVE_UP_AFTER). */
export const DEFAULT_GIVE_UP_AFTER = '24h';
/** The memo key the receiver records the configured give-up point under; the Web UI shows it on each run. */
export const GIVE_UP_AFTER_MEMO = 'activityGiveUpAfter';
/** Backoff never waits longer than this between attempts, so a healed outage is noticed within minutes. */
export const MAX_RETRY_INTERVAL = '5m';

export const wordpressActivityOptions: ActivityOptions = {
  startToCloseTimeout: WORDPRESS_START_TO_CLOSE_MS,
  heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  scheduleToCloseTimeout: DEFAULT_GIVE_UP_AFTER,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: MAX_RETRY_INTERVAL },
};

export const llmActivityOptions: ActivityOptions = {
  startToCloseTimeout: LLM_START_TO_CLOSE_MS,
  heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
  scheduleToCloseTimeout: DEFAULT_GIVE_UP_AFTER,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: MAX_RETRY_INTERVAL },
};
