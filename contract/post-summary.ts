import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import type { LlmCall } from './llm-call';
import type { SiteTarget } from './wordpress-sites';
import { DESCRIPTION_ANSWER_MAX } from './seo-description';
import { suggestSchema, type Suggest } from './suggestions';

/**
 * enrichPost's own input: which post to summarise. The post is fetched as it is when the run gets to it, so
 * nothing else of the event that asked for it (a publish, an edit, a batch) is needed, nor kept in its history.
 */
export const summariseInputSchema = z.object({
  postId: z.number().int().positive(),
  /** The post type's REST collection; `posts` when absent. */
  restBase: z.string().min(1).optional(),
  /** The site the post is on (an event's `site`): which configured WordPress to read and write (WP_SITES). */
  site: z.string().optional(),
  /**
   * The give-up point of the run that asked for the summary (a batch, a post's edits), so its activities retry as
   * long as that run's own: a child does not inherit its parent's memo. Absent: this run's memo, or the default.
   */
  giveUpAfter: z.custom<Duration>((value) => typeof value === 'string' || typeof value === 'number').optional(),
  /** The daily token budget of the run that asked for the summary (TOKEN_BUDGET_PER_DAY), for the same reason. */
  tokenBudget: z.object({ site: z.string(), perDay: z.number().int().positive() }).optional(),
  /** The results the site holds for an editor's review (the event's `suggest`); absent or empty: published. */
  suggest: suggestSchema.optional(),
});
export type SummariseInput = z.infer<typeof summariseInputSchema>;

export type EnrichPostResult =
  | {
      readonly outcome: 'summarized';
      readonly postId: number;
      readonly summary: string;
      /** The SEO meta description; absent from runs recorded before it was asked for. */
      readonly description?: string;
      /** The results written as suggestions for an editor to accept or reject; absent when all were published. */
      readonly suggested?: Suggest;
      readonly contentHash: string;
      /** The prompt version and tokens of the summary; absent from runs recorded before they were kept. */
      readonly llm?: LlmCall;
    }
  | { readonly outcome: 'unchanged' | 'not_published'; readonly postId: number; readonly contentHash: string };

/** What a parent learns from one summary child: its outcome, or that another run already owns that workflow ID. */
export type ChildOutcome = EnrichPostResult['outcome'] | 'already_started' | 'failed';

export const postForSummarySchema = z.object({
  id: z.number().int(),
  status: z.string(),
  title: z.string(),
  content: z.string(),
  contentHash: z.string(),
  summaryHash: z.string().nullable(),
});
export type PostForSummary = z.infer<typeof postForSummarySchema>;

export interface WriteSummaryInput extends SiteTarget {
  readonly postId: number;
  readonly summary: string;
  /**
   * The SEO meta description (at most 155 characters). The plugin decides where it goes (Yoast SEO, Rank Math, the
   * excerpt), so the relay writes one meta key whatever the site runs. Absent from summaries made before it was.
   */
  readonly description?: string;
  /** Which of the two are written as suggestions (the `_suggestion` meta) rather than published. */
  readonly suggest?: Suggest;
  readonly contentHash: string;
  /** "<workflowId>/<runId>" of the run that made the summary. */
  readonly run: string;
  /** The post type's REST collection; `posts` when absent. */
  readonly restBase?: string;
}

/**
 * The summary step's one structured answer: the summary and the SEO description come from the same call. The prompt
 * asks for at most 60 words: 600 characters hold that in any language with spaces, and no more. The description is
 * cut to 155 characters at a word afterwards (seoDescriptionSchema).
 */
export const summarySchema = z.object({
  // Trimmed first: a blank answer is no summary (WordPress would store it as an empty string).
  summary: z.string().trim().min(1).max(600),
  description: z.string().trim().min(1).max(DESCRIPTION_ANSWER_MAX),
});
export type Summary = z.infer<typeof summarySchema>;

/** What summarizePost returns; `description` is absent from results recorded before it was asked for. */
export type SummaryResult = Pick<Summary, 'summary'> & { readonly description?: string; readonly llm?: LlmCall };

export interface SummarizeInput {
  readonly title: string;
  readonly content: string;
}
