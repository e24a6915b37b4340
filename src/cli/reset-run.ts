import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { findResetPoint, type ResetMode } from './reset-point';

export interface ResetOutcome {
  readonly workflowId: string;
  readonly fromRunId: string;
  /** Undefined when the run was skipped. */
  readonly newRunId: string | undefined;
  readonly point: string;
}

/** Statuses a run may be reset from without --force: the ones that need an operator. */
const RESETTABLE = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

/** A run that should not be reset as asked; the message says why and what to do. */
export class ResetRefusedError extends Error {
  override readonly name = 'ResetRefusedError';
}

/**
 * Resets one run to its reset point. Only the workflow ID's current run is reset: resetting an older run would
 * terminate the current one (after a first reset, the failed run stays listed as Failed beside its successor).
 */
export async function resetRun(
  client: Client,
  namespace: string,
  target: { workflowId: string; runId?: string | undefined },
  options: { mode: ResetMode; reason: string; force: boolean },
): Promise<ResetOutcome> {
  const current = await client.workflow.getHandle(target.workflowId).describe();
  if (target.runId !== undefined && target.runId !== current.runId) {
    throw new ResetRefusedError(
      `run ${target.runId} of ${target.workflowId} is not its current run (${current.runId}, ${current.status.name}); ` +
        'it was probably reset already. Reset the current run instead, if it needs it.',
    );
  }
  if (!options.force && !RESETTABLE.has(current.status.name)) {
    throw new ResetRefusedError(
      `${target.workflowId} is ${current.status.name}, not failed; pass --force to reset it anyway` +
        (current.status.name === 'RUNNING' ? ' (its current run will be terminated)' : ''),
    );
  }
  const history = await client.workflow.getHandle(target.workflowId, current.runId).fetchHistory();
  const point = findResetPoint(history.events ?? [], options.mode);
  // fromObject turns the plain event number into the int64 the request carries.
  const request = temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest.fromObject({
    namespace,
    workflowExecution: { workflowId: target.workflowId, runId: current.runId },
    workflowTaskFinishEventId: point.eventId,
    reason: `${options.reason} [reset to ${point.explanation}]`,
    requestId: randomUUID(),
  });
  const response = await client.workflowService.resetWorkflowExecution(request);
  return { workflowId: target.workflowId, fromRunId: current.runId, newRunId: response.runId ?? undefined, point: point.explanation };
}
