import type { SearchAttributePair } from '@temporalio/common';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/client';
import { batchInputOf } from '../../contract/batch';
import { moderateCommentInputOf } from '../../contract/comment-moderation';
import type { EventName, WpEvent } from '../../contract/events';
import { enrichLeadInputOf } from '../../contract/leads';
import { postEditOf, postUpdatedUpdate, postUpdatesInputOf, type EditAnswer, type PostEdit } from '../../contract/post-updates';
import { suggestOf } from '../../contract/suggestions';
import { WpCommentIdKey, WpEventKey, WpPostIdKey, WpSiteKey } from '../../contract/search-attributes';
import { batchWorkflowId, postUpdatesWorkflowId } from '../../contract/workflow-ids';
import type * as workflows from '../../workflows';

type Workflows = typeof workflows;
type WorkflowName = keyof Workflows;

/**
 * How one event becomes a workflow, as data. `workflowType` is the name of a function workflows/ exports (a
 * type-only import: the receiver never loads workflow code), and `args` must match that function's parameters,
 * so changing a workflow's input fails typecheck here. The ID is what makes a re-sent event a duplicate; the
 * search attributes are what the Web UI and `relay failed` filter on (never personal data: stored in plaintext).
 */
export interface EventRoute<E extends WpEvent, N extends WorkflowName = WorkflowName> {
  readonly workflowType: N;
  readonly args: (event: E) => Parameters<Workflows[N]>;
  readonly workflowId: (event: E) => string;
  readonly searchAttributes: (event: E) => SearchAttributePair[];
  /** Whether a closed run's ID may be started again (REJECT_DUPLICATE keeps the ID an idempotency key for good). */
  readonly workflowIdReusePolicy: WorkflowIdReusePolicy;
  /**
   * `start`: a second start of a running or (per the reuse policy) closed ID is refused and answered `duplicate`.
   * `update`: update-with-start, which starts the run if none is open and hands it the event's `args`; the update
   * answers `duplicate` itself for a key the run has seen.
   */
  readonly via:
    | { readonly kind: 'start' }
    | { readonly kind: 'update'; readonly update: UpdateDefinition<EditAnswer, [PostEdit]>; readonly args: (event: E) => [PostEdit] };
}

/** A row for event E, whichever workflow it starts (the row's workflowType picks which args are checked). */
export type RouteOf<E extends WpEvent> = { [N in WorkflowName]: EventRoute<E, N> }[WorkflowName];

/** Every event has a row: an event without a workflow would be accepted and then lost. */
type Routes = { readonly [K in EventName]: RouteOf<Extract<WpEvent, { event: K }>> };

const eventAndSite = (event: WpEvent): SearchAttributePair[] => [
  { key: WpEventKey, value: event.event },
  { key: WpSiteKey, value: event.site },
];
const eventSiteAndPost = (event: WpEvent & { post_id: number }): SearchAttributePair[] => [
  ...eventAndSite(event),
  { key: WpPostIdKey, value: event.post_id },
];

const START = { kind: 'start' } as const;

/**
 * The one table: event → workflow, its input, ID, search attributes and policies. Each workflow is given an input
 * of its own (contract/), built here from the verified event: only what the run uses, so nothing else of the event
 * (a comment's text and author, a post's title) is written to its history.
 */
export const EVENT_ROUTES: Routes = {
  'post.published': {
    workflowType: 'enrichPost',
    // The site picks which configured WordPress (WP_SITES) the run reads and writes; its review choice travels in
    // the input, so each run's history shows whether it published or suggested.
    args: (event) => [
      {
        postId: event.post_id,
        ...(event.rest_base === undefined ? {} : { restBase: event.rest_base }),
        site: event.site,
        ...suggestOf(event),
      },
    ],
    workflowId: (event) => event.idempotency_key,
    searchAttributes: eventSiteAndPost,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    via: START,
  },
  'comment.created': {
    workflowType: 'moderateComment',
    args: (event) => [moderateCommentInputOf(event)],
    workflowId: (event) => event.idempotency_key,
    searchAttributes: (event) => [...eventSiteAndPost(event), { key: WpCommentIdKey, value: event.comment_id }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    via: START,
  },
  // A lead is personal data: event and site only; its fields travel encrypted in the workflow's input.
  'lead.submitted': {
    workflowType: 'enrichLead',
    args: (event) => [enrichLeadInputOf(event)],
    workflowId: (event) => event.idempotency_key,
    searchAttributes: eventAndSite,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    via: START,
  },
  // One batch per site at a time: while it runs a second request (a doubled WP-Cron run, a schedule beside the
  // button) is answered `duplicate`; once it has closed a new request starts a new batch, which finds only what
  // changed since (see docs/batches.md).
  'batch.requested': {
    workflowType: 'batchEnrich',
    args: (event) => [batchInputOf(event)],
    workflowId: (event) => batchWorkflowId(event.site),
    searchAttributes: eventAndSite,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    via: START,
  },
  // One long-lived run per post, fed by update-with-start; the run remembers the keys it has seen.
  'post.updated': {
    workflowType: 'debouncePostUpdates',
    args: (event) => [postUpdatesInputOf(event)],
    workflowId: (event) => postUpdatesWorkflowId(event.site, event.post_id),
    searchAttributes: eventSiteAndPost,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    via: { kind: 'update', update: postUpdatedUpdate, args: (event) => [postEditOf(event)] },
  },
};

export function routeOf<E extends WpEvent>(event: E): RouteOf<E> {
  return EVENT_ROUTES[event.event as E['event']] as unknown as RouteOf<E>;
}
