import { z } from 'zod';
import { normalizeUrl, stripHtml } from './sanitize';
import { IDEMPOTENCY_KEY } from './verify';

const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY, 'must be 1-64 characters of [A-Za-z0-9._:-]');
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const url = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .transform(normalizeUrl);
/** Stored text: HTML stripped first, then length-limited, so the limit applies to what is kept. */
const text = (max: number) => z.string().transform(stripHtml).pipe(z.string().max(max));
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const base = { idempotency_key: idempotencyKey, site: url };

export const postPublishedSchema = z.object({
  event: z.literal('post.published'),
  ...base,
  post_id: id,
  title: text(1000),
  url,
  author: text(200),
  published_at: timestamp,
  meta: z
    .object({
      categories: z.array(z.union([id, text(200)])).max(100).default([]),
      tags: z.array(text(200)).max(100).default([]),
    })
    .default({ categories: [], tags: [] }),
});

export const commentCreatedSchema = z.object({
  event: z.literal('comment.created'),
  ...base,
  comment_id: id,
  post_id: id,
  author: text(200),
  content: text(20_000),
  created_at: timestamp,
});

export const leadSubmittedSchema = z.object({
  event: z.literal('lead.submitted'),
  ...base,
  lead_id: z.string().min(1).max(128),
  submitted_at: timestamp,
  source: text(200).optional(),
  fields: z.record(z.string().max(64), text(5000)).refine((f) => Object.keys(f).length <= 50, 'at most 50 fields'),
});

export const batchRequestedSchema = z.object({
  event: z.literal('batch.requested'),
  ...base,
  requested_at: timestamp,
  limit: z.number().int().min(1).max(500).default(50),
});

/** A published post's title or content changed; the relay summarises it again once the edits settle. */
export const postUpdatedSchema = z.object({
  event: z.literal('post.updated'),
  ...base,
  post_id: id,
  updated_at: timestamp,
  /** sha256 of the raw title and content as saved, the same hash the summary meta stores. */
  content_hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase sha256 hex digest').optional(),
});

export const eventSchemas = {
  'post.published': postPublishedSchema,
  'comment.created': commentCreatedSchema,
  'lead.submitted': leadSubmittedSchema,
  'batch.requested': batchRequestedSchema,
  'post.updated': postUpdatedSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type PostPublished = z.infer<typeof postPublishedSchema>;
export type CommentCreated = z.infer<typeof commentCreatedSchema>;
export type LeadSubmitted = z.infer<typeof leadSubmittedSchema>;
export type BatchRequested = z.infer<typeof batchRequestedSchema>;
export type PostUpdated = z.infer<typeof postUpdatedSchema>;
export type WpEvent = PostPublished | CommentCreated | LeadSubmitted | BatchRequested | PostUpdated;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(eventSchemas, name);
}
