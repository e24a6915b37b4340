import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { ScheduledBatchInput } from '../contract/batch';
import type { BatchRequested } from '../contract/events';
import { batchWorkflowId } from '../contract/workflow-ids';
import { batchEnrich } from './batch-enrich';

/**
 * What a Temporal Schedule starts (`relay schedule create`). A schedule appends its fire time to the workflow ID,
 * so it cannot claim the site's batch ID itself; this run requests the batch under that ID, as a webhook would,
 * and a batch already running (from WP-Cron or the button) makes it end `duplicate`.
 */
export async function scheduledBatch(input: ScheduledBatchInput): Promise<'started' | 'duplicate'> {
  const event: BatchRequested = {
    event: 'batch.requested',
    idempotency_key: `scheduled:${workflowInfo().runId}`,
    site: input.site,
    requested_at: new Date().toISOString(),
    limit: input.limit,
  };
  try {
    await startChild(batchEnrich, {
      workflowId: batchWorkflowId(input.site),
      args: [event],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw error;
  }
}
