import { z } from 'zod';

export const COMMENT_LABELS = ['spam', 'toxic', 'question', 'ok'] as const;
export type CommentLabel = (typeof COMMENT_LABELS)[number];

/**
 * What the LLM is asked for about one comment (its structured output): the label first, so that its tokens come
 * first and their log-probabilities measure the model's confidence in it, then one sentence saying why. No
 * self-reported confidence: a model's own number is not evidence (a 135M model said 1.0 for a reader's question
 * it called spam).
 */
export const commentAnswerSchema = z.object({
  label: z.enum(COMMENT_LABELS),
  reason: z.string().min(1).max(200),
});
export type CommentAnswer = z.infer<typeof commentAnswerSchema>;

/** The answer with the confidence the relay measured: null when the server gave no log-probabilities (unknown). */
export type CommentVerdict = CommentAnswer & { readonly confidence: number | null };

/**
 * What the policy makes of a verdict: `spam` marks it spam, `hold` leaves it for a human, `keep` gives it the status
 * WordPress itself chose (so a site that approves nothing automatically is not overruled by the AI).
 */
export const MODERATION_ACTIONS = ['spam', 'hold', 'keep'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** The confidence each label needs before its action is taken without a human (MODERATION_*_THRESHOLD). */
export type ModerationThresholds = Readonly<Record<CommentVerdict['label'], number>>;

/** What the policy reads: the MODERATION_* settings, passed down by the worker. */
export interface ModerationConfig {
  readonly thresholds: ModerationThresholds;
  /** MODERATION_AUTO_SPAM: the site allows automatic Spam once the model's precision is measured. */
  readonly autoSpam: boolean;
  /** MODERATION_SPAM_PRECISION and _MODEL: what `relay eval` measured, and for which model. */
  readonly spamPrecision?: number | undefined;
  readonly spamPrecisionModel?: string | undefined;
  /** MODERATION_MIN_SPAM_PRECISION: the bar (0.98 by default). */
  readonly minSpamPrecision: number;
}

/** Whether spam verdicts may move comments to Spam by themselves, and the sentence the site owner reads about it. */
export interface AutoSpamMode {
  readonly enabled: boolean;
  readonly why: string;
}

/**
 * Automatic Spam is allowed only when the site asks for it (MODERATION_AUTO_SPAM) and `relay eval` measured the
 * configured model's spam precision at or above the site's bar: a model nobody measured never spams a reader.
 */
export function autoSpamMode(moderation: ModerationConfig, model: string): AutoSpamMode {
  const { autoSpam, spamPrecision, spamPrecisionModel, minSpamPrecision } = moderation;
  const measure = `run \`relay eval\` with ${model}, then set MODERATION_SPAM_PRECISION and MODERATION_SPAM_PRECISION_MODEL`;
  if (!autoSpam) return { enabled: false, why: 'spam verdicts are held for a human: MODERATION_AUTO_SPAM is off' };
  if (spamPrecision === undefined || spamPrecisionModel === undefined) {
    return { enabled: false, why: `spam verdicts are held for a human: no spam precision was measured for ${model} (${measure})` };
  }
  if (spamPrecisionModel !== model) {
    return {
      enabled: false,
      why: `spam verdicts are held for a human: the spam precision was measured for ${spamPrecisionModel}, not for the configured ${model} (${measure})`,
    };
  }
  if (spamPrecision < minSpamPrecision) {
    return {
      enabled: false,
      why: `spam verdicts are held for a human: ${model}'s measured spam precision ${spamPrecision} is below the ${minSpamPrecision} required (MODERATION_MIN_SPAM_PRECISION)`,
    };
  }
  return {
    enabled: true,
    why: `confident spam verdicts go to Spam: ${model}'s measured spam precision ${spamPrecision} meets the ${minSpamPrecision} required`,
  };
}

/** A reason that says nothing ("no", "n/a", "spam", a few letters) is no verdict: nobody could check it. */
const NON_COMMITTAL = /^(no|none|n\/?a|null|nothing|unknown|yes|ok|okay|spam|toxic|question|reason|no (response|reason|answer|comment)|-+|\.+|\?+)$/i;
const MIN_REASON_LETTERS = 8;
/** One character of these scripts says about as much as a few Latin letters ("广告链接" is a reason). */
const DENSE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export function isNonCommittal(reason: string): boolean {
  const trimmed = reason.trim().replace(/[.!。！]+$/u, '');
  const letters = (trimmed.match(/\p{L}/gu) ?? []).reduce((sum, ch) => sum + (DENSE_SCRIPT.test(ch) ? 3 : 1), 0);
  return NON_COMMITTAL.test(trimmed) || letters < MIN_REASON_LETTERS;
}

/** The policy's decision and the one sentence stored with the verdict saying why. */
export interface ModerationDecision {
  readonly action: ModerationAction;
  readonly why: string;
}

/** Each label's action when the verdict is trusted; anything less trusted goes to a human, or changes nothing. */
export function moderationAction(verdict: CommentVerdict, moderation: ModerationConfig, mode: AutoSpamMode): ModerationDecision {
  const { label, confidence } = verdict;
  if (isNonCommittal(verdict.reason)) return { action: 'hold', why: 'no verdict: the model gave no reason anyone could check' };
  if (confidence === null) {
    // Unknown confidence: a suspicion is held for a human, a clean bill changes nothing.
    return label === 'spam' || label === 'toxic'
      ? { action: 'hold', why: `held for a human: the model said ${label}, and the server gave no log-probabilities to measure its confidence` }
      : { action: 'keep', why: `WordPress's own status stands: the model said ${label}` };
  }
  const threshold = moderation.thresholds[label];
  if (confidence < threshold) {
    return { action: 'hold', why: `held for a human: the model said ${label} with a confidence of ${round(confidence)}, below ${threshold}` };
  }
  if (label === 'spam') return mode.enabled ? { action: 'spam', why: mode.why } : { action: 'hold', why: mode.why };
  if (label === 'toxic') return { action: 'hold', why: 'held for a human: the model found it toxic' };
  return { action: 'keep', why: `WordPress's own status stands: the model said ${label}` };
}

const round = (value: number) => Math.round(value * 100) / 100;
