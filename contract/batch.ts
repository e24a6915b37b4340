import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import type { BatchRequested } from './events';
import { suggestOf, suggestSchema } from './suggestions';

/** batchEnrich's own input: whose backlog, and how many posts to read per page. */
export const batchInputSchema = z.object({
  site: z.string().min(1),
  limit: z.number().int().min(1).max(500),
  /** The results the site holds for an editor's review, handed to every summary child; absent: published. */
  suggest: suggestSchema.optional(),
});
export type BatchInput = z.infer<typeof batchInputSchema>;

/** The input the event table gives batchEnrich for a batch.requested event. */
export function batchInputOf(event: BatchRequested): BatchInput {
  return { site: event.site, limit: event.limit, ...suggestOf(event) };
}

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

export interface BatchCounts {
  /** Published posts on the site (as the last page read said). */
  readonly total: number;
  /** Posts looked at so far, up to date ones included. */
  readonly scanned: number;
  /** Summarised by this batch. */
  readonly done: number;
  /** Up to date already, or summarised by another run (a publish, an edit, an earlier batch). */
  readonly skipped: number;
  readonly failed: number;
}

/** What is carried across continue-as-new: where the paging stands and what has been counted. */
export interface BatchState {
  readonly settings: AutomationSettings;
  readonly counts: BatchCounts;
  /** The next page starts after this post ID; null once the last page is read. */
  readonly cursor: number | null;
  /** Posts of the last page read that are not started yet. */
  readonly queue: readonly BacklogPost[];
  readonly paused: boolean;
  /** Runs before this one (continue-as-new count). */
  readonly runs: number;
  /** The first run's give-up point (its memo); absent in states carried before it was. */
  readonly giveUpAfter?: Duration;
}

export type BatchStatus = 'running' | 'paused' | 'cancelling' | 'cancelled' | 'completed';

export interface BatchProgress extends BatchCounts {
  readonly status: BatchStatus;
  readonly inFlight: number;
  readonly remaining: number;
  readonly runs: number;
}

export const batchProgressQuery = defineQuery<BatchProgress>('progress');
export const pauseBatchSignal = defineSignal('pause');
export const resumeBatchSignal = defineSignal('resume');
/** Starts nothing new; the children already running finish (they summarise whole posts or nothing). */
export const cancelBatchSignal = defineSignal('cancel');

/** A schedule asks for the same batch a webhook does, so it takes the batch's input and hands it on. */
export type ScheduledBatchInput = BatchInput;
