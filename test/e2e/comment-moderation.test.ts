import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { commentCreatedSchema } from '../../contract/events';
import {
  COMMENTER_AGENT,
  commentRows,
  commentState,
  commentViaForm,
  commentViaRest,
  createCommenter,
  historyLine,
  moderation,
  prepareCommentSite,
} from '../support/comments';
import { eventually } from '../support/eventually';
import type { LlmStub } from '../../tools/llm-stub';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { sendWebhook } from '../support/webhook';
import { elapse, pluginLogLines, type WordPress } from '../../tools/wordpress';

/**
 * comment.created end to end: the plugin inside a real WordPress sends each new comment, the real relay and worker
 * classify it with the stand-in LLM (keyword rules: "casino" is spam, "idiot" toxic) and set its status over the
 * REST API, and the plugin records the verdict and every status change in the comment's history.
 */
describe('comment moderation, from the comment form to the verdict', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;
  let postId: number;
  let reader: string;

  before(async () => {
    stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } });
    ({ wp, llm, relay } = stack);
    postId = await prepareCommentSite(wp, relay.url);
    reader = await createCommenter(wp, 'reader');
  });
  after(() => stack?.stop());

  let spamId: number;

  test('a spam comment posted through the REST API ends spam, with the reason in its verdict and history', async () => {
    const before = llm.requests.length;
    spamId = await commentViaRest(wp, reader, postId, 'Cheap watches at the best casino in town, buy now: https://casino.example.test');
    const [row] = await commentRows(wp, spamId);
    assert.ok(row);
    const event = commentCreatedSchema.parse(JSON.parse(row.body));
    assert.deepEqual(
      [event.comment_id, event.post_id, event.parent, event.author, event.author_url, event.status],
      [spamId, postId, 0, 'Reader reader', 'https://reader.example.test/', 'approved'],
    );
    assert.doesNotMatch(row.body, /reader@example\.test|"127\.0\.0\.1"/, 'no e-mail address or IP address is sent');

    const result = await moderation(wp, relay.client, spamId);
    assert.equal(result.outcome, 'applied');
    const state = await commentState(wp, spamId);
    assert.equal(state.status, 'spam');
    assert.deepEqual([state.verdict?.label, state.verdict?.action, state.verdict?.confidence], ['spam', 'spam', 0.97]);
    assert.match(state.verdict?.reason ?? '', /Advertises a product/);
    assert.deepEqual(historyLine(state), ['sent:system', 'status:ai-relay:spam', 'verdict:ai-relay:spam']);
    assert.equal(state.verdict?.mode?.enabled, true, 'the stack measured the stand-in, so automatic Spam is on');
    const cookie = await wp.login();
    const settings = await (await fetch(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    assert.match(settings, /Automatic Spam: on — confident spam verdicts go to Spam: gpt-4o-mini(&#039;|')s measured spam precision 1 meets the 0\.98 required\./);
    assert.equal(llm.requests.length, before + 1);
    assert.equal(llm.requests.at(-1)?.logprobs, true, 'the verdict asks for log-probabilities');
    const request = llm.requests.at(-1)!;
    assert.equal(request.response_format?.json_schema?.name, 'comment_verdict');
    assert.match(request.messages.at(-1)!.content, /casino\.example\.test/);

    if (process.env.RECORD_HISTORY === '1') {
      const file = join(__dirname, '../fixtures/moderate-comment-history.json');
      writeFileSync(file, `${historyToJSON(await relay.client.workflow.getHandle(row.idempotency_key).fetchHistory())}\n`);
    }
  });

  test('a spam comment sent through the comment form ends spam too', async () => {
    const id = await commentViaForm(wp, postId, 'Visitor', 'Best casino bonus, cheap pills, buy now!');
    assert.equal((await moderation(wp, relay.client, id)).outcome, 'applied');
    const state = await commentState(wp, id);
    assert.equal(state.status, 'spam');
    assert.match(state.verdict?.reason ?? '', /Advertises a product/);
  });

  test('a toxic comment is held for a moderator', async () => {
    const id = await commentViaForm(wp, postId, 'Angry', 'Only an idiot would write this post.');
    await moderation(wp, relay.client, id);
    const state = await commentState(wp, id);
    assert.deepEqual([state.status, state.verdict?.label, state.verdict?.action], ['hold', 'toxic', 'hold']);
    assert.deepEqual(historyLine(state), ['sent:system', 'status:ai-relay:hold', 'verdict:ai-relay:toxic']);
  });

  test('an ok comment stays approved, with its verdict stored', async () => {
    const id = await commentViaRest(wp, reader, postId, 'Thanks, this helped me set up my own relay.');
    await moderation(wp, relay.client, id);
    const state = await commentState(wp, id);
    assert.deepEqual([state.status, state.verdict?.label, state.verdict?.action], ['approved', 'ok', 'keep']);
    assert.deepEqual(historyLine(state), ['sent:system', 'verdict:ai-relay:ok']);
  });

  test('an unsure verdict is held for a human, whatever its label', async () => {
    llm.enqueue({ kind: 'verdict', label: 'ok', confidence: 0.4, reason: 'Hard to tell what this means.' });
    const id = await commentViaRest(wp, reader, postId, 'Hmm, interesting.');
    await moderation(wp, relay.client, id);
    const state = await commentState(wp, id);
    assert.deepEqual([state.status, state.verdict?.label, state.verdict?.action], ['hold', 'ok', 'hold']);
  });

  test('a comment WordPress itself holds is not approved by an ok verdict', async () => {
    await wp.setOptions({ comment_moderation: 1 });
    try {
      const id = await commentViaForm(wp, postId, 'Newcomer', 'Lovely write-up.');
      assert.equal(commentCreatedSchema.parse(JSON.parse((await commentRows(wp, id))[0]!.body)).status, 'hold');
      await moderation(wp, relay.client, id);
      const state = await commentState(wp, id);
      assert.deepEqual([state.status, state.verdict?.label], ['hold', 'ok']);
    } finally {
      await wp.setOptions({ comment_moderation: 0 });
    }
  });

  test('comments of users who can moderate, and replies by the admin, are not sent', async () => {
    const before = (await commentRows(wp)).length;
    const response = await wp.rest('/wp/v2/comments', { method: 'POST', body: JSON.stringify({ post: postId, parent: spamId, content: 'Admin here.' }) });
    assert.equal(response.status, 201);
    assert.equal((await commentRows(wp)).length, before);
  });

  test('the same event twice costs one LLM call and one status change', async () => {
    const [row] = await commentRows(wp, spamId);
    const before = llm.requests.length;
    const again = await sendWebhook(relay.url, JSON.parse(row!.body) as Record<string, unknown>);
    assert.deepEqual([again.status, again.body.status], [202, 'duplicate']);
    assert.equal(llm.requests.length, before);
    assert.equal(historyLine(await commentState(wp, spamId)).filter((line) => line.startsWith('status:')).length, 1);
  });

  test("the relay's writes leave the commenter's IP address and user agent as they were", async () => {
    // The verdict waits until the stored IP address is one the relay's own (127.0.0.1) could not be mistaken for.
    let release!: () => void;
    llm.enqueue({ kind: 'verdict', until: new Promise<void>((resolve) => (release = resolve)) });
    const id = await commentViaRest(wp, reader, postId, 'Only an idiot would ask.');
    await wp.runPhp(`global $wpdb; $wpdb->update($wpdb->comments, array('comment_author_IP' => '203.0.113.7'), array('comment_ID' => ${id})); clean_comment_cache(${id});`);
    release();
    await moderation(wp, relay.client, id);
    assert.equal((await commentState(wp, id)).status, 'hold');
    const stored = await wp.runPhp(`$c = get_comment(${id}); echo wp_json_encode(array($c->comment_author_IP, $c->comment_agent));`);
    assert.deepEqual(JSON.parse(stored), ['203.0.113.7', COMMENTER_AGENT]);
  });

  test("the relay's status changes send no new event, not even once WP-Cron has run", async () => {
    const rows = await commentRows(wp);
    await elapse(wp, 3600);
    assert.equal((await commentRows(wp)).length, rows.length);
    assert.ok(rows.every((row) => row.status === 'delivered' && row.attempts === 1), 'each event was delivered on its first attempt');
  });

  test('a comment deleted before its run ends leaves the run completed as "gone"', async () => {
    let release!: () => void;
    llm.enqueue({ kind: 'verdict', until: new Promise<void>((resolve) => (release = resolve)) });
    const id = await commentViaRest(wp, reader, postId, 'Soon to be gone.');
    // The workflow has read the comment and is waiting on the LLM; the comment goes for good meanwhile.
    await eventually(() => llm.requests.some((r) => r.messages.at(-1)!.content.includes('Soon to be gone.')) || undefined, 'the LLM asked about the comment');
    await wp.runPhp(`wp_delete_comment(${id}, true);`);
    release();
    assert.deepEqual(await moderation(wp, relay.client, id), { outcome: 'gone', commentId: id });
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
