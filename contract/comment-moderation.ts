import { z } from 'zod';
import type { CommentCreated } from './events';
import type { LlmCall } from './llm-call';
import { COMMENT_LABELS, MODERATION_ACTIONS, type AutoSpamMode, type CommentVerdict, type ModerationDecision } from './moderation-policy';
import type { SiteTarget } from './wordpress-sites';

export const COMMENT_STATUSES = ['approved', 'hold', 'spam', 'trash'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/**
 * moderateComment's own input: which comment, and what of the event the policy needs. The comment's author and
 * text are fetched as they are when the run gets to them, so they are not in the run's history at all.
 */
export const moderateCommentInputSchema = z.object({
  commentId: z.number().int().positive(),
  /** Whose daily token budget the verdict counts against. */
  site: z.string().min(1),
  /** The status WordPress itself gave the comment, which the policy's `keep` restores; absent: leave it. */
  wordpressStatus: z.enum(['approved', 'hold']).optional(),
  /** A moderator asked for this verdict: classify even after a human decision, never override it. */
  recheck: z.boolean().optional(),
});
export type ModerateCommentInput = z.infer<typeof moderateCommentInputSchema>;

/** The input the event table gives moderateComment for a comment.created event. */
export function moderateCommentInputOf(event: CommentCreated): ModerateCommentInput {
  return {
    commentId: event.comment_id,
    site: event.site,
    ...(event.status === undefined ? {} : { wordpressStatus: event.status }),
    ...(event.recheck === undefined ? {} : { recheck: event.recheck }),
  };
}

/**
 * The verdict as stored in `ai_relay_verdict` (JSON): the LLM's answer, its measured confidence (null: unknown),
 * the policy's action and why, the automatic-Spam mode in force, and which run. Verdicts stored before the relay
 * measured confidence have neither `why` nor `mode`.
 */
export const storedVerdictSchema = z.object({
  label: z.enum(COMMENT_LABELS),
  confidence: z.number().min(0).max(1).nullable(),
  reason: z.string(),
  action: z.enum(MODERATION_ACTIONS),
  why: z.string().optional(),
  // The plugin answers null for a verdict stored without one.
  mode: z.object({ enabled: z.boolean(), why: z.string() }).nullable().optional(),
  /** "<workflowId>/<runId>". */
  run: z.string(),
  at: z.string(),
});
export type StoredVerdict = z.infer<typeof storedVerdictSchema>;

export const commentForModerationSchema = z.object({
  id: z.number().int(),
  status: z.string(),
  author: z.string(),
  authorUrl: z.string(),
  content: z.string(),
  parent: z.number().int(),
  verdict: storedVerdictSchema.nullable(),
  /** The last status a moderator set by hand, if any: it wins over any verdict. */
  humanDecision: z.object({ to: z.string(), at: z.string() }).nullable(),
});
export type CommentForModeration = z.infer<typeof commentForModerationSchema>;

export interface ApplyVerdictInput extends SiteTarget {
  readonly commentId: number;
  readonly verdict: StoredVerdict;
  /** The status the policy asks for; null leaves the status as it is. */
  readonly status: CommentStatus | null;
}

export type ApplyVerdictResult =
  | { readonly outcome: 'applied' | 'unchanged' | 'human_decided'; readonly status: string }
  | { readonly outcome: 'gone' };

export interface ClassifyCommentInput {
  readonly author: string;
  readonly authorUrl: string;
  readonly content: string;
  readonly isReply: boolean;
}

/**
 * The verdict (confidence measured, or null), the policy's decision and why, the automatic-Spam mode in force (the
 * plugin's settings page shows it), and the call's cost: recorded in history, so replay never asks again.
 */
export type ClassifiedComment = CommentVerdict & ModerationDecision & { readonly mode: AutoSpamMode; readonly llm: LlmCall };

export type ModerateCommentResult =
  | { readonly outcome: 'gone'; readonly commentId: number }
  | { readonly outcome: 'human_decided' | 'closed'; readonly commentId: number; readonly status: string }
  | {
      readonly outcome: Exclude<ApplyVerdictResult['outcome'], 'gone'>;
      readonly commentId: number;
      readonly status: string;
      readonly verdict: StoredVerdict;
      /** The prompt version and tokens of the verdict; absent when a stored verdict was reused, or in older runs. */
      readonly llm?: LlmCall;
    };
