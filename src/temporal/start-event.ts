import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { WpEvent } from '../webhooks/events';
import { GIVE_UP_AFTER_MEMO } from '../../workflows/activity-options';
import { TOKEN_BUDGET_MEMO } from '../../contract/token-budget';
import { routeOf, type StartCommon } from './event-routes';
import { startFailureToWebhookError } from './start-failure';

export type StartResult =
  | { readonly status: 'accepted'; readonly workflowId: string; readonly runId: string }
  | { readonly status: 'duplicate'; readonly workflowId: string };

/** Starts the workflow of one accepted event; injected into the HTTP app so unit tests can replace it. */
export type StartEvent = (event: WpEvent) => Promise<StartResult>;

export interface StartOptions {
  readonly taskQueue: string;
  /** Upper bound on one start call, gRPC retries included; past it the sender gets 503 and retries. */
  readonly timeoutMs: number;
  /** ACTIVITY_GIVE_UP_AFTER, recorded in the run's memo: how long its activities retry transient failures. */
  readonly giveUpAfter?: string;
  /** TOKEN_BUDGET_PER_DAY, recorded in the run's memo: its AI steps wait for the next day past it. */
  readonly tokenBudgetPerDay?: number | undefined;
}

/**
 * The workflow ID is the idempotency key: with conflict policy FAIL and reuse policy REJECT_DUPLICATE, Temporal
 * itself refuses a second start of the same key, open or closed (for the namespace's retention).
 */
export function createStartEvent(client: Client, options: StartOptions): StartEvent {
  return async (event) => {
    const route = routeOf(event);
    const workflowId = route.workflowId(event);
    const common: StartCommon = {
      taskQueue: options.taskQueue,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      memo: {
        ...(options.giveUpAfter === undefined ? {} : { [GIVE_UP_AFTER_MEMO]: options.giveUpAfter }),
        ...(options.tokenBudgetPerDay === undefined ? {} : { [TOKEN_BUDGET_MEMO]: options.tokenBudgetPerDay }),
      },
    };
    try {
      return await client.withDeadline(Date.now() + options.timeoutMs, async (): Promise<StartResult> => {
        if (route.start) return route.start(client, event, { ...common, workflowId });
        const handle = await client.workflow.start(route.workflowType, {
          ...common,
          workflowId,
          args: [event],
          typedSearchAttributes: route.searchAttributes(event),
        });
        return { status: 'accepted', workflowId, runId: handle.firstExecutionRunId };
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { status: 'duplicate', workflowId };
      throw startFailureToWebhookError(error);
    }
  };
}
