/**
 * Workflow IDs shared by the receiver's routes, the schedules and the workflows themselves, so that each of
 * them claims the same ID and Temporal's refusal of a second start is what keeps work from being done twice.
 */

/** The task queue the worker polls and the receiver starts on when TEMPORAL_TASK_QUEUE is not set. */
export const DEFAULT_TASK_QUEUE = 'wp-ai-relay';

/** One batch per site at a time. */
export function batchWorkflowId(site: string): string {
  return `batch:${site}`;
}

/** The one enrichPost run that may summarise a given content of a post (shared by batches and edits). */
export function contentRunId(site: string, postId: number, contentHash: string): string {
  return `summary:${postId}:${contentHash}@${site}`;
}

/** The one debounce run of a post's edits. */
export function postUpdatesWorkflowId(site: string, postId: number): string {
  return `post-updates:${postId}@${site}`;
}
