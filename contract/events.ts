import { z } from 'zod';
import { normalizeUrl, stripHtml } from './sanitize';
import { suggestSchema } from './suggestions';

/** The idempotency key's alphabet and length, checked on the header before the body is parsed and on the body. */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,64}$/;
const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY, 'must be 1-64 characters of [A-Za-z0-9._:-]');
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const url = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .transform(normalizeUrl);
/**
 * Temporal refuses a Keyword search attribute over 2 048 bytes of its JSON-encoded value (quotes included, UTF-8),
 * and normalising can lengthen a URL (punycode, percent-encoding), so the bound is checked on the normalised value.
 * An event over it is a 400 here rather than a start Temporal refuses.
 */
export const KEYWORD_MAX_BYTES = 2048;
const keyword = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= KEYWORD_MAX_BYTES, {
    message: `must be at most ${KEYWORD_MAX_BYTES - 2} bytes (UTF-8) once normalised: it is stored as a search attribute`,
  });
/**
 * Stored text: HTML stripped, then length-limited, so the limit applies to what is kept. Before any stripping the
 * raw field is bounded too (markup may take up to 8 times the text, plus 1 KiB), so no field costs more work than
 * its limit is worth.
 */
const text = (max: number) =>
  z
    .string()
    .max(rawTextBound(max), `must be at most ${rawTextBound(max)} characters before HTML is stripped`)
    .transform(stripHtml)
    .pipe(z.string().max(max));
export const rawTextBound = (max: number): number => max * 8 + 1024;
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const base = { idempotency_key: idempotencyKey, site: keyword(url) };
/**
 * Which results the site holds for an editor's review (summary, description): written as suggestions, not published.
 * Optional, so events from plugins sent before it stay valid; a relay from before it ignores it (unknown keys are
 * dropped) and publishes, as it always did.
 */
const suggest = suggestSchema.optional();

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
  /** The post type's REST collection (`pages`, a custom type's rest_base); absent means `posts`. */
  rest_base: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be a REST base such as posts or pages')
    .optional(),
  suggest,
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
  suggest,
});

/** A published post's title or content changed; the relay summarises it again once the edits settle. */
export const postUpdatedSchema = z.object({
  event: z.literal('post.updated'),
  ...base,
  post_id: id,
  updated_at: timestamp,
  /** sha256 of the raw title and content as saved, the same hash the summary meta stores. */
  content_hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase sha256 hex digest').optional(),
  suggest,
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
