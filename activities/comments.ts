import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { stripHtml } from '../contract/sanitize';
import { classifyFailure, HttpStatusError, invalidResponse, metaNotRegistered } from './failures';
import type { WordPressClient } from './wordpress-client';
import {
  storedVerdictSchema,
  type ApplyVerdictInput,
  type ApplyVerdictResult,
  type CommentForModeration,
  type CommentStatus,
  type StoredVerdict,
} from '../contract/comment-moderation';

/**
 * Comment meta the plugin registers (show_in_rest, edit context only). The worker writes the verdict; the plugin
 * appends the history itself, one entry per verdict or status change, so no write of ours can lose a moderator's.
 */
export const COMMENT_META = { verdict: 'ai_relay_verdict', history: 'ai_relay_history' } as const;

/** What is sent to the LLM is capped (the plugin caps what it sends at the same length). */
export const MAX_COMMENT_CHARS = 20_000;

const historyEntrySchema = z.object({ event: z.string(), by: z.string().optional(), to: z.string().optional(), at: z.string().optional() });

const metaSchema = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional();

const editCommentSchema = z.object({
  id: z.number().int(),
  parent: z.number().int(),
  author_name: z.string(),
  author_url: z.string(),
  status: z.string(),
  content: z.object({ raw: z.string() }),
  author_user_agent: z.string().optional(),
  author_ip: z.string().optional(),
  meta: metaSchema,
});

function metaRecord(meta: unknown): Record<string, unknown> {
  return meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function storedVerdict(meta: unknown): StoredVerdict | null {
  const parsed = storedVerdictSchema.safeParse(parseJson(metaRecord(meta)[COMMENT_META.verdict]));
  return parsed.success ? parsed.data : null;
}

function humanDecision(meta: unknown): CommentForModeration['humanDecision'] {
  const entries = metaRecord(meta)[COMMENT_META.history];
  let last: CommentForModeration['humanDecision'] = null;
  for (const raw of Array.isArray(entries) ? entries : []) {
    const entry = historyEntrySchema.safeParse(parseJson(raw));
    if (entry.success && entry.data.event === 'status' && entry.data.by === 'moderator' && entry.data.to) {
      last = { to: entry.data.to, at: entry.data.at ?? '' };
    }
  }
  return last;
}

/** Same verdict, compared as data: WordPress re-encodes the JSON it stores. */
function sameVerdict(a: StoredVerdict | null, b: StoredVerdict): boolean {
  return a !== null && (Object.keys(b) as (keyof StoredVerdict)[]).every((key) => isDeepStrictEqual(a[key], b[key]));
}

/** What is still to write: the verdict unless stored, the status unless set or decided by a moderator; null if nothing. */
function writeFor(current: CommentForModeration & Kept, input: ApplyVerdictInput): WriteBody | null {
  const status = current.humanDecision === null && input.status !== null && current.status !== input.status ? input.status : undefined;
  if (status === undefined && sameVerdict(current.verdict, input.verdict)) return null;
  return {
    meta: { [COMMENT_META.verdict]: JSON.stringify(input.verdict) },
    ...(status ? { status } : {}),
    ...Object.fromEntries(Object.entries(current.kept).filter(([, value]) => value !== '')),
  };
}

/**
 * WordPress takes every REST update of a comment as an edit of its author's IP address (the caller's, unless
 * `author_ip` is given) and user agent (the caller's User-Agent header, unless `author_user_agent` is given), so the
 * stored ones are sent back: the commenter's stay, and the worker's never land. They are read only for that; no
 * activity returns them, so they stay out of Temporal's history.
 */
interface Kept {
  readonly kept: { readonly author_ip: string; readonly author_user_agent: string };
}

interface WriteBody {
  readonly status?: CommentStatus;
  readonly meta: Record<string, string>;
  readonly author_ip?: string;
  readonly author_user_agent?: string;
}

export function createCommentActivities(wordpress: (site?: string) => WordPressClient) {
  /** With the stored IP address and user agent, which a write must send back (see WriteBody); never returned by an activity. */
  function toModeration(raw: unknown, what: string): CommentForModeration & Kept {
    const parsed = editCommentSchema.safeParse(raw);
    if (!parsed.success) throw invalidResponse('WordPress', what, parsed.error);
    const comment = parsed.data;
    return {
      id: comment.id,
      status: comment.status,
      author: stripHtml(comment.author_name),
      authorUrl: comment.author_url,
      content: stripHtml(comment.content.raw).slice(0, MAX_COMMENT_CHARS),
      parent: comment.parent,
      verdict: storedVerdict(comment.meta),
      humanDecision: humanDecision(comment.meta),
      kept: { author_ip: comment.author_ip ?? '', author_user_agent: comment.author_user_agent ?? '' },
    };
  }

  /** The comment as it is now, or null once it is deleted. Needs `moderate_comments` (context=edit). */
  async function readComment(commentId: number, site: string | undefined): Promise<ReturnType<typeof toModeration> | null> {
    let raw: unknown;
    try {
      raw = await wordpress(site).request('GET', `wp/v2/comments/${commentId}?context=edit`);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) return null;
      throw classifyFailure('WordPress', error);
    }
    return toModeration(raw, `GET comment ${commentId}`);
  }

  /** The comment as WordPress answers the write (context=edit), so no second read is needed to check it. */
  async function post(commentId: number, body: WriteBody, site: string | undefined): Promise<ReturnType<typeof toModeration>> {
    return toModeration(await wordpress(site).request('POST', `wp/v2/comments/${commentId}?context=edit`, body), `POST comment ${commentId}`);
  }

  return {
    /** `site`: which configured WordPress (WP_SITES) the comment is on; runs recorded before sites were kept pass none. */
    async fetchComment(commentId: number, site?: string): Promise<CommentForModeration | null> {
      const comment = await readComment(commentId, site);
      if (!comment) return null;
      const { kept: _kept, ...rest } = comment;
      return rest;
    },

    /**
     * Writes the verdict and sets the status, reading first so that a retry after a write that landed does nothing
     * (WordPress answers 500 `rest_comment_failed_edit` to a status the comment already has). A status a moderator
     * set by hand is never changed. The verdict rides along in every write: it is how the plugin tells the relay's
     * own status change from a moderator's.
     */
    async applyCommentVerdict(input: ApplyVerdictInput): Promise<ApplyVerdictResult> {
      const current = await readComment(input.commentId, input.site);
      if (!current) return { outcome: 'gone' };
      const body = writeFor(current, input);
      if (!body) return { outcome: current.humanDecision ? 'human_decided' : 'unchanged', status: current.status };
      let after: ReturnType<typeof toModeration> | null;
      try {
        after = await post(input.commentId, body, input.site);
      } catch (error) {
        if (!(error instanceof HttpStatusError && error.status === 500)) throw classifyFailure('WordPress', error);
        // Most likely the status was set meanwhile (by an earlier attempt or a moderator): look again and write only
        // what is still missing; a status still to set means WordPress's own trouble, retried as usual.
        after = await readComment(input.commentId, input.site);
        const rest = after && writeFor(after, input);
        if (rest?.status !== undefined) throw classifyFailure('WordPress', error);
        if (rest) after = await post(input.commentId, rest, input.site).catch((e: unknown) => Promise.reject(classifyFailure('WordPress', e)));
      }
      if (!after) return { outcome: 'gone' };
      if (!sameVerdict(after.verdict, input.verdict)) {
        throw metaNotRegistered(COMMENT_META.verdict);
      }
      return { outcome: after.humanDecision ? 'human_decided' : 'applied', status: after.status };
    },
  };
}
