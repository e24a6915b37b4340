import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { stripHtml } from '../src/webhooks/sanitize';
import { classifyFailure } from './failures';
import type { WordPressClient } from './wordpress-client';

/** Post meta the plugin registers (show_in_rest) and the worker writes. */
export const SUMMARY_META = {
  summary: 'ai_relay_summary',
  hash: 'ai_relay_summary_hash',
  run: 'ai_relay_summary_run',
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

export const postForSummarySchema = z.object({
  id: z.number().int(),
  status: z.string(),
  title: z.string(),
  content: z.string(),
  contentHash: z.string(),
  summaryHash: z.string().nullable(),
});
export type PostForSummary = z.infer<typeof postForSummarySchema>;

export interface WriteSummaryInput {
  readonly postId: number;
  readonly summary: string;
  readonly contentHash: string;
  /** "<workflowId>/<runId>" of the run that made the summary. */
  readonly run: string;
}

export function contentHash(title: string, content: string): string {
  return createHash('sha256').update(title).update('\0').update(content).digest('hex');
}

function metaString(meta: unknown, key: string): string | null {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return null;
  const value = (meta as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function invalidAnswer(what: string, error: z.ZodError): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'WordPressInvalidResponse',
    message: `WordPress answered ${what} with an unexpected shape: ${z.prettifyError(error)}`,
    nonRetryable: true,
  });
}

export function createWordPressActivities(wordpress: () => WordPressClient) {
  return {
    /** The post as it is now (context=edit, so raw fields), with the hash of the content last summarised. */
    async fetchPost(postId: number): Promise<PostForSummary> {
      let raw: unknown;
      try {
        raw = await wordpress().request('GET', `wp/v2/posts/${postId}?context=edit`);
      } catch (error) {
        throw classifyFailure('WordPress', error);
      }
      const parsed = editPostSchema.safeParse(raw);
      if (!parsed.success) throw invalidAnswer(`GET post ${postId}`, parsed.error);
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
     * Sets the summary meta. Setting the same values again changes nothing, so a retried or re-run activity
     * leaves one summary. Fails non-retryably when WordPress drops the meta (the plugin is not active).
     */
    async writeSummary(input: WriteSummaryInput): Promise<void> {
      let raw: unknown;
      try {
        raw = await wordpress().request('POST', `wp/v2/posts/${input.postId}?context=edit`, {
          meta: {
            [SUMMARY_META.summary]: input.summary,
            [SUMMARY_META.hash]: input.contentHash,
            [SUMMARY_META.run]: input.run,
          },
        });
      } catch (error) {
        throw classifyFailure('WordPress', error);
      }
      const parsed = editPostSchema.safeParse(raw);
      if (!parsed.success) throw invalidAnswer(`POST post ${input.postId}`, parsed.error);
      if (metaString(parsed.data.meta, SUMMARY_META.hash) !== input.contentHash) {
        throw ApplicationFailure.create({
          type: 'WordPressMetaNotRegistered',
          message: `WordPress did not store ${SUMMARY_META.hash}: activate the wp-ai-relay plugin (it registers the summary meta), then reset the run`,
          nonRetryable: true,
        });
      }
    },
  };
}
