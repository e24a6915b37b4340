import type { Client } from '@temporalio/client';
import { openRuns, workflowKeys } from '../verify';
import type { TargetCheck, TargetName } from './target';

/**
 * The check of a target built on Temporal: every accepted key has exactly one workflow (visibility, key by key),
 * and the worker has run each to its end.
 */
export async function checkTemporalTarget(
  target: TargetName,
  client: Client,
  taskQueue: string,
  sent: ReadonlySet<string>,
  accepted: ReadonlySet<string>,
): Promise<TargetCheck> {
  const keys = await workflowKeys(client, taskQueue, sent, accepted);
  const notRun = await openRuns(client, taskQueue);
  return { target, ...keys, not_run: notRun, ok: keys.ok && notRun === 0 };
}
