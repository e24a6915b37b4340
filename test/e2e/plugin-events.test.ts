import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { batchRequestedSchema, commentCreatedSchema, leadSubmittedSchema } from '../../contract/events';
import type { Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { elapse, pluginLogLines, readOutbox, type OutboxRow, type WordPress } from '../../tools/wordpress';

const OLD_SECRET = 'old-secret-0123456789abcdef';
const NEW_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('comments, leads and signing options', () => {
  let stack: Stack;
  let wp: WordPress;
  let relay: Relay;
  let postId: number;

  before(async () => {
    // Two secrets active at once, as during a rotation.
    stack = await startStack({ relayEnv: { WP_RELAY_SECRET: '', WP_RELAY_SECRETS: `old:${OLD_SECRET},new:${NEW_SECRET}` } });
    ({ wp, relay } = stack);
    await wp.setOptions({
      ai_relay_endpoint: `${relay.url}/webhooks/wp`,
      ai_relay_allow_private: true,
      ai_relay_secret: OLD_SECRET,
      ai_relay_key_id: 'old',
      ai_relay_events: ['post.published', 'comment.created', 'lead.submitted'],
    });
    const created = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Open for comments', content: 'x', status: 'publish' }) });
    postId = ((await created.json()) as { id: number }).id;
  });
  after(() => stack?.stop());

  const rowsOf = async (event: string): Promise<OutboxRow[]> => (await readOutbox(wp)).filter((row) => row.event === event);

  test('the post event signed with the old key id and secret is accepted', async () => {
    const [row] = await rowsOf('post.published');
    assert.deepEqual([row?.status, row?.last_http_status], ['delivered', 202]);
  });

  test('a comment reaches the receiver with a valid signature, without the author\'s e-mail or IP, and is accepted', async () => {
    // A visitor's comment, through the site's own comment form.
    const response = await fetch(`${wp.baseUrl}/wp-comments-post.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ comment_post_ID: String(postId), author: 'Reader', email: 'reader@example.test', comment: 'Is this <b>durable</b>?' }),
      redirect: 'manual',
    });
    assert.equal(response.status, 302);
    const [row] = await rowsOf('comment.created');
    assert.ok(row);
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['delivered', 1, 202]);

    const body = JSON.parse(row.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'author',
      'author_url',
      'comment_id',
      'content',
      'created_at',
      'event',
      'idempotency_key',
      'parent',
      'post_id',
      'site',
      'status',
    ]);
    assert.doesNotMatch(row.body, /reader@example\.test|127\.0\.0\.1"/);
    const event = commentCreatedSchema.parse(body);
    assert.deepEqual([event.comment_id, event.post_id, event.author, event.content], [row.object_id, postId, 'Reader', 'Is this durable?']);

    await elapse(wp, 86400);
    assert.equal((await rowsOf('comment.created'))[0]?.attempts, 1);
  });

  test('a lead sent with do_action reaches the receiver once, however often the form calls it', async () => {
    const send = `do_action('ai_relay_lead', array('name' => 'Ada', 'email' => 'ada@example.test', 'interests' => array('AI', 'WordPress'), 'message' => '<b>Call me</b>'), array('lead_id' => 'form-7-entry-42', 'source' => 'contact form'));`;
    await wp.runPhp(send);
    await wp.runPhp(send);
    const rows = await rowsOf('lead.submitted');
    assert.equal(rows.length, 1);
    const [row] = rows;
    // lead.submitted has its workflow (enrichLead): the relay takes it, once.
    assert.deepEqual([row?.status, row?.attempts, row?.last_http_status], ['delivered', 1, 202]);
    const event = leadSubmittedSchema.parse(JSON.parse(row!.body));
    assert.equal(event.lead_id, 'form-7-entry-42');
    assert.equal(event.source, 'contact form');
    assert.deepEqual(event.fields, { name: 'Ada', email: 'ada@example.test', interests: 'AI, WordPress', message: 'Call me' });
  });

  test('the batch event, from its WP-Cron schedule, reaches the receiver with a valid signature', async () => {
    await wp.setOptions({ ai_relay_events: ['post.published', 'comment.created', 'lead.submitted', 'batch.requested'], ai_relay_batch_recurrence: 'hourly' });
    await wp.runCron({ advance: 3600 });
    const [row] = await rowsOf('batch.requested');
    assert.ok(row, 'WP-Cron produced the event');
    assert.equal(batchRequestedSchema.parse(JSON.parse(row.body)).limit, 50);
    assert.equal(`${row.status} ${row.last_http_status}`, 'delivered 202', row.last_response ?? '');
  });

  const publish = async (title: string): Promise<OutboxRow> => {
    const created = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title, content: `${title}.`, status: 'publish' }) });
    const { id } = (await created.json()) as { id: number };
    const row = (await readOutbox(wp)).find((r) => r.object_id === id);
    assert.ok(row);
    return row;
  };

  test('after switching to the new key id and its whsec_ secret, events are accepted', async () => {
    await wp.setOptions({ ai_relay_secret: NEW_SECRET, ai_relay_key_id: 'new' });
    const row = await publish('Rotated');
    assert.deepEqual([row.status, row.last_http_status], ['delivered', 202]);
  });

  test('with the Standard Webhooks scheme, events are accepted', async () => {
    await wp.setOptions({ ai_relay_scheme: 'standard' });
    const row = await publish('Standard');
    assert.deepEqual([row.status, row.last_http_status], ['delivered', 202]);
  });

  test('a key id that does not match the secret is refused with 401 and not retried', async () => {
    await wp.setOptions({ ai_relay_secret: OLD_SECRET, ai_relay_key_id: 'new', ai_relay_scheme: 'wp' });
    const row = await publish('Mismatch');
    assert.deepEqual([row.status, row.attempts, row.last_http_status], ['failed', 1, 401]);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
