import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { ModerateCommentResult } from '../../contract/comment-moderation';
import { readOutbox, type OutboxRow, type WordPress } from '../../tools/wordpress';

/** The browser commenters use here; WordPress stores it with each comment, and the relay must not overwrite it. */
export const COMMENTER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) wp-ai-relay-tests';

/** A comment as a moderator's REST client sees it, with the plugin's verdict and history decoded. */
export interface CommentState {
  readonly status: string;
  readonly verdict: {
    label: string;
    confidence: number | null;
    reason: string;
    action: string;
    why?: string;
    mode?: { enabled: boolean; why: string } | null;
    run: string;
  } | null;
  readonly history: { event: string; by?: string; from?: string; to?: string; label?: string; user?: number }[];
}

/**
 * Readies a site for comment tests: comment.created sent to the relay, first-time commenters approved by WordPress
 * itself (so what the AI does is visible), and WordPress's 15-second flood check off, since every test comment
 * comes from 127.0.0.1 within seconds.
 */
export async function prepareCommentSite(wp: WordPress, relayUrl: string): Promise<number> {
  await writeFile(
    join(wp.dir, 'site/wp-content/mu-plugins/no-comment-flood.php'),
    "<?php\nadd_filter('comment_flood_filter', '__return_false', 99);\n",
  );
  await wp.setOptions({
    ai_relay_endpoint: `${relayUrl}/webhooks/wp`,
    ai_relay_allow_private: true,
    ai_relay_events: ['comment.created'],
    comment_previously_approved: 0,
    comment_moderation: 0,
  });
  const created = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Open for comments', content: 'x', status: 'publish' }) });
  return ((await created.json()) as { id: number }).id;
}

/** A subscriber (who cannot moderate) and an Application Password of theirs: the `Authorization` header value. */
export async function createCommenter(wp: WordPress, login: string): Promise<string> {
  const password = await wp.runPhp(`
$id = wp_insert_user(array('user_login' => '${login}', 'user_pass' => wp_generate_password(24), 'role' => 'subscriber', 'display_name' => 'Reader ${login}', 'user_email' => '${login}@example.test', 'user_url' => 'https://${login}.example.test/'));
[$password] = WP_Application_Passwords::create_new_application_password($id, array('name' => 'tests'));
echo $password;`);
  return `Basic ${Buffer.from(`${login}:${password.trim()}`).toString('base64')}`;
}

/** Posts a comment through the REST API as the given commenter; resolves to its id. */
export async function commentViaRest(wp: WordPress, authorization: string, postId: number, content: string): Promise<number> {
  const response = await fetch(`${wp.baseUrl}/wp-json/wp/v2/comments`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', 'user-agent': COMMENTER_AGENT },
    body: JSON.stringify({ post: postId, content }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: number }).id;
}

/** Posts a comment through the theme's form (wp-comments-post.php), as an anonymous visitor; resolves to its id. */
export async function commentViaForm(wp: WordPress, postId: number, author: string, content: string): Promise<number> {
  const response = await fetch(`${wp.baseUrl}/wp-comments-post.php`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': COMMENTER_AGENT },
    body: new URLSearchParams({ comment_post_ID: String(postId), author, email: 'visitor@example.test', url: 'https://visitor.example.test', comment: content }),
    redirect: 'manual',
  });
  assert.equal(response.status, 302, await response.clone().text());
  const id = /#comment-(\d+)/.exec(response.headers.get('location') ?? '')?.[1];
  assert.ok(id, `the redirect names the comment: ${response.headers.get('location')}`);
  return Number(id);
}

export async function commentState(wp: WordPress, commentId: number): Promise<CommentState> {
  const response = await wp.rest(`/wp/v2/comments/${commentId}?context=edit`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { status: string; meta: { ai_relay_verdict?: string; ai_relay_history?: string[] } };
  return {
    status: body.status,
    verdict: body.meta.ai_relay_verdict ? (JSON.parse(body.meta.ai_relay_verdict) as CommentState['verdict']) : null,
    history: (body.meta.ai_relay_history ?? []).map((entry) => JSON.parse(entry) as CommentState['history'][number]),
  };
}

/** The comment's outbox rows, oldest first. */
export async function commentRows(wp: WordPress, commentId?: number): Promise<OutboxRow[]> {
  return (await readOutbox(wp)).filter((row) => row.event === 'comment.created' && (commentId === undefined || row.object_id === commentId));
}

/** The result of the moderateComment run the comment's (last) event started. */
export async function moderation(wp: WordPress, client: Client, commentId: number): Promise<ModerateCommentResult> {
  const row = (await commentRows(wp, commentId)).at(-1);
  assert.ok(row, `comment ${commentId} was sent`);
  assert.equal(row.status, 'delivered', row.last_response ?? '');
  return client.workflow.getHandle(row.idempotency_key).result();
}

/** The history without timestamps, as `event:by:to`, e.g. `status:ai-relay:spam`. */
export function historyLine(state: CommentState): string[] {
  return state.history.map((entry) => [entry.event, entry.by, entry.to ?? entry.label].filter(Boolean).join(':'));
}
