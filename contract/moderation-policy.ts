import { z } from 'zod';

export const COMMENT_LABELS = ['spam', 'toxic', 'question', 'ok'] as const;

/** What the LLM answers about one comment (its structured output). */
export const commentVerdictSchema = z.object({
  label: z.enum(COMMENT_LABELS),
  confidence: z.number().min(0).max(1),
  reason: z.string().min(1).max(200),
});
export type CommentVerdict = z.infer<typeof commentVerdictSchema>;

/**
 * What the policy makes of a verdict: `spam` marks it spam, `hold` leaves it for a human, `keep` gives it the status
 * WordPress itself chose (so a site that approves nothing automatically is not overruled by the AI).
 */
export const MODERATION_ACTIONS = ['spam', 'hold', 'keep'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** The confidence each label needs before its action is taken without a human (MODERATION_*_THRESHOLD). */
export type ModerationThresholds = Readonly<Record<CommentVerdict['label'], number>>;

/** Each label's action when the model is sure enough; below the label's threshold a human decides. */
const CONFIDENT_ACTION: Record<CommentVerdict['label'], ModerationAction> = {
  spam: 'spam',
  toxic: 'hold',
  question: 'keep',
  ok: 'keep',
};

export function moderationAction(verdict: CommentVerdict, thresholds: ModerationThresholds): ModerationAction {
  return verdict.confidence >= thresholds[verdict.label] ? CONFIDENT_ACTION[verdict.label] : 'hold';
}
