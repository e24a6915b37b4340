import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { PostUpdated } from './events';
import type { ChildOutcome } from './post-summary';
import { suggestOf, suggestSchema } from './suggestions';

/** debouncePostUpdates' own input: the post whose edits the run debounces (one run per post). */
export const postUpdatesInputSchema = z.object({
  site: z.string().min(1),
  postId: z.number().int().positive(),
});
export type PostUpdatesInput = z.infer<typeof postUpdatesInputSchema>;

/**
 * One edit as the run needs it: its event's key, remembered so that a re-sent event is a duplicate, and the site's
 * review choice as of that edit (absent when nothing is held for review).
 */
export const postEditSchema = z.object({ eventKey: z.string().min(1), suggest: suggestSchema.optional() });
export type PostEdit = z.infer<typeof postEditSchema>;

/** The input and the edit the event table gives debouncePostUpdates for a post.updated event. */
export function postUpdatesInputOf(event: PostUpdated): PostUpdatesInput {
  return { site: event.site, postId: event.post_id };
}
export function postEditOf(event: PostUpdated): PostEdit {
  return { eventKey: event.idempotency_key, ...suggestOf(event) };
}

export type EditAnswer = 'accepted' | 'duplicate';
/**
 * Sent by the receiver with update-with-start, so a re-sent event is answered `duplicate` synchronously. (Runs
 * recorded before edits had a shape of their own were sent the post.updated event itself; the handler reads both.)
 */
export const postUpdatedUpdate = defineUpdate<EditAnswer, [PostEdit]>('postUpdated');

export interface DebounceStatus {
  /** An edit has come that is not summarised yet. */
  readonly pending: boolean;
  readonly edits: number;
  readonly summaries: number;
  readonly lastOutcome: ChildOutcome | 'unchanged' | 'not_published' | null;
}
export const debounceStatusQuery = defineQuery<DebounceStatus>('status');
