import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from '../logging/logger';

/**
 * One JSON line per activity attempt, when it ends: which activity of which run, the attempt, the outcome and how
 * long it took. A failure is named by its class or failure type only: its message can quote what WordPress or
 * the LLM answered, which the Web UI shows to operators but a log shipper should not carry. Written inside the
 * attempt's span when tracing is on, so the line has the trace id of the event.
 */
export function logActivityAttempts(logger: Logger): ActivityInterceptorsFactory {
  return (context: Context) => ({
    inbound: {
      async execute(input, next) {
        const { activityType, attempt, workflowExecution, workflowType } = context.info;
        const started = process.hrtime.bigint();
        const fields = () => ({
          activityType,
          attempt,
          workflowType,
          workflowId: workflowExecution?.workflowId,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        });
        try {
          const result = await next(input);
          logger.info({ ...fields(), outcome: 'completed' }, 'activity attempt');
          return result;
        } catch (error) {
          const failure = error instanceof ApplicationFailure && error.type ? error.type : error instanceof Error ? error.name : typeof error;
          logger.warn({ ...fields(), outcome: 'failed', failure }, 'activity attempt');
          throw error;
        }
      },
    },
  });
}
