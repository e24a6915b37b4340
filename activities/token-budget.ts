import { activityInfo, getClient } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  spendTokensUpdate,
  tokenBudgetId,
  type CheckTokenBudgetInput,
  type RecordTokenSpendInput,
  type TokenBudgetCheck,
} from '../contract/token-budget';

const DAY_MS = 24 * 3_600_000;
/** A day's count stays open this long after the day ends, for records that arrive late (retries). */
const LATE_RECORDS_MS = 6 * 3_600_000;

/**
 * Adds tokens to today's count of the site (starting its run if needed) and returns the total. `updateId` makes a
 * retried record count once: Temporal keeps one update per ID in a run.
 */
async function spend(site: string, tokens: number, updateId?: string): Promise<{ spent: number; nextDay: string }> {
  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  const nextDay = new Date(Date.parse(day) + DAY_MS).toISOString();
  const { taskQueue } = activityInfo();
  // A Temporal error here is transient (the server is the one that runs this activity); it retries as it is.
  const spent = await getClient().workflow.executeUpdateWithStart(spendTokensUpdate, {
    args: [tokens],
    ...(updateId ? { updateId } : {}),
    startWorkflowOperation: new WithStartWorkflowOperation('tokenBudget', {
      workflowId: tokenBudgetId(site, day),
      taskQueue,
      args: [new Date(Date.parse(nextDay) + LATE_RECORDS_MS).toISOString()],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    }),
  });
  return { spent, nextDay };
}

export function createTokenBudgetActivities() {
  return {
    /** Null when the site may spend today; else when to look again (the next UTC day). */
    async checkTokenBudget(input: CheckTokenBudgetInput): Promise<TokenBudgetCheck> {
      const { spent, nextDay } = await spend(input.site, 0);
      return { spent, retryAt: spent >= input.budget ? nextDay : null };
    },

    async recordTokenSpend(input: RecordTokenSpendInput): Promise<{ spent: number }> {
      const { workflowExecution: run, activityId } = activityInfo();
      const { spent } = await spend(input.site, input.tokens, run ? `${run.workflowId}/${run.runId}/${activityId}` : undefined);
      return { spent };
    },
  };
}
