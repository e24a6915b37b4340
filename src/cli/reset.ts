import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { loadConfig } from '../config/config';
import { connectClient, TARGET_OPTIONS } from './context';
import { UsageError } from './errors';
import { NoResetPointError, type ResetMode } from './reset-point';
import { ResetRefusedError, resetRun } from './reset-run';

export const usage =
  "wp-ai-relay reset <workflowId> [--run-id ID] | --query '<visibility query>'  [--to auto|first|last|<eventId>] " +
  '[--reason TEXT] [--force] [--address host:port] [--namespace NS]';

/**
 * Resets one run, or every run a visibility query matches, to the point `findResetPoint` picks, and says which
 * point it chose. Exits 1 when any run could not be reset.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'run-id': { type: 'string' },
      query: { type: 'string' },
      to: { type: 'string', default: 'auto' },
      reason: { type: 'string' },
      force: { type: 'boolean', default: false },
      ...TARGET_OPTIONS,
    },
  });
  const [workflowId, extra] = positionals;
  if ((workflowId === undefined) === (values.query === undefined) || extra !== undefined) {
    throw new UsageError('give one workflow ID or --query, not both', usage);
  }
  if (values.query !== undefined && values['run-id'] !== undefined) throw new UsageError('--run-id goes with a workflow ID', usage);
  const mode = parseMode(values.to);
  const reason = values.reason ?? `reset with wp-ai-relay by ${userInfo().username} after the cause was fixed`;

  const temporal = await connectClient(loadConfig(), values);
  try {
    const targets =
      workflowId !== undefined
        ? [{ workflowId, runId: values['run-id'] }]
        : await collect(temporal.client.workflow.list({ query: values.query! }), (info) => ({
            workflowId: info.workflowId,
            runId: info.runId,
          }));
    if (targets.length === 0) {
      console.log(`no runs match: ${values.query}`);
      return 0;
    }
    let failures = 0;
    for (const target of targets) {
      try {
        const outcome = await resetRun(temporal.client, temporal.namespace, target, { mode, reason, force: values.force });
        console.log(`${outcome.workflowId}: reset run ${outcome.fromRunId} to ${outcome.point}; new run ${outcome.newRunId}`);
      } catch (error) {
        if (!(error instanceof ResetRefusedError || error instanceof NoResetPointError)) throw error;
        failures += 1;
        console.error(`${target.workflowId}: not reset: ${(error as Error).message}`);
      }
    }
    return failures > 0 ? 1 : 0;
  } finally {
    await temporal.close();
  }
}

function parseMode(to: string): ResetMode {
  if (to === 'auto' || to === 'first' || to === 'last') return to;
  const eventId = Number(to);
  if (Number.isSafeInteger(eventId) && eventId > 0) return { eventId };
  throw new UsageError(`--to is auto, first, last or an event ID, not "${to}"`, usage);
}

async function collect<T, U>(items: AsyncIterable<T>, map: (item: T) => U): Promise<U[]> {
  const out: U[] = [];
  for await (const item of items) out.push(map(item));
  return out;
}
