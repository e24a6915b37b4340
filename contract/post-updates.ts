import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { PostUpdated } from './events';
import type { ChildOutcome } from './post-summary';

export type EditAnswer = 'accepted' | 'duplicate';
/** Sent by the receiver with update-with-start, so a re-sent event is answered `duplicate` synchronously. */
export const postUpdatedUpdate = defineUpdate<EditAnswer, [PostUpdated]>('postUpdated');

export interface DebounceStatus {
  /** An edit has come that is not summarised yet. */
  readonly pending: boolean;
  readonly edits: number;
  readonly summaries: number;
  readonly lastOutcome: ChildOutcome | 'unchanged' | 'not_published' | null;
}
export const debounceStatusQuery = defineQuery<DebounceStatus>('status');
