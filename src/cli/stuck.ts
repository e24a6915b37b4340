import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/config';
import { connectClient, TARGET_OPTIONS } from './context';
import { positiveInteger, refuseArguments } from './arguments';

export const usage = 'wp-ai-relay stuck [--min-attempts 2] [--limit 50] [--json] [--address host:port] [--namespace NS]';

export interface StuckActivity {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly activityType: string;
  readonly attempt: number;
  readonly lastError: string | undefined;
  readonly nextAttempt: string | undefined;
}

/**
 * Running runs whose activities keep failing: a transient failure (an unreachable LLM, a WordPress answering 503)
 * is retried until the give-up point, so the run stays Running and `failed` does not list it. Each pending
 * activity on its second attempt or later is listed with its last error.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'min-attempts': { type: 'string', default: '2' },
      limit: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      ...TARGET_OPTIONS,
    },
  });
  refuseArguments(positionals, usage);
  const minAttempts = positiveInteger(values['min-attempts'], '--min-attempts', usage);
  const limit = positiveInteger(values.limit, '--limit', usage);

  const temporal = await connectClient(loadConfig(), values);
  try {
    const stuck = await listStuckActivities(temporal.client, minAttempts, limit);
    if (values.json) console.log(JSON.stringify({ activities: stuck }, null, 2));
    else console.log(stuck.length === 0 ? 'no run is retrying an activity' : stuck.map(format).join('\n'));
    return 0;
  } finally {
    await temporal.close();
  }
}

/** Pending activities at `minAttempts` or more, across running runs (at most `limit` runs are described). */
export async function listStuckActivities(client: Client, minAttempts: number, limit: number): Promise<StuckActivity[]> {
  const found: StuckActivity[] = [];
  let described = 0;
  for await (const info of client.workflow.list({ query: 'ExecutionStatus = "Running"', pageSize: Math.min(limit, 100) })) {
    if (described++ >= limit) break;
    const { raw } = await client.workflow.getHandle(info.workflowId, info.runId).describe();
    for (const pending of raw.pendingActivities ?? []) {
      const attempt = pending.attempt ?? 1;
      if (attempt < minAttempts) continue;
      const next = pending.nextAttemptScheduleTime?.seconds;
      found.push({
        workflowId: info.workflowId,
        runId: info.runId,
        workflowType: info.type,
        activityType: pending.activityType?.name ?? '?',
        attempt,
        lastError: pending.lastFailure?.message ?? undefined,
        nextAttempt: next === undefined || next === null ? undefined : new Date(Number(next) * 1000).toISOString(),
      });
    }
  }
  return found;
}

function format(a: StuckActivity): string {
  return [
    `${a.workflowId}  (run ${a.runId}, ${a.workflowType})`,
    `  ${a.activityType}: attempt ${a.attempt}${a.nextAttempt ? `, next at ${a.nextAttempt}` : ''}`,
    ...(a.lastError ? [`  last error: ${a.lastError}`] : []),
  ].join('\n');
}
