import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, logInToWordPress, type TestBrowser } from '../support/browser';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { readOutbox, startWordPress, type WordPress } from '../../tools/wordpress';

/** The README's picture; replaced only with UPDATE_DOCS_SCREENSHOT=1, so a test run leaves the work tree as it was. */
const SCREENSHOT =
  process.env.UPDATE_DOCS_SCREENSHOT === '1'
    ? resolve(__dirname, '../../docs/images/settings-page.png')
    : join(mkdtempSync(join(tmpdir(), 'wp-ai-relay-settings-')), 'settings-page.png');

describe('the settings page, in Chromium', () => {
  let stack: Stack;
  let wp: WordPress;
  let relay: Relay;
  let chromium: TestBrowser;
  let page: Page;

  before(async () => {
    [stack, chromium] = await Promise.all([startStack(), launchChromium({ viewport: { width: 1280, height: 900 } })]);
    ({ wp, relay } = stack);
    // Published before the plugin is configured, so the test event has a post and the outbox starts empty.
    await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Hello from WordPress', content: 'A first post.', status: 'publish' }) });
    page = await logInToWordPress(chromium.context, wp);
  });
  after(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  test('saving the settings stores them, and the secret is never shown back', async () => {
    await page.goto(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`);
    await page.fill('#ai_relay_endpoint', `${relay.url}/webhooks/wp`);
    await page.fill('#ai_relay_secret', TEST_SECRET);
    await page.fill('#ai_relay_key_id', 'primary');
    await page.check('#ai_relay_allow_private');
    await page.check('input[name="ai_relay_events[]"][value="comment.created"]');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);

    assert.match(await page.textContent('#setting-error-settings_updated') ?? '', /Settings saved/);
    assert.equal(await page.inputValue('#ai_relay_secret'), '');
    assert.ok(!(await page.content()).includes(TEST_SECRET), 'the secret appears nowhere in the page');
    const stored = JSON.parse(
      await wp.runPhp("echo wp_json_encode(array_map('get_option', array('ai_relay_endpoint', 'ai_relay_secret', 'ai_relay_key_id', 'ai_relay_allow_private', 'ai_relay_events')));"),
    ) as unknown[];
    assert.deepEqual(stored, [`${relay.url}/webhooks/wp`, TEST_SECRET, 'primary', '1', ['post.published', 'comment.created']]);
  });

  test('saving again with the secret field left empty keeps the stored secret', async () => {
    await page.fill('#ai_relay_key_id', 'primary-2');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
    assert.equal(await wp.runPhp("echo get_option('ai_relay_secret');"), TEST_SECRET);
    assert.equal(await wp.runPhp("echo get_option('ai_relay_key_id');"), 'primary-2');
  });

  test('the deliveries list shows what was sent and what failed', async () => {
    await wp.rest('/wp/v2/posts', { method: 'POST', body: JSON.stringify({ title: 'Durable webhooks with Temporal', content: 'x', status: 'publish' }) });
    const [post] = (await (await wp.rest('/wp/v2/posts?per_page=1')).json()) as { id: number }[];
    // Signed with a secret the relay does not know, so this delivery fails (401, not retried) and is listed so.
    const secret = await wp.runPhp("echo get_option('ai_relay_secret');");
    await wp.setOptions({ ai_relay_secret: 'not-the-relay-secret-0123' });
    await fetch(`${wp.baseUrl}/wp-comments-post.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ comment_post_ID: String(post?.id), author: 'Reader', email: 'reader@example.test', comment: 'Nice.' }),
      redirect: 'manual',
    });
    await wp.setOptions({ ai_relay_secret: secret });
    const rows = await readOutbox(wp);
    assert.deepEqual(rows.map((r) => [r.event, r.status]), [['post.published', 'delivered'], ['comment.created', 'failed']]);
    assert.equal((await relay.client.workflow.getHandle(rows[0]!.idempotency_key).result()).outcome, 'summarized');

    await page.goto(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`);
    assert.equal(await page.locator('tr.ai-relay-status-delivered').count(), 1);
    assert.equal(await page.locator('tr.ai-relay-status-failed').count(), 1);
    assert.match((await page.textContent('tr.ai-relay-status-failed')) ?? '', /HTTP 401.*bad_signature/);
  });
  test('"Send test event" shows the relay\'s answer, and the relay runs it; the page is captured for the docs', async () => {
    await Promise.all([page.waitForURL(/#ai-relay-test$/), page.click('#ai-relay-send-test')]);
    const summary = (await page.textContent('.ai-relay-test-result strong')) ?? '';
    assert.match(summary, /HTTP 202: the relay accepted the event for “Durable webhooks with Temporal”/);
    const answer = JSON.parse((await page.textContent('.ai-relay-test-answer')) ?? '{}') as { status: string; workflowId: string };
    assert.equal(answer.status, 'accepted');
    // Its own post.published already summarised this post, and the content has not changed since.
    assert.equal((await relay.client.workflow.getHandle(answer.workflowId).result()).outcome, 'unchanged');
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    // From the top: scrolled to the answer, the fixed admin bar and menu would land mid-page in the capture.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.equal(readFileSync(SCREENSHOT).subarray(1, 4).toString('latin1'), 'PNG');
  });


  test('the block editor shows the summary written back in its sidebar', async () => {
    const [post] = (await (await wp.rest('/wp/v2/posts?per_page=1&context=edit')).json()) as { id: number; meta: Record<string, string> }[];
    assert.ok(post?.meta.ai_relay_summary);
    await page.goto(`${wp.baseUrl}/wp-admin/post.php?post=${post.id}&action=edit`);
    await page.waitForSelector('.edit-post-layout');
    await page.keyboard.press('Escape'); // the welcome guide
    await page.locator('button.components-panel__body-toggle', { hasText: 'AI summary' }).click();
    assert.equal(await page.getByRole('textbox', { name: 'Summary' }).inputValue(), post.meta.ai_relay_summary);
    assert.equal(await page.locator('code', { hasText: post.meta.ai_relay_summary_run ?? '' }).count(), 1);
  });
});

describe('the settings page with AI_RELAY_SECRET in wp-config.php', () => {
  const secret = 'from-wp-config-0123456789';
  let wp: WordPress;

  before(async () => {
    wp = await startWordPress({ constants: { AI_RELAY_SECRET: secret } });
  });
  after(() => wp?.stop());

  test('says where the secret comes from, offers no field for it, and a submitted one is not stored', async () => {
    const cookie = await wp.login();
    const html = await (await fetch(`${wp.baseUrl}/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    assert.match(html, /Set in wp-config\.php \(AI_RELAY_SECRET\)/);
    assert.doesNotMatch(html, /name="ai_relay_secret"/);
    assert.ok(!html.includes(secret));

    const nonce = /name="_wpnonce" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const saved = await fetch(`${wp.baseUrl}/wp-admin/options.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        option_page: 'ai_relay',
        action: 'update',
        _wpnonce: nonce,
        _wp_http_referer: '/wp-admin/options-general.php?page=ai-relay',
        ai_relay_endpoint: 'https://relay.example.test/webhooks/wp',
        ai_relay_secret: 'typed-into-a-forged-form-123',
      }),
      redirect: 'manual',
    });
    assert.equal(saved.status, 302);
    assert.equal(await wp.runPhp("echo get_option('ai_relay_endpoint');"), 'https://relay.example.test/webhooks/wp');
    assert.equal(await wp.runPhp("echo get_option('ai_relay_secret');"), '');
  });

  test('refuses to save without a valid nonce', async () => {
    const cookie = await wp.login();
    const response = await fetch(`${wp.baseUrl}/wp-admin/options.php`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ option_page: 'ai_relay', action: 'update', _wpnonce: 'forged', ai_relay_endpoint: 'https://evil.example.test/' }),
      redirect: 'manual',
    });
    assert.equal(response.status, 403);
    assert.notEqual(await wp.runPhp("echo get_option('ai_relay_endpoint');"), 'https://evil.example.test/');
  });
});
