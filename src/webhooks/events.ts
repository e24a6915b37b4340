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
  // Added for moderation; optional so events from plugins sent before it stay valid. Never an e-mail or IP address.
  parent: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  author_url: z.union([z.literal(''), url]).optional(),
  /** The status WordPress itself gave the comment (before the plugin's optional hold). */
  status: z.enum(['approved', 'hold']).optional(),
  /** A moderator asked for this verdict ("Re-check with AI"): classify even after a human decision, never override it. */
  recheck: z.boolean().optional(),
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

export const eventSchemas = {
  'post.published': postPublishedSchema,
  'comment.created': commentCreatedSchema,
  'lead.submitted': leadSubmittedSchema,
  'batch.requested': batchRequestedSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type PostPublished = z.infer<typeof postPublishedSchema>;
export type CommentCreated = z.infer<typeof commentCreatedSchema>;
export type LeadSubmitted = z.infer<typeof leadSubmittedSchema>;
export type BatchRequested = z.infer<typeof batchRequestedSchema>;
export type WpEvent = PostPublished | CommentCreated | LeadSubmitted | BatchRequested;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(eventSchemas, name);
}
