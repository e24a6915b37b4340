import { classifyFailure, invalidResponse } from './failures';
import type { WordPressClient } from './wordpress-client';
import { backlogPageSchema, type AutomationSettings, type BacklogPage } from '../contract/batch';
import type { SiteTarget } from '../contract/wordpress-sites';

/** The plugin's REST route that pages through published posts by ID (wordpress-plugin/.../includes/rest-backlog.php). */
export const BACKLOG_ROUTE = 'ai-relay/v1/summary-backlog';

export function createBatchActivities(wordpress: (site?: string) => WordPressClient, automation: AutomationSettings) {
  return {
    /** One page of the posts needing a summary, after post ID `after`; the relay never holds the whole site. */
    async listSummaryBacklog(input: { after: number; perPage: number } & SiteTarget): Promise<BacklogPage> {
      let raw: unknown;
      try {
        raw = await wordpress(input.site).request('GET', `${BACKLOG_ROUTE}?after=${input.after}&per_page=${input.perPage}`);
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
