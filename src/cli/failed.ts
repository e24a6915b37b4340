import { parseArgs } from 'node:util';
import { cliName, loadConfig } from '../config/config';
import { connectClient, TARGET_OPTIONS } from './context';
import { positiveInteger, refuseArguments } from './arguments';
import { UsageError } from './errors';
import { failedQuery, listFailedRuns, type FailedRun } from './failed-runs';

export const usage =
  'wp-ai-relay failed [--since 24h] [--event post.published] [--site URL] [--post-id N] [--comment-id N] [--limit 50] [--json] [--address host:port] [--namespace NS]';

/** Lists Failed runs (the dead-letter state) with what failed, and prints the query for the Web UI. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      since: { type: 'string', default: '24h' },
      event: { type: 'string' },
      site: { type: 'string' },
      'post-id': { type: 'string' },
      'comment-id': { type: 'string' },
      limit: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      ...TARGET_OPTIONS,
    },
  });
  refuseArguments(positionals, usage);
  const postId = integerOption(values, 'post-id');
  const commentId = integerOption(values, 'comment-id');
  const limit = positiveInteger(values.limit, '--limit', usage);

  let query: string;
  try {
    query = failedQuery({ since: values.since, event: values.event, site: values.site, postId, commentId });
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  const temporal = await connectClient(loadConfig(), values);
  try {
    const runs = await listFailedRuns(temporal.client, query, limit);
    if (values.json) {
      console.log(JSON.stringify({ query, runs }, null, 2));
    } else {
      console.log(`query: ${query}`);
      console.log(runs.length === 0 ? 'no failed runs' : runs.map(formatRun).join('\n'));
      if (runs.length > 0) console.log(`\nreset one with: ${cliName()} reset <workflowId>`);
    }
    return 0;
  } finally {
    await temporal.close();
  }
}

function integerOption(values: Record<string, unknown>, name: 'post-id' | 'comment-id'): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new UsageError(`--${name} must be an integer`, usage);
  return number;
}

function formatRun(run: FailedRun): string {
  const where = [
    run.event,
    run.site,
    run.postId === undefined ? undefined : `post ${run.postId}`,
    run.commentId === undefined ? undefined : `comment ${run.commentId}`,
  ]
    .filter(Boolean)
    .join(' ');
  return [
    `${run.workflowId}  (run ${run.runId}, ${run.type}, failed ${run.closeTime ?? '?'})`,
    ...(where ? [`  ${where}`] : []),
    ...(run.cause ? [`  cause: ${run.cause}`] : []),
  ].join('\n');
}
