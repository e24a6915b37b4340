import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';

export interface WorkflowCheck {
  readonly task_queue: string;
  readonly accepted_keys: number;
  readonly workflows: number;
  /** Accepted keys with no workflow: lost events. Must be 0. */
  readonly missing: number;
  /** Workflow IDs seen more than once. Must be 0. */
  readonly repeated_ids: number;
  /** Workflows for keys never sent. Must be 0. */
  readonly unknown: number;
  /** Workflows for keys sent but never answered (in flight when a run ended): recorded, not acknowledged. Allowed. */
  readonly unanswered_started: number;
  readonly ok: boolean;
}

const VISIBILITY_WAIT_MS = 60_000;

/**
 * Every accepted key must have exactly one workflow, counted through visibility (the way an operator would),
 * and no workflow may exist that no request asked for.
 */
export async function checkWorkflows(
  client: Client,
  taskQueue: string,
  sent: ReadonlySet<string>,
  accepted: ReadonlySet<string>,
): Promise<WorkflowCheck> {
  const query = `WorkflowType="enrichPost" AND TaskQueue="${taskQueue}"`;
  // Visibility is written after the start is acknowledged; wait until it has caught up and stopped moving.
  const deadline = Date.now() + VISIBILITY_WAIT_MS;
  let last = -1;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if ((count >= accepted.size && count === last) || Date.now() > deadline) break;
    last = count;
    await sleep(500);
  }

  const seen = new Map<string, number>();
  for await (const info of client.workflow.list({ query })) seen.set(info.workflowId, (seen.get(info.workflowId) ?? 0) + 1);
  let workflows = 0;
  let repeated = 0;
  let unknown = 0;
  let unanswered = 0;
  for (const [id, runs] of seen) {
    workflows += runs;
    if (runs > 1) repeated += 1;
    if (!sent.has(id)) unknown += 1;
    else if (!accepted.has(id)) unanswered += 1;
  }
  let missing = 0;
  for (const key of accepted) if (!seen.has(key)) missing += 1;
  return {
    task_queue: taskQueue,
    accepted_keys: accepted.size,
    workflows,
    missing,
    repeated_ids: repeated,
    unknown,
    unanswered_started: unanswered,
    ok: missing === 0 && repeated === 0 && unknown === 0,
  };
}
