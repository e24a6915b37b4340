import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { GIVE_UP_AFTER_MEMO } from '../../contract/activity-options';
import { TOKEN_BUDGET_MEMO } from '../../contract/token-budget';
import type { WpEvent } from '../../contract/events';
import { routeOf } from './event-routes';
import { classifyStartFailure } from './start-failure';

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
 * Starts the event's row of EVENT_ROUTES. The workflow ID is the idempotency key: with conflict policy FAIL,
 * Temporal itself refuses a second start of the same key (and, per the row's reuse policy, of a closed one).
 * A failure Temporal did not record is thrown as a StartFailure saying why.
 */
export function createStartEvent(client: Client, options: StartOptions): StartEvent {
  const memo = {
    ...(options.giveUpAfter === undefined ? {} : { [GIVE_UP_AFTER_MEMO]: options.giveUpAfter }),
    ...(options.tokenBudgetPerDay === undefined ? {} : { [TOKEN_BUDGET_MEMO]: options.tokenBudgetPerDay }),
  };
  return async (event) => {
    const route = routeOf(event);
    const workflowId = route.workflowId(event);
    const start = {
      taskQueue: options.taskQueue,
      workflowId,
      workflowIdReusePolicy: route.workflowIdReusePolicy,
      memo,
      typedSearchAttributes: route.searchAttributes(event),
      args: route.args(event),
    };
    try {
      return await client.withDeadline(Date.now() + options.timeoutMs, async (): Promise<StartResult> => {
        if (route.via.kind === 'start') {
          const handle = await client.workflow.start(route.workflowType, { ...start, workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL });
          return { status: 'accepted', workflowId, runId: handle.firstExecutionRunId };
        }
        const update = await client.workflow.startUpdateWithStart(route.via.update, {
          args: route.via.args(event),
          waitForStage: WorkflowUpdateStage.ACCEPTED,
          startWorkflowOperation: new WithStartWorkflowOperation(route.workflowType, {
            ...start,
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          }),
        });
        if ((await update.result()) === 'duplicate') return { status: 'duplicate', workflowId };
        return { status: 'accepted', workflowId, runId: update.workflowRunId ?? '' };
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { status: 'duplicate', workflowId };
      throw classifyStartFailure(error);
    }
  };
}
