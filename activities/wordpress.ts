import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { stripHtml } from '../contract/sanitize';
import { classifyFailure, invalidResponse, metaNotRegistered } from './failures';
import type { WordPressClient } from './wordpress-client';
import type { PostForSummary, WriteSummaryInput } from '../contract/post-summary';

/** Post meta the plugin registers (show_in_rest) and the worker writes. */
export const SUMMARY_META = {
  summary: 'ai_relay_summary',
  hash: 'ai_relay_summary_hash',
  run: 'ai_relay_summary_run',
  /** The SEO description; the plugin copies it where the site's SEO plugin reads it (includes/seo-description.php). */
  description: 'ai_relay_description',
  /** Where a result the site holds for review waits for an editor (includes/suggestions.php). */
  summarySuggestion: 'ai_relay_summary_suggestion',
  descriptionSuggestion: 'ai_relay_description_suggestion',
} as const;

/** What is sent to the LLM is capped; the hash still covers the whole post. */
export const MAX_CONTENT_CHARS = 20_000;

const editPostSchema = z.object({
  id: z.number().int(),
  status: z.string(),
  title: z.object({ raw: z.string() }),
  content: z.object({ raw: z.string() }),
  meta: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
});

/** Posts, pages and custom types each live under their own REST base (the event's rest_base). */
export const DEFAULT_REST_BASE = 'posts';

export function contentHash(title: string, content: string): string {
  return createHash('sha256').update(title).update('\0').update(content).digest('hex');
}

function metaString(meta: unknown, key: string): string | null {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return null;
  const value = (meta as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function createWordPressActivities(wordpress: (site?: string) => WordPressClient) {
  return {
    /**
     * The post as it is now (context=edit, so raw fields), with the hash of the content last summarised. `site`:
     * which configured WordPress (WP_SITES) it is on; runs recorded before sites were kept pass none.
     */
    async fetchPost(postId: number, restBase = DEFAULT_REST_BASE, site?: string): Promise<PostForSummary> {
      const signal = Context.current().cancellationSignal;
      let raw: unknown;
      try {
        raw = await wordpress(site).request('GET', `wp/v2/${restBase}/${postId}?context=edit`, undefined, signal);
      } catch (error) {
        throw classifyFailure('WordPress', error, { signal });
      }
      const parsed = editPostSchema.safeParse(raw);
      if (!parsed.success) throw invalidResponse('WordPress', `GET ${restBase} ${postId}`, parsed.error);
      const post = parsed.data;
      return {
        id: post.id,
        status: post.status,
        title: stripHtml(post.title.raw),
        content: stripHtml(post.content.raw).slice(0, MAX_CONTENT_CHARS),
        contentHash: contentHash(post.title.raw, post.content.raw),
        summaryHash: metaString(post.meta, SUMMARY_META.hash),
      };
    },

    /**
     * Sets the summary meta, and the description in the same request; each held for review goes to its suggestion
     * meta instead, where an editor accepts or rejects it. Setting the same values again changes nothing,
     * so a retried or re-run activity leaves one summary. Fails non-retryably when WordPress drops the meta (the
     * plugin is not active). A plugin from before descriptions drops that key alone, which leaves the summary whole.
     */
    async writeSummary(input: WriteSummaryInput): Promise<void> {
      const restBase = input.restBase ?? DEFAULT_REST_BASE;
      const signal = Context.current().cancellationSignal;
      const suggest = new Set(input.suggest ?? []);
      const meta = {
        [suggest.has('summary') ? SUMMARY_META.summarySuggestion : SUMMARY_META.summary]: input.summary,
        ...(input.description === undefined
          ? {}
          : { [suggest.has('description') ? SUMMARY_META.descriptionSuggestion : SUMMARY_META.description]: input.description }),
        [SUMMARY_META.hash]: input.contentHash,
        [SUMMARY_META.run]: input.run,
      };
      let raw: unknown;
      try {
        raw = await wordpress(input.site).request('POST', `wp/v2/${restBase}/${input.postId}?context=edit`, { meta }, signal);
      } catch (error) {
        throw classifyFailure('WordPress', error, { signal });
      }
      const parsed = editPostSchema.safeParse(raw);
      if (!parsed.success) throw invalidResponse('WordPress', `POST ${restBase} ${input.postId}`, parsed.error);
      if (metaString(parsed.data.meta, SUMMARY_META.hash) !== input.contentHash) throw metaNotRegistered(SUMMARY_META.hash);
    },
  };
}
