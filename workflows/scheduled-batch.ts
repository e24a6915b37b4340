import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { ScheduledBatchInput } from '../contract/batch';
import { batchWorkflowId } from '../contract/workflow-ids';
import { batchEnrich } from './batch-enrich';

/**
 * What a Temporal Schedule starts (`relay schedule create`). A schedule appends its fire time to the workflow ID,
 * so it cannot claim the site's batch ID itself; this run requests the batch under that ID, as a webhook would,
 * and a batch already running (from WP-Cron or the button) makes it end `duplicate`.
 */
export async function scheduledBatch(input: ScheduledBatchInput): Promise<'started' | 'duplicate'> {
  try {
    // Runs recorded before batchEnrich took an input of its own started it with a made-up batch.requested event;
    // a child's input is not part of Temporal's determinism check (its ID and type are), so they replay as they are.
    await startChild(batchEnrich, {
      workflowId: batchWorkflowId(input.site),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}
