import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { compareKeys, type KeyCheck } from './key-check';

export interface WorkflowCheck extends KeyCheck {
  readonly task_queue: string;
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
  return { task_queue: taskQueue, ...(await workflowKeys(client, taskQueue, sent, accepted)) };
}

/** checkWorkflows() without the task queue's name. */
export async function workflowKeys(
  client: Client,
  taskQueue: string,
  sent: ReadonlySet<string>,
  accepted: ReadonlySet<string>,
): Promise<KeyCheck> {
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

  // Runs are counted by run ID: a list paged while runs close can return one execution twice (its sort position
  // moves from open to closed between pages), which is not a second run.
  const runs = new Map<string, Set<string>>();
  for await (const info of client.workflow.list({ query })) {
    const ids = runs.get(info.workflowId) ?? new Set<string>();
    runs.set(info.workflowId, ids.add(info.runId));
  }
  return compareKeys(new Map([...runs].map(([key, ids]) => [key, ids.size])), sent, accepted);
}

/**
 * Runs of `taskQueue` still open once the worker has caught up: accepted events whose workflow has not run to its
 * end. A saturation run leaves thousands queued, which the worker closes at its own pace, so this waits as long as
 * the count keeps falling and gives up only after `stallMs` without one run closing (a stuck worker).
 */
export async function openRuns(client: Client, taskQueue: string, stallMs = VISIBILITY_WAIT_MS): Promise<number> {
  const query = `WorkflowType="enrichPost" AND TaskQueue="${taskQueue}" AND ExecutionStatus="Running"`;
  let fewest = Number.POSITIVE_INFINITY;
  let fell = Date.now();
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count === 0) return 0;
    if (count < fewest) [fewest, fell] = [count, Date.now()];
    else if (Date.now() - fell > stallMs) return count;
    await sleep(500);
  }
}
