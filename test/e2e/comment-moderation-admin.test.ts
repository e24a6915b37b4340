import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import { createActivities } from '../../activities';
import { moderateCommentInputOf, type ApplyVerdictInput } from '../../contract/comment-moderation';
import { dataConverterOf, resolvePayloadCodec } from '../../src/temporal/data-converter';
import { commentCreatedSchema } from '../../contract/events';
import { launchChromium, type TestBrowser } from '../support/browser';
import { commentRows, commentState, commentViaRest, createCommenter, historyLine, moderation, prepareCommentSite } from '../support/comments';
import { eventually } from '../support/eventually';
import type { LlmStub } from '../../tools/llm-stub';
import { TEST_SECRET, type Relay } from '../support/relay';
import { workflowBundle } from '../support/workflow-bundle';
import { startStack, type Stack } from '../support/stack';
import { elapse, pluginLogLines, type WordPress } from '../../tools/wordpress';

/**
 * What moderators and site owners see and do: the hold until the verdict and its fallback, a moderator's decision
 * winning over a late verdict, re-checks from the Comments screen, the column in Chromium, and a status write
 * retried after the worker lost its answer.
 */
describe('comment moderation: hold, fallback, moderators and the Comments screen', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;
  let postId: number;
  let reader: string;
  let cookie: string;

  before(async () => {
    stack = await startStack({ wordpress: { constants: { AI_RELAY_SECRET: TEST_SECRET } } });
    ({ wp, llm, relay } = stack);
    postId = await prepareCommentSite(wp, relay.url);
    reader = await createCommenter(wp, 'reader');
    cookie = await wp.login();
  });
  after(() => stack?.stop());

  /** A verdict the stand-in LLM gives only once `release` is called. */
  function heldVerdict(verdict: { label?: string } = {}): () => void {
    let release!: () => void;
    llm.enqueue({ kind: 'verdict', ...verdict, until: new Promise<void>((resolve) => (release = resolve)) });
    return () => release();
  }

  async function waitForLlmRequest(text: string): Promise<void> {
    await eventually(() => llm.requests.some((r) => r.messages.at(-1)!.content.includes(text)) || undefined, 'the LLM asked about the comment');
  }

  test('with "hold" on, a comment is pending until the verdict, then approved', async () => {
    await wp.setOptions({ ai_relay_comment_hold: true });
    const release = heldVerdict();
    const id = await commentViaRest(wp, reader, postId, 'Clear explanation, thank you.');
    assert.equal((await commentState(wp, id)).status, 'hold');
    const [row] = await commentRows(wp, id);
    assert.equal(commentCreatedSchema.parse(JSON.parse(row!.body)).status, 'approved', 'WordPress itself would have approved it');
    await waitForLlmRequest('Clear explanation');
    assert.equal((await commentState(wp, id)).status, 'hold');
    release();
    assert.equal((await moderation(wp, relay.client, id)).outcome, 'applied');
    const state = await commentState(wp, id);
    assert.equal(state.status, 'approved');
    assert.deepEqual(historyLine(state), ['sent:system', 'status:ai-relay:approved', 'verdict:ai-relay:ok']);
  });

  let decidedId: number;

  test('a moderator who approves a comment before its run ends wins over a spam verdict', async () => {
    const release = heldVerdict({ label: 'spam' });
    decidedId = await commentViaRest(wp, reader, postId, 'I think this is fine, really.');
    await waitForLlmRequest('I think this is fine');
    const approved = await wp.rest(`/wp/v2/comments/${decidedId}`, { method: 'POST', body: JSON.stringify({ status: 'approved' }) });
    assert.equal(approved.status, 200);
    release();
    const result = await moderation(wp, relay.client, decidedId);
    assert.deepEqual([result.outcome, 'status' in result && result.status], ['human_decided', 'approved']);
    const state = await commentState(wp, decidedId);
    assert.deepEqual([state.status, state.verdict?.label], ['approved', 'spam']);
    assert.deepEqual(historyLine(state), ['sent:system', 'status:moderator:approved', 'verdict:ai-relay:spam']);
  });

  test('"Re-check with AI" asks again but still leaves the moderator\'s status alone', async () => {
    const screen = await (await fetch(`${wp.baseUrl}/wp-admin/edit-comments.php`, { headers: { cookie } })).text();
    const link = new RegExp(`href="([^"]*action=ai_relay_recheck&(?:#038;|amp;)?c=${decidedId}&[^"]*)"`).exec(screen)?.[1];
    assert.ok(link, 'the row has a "Re-check with AI" action');
    const before = llm.requests.length;
    const answer = await fetch(htmlDecode(link), { headers: { cookie, referer: `${wp.baseUrl}/wp-admin/edit-comments.php` }, redirect: 'manual' });
    assert.equal(answer.status, 302);
    assert.match(answer.headers.get('location') ?? '', /ai_relay_rechecked=1/);
    const result = await moderation(wp, relay.client, decidedId);
    assert.equal(result.outcome, 'human_decided');
    assert.equal(llm.requests.length, before + 1);
    const state = await commentState(wp, decidedId);
    assert.deepEqual([state.status, state.verdict?.label], ['approved', 'ok']);
    assert.deepEqual(historyLine(state).slice(-2), ['recheck:moderator', 'verdict:ai-relay:ok']);
  });

  test('the row action refuses a request without its nonce', async () => {
    const forged = await fetch(`${wp.baseUrl}/wp-admin/admin-post.php?action=ai_relay_recheck&c=${decidedId}`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(forged.status, 403);
    assert.equal((await commentRows(wp, decidedId)).length, 2);
  });

  test('the fallback approves a held comment when the relay is down, and the verdict still lands once it is back', async () => {
    await wp.setOptions({ ai_relay_comment_fallback: 'approve', ai_relay_comment_fallback_minutes: 10 });
    await relay.stopReceiver();
    let id: number;
    try {
      id = await commentViaRest(wp, reader, postId, 'Posted while the relay is away.');
      assert.equal((await commentState(wp, id)).status, 'hold');
      await elapse(wp, 5 * 60);
      assert.equal((await commentState(wp, id)).status, 'hold', 'not before the configured 10 minutes');
      await elapse(wp, 6 * 60);
      const state = await commentState(wp, id);
      assert.equal(state.status, 'approved');
      assert.deepEqual(historyLine(state), ['sent:system', 'status:fallback:approved']);
      assert.equal((await commentRows(wp, id))[0]?.status, 'pending', 'the event waits in the outbox');
    } finally {
      await relay.startReceiver();
    }
    await elapse(wp, 3 * 3600);
    assert.equal((await moderation(wp, relay.client, id)).outcome, 'applied');
    const state = await commentState(wp, id);
    assert.deepEqual([state.status, state.verdict?.label], ['approved', 'ok']);
  });

  test('with the fallback "leave pending", a held comment stays pending and the history says why', async () => {
    await wp.setOptions({ ai_relay_comment_fallback: 'pending' });
    await relay.stopReceiver();
    try {
      const id = await commentViaRest(wp, reader, postId, 'Another one while the relay is away.');
      await elapse(wp, 11 * 60);
      const state = await commentState(wp, id);
      assert.equal(state.status, 'hold');
      assert.deepEqual(historyLine(state), ['sent:system', 'fallback:fallback:hold']);
    } finally {
      await relay.startReceiver();
      await wp.setOptions({ ai_relay_comment_fallback: 'approve', ai_relay_comment_hold: false });
    }
  });

  test('a status write retried after the worker lost its answer leaves one status change and one verdict in history', async () => {
    // The event is stored but not delivered (receiver down), then run on a worker whose applyCommentVerdict does
    // the real REST writes and then fails its first attempt, as if the worker died before reporting.
    await relay.stopReceiver();
    let event;
    try {
      const id = await commentViaRest(wp, reader, postId, 'Visit my casino, buy now!');
      event = commentCreatedSchema.parse(JSON.parse((await commentRows(wp, id))[0]!.body));
    } finally {
      await relay.startReceiver();
    }
    const taskQueue = `${relay.taskQueue}-lost-answer`;
    const real = createActivities({ settings: relay.config });
    const attempts: number[] = [];
    const connection = await NativeConnection.connect({ address: relay.temporal.address });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      // The relay's client encrypts what it starts; this worker reads it with the same keys.
      dataConverter: dataConverterOf(resolvePayloadCodec(relay.config).codec),
      activities: {
        ...real,
        async applyCommentVerdict(input: ApplyVerdictInput) {
          const result = await real.applyCommentVerdict(input);
          attempts.push(Context.current().info.attempt);
          if (Context.current().info.attempt === 1) throw ApplicationFailure.retryable('the worker lost its answer after the REST call', 'WorkerLost');
          return result;
        },
      },
    });
    try {
      const result = await worker.runUntil(
        relay.client.workflow.execute('moderateComment', { taskQueue, workflowId: event.idempotency_key, args: [moderateCommentInputOf(event)] }),
      );
      assert.deepEqual(attempts, [1, 2]);
      assert.equal((result as { outcome: string }).outcome, 'unchanged', 'the retry found its work done');
    } finally {
      await connection.close();
    }
    const state = await commentState(wp, event.comment_id);
    assert.equal(state.status, 'spam');
    assert.deepEqual(historyLine(state), ['sent:system', 'status:ai-relay:spam', 'verdict:ai-relay:spam']);
    // The stored event, delivered late, is a duplicate of the run above: nothing more happens.
    await elapse(wp, 3 * 3600);
    assert.match((await commentRows(wp, event.comment_id))[0]?.last_response ?? '', /duplicate/);
  });

  test('"Check pending comments with AI" sends every pending comment without a verdict, from WP-Cron', async () => {
    await wp.setOptions({ ai_relay_events: [], comment_moderation: 1 });
    const ids = [
      await commentViaRest(wp, reader, postId, 'An old pending comment.'),
      await commentViaRest(wp, reader, postId, 'Cheap pills, buy now, casino!'),
    ];
    await wp.setOptions({ ai_relay_events: ['comment.created'], comment_moderation: 0 });
    assert.equal((await commentRows(wp, ids[0])).length, 0);
    const screen = await (await fetch(`${wp.baseUrl}/wp-admin/edit-comments.php?comment_status=moderated`, { headers: { cookie } })).text();
    const link = /<a class="button-secondary ai-relay-check-pending" href="([^"]+)"/.exec(screen)?.[1];
    assert.ok(link, 'the Comments screen has the button');
    const answer = await fetch(htmlDecode(link), { headers: { cookie }, redirect: 'manual' });
    assert.equal(answer.status, 302);
    await wp.runCron();
    for (const id of ids) await moderation(wp, relay.client, id);
    assert.deepEqual(
      await Promise.all(ids.map(async (id) => [(await commentState(wp, id)).status, (await commentState(wp, id)).verdict?.label])),
      [
        ['hold', 'ok'],
        ['spam', 'spam'],
      ],
    );
    assert.equal(await wp.runPhp("echo wp_json_encode(get_option('ai_relay_pending_check'));"), 'false', 'the check is finished');
  });

  test('the bulk action "Re-check with AI" sends each selected comment once', async () => {
    const [ok] = (await commentRows(wp)).filter((row) => row.body.includes('An old pending comment.')).map((row) => row.object_id);
    const selected = [decidedId, ok!];
    const screen = await (await fetch(`${wp.baseUrl}/wp-admin/edit-comments.php`, { headers: { cookie } })).text();
    const nonce = /name="_wpnonce" value="([^"]+)"/.exec(screen)?.[1];
    assert.ok(nonce, 'the list form carries its nonce');
    const before = await Promise.all(selected.map(async (id) => (await commentRows(wp, id)).length));
    const form = new URLSearchParams({ action: 'ai_relay_recheck', _wpnonce: nonce, _wp_http_referer: '/wp-admin/edit-comments.php' });
    for (const id of selected) form.append('delete_comments[]', String(id));
    const answer = await fetch(`${wp.baseUrl}/wp-admin/edit-comments.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', referer: `${wp.baseUrl}/wp-admin/edit-comments.php` },
      body: form,
      redirect: 'manual',
    });
    assert.equal(answer.status, 302);
    assert.match(answer.headers.get('location') ?? '', /ai_relay_rechecked=2/);
    for (const [i, id] of selected.entries()) {
      assert.equal((await commentRows(wp, id)).length, before[i]! + 1);
      await moderation(wp, relay.client, id);
    }
    assert.equal((await commentState(wp, decidedId)).status, 'approved', "the moderator's decision still stands");
  });

  test('the Comments screen shows the verdict, its confidence and its reason, in Chromium', async () => {
    let chromium: TestBrowser | undefined;
    try {
      chromium = await launchChromium();
      await chromium.context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
      const page: Page = await chromium.context.newPage();
      await page.goto(`${wp.baseUrl}/wp-login.php`);
      await page.fill('#user_login', wp.adminUser);
      await page.fill('#user_pass', wp.adminPassword);
      await Promise.all([page.waitForURL(/\/wp-admin\/?$/), page.click('#wp-submit')]);

      await page.goto(`${wp.baseUrl}/wp-admin/edit-comments.php?comment_status=spam`);
      const spam = page.locator('tr', { hasText: 'Visit my casino' }).locator('.ai-relay-verdict');
      assert.equal(await spam.locator('.ai-relay-verdict-label').textContent(), 'Spam');
      assert.equal(await spam.locator('.ai-relay-verdict-confidence').textContent(), '97%');
      assert.match((await spam.locator('.ai-relay-verdict-reason').textContent()) ?? '', /Advertises a product/);

      await page.goto(`${wp.baseUrl}/wp-admin/edit-comments.php`);
      const decided = page.locator(`#comment-${decidedId}`);
      assert.match((await decided.locator('.ai-relay-verdict-moderator').textContent()) ?? '', /moderator decided/);
      assert.equal(await decided.locator('.row-actions .ai_relay_recheck a').count(), 1);
      const bulk = await page.locator('#bulk-action-selector-top option[value="ai_relay_recheck"]').textContent();
      assert.equal(bulk, 'Re-check with AI');
    } finally {
      await chromium?.close();
    }
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});

/** An href as WordPress's esc_url prints it (`&#038;`, `&amp;`), as a URL. */
function htmlDecode(href: string): string {
  return href.replace(/&#0?38;|&amp;/g, '&');
}
