import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { PostPublished } from '../src/webhooks/events';
import { enrichPost, type EnrichPostResult } from './enrich-post';
import { TOKEN_BUDGET_MEMO } from '../contract/token-budget';
import { runTokenBudget } from './token-budget';

/** What a parent learns from one child: its outcome, or that another run already owns that workflow ID. */
export type ChildOutcome = EnrichPostResult['outcome'] | 'already_started' | 'failed';

/**
 * Starts enrichPost under `workflowId` and waits for it. A failed run of the same ID may be run again (the next
 * batch retries what failed); a running or completed one is never started twice. The child outlives its parent
 * (ABANDON), so a parent that is cancelled or continues as new never cuts a summary off halfway.
 */
export async function runSummaryChild(workflowId: string, event: PostPublished): Promise<ChildOutcome> {
  let handle;
  // A batch or an edit started with a token budget hands it on, so its summaries keep to it too.
  const budget = runTokenBudget();
  try {
    handle = await startChild(enrichPost, {
      ...(budget === undefined ? {} : { memo: { [TOKEN_BUDGET_MEMO]: budget } }),
      workflowId,
      args: [event],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already_started';
    throw error;
  }
  try {
    return (await handle.result()).outcome;
  } catch {
    // The child's own history holds the failure (and stays Failed, for a reset); the parent only counts it.
    return 'failed';
  }
}

/** The post.published-shaped input of a child: enrichPost reads only the post ID and fetches the rest itself. */
export function childEvent(cause: { idempotency_key: string; site: string }, postId: number, at: string): PostPublished {
  return {
    event: 'post.published',
    idempotency_key: cause.idempotency_key,
    site: cause.site,
    post_id: postId,
    title: '',
    url: cause.site,
    author: '',
    published_at: at,
    meta: { categories: [], tags: [] },
  };
}
