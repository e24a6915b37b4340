import { WithStartWorkflowOperation, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import type { BatchRequested, PostUpdated } from '../webhooks/events';
import type { batchEnrich, debouncePostUpdates } from '../../workflows';
import { postUpdatedUpdate } from '../../workflows/debounce-post-updates';
import type { StartCommon } from './event-routes';
import type { StartResult } from './start-event';

type Common = StartCommon & { readonly workflowId: string; readonly searchAttributes: SearchAttributePair[] };

/**
 * The batch's workflow ID is the site, not the event's key: while a batch runs, a second request (a doubled
 * WP-Cron run, a schedule firing alongside the button) is refused by Temporal and answered `duplicate`. Once it
 * has closed, a new request starts a new batch (reuse ALLOW_DUPLICATE), which finds only what changed since.
 */
export async function startBatch(client: Client, event: BatchRequested, common: Common): Promise<StartResult> {
  const { searchAttributes: _, ...start } = common;
  const handle = await client.workflow.start<typeof batchEnrich>('batchEnrich', {
    ...start,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [event],
    typedSearchAttributes: common.searchAttributes,
  });
  return { status: 'accepted', workflowId: common.workflowId, runId: handle.firstExecutionRunId };
}

/**
 * Starts the post's debounce run if none is open (USE_EXISTING) and hands it the edit in the same call; the run
 * itself remembers the keys it has seen, so a re-sent event is answered `duplicate` once Temporal has it.
 */
export async function startOrFeedEditDebounce(client: Client, event: PostUpdated, common: Common): Promise<StartResult> {
  const operation = new WithStartWorkflowOperation<typeof debouncePostUpdates>('debouncePostUpdates', {
    taskQueue: common.taskQueue,
    workflowId: common.workflowId,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [event],
    memo: common.memo,
    typedSearchAttributes: common.searchAttributes,
  });
  const update = await client.workflow.startUpdateWithStart(postUpdatedUpdate, {
    args: [event],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
    startWorkflowOperation: operation,
  });
  if ((await update.result()) === 'duplicate') return { status: 'duplicate', workflowId: common.workflowId };
  return { status: 'accepted', workflowId: common.workflowId, runId: update.workflowRunId ?? '' };
}
