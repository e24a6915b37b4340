import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { ChildOutcome, SummariseInput } from '../contract/post-summary';
import { enrichPost } from './enrich-post';

/**
 * Starts enrichPost under `workflowId` and waits for it. A failed run of the same ID may be run again (the next
 * batch retries what failed); a running or completed one is never started twice. The child outlives its parent
 * (ABANDON), so a parent that is cancelled or continues as new never cuts a summary off halfway.
 *
 * Parents recorded before children got a SummariseInput started them with a made-up post.published; the input
 * of a child's start is not part of Temporal's determinism check (its ID and type are), so their histories
 * replay without a patch, and enrichPost accepts both shapes for the children's own histories.
 */
export async function runSummaryChild(workflowId: string, input: SummariseInput): Promise<ChildOutcome> {
  let handle;
  try {
    handle = await startChild(enrichPost, {
      workflowId,
      args: [input],
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
