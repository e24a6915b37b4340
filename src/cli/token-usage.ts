import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { z } from 'zod';
import type { LlmCall } from '../../contract/llm-call';
import { WpSiteKey } from '../../contract/search-attributes';
import { queryString } from './failed-runs';

/** USD per million tokens, by model, as the provider bills them; a model without a price costs nothing here. */
export const pricesSchema = z.record(z.string(), z.strictObject({ prompt: z.number().min(0), completion: z.number().min(0) }));
export type Prices = z.infer<typeof pricesSchema>;

/** One LLM call as its activity recorded it, with where and when. */
export interface RecordedCall extends LlmCall {
  readonly site: string;
  /** UTC day of the activity's completion, YYYY-MM-DD. */
  readonly day: string;
}

export interface UsageRow {
  readonly site: string;
  readonly day: string;
  readonly model: string;
  readonly calls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** USD, when the model has a price. */
  readonly cost?: number;
}

const llmCallSchema = z.object({
  prompt: z.string(),
  model: z.string(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
});

/** The runs that may hold calls since `since`: closed since then (a run's calls all precede its close). */
export function usageQuery(since: Date, site?: string): string {
  const clauses = [`CloseTime > ${queryString(since.toISOString())}`];
  if (site !== undefined) clauses.push(`${WpSiteKey.name} = ${queryString(site)}`);
  return clauses.join(' AND ');
}

/**
 * Every completed activity of the matching runs whose result carries an `llm` record, read from the histories
 * (decrypted with the relay's codec). Calls of runs that failed later are counted too: they were spent.
 */
export async function recordedCalls(client: Client, query: string, since: Date): Promise<RecordedCall[]> {
  const converter = client.options.loadedDataConverter;
  const calls: RecordedCall[] = [];
  for await (const info of client.workflow.list({ query })) {
    const site = siteOf(info);
    const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const completed = event.activityTaskCompletedEventAttributes;
      if (!completed?.result?.payloads?.length || !event.eventTime) continue;
      const at = new Date(Number(event.eventTime.seconds ?? 0) * 1000);
      if (at < since) continue;
      const result = await decodeFromPayloadsAtIndex<unknown>(converter, 0, completed.result.payloads);
      const llm = llmCallSchema.safeParse((result as { llm?: unknown } | null)?.llm);
      if (llm.success) calls.push({ ...llm.data, site, day: at.toISOString().slice(0, 10) });
    }
  }
  return calls;
}

function siteOf(info: WorkflowExecutionInfo): string {
  return info.typedSearchAttributes.get(WpSiteKey) ?? '(no site)';
}

/** Sums calls per site, day and model, priced per million tokens where a price is given; sorted by site, day, model. */
export function sumUsage(calls: readonly RecordedCall[], prices: Prices = {}): UsageRow[] {
  const rows = new Map<string, Omit<UsageRow, 'cost'>>();
  for (const call of calls) {
    const key = JSON.stringify([call.site, call.day, call.model]);
    const row = rows.get(key) ?? { site: call.site, day: call.day, model: call.model, calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    rows.set(key, {
      ...row,
      calls: row.calls + 1,
      promptTokens: row.promptTokens + call.promptTokens,
      completionTokens: row.completionTokens + call.completionTokens,
      totalTokens: row.totalTokens + call.totalTokens,
    });
  }
  return [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => {
      const price = prices[row.model];
      return price ? { ...row, cost: (row.promptTokens * price.prompt + row.completionTokens * price.completion) / 1e6 } : row;
    });
}
