import type { Client } from '@temporalio/client';
import type { SearchAttributePair, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { batchWorkflowId } from '../../workflows/workflow-ids';
import { startBatch, startOrFeedEditDebounce } from './batch-routes';
import type { EventName, WpEvent } from '../webhooks/events';
import { WpCommentIdKey, WpEventKey, WpPostIdKey, WpSiteKey } from './search-attributes';
import type { StartResult } from './start-event';

/** What every start shares: the task queue and the policies that make the workflow ID an idempotency key. */
export interface StartCommon {
  readonly taskQueue: string;
  readonly workflowIdConflictPolicy: WorkflowIdConflictPolicy;
  readonly workflowIdReusePolicy: WorkflowIdReusePolicy;
  /** What the run should know from the relay's configuration (the give-up point); shown in the Web UI. */
  readonly memo: Record<string, unknown>;
}

/**
 * How one event becomes a workflow. The ID is what makes a re-sent event a duplicate; the search attributes are
 * what the Web UI and `relay failed` filter on (never personal data: they are stored in plaintext).
 */
export interface EventRoute<E extends WpEvent> {
  readonly workflowType: string;
  readonly workflowId: (event: E) => string;
  readonly searchAttributes: (event: E) => SearchAttributePair[];
  /**
   * Routes that are not a plain start (signal- or update-with-start) say how, and answer `duplicate` themselves
   * where that is not a WorkflowExecutionAlreadyStartedError; the default is client.workflow.start.
   */
  readonly start?: (client: Client, event: E, common: StartCommon & { readonly workflowId: string }) => Promise<StartResult>;
}

/** Every event has a row: an event without a workflow would be accepted and then lost. */
type Routes = { readonly [K in EventName]: EventRoute<Extract<WpEvent, { event: K }>> };

const eventAndSite = (event: WpEvent): SearchAttributePair[] => [
  { key: WpEventKey, value: event.event },
  { key: WpSiteKey, value: event.site },
];

/** The one table: event → workflow type, workflow ID, search attributes. */
export const EVENT_ROUTES: Routes = {
  'post.published': {
    workflowType: 'enrichPost',
    workflowId: (event) => event.idempotency_key,
    searchAttributes: (event) => [...eventAndSite(event), { key: WpPostIdKey, value: event.post_id }],
  },
  'comment.created': {
    workflowType: 'moderateComment',
    workflowId: (event) => event.idempotency_key,
    searchAttributes: (event) => [
      ...eventAndSite(event),
      { key: WpPostIdKey, value: event.post_id },
      { key: WpCommentIdKey, value: event.comment_id },
    ],
  },
  // A lead is personal data: event and site only; its fields travel encrypted in the workflow's input.
  'lead.submitted': {
    workflowType: 'enrichLead',
    workflowId: (event) => event.idempotency_key,
    searchAttributes: eventAndSite,
  },
  // One batch per site at a time: a second request while it runs is answered `duplicate` (see docs/batches.md).
  'batch.requested': {
    workflowType: 'batchEnrich',
    workflowId: (event) => batchWorkflowId(event.site),
    searchAttributes: eventAndSite,
    start: (client, event, common) => startBatch(client, event, { ...common, searchAttributes: eventAndSite(event) }),
  },
  // One long-lived run per post, fed by update-with-start; the update answers a re-sent key `duplicate`.
  'post.updated': {
    workflowType: 'debouncePostUpdates',
    workflowId: (event) => `post-updates:${event.post_id}@${event.site}`,
    searchAttributes: (event) => [...eventAndSite(event), { key: WpPostIdKey, value: event.post_id }],
    start: (client, event, common) =>
      startOrFeedEditDebounce(client, event, { ...common, searchAttributes: [...eventAndSite(event), { key: WpPostIdKey, value: event.post_id }] }),
  },
};

export function routeOf<E extends WpEvent>(event: E): EventRoute<E> {
  return EVENT_ROUTES[event.event] as EventRoute<E>;
}
