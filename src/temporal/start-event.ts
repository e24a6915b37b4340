import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { enrichPost } from '../../workflows';
import type { WpEvent } from '../webhooks/events';
import { WebhookError } from '../webhooks/errors';
import { WpEventKey, WpPostIdKey, WpSiteKey } from './search-attributes';

export type StartResult =
  | { readonly status: 'accepted'; readonly workflowId: string; readonly runId: string }
  | { readonly status: 'duplicate'; readonly workflowId: string };

/** Starts the workflow of one accepted event; injected into the HTTP app so unit tests can replace it. */
export type StartEvent = (event: WpEvent) => Promise<StartResult>;

/** Seconds a sender should wait before retrying when Temporal cannot record the start. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

export interface StartOptions {
  readonly taskQueue: string;
  /** Upper bound on one start call, gRPC retries included; past it the sender gets 503 and retries. */
  readonly timeoutMs: number;
}

/**
 * The workflow ID is the idempotency key: with conflict policy FAIL and reuse policy REJECT_DUPLICATE, Temporal
 * itself refuses a second start of the same key, open or closed (for the namespace's retention).
 */
export function createStartEvent(client: Client, options: StartOptions): StartEvent {
  return async (event) => {
    const workflowId = event.idempotency_key;
    const common = {
      workflowId,
      taskQueue: options.taskQueue,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    } as const;
    try {
      const handle = await client.withDeadline(Date.now() + options.timeoutMs, () => {
        switch (event.event) {
          case 'post.published':
            return client.workflow.start<typeof enrichPost>('enrichPost', {
              ...common,
              args: [event],
              typedSearchAttributes: [
                { key: WpEventKey, value: event.event },
                { key: WpSiteKey, value: event.site },
                { key: WpPostIdKey, value: event.post_id },
              ],
            });
          default:
            throw new WebhookError(400, 'unsupported_event', `${event.event} has no workflow in this version`);
        }
      });
      return { status: 'accepted', workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { status: 'duplicate', workflowId };
      if (error instanceof WebhookError) throw error;
      // Whatever else failed (unreachable, deadline, overloaded), the start is not known to be recorded, so it is
      // not acknowledged: the sender retries with the same key and gets `duplicate` if it did land.
      throw new WebhookError(
        503,
        'temporal_unavailable',
        'Temporal did not record the start; retry later with the same key',
        TEMPORAL_RETRY_AFTER_SECONDS,
        { cause: error },
      );
    }
  };
}
