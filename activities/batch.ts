import { z } from 'zod';
import type { Config } from '../src/config';
import { classifyFailure, invalidResponse } from './failures';
import type { WordPressClient } from './wordpress-client';

/** The plugin's REST route that pages through published posts by ID (wordpress-plugin/.../includes/rest-backlog.php). */
export const BACKLOG_ROUTE = 'ai-relay/v1/summary-backlog';

export const backlogPageSchema = z.object({
  /** Posts of this page whose summary is missing or was made from other content. */
  posts: z.array(
    z.object({
      id: z.number().int().positive(),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      /** True when the post has a summary, of older content. */
      summarised: z.boolean(),
      /** The idempotency key the plugin gives this post's post.published event. */
      publish_key: z.string().min(1).max(64),
    }),
  ),
  /** Posts looked at on this page, up to date ones included. */
  scanned: z.number().int().min(0),
  /** Highest post ID looked at; the next page starts after it. Null once the last page is read. */
  next_cursor: z.number().int().positive().nullable(),
  /** Published posts of the summarised types on the whole site, for progress. */
  total: z.number().int().min(0),
});
export type BacklogPage = z.infer<typeof backlogPageSchema>;
export type BacklogPost = BacklogPage['posts'][number];

export interface AutomationSettings {
  readonly batchConcurrency: number;
  readonly batchChildrenPerRun: number;
  readonly editQuietMs: number;
}

export function createBatchActivities(wordpress: () => WordPressClient, automation: Config['automation']) {
  return {
    /** One page of the posts needing a summary, after post ID `after`; the relay never holds the whole site. */
    async listSummaryBacklog(input: { after: number; perPage: number }): Promise<BacklogPage> {
      let raw: unknown;
      try {
        raw = await wordpress().request('GET', `${BACKLOG_ROUTE}?after=${input.after}&per_page=${input.perPage}`);
      } catch (error) {
        throw classifyFailure('WordPress', error);
      }
      const parsed = backlogPageSchema.safeParse(raw);
      if (!parsed.success) throw invalidResponse('WordPress', `GET ${BACKLOG_ROUTE}`, parsed.error);
      return parsed.data;
    },

    /** The worker's fan-out and quiet period, read once per run so the workflow stays deterministic. */
    async readAutomationSettings(): Promise<AutomationSettings> {
      return { ...automation };
    },
  };
}
