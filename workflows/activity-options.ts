import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Timeouts and retries of each activity group. The HTTP clients inside the activities time out earlier
 * (config.ts checks OPENAI_TIMEOUT_MS and WP_TIMEOUT_MS against these), so a hung call surfaces as a retryable
 * timeout of ours rather than a silent activity timeout. Non-retryable failures are marked at the source
 * (activities/failures.ts), so the policies need no list of error types.
 */
export const WORDPRESS_START_TO_CLOSE_MS = 30_000;
export const LLM_START_TO_CLOSE_MS = 60_000;

export const wordpressActivityOptions: ActivityOptions = {
  startToCloseTimeout: WORDPRESS_START_TO_CLOSE_MS,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8 },
};

export const llmActivityOptions: ActivityOptions = {
  startToCloseTimeout: LLM_START_TO_CLOSE_MS,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 8 },
};
