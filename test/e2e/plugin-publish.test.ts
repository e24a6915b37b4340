import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postPublishedSchema } from '../../contract/events';
import type { LlmStub } from '../../tools/llm-stub';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { elapse, pluginLogLines, readOutbox, type WordPress } from '../../tools/wordpress';

/** Webhooks the receiver answered, by `outcome/reason/status`, from its own Prometheus counter (zeros left out). */
async function received(relay: Relay): Promise<Record<string, number>> {
  const text = await (await fetch(`${relay.url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, labels, value] of text.matchAll(/^wp_ai_relay_webhooks_total\{([^}]*)\} (\d+)/gm)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels ?? '')?.[1];
    if (Number(value) > 0) counts[`${label('outcome')}/${label('reason')}/${label('status')}`] = Number(value);
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('publishing a post, with the real relay and worker', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;

  before(async () => {
    stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } });
    ({ wp, llm, relay } = stack);
    await wp.setOptions({ ai_relay_endpoint: `${relay.url}/webhooks/wp`, ai_relay_allow_private: true });
  });
  after(() => stack?.stop());

  let postId: number;
  let key: string;

  test('a post published through the REST API reaches the relay once and its summary is written back', async () => {
    const tag = (await (await wp.rest('/wp/v2/tags', { method: 'POST', body: JSON.stringify({ name: 'Temporal' }) })).json()) as { id: number };
    const created = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Durable “webhooks” 🚀', content: '<p>Retries live in Temporal.</p>', status: 'publish', tags: [tag.id] }),
    });
    assert.equal(created.status, 201);
    postId = ((await created.json()) as { id: number }).id;

    const rows = await readOutbox(wp);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.ok(row);
    assert.deepEqual([row.event, row.object_id, row.status, row.attempts, row.last_http_status], ['post.published', postId, 'delivered', 1, 202]);
    key = row.idempotency_key;

    const event = postPublishedSchema.parse(JSON.parse(row.body));
    assert.equal(event.idempotency_key, key);
    assert.equal(event.post_id, postId);
    assert.equal(event.title, 'Durable “webhooks” 🚀');
    assert.deepEqual(event.meta.tags, ['Temporal']);
    assert.deepEqual(await received(relay), { 'accepted/accepted/202': 1 });

    const answer = JSON.parse(row.last_response ?? '{}') as { status: string; workflowId: string; runId: string };
    assert.deepEqual([answer.status, answer.workflowId], ['accepted', key]);
    const result = await relay.client.workflow.getHandle(key).result();
    assert.equal(result.outcome, 'summarized');

    const post = (await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, string> };
    assert.equal(post.meta.ai_relay_summary, 'A short summary of “Durable “webhooks” 🚀”.');
    assert.equal(post.meta.ai_relay_summary_hash, result.contentHash);
    assert.equal(post.meta.ai_relay_summary_run, `${key}/${answer.runId}`);
  });

  test('the write-back sends no new event, not even once WP-Cron has run', async () => {
    await elapse(wp, 3600);
    assert.equal((await readOutbox(wp)).length, 1);
    assert.equal(total(await received(relay)), 1);
    assert.equal(llm.requests.length, 1);
  });

  test('the posts list shows the summary', async () => {
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/edit.php`, { headers: { cookie: await wp.login() } })).text();
    const shown = [...page.matchAll(/<span class="ai-relay-summary"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]);
    assert.deepEqual(shown, ['A short summary of “Durable “webhooks” 🚀”.']);
  });

  test('updating the published post sends no post.published', async () => {
    // A new date too, so it is the publish-only rule that holds the event back, not the key's deduplication.
    const edit = { title: 'Durable webhooks, edited', date_gmt: '2024-01-02T03:04:05' };
    const updated = await wp.rest(`/wp/v2/posts/${postId}`, { method: 'POST', body: JSON.stringify(edit) });
    assert.equal(updated.status, 200);
    assert.equal((await readOutbox(wp)).length, 1);
    assert.equal(total(await received(relay)), 1);
  });

  test('the same publication seen twice is stored and sent once', async () => {
    const created = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Twice', content: 'Once.', status: 'publish' }) });
    const { id } = (await created.json()) as { id: number };
    const before = await readOutbox(wp);
    // WordPress can report one transition twice (the block editor saves meta boxes in a second request).
    await wp.runPhp(`$before = clone get_post(${id}); $before->post_status = 'draft'; wp_after_insert_post(get_post(${id}), true, $before);`);
    assert.deepEqual(await readOutbox(wp), before);
    assert.equal(before.filter((row) => row.object_id === id).length, 1);
    assert.equal(total(await received(relay)), 2);
  });

  test('a draft sends nothing until it is published, then one event', async () => {
    const draft = await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Later', content: 'Soon.', status: 'draft' }) });
    const { id } = (await draft.json()) as { id: number };
    const before = (await readOutbox(wp)).length;
    await wp.rest(`/wp/v2/posts/${id}?context=edit`, { method: 'POST', body: JSON.stringify({ title: 'Later, edited' }) });
    assert.equal((await readOutbox(wp)).length, before);

    await wp.rest(`/wp/v2/posts/${id}`, { method: 'POST', body: JSON.stringify({ status: 'publish' }) });
    const rows = (await readOutbox(wp)).filter((row) => row.object_id === id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.status, 'delivered');
    assert.equal(total(await received(relay)), before + 1);
    assert.equal((await relay.client.workflow.getHandle(rows[0]!.idempotency_key).result()).outcome, 'summarized');
  });

  test('password-protected posts and pages are not sent', async () => {
    const before = (await readOutbox(wp)).length;
    await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Members', content: 'Secret.', status: 'publish', password: 'pw' }) });
    await wp.rest('/wp/v2/pages', { method: 'POST', body: JSON.stringify({ title: 'About', content: 'Page.', status: 'publish' }) });
    assert.equal((await readOutbox(wp)).length, before);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
