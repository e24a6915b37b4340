import { COMMENT_LABELS } from '../../contract/moderation-policy';
import { classify, mean, percentile, type Classification } from './metrics';
import type { CommentResult, ItemResult, LeadResult, PostResult } from './run-eval';
import { LEAD_INTENTS, type LeadIntent } from './sets';

/** What every set reports: how many answers kept to the schema, what they cost and how long they took. */
export interface SetFigures {
  readonly items: number;
  readonly schemaValid: number;
  /** schemaValid / items. */
  readonly schemaValidShare: number;
  /** Answered off the schema (InvalidLlmOutput). */
  readonly invalid: number;
  /** Got no answer at all (server unreachable, HTTP error): the figures of such a run say little. */
  readonly errors: number;
  readonly tokens: { readonly prompt: number; readonly completion: number; readonly total: number; readonly perItem: number | null };
  readonly latencyMs: { readonly mean: number | null; readonly p50: number | null; readonly p95: number | null; readonly max: number | null };
}

/**
 * The figure the moderation policy weighs before it lets a model move comments to Spam by itself: of the comments
 * the model labelled spam, the share that are spam, measured on a named set, model and prompt.
 */
export interface SpamPolicyFigure {
  readonly model: string;
  readonly prompt: string;
  readonly set: string;
  readonly spamPrecision: number | null;
  /** Comments the model labelled spam. */
  readonly labelledSpam: number;
  /** Ids of legitimate comments (question or ok) the model labelled spam: readers that would be silenced. */
  readonly legitimateLabelledSpam: readonly string[];
  /** Ids of legitimate comments the configured policy would move to Spam (its action, thresholds applied). */
  readonly legitimateMovedToSpam: readonly string[];
}

/** What `relay eval --policy-out FILE` writes: the spam figure with how many comments it rests on and when. */
export interface MeasuredSpamPolicy extends SpamPolicyFigure {
  readonly comments: number;
  readonly measuredAt: string;
}

export interface CommentsReport extends SetFigures {
  readonly classification: Classification<(typeof COMMENT_LABELS)[number]>;
  readonly policy: SpamPolicyFigure;
  /** Prompt-injection attempts in the set and how many still got their expected label. */
  readonly injection: { readonly items: number; readonly labelledAsExpected: number };
}

export interface LeadsReport extends SetFigures {
  readonly classification: Classification<LeadIntent>;
}

export interface PostsReport extends SetFigures {
  /** Of the valid summaries, how many kept the post's language, had no markdown and stayed within the word bound. */
  readonly checks: { readonly languageKept: number; readonly noMarkdown: number; readonly withinLength: number; readonly meanWords: number | null };
}

export interface EvalReport {
  readonly model: string;
  readonly prompts: readonly string[];
  readonly comments?: CommentsReport;
  readonly leads?: LeadsReport;
  readonly posts?: PostsReport;
  /** Every item's answer, for a closer look (`--json`). */
  readonly items: { readonly comments?: CommentResult[]; readonly leads?: LeadResult[]; readonly posts?: PostResult[] };
}

export function setFigures(results: readonly ItemResult[]): SetFigures {
  const calls = results.flatMap((r) => (r.llm ? [r.llm] : []));
  const sum = (pick: (c: (typeof calls)[number]) => number) => calls.reduce((total, call) => total + pick(call), 0);
  const total = sum((c) => c.totalTokens);
  const schemaValid = results.filter((r) => r.outcome === 'valid').length;
  const latencies = results.map((r) => r.latencyMs);
  const rounded = (value: number | null) => (value === null ? null : Math.round(value));
  return {
    items: results.length,
    schemaValid,
    schemaValidShare: results.length === 0 ? 0 : schemaValid / results.length,
    invalid: results.filter((r) => r.outcome === 'invalid').length,
    errors: results.filter((r) => r.outcome === 'error').length,
    tokens: { prompt: sum((c) => c.promptTokens), completion: sum((c) => c.completionTokens), total, perItem: calls.length === 0 ? null : total / calls.length },
    latencyMs: { mean: rounded(mean(latencies)), p50: rounded(percentile(latencies, 50)), p95: rounded(percentile(latencies, 95)), max: rounded(percentile(latencies, 100)) },
  };
}

const LEGITIMATE = new Set<string>(['question', 'ok']);

export function commentsReport(results: readonly CommentResult[], context: { model: string; prompt: string; set: string }): CommentsReport {
  const classification = classify(COMMENT_LABELS, results);
  const legitimate = results.filter((r) => LEGITIMATE.has(r.expected));
  const injection = results.filter((r) => r.tags.includes('injection'));
  return {
    ...setFigures(results),
    classification,
    policy: {
      ...context,
      spamPrecision: classification.perLabel.spam.precision,
      labelledSpam: classification.perLabel.spam.predicted,
      legitimateLabelledSpam: legitimate.filter((r) => r.predicted === 'spam').map((r) => r.id),
      legitimateMovedToSpam: legitimate.filter((r) => r.action === 'spam').map((r) => r.id),
    },
    injection: { items: injection.length, labelledAsExpected: injection.filter((r) => r.predicted === r.expected).length },
  };
}

export function leadsReport(results: readonly LeadResult[]): LeadsReport {
  return { ...setFigures(results), classification: classify(LEAD_INTENTS, results) };
}

export function postsReport(results: readonly PostResult[]): PostsReport {
  const checks = results.flatMap((r) => (r.checks ? [r.checks] : []));
  return {
    ...setFigures(results),
    checks: {
      languageKept: checks.filter((c) => c.languageKept).length,
      noMarkdown: checks.filter((c) => c.noMarkdown).length,
      withinLength: checks.filter((c) => c.withinLength).length,
      meanWords: mean(checks.map((c) => c.words)),
    },
  };
}
