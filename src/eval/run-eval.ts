import { ApplicationFailure } from '@temporalio/common';
import { performance } from 'node:perf_hooks';
import type { Activities } from '../../contract/activities';
import type { LlmCall } from '../../activities/llm-call';
import { leadSubmittedSchema } from '../../contract/events';
import { leadFormOf } from '../../contract/leads';
import { sampleEvent } from '../webhooks/sample-events';
import type { CommentItem, LeadItem, PostItem } from './sets';
import { checkSummary, type SummaryChecks } from './summary-checks';

/** How one item went: a valid answer, an answer off the schema (`invalid`), or no answer at all (`error`). */
export type ItemOutcome = 'valid' | 'invalid' | 'error';

export interface ItemResult {
  readonly id: string;
  readonly lang: string;
  readonly outcome: ItemOutcome;
  /** The failure's message when the outcome is not valid. */
  readonly error?: string;
  readonly latencyMs: number;
  /** Null when the call failed: a server that errors reports no usage. */
  readonly llm: LlmCall | null;
}

export interface CommentResult extends ItemResult {
  readonly expected: CommentItem['label'];
  readonly predicted: CommentItem['label'] | null;
  readonly tags: readonly string[];
  /** Measured from log-probabilities; null when the server gave none. */
  readonly confidence?: number | null;
  /** What the configured policy would do with the verdict (spam, hold, keep). */
  readonly action?: string;
  readonly reason?: string;
}

export interface LeadResult extends ItemResult {
  readonly expected: LeadItem['intent'];
  readonly predicted: LeadItem['intent'] | null;
  readonly score?: number;
}

export interface PostResult extends ItemResult {
  readonly summary?: string;
  /** The SEO description from the same answer (already cut to 155 characters at a word, as the worker writes it). */
  readonly description?: string;
  readonly checks?: SummaryChecks;
}

/** Only the activities an evaluation calls: the very functions the worker registers. */
export type EvalActivities = Pick<Activities, 'classifyComment' | 'normalizeLead' | 'scoreLead' | 'summarizePost'>;

/** Called after each item, e.g. to show progress. */
export type OnItem = (set: string, done: number, total: number) => void;

async function timed<T>(call: () => Promise<T>): Promise<{ latencyMs: number } & ({ value: T } | { failure: { outcome: ItemOutcome; error: string } })> {
  const started = performance.now();
  try {
    const value = await call();
    return { latencyMs: performance.now() - started, value };
  } catch (error) {
    const latencyMs = performance.now() - started;
    // The activity's own classification: off-schema output is InvalidLlmOutput, anything else never got an answer.
    const invalid = error instanceof ApplicationFailure && error.type === 'InvalidLlmOutput';
    return { latencyMs, failure: { outcome: invalid ? 'invalid' : 'error', error: error instanceof Error ? error.message : String(error) } };
  }
}

/** Runs `evaluate` on each item in turn, never two at once (latency is per item), telling `onItem` after each. */
async function eachInTurn<I, R>(set: string, items: readonly I[], onItem: OnItem | undefined, evaluate: (item: I) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) {
    results.push(await evaluate(item));
    onItem?.(set, results.length, items.length);
  }
  return results;
}

export function evalComments(activities: EvalActivities, items: readonly CommentItem[], onItem?: OnItem): Promise<CommentResult[]> {
  return eachInTurn('comments', items, onItem, async (item): Promise<CommentResult> => {
    const run = await timed(() =>
      activities.classifyComment({ author: item.author, authorUrl: item.authorUrl, content: item.content, isReply: item.isReply }),
    );
    const base = { id: item.id, lang: item.lang, expected: item.label, tags: item.tags, latencyMs: run.latencyMs };
    return 'value' in run
      ? {
          ...base,
          outcome: 'valid',
          predicted: run.value.label,
          confidence: run.value.confidence,
          action: run.value.action,
          reason: run.value.reason,
          llm: run.value.llm,
        }
      : { ...base, ...run.failure, predicted: null, llm: null };
  });
}

export function evalLeads(activities: EvalActivities, items: readonly LeadItem[], onItem?: OnItem): Promise<LeadResult[]> {
  return eachInTurn('leads', items, onItem, async (item): Promise<LeadResult> => {
    // Built as the receiver would parse a lead.submitted webhook, so the fields are sanitised the same way.
    const event = leadSubmittedSchema.parse(sampleEvent('lead.submitted', { fields: item.fields, source: item.source }));
    const lead = await activities.normalizeLead(leadFormOf(event));
    const run = await timed(() => activities.scoreLead(lead));
    const base = { id: item.id, lang: item.lang, expected: item.intent, latencyMs: run.latencyMs };
    return 'value' in run
      ? { ...base, outcome: 'valid', predicted: run.value.intent, score: run.value.score, llm: run.value.llm ?? null }
      : { ...base, ...run.failure, predicted: null, llm: null };
  });
}

export function evalPosts(activities: EvalActivities, items: readonly PostItem[], onItem?: OnItem): Promise<PostResult[]> {
  return eachInTurn('posts', items, onItem, async (item): Promise<PostResult> => {
    const run = await timed(() => activities.summarizePost({ title: item.title, content: item.content }));
    const base = { id: item.id, lang: item.lang, latencyMs: run.latencyMs };
    return 'value' in run
      ? {
          ...base,
          outcome: 'valid',
          summary: run.value.summary,
          ...(run.value.description === undefined ? {} : { description: run.value.description }),
          checks: checkSummary(run.value.summary, item),
          llm: run.value.llm ?? null,
        }
      : { ...base, ...run.failure, llm: null };
  });
}
