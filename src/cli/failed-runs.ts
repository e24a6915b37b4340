import { WorkflowFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import { WpCommentIdKey, WpEventKey, WpPostIdKey, WpSiteKey } from '../../contract/search-attributes';

export interface FailedFilter {
  /** How far back, as `24h`, `7d`, `90m`. */
  readonly since: string;
  readonly event?: string | undefined;
  readonly site?: string | undefined;
  readonly postId?: number | undefined;
  readonly commentId?: number | undefined;
}

export interface FailedRun {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly closeTime: string | undefined;
  readonly event: string | undefined;
  readonly site: string | undefined;
  readonly postId: number | undefined;
  readonly commentId: number | undefined;
  /** The innermost failure message: usually the activity's, e.g. "LLM answered HTTP 400: ...". */
  readonly cause: string | undefined;
}

/** Quotes a value for a visibility query (double quotes, backslash-escaped). */
export function queryString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The visibility query of `failed`; the runbook shows the same one for the Web UI's filter box. */
export function failedQuery(filter: FailedFilter, now = Date.now()): string {
  let sinceMs: number;
  try {
    sinceMs = msToNumber(filter.since as Parameters<typeof msToNumber>[0]);
  } catch {
    sinceMs = NaN;
  }
  if (!Number.isFinite(sinceMs) || sinceMs <= 0) throw new RangeError(`--since "${filter.since}" is not a duration like 24h or 7d`);
  const clauses = [`ExecutionStatus = "Failed"`, `CloseTime > ${queryString(new Date(now - sinceMs).toISOString())}`];
  if (filter.event !== undefined) clauses.push(`${WpEventKey.name} = ${queryString(filter.event)}`);
  if (filter.site !== undefined) clauses.push(`${WpSiteKey.name} = ${queryString(filter.site)}`);
  if (filter.postId !== undefined) clauses.push(`${WpPostIdKey.name} = ${filter.postId}`);
  if (filter.commentId !== undefined) clauses.push(`${WpCommentIdKey.name} = ${filter.commentId}`);
  return clauses.join(' AND ');
}

/** Failed runs matching the query, newest first, each with the message of its root cause. */
export async function listFailedRuns(client: Client, query: string, limit: number): Promise<FailedRun[]> {
  const runs: FailedRun[] = [];
  for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
    runs.push({ ...describe(info), cause: await rootCause(client, info) });
    if (runs.length >= limit) break;
  }
  return runs;
}

function describe(info: WorkflowExecutionInfo): Omit<FailedRun, 'cause'> {
  const attributes = info.typedSearchAttributes;
  const postId = attributes.get(WpPostIdKey);
  const commentId = attributes.get(WpCommentIdKey);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    type: info.type,
    closeTime: info.closeTime?.toISOString(),
    event: attributes.get(WpEventKey),
    site: attributes.get(WpSiteKey),
    postId: postId === undefined ? undefined : Number(postId),
    commentId: commentId === undefined ? undefined : Number(commentId),
  };
}

async function rootCause(client: Client, info: WorkflowExecutionInfo): Promise<string | undefined> {
  try {
    await client.workflow.getHandle(info.workflowId, info.runId, { followRuns: false }).result();
    return undefined;
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) return undefined;
    let cause: Error | undefined = error.cause;
    while (cause?.cause instanceof Error) cause = cause.cause;
    return cause?.message;
  }
}
