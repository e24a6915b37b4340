import { parseArgs } from 'node:util';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { z } from 'zod';
import { loadConfig, type Config } from '../config/config';
import { batchRequestedSchema } from '../../contract/events';
import type { scheduledBatch } from '../../workflows';
import { WpEventKey, WpSiteKey } from '../../contract/search-attributes';
import { connectClient, TARGET_OPTIONS } from './context';
import { refuseArguments } from './arguments';
import { CliError, UsageError } from './errors';

export const usage =
  'wp-ai-relay schedule create --site URL --cron "0 3 * * *" [--id ID] [--limit 50] [--timezone Europe/Paris] | list | delete <id> | trigger <id>  [--address host:port] [--namespace NS]';

const createArgs = z.object({
  site: batchRequestedSchema.shape.site,
  cron: z.string().trim().min(9, 'a cron expression has five fields, e.g. "0 3 * * *"'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  timezone: z.string().min(1).optional(),
  id: z.string().min(1).max(200).optional(),
});

/**
 * Temporal Schedules that request a site's batch on a cron expression: the alternative to WP-Cron, which only
 * fires when someone visits the site. They are listed on the Web UI's Schedules page.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      site: { type: 'string' },
      cron: { type: 'string' },
      limit: { type: 'string' },
      timezone: { type: 'string' },
      id: { type: 'string' },
      ...TARGET_OPTIONS,
    },
  });
  const [action, id, ...rest] = positionals;
  refuseArguments(rest, usage);
  const config = loadConfig();
  if (action === 'create') {
    const parsed = createArgs.safeParse(values);
    if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error), usage);
    return withClient(config, values, (client) => create(client, config, parsed.data));
  }
  if (action === 'list') return withClient(config, values, list);
  if ((action === 'delete' || action === 'trigger') && id !== undefined) {
    return withClient(config, values, async (client) => {
      const handle = client.schedule.getHandle(id);
      await (action === 'delete' ? handle.delete() : handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL));
      console.log(action === 'delete' ? `deleted schedule ${id}` : `triggered schedule ${id}`);
      return 0;
    });
  }
  throw new UsageError(action === undefined ? 'missing action' : `unknown action or missing id: ${action}`, usage);
}

async function withClient(config: Config, target: { address?: string; namespace?: string }, fn: (client: Client) => Promise<number>): Promise<number> {
  const temporal = await connectClient(config, target);
  try {
    return await fn(temporal.client);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ScheduleNotFoundError' || name === 'ScheduleAlreadyRunning' || (error as { code?: number }).code === 3) {
      throw new CliError(`${(error as Error).message}`);
    }
    throw error;
  } finally {
    await temporal.close();
  }
}

async function create(client: Client, config: Config, args: z.infer<typeof createArgs>): Promise<number> {
  const scheduleId = args.id ?? `batch-schedule:${args.site}`;
  await client.schedule.create<typeof scheduledBatch>({
    scheduleId,
    spec: { cronExpressions: [args.cron], ...(args.timezone ? { timezone: args.timezone } : {}) },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledBatch',
      workflowId: `scheduled-batch:${args.site}`,
      taskQueue: config.temporal.taskQueue,
      args: [{ site: args.site, limit: args.limit }],
      typedSearchAttributes: [
        { key: WpEventKey, value: 'batch.requested' },
        { key: WpSiteKey, value: args.site },
      ],
    },
    memo: { cron: args.cron, site: args.site },
    // A batch still running when the next fire time comes is answered duplicate by the run itself; a schedule
    // missed while Temporal was down fires once when it is back, not once per missed slot.
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '1 day' },
  });
  const description = await client.schedule.getHandle(scheduleId).describe();
  console.log(`created schedule ${scheduleId}: "${args.cron}" for ${args.site}`);
  console.log(`next runs: ${description.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()).join(', ')}`);
  return 0;
}

async function list(client: Client): Promise<number> {
  let count = 0;
  for await (const schedule of client.schedule.list()) {
    count++;
    const action = schedule.action?.type === 'startWorkflow' ? schedule.action.workflowType : '?';
    const cron = typeof schedule.memo?.cron === 'string' ? `"${schedule.memo.cron}"` : 'no cron';
    const site = typeof schedule.memo?.site === 'string' ? schedule.memo.site : '';
    const next = schedule.info.nextActionTimes[0]?.toISOString() ?? 'none';
    console.log(`${schedule.scheduleId}  ${action} ${site}  ${cron}  next ${next}${schedule.state.paused ? '  (paused)' : ''}`);
  }
  if (count === 0) console.log('no schedules');
  return 0;
}
