import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium, logInToWordPress, type TestBrowser } from '../support/browser';
import { requireSystemFiles } from '../../tools/system-packages';
import { pluginLogLines, startWordPress, type WordPress } from '../../tools/wordpress';

const run = promisify(execFile);

const SUMMARY = 'Tomatoes ripen faster beside bananas, which give off ethylene.';
const RUN = 'post.published:site:42/0190-run';

describe('the AI summary panel in the block editor, in Chromium', () => {
  let wp: WordPress;
  let chromium: TestBrowser;
  let page: Page;
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  let postId: number;

  before(async () => {
    // Each is kept as soon as it is up, so that after() stops it even when the other failed to start.
    const started = await Promise.allSettled([
      startWordPress().then((w) => (wp = w)),
      launchChromium({ viewport: { width: 1280, height: 900 } }).then((c) => (chromium = c)),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    postId = Number(
      await wp.runPhp(`
// Block markup: plain text would open in 6.1's Classic block, whose TinyMCE throws when focus moves to the sidebar.
$id = wp_insert_post(array('post_title' => 'Growing tomatoes', 'post_content' => '<!-- wp:paragraph --><p>Some advice.</p><!-- /wp:paragraph -->', 'post_status' => 'draft'));
// The welcome guide would cover the editor on a first visit.
update_user_meta(1, $GLOBALS['wpdb']->get_blog_prefix() . 'persisted_preferences', array('core/edit-post' => array('welcomeGuide' => false), 'core' => array('welcomeGuide' => false), '_modified' => gmdate('c')));
echo $id;`),
    );
    // Written as the relay writes it back (summary, content hash and run in one request), so it is the AI's.
    const meta = { ai_relay_summary: SUMMARY, ai_relay_summary_hash: 'c'.repeat(64), ai_relay_summary_run: RUN };
    const written = await wp.rest(`/wp/v2/posts/${postId}`, { method: 'POST', body: JSON.stringify({ meta }) });
    assert.equal(written.status, 200);
    page = await logInToWordPress(chromium.context, wp);
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  after(async () => {
    await chromium?.close();
    await wp?.stop();
  });

  test('the panel sits in the document sidebar and shows the summary and its run', async () => {
    await page.goto(`${wp.baseUrl}/wp-admin/post.php?post=${postId}&action=edit`);
    // A plugin's document panel starts closed; its title is the toggle.
    const toggle = page.getByRole('button', { name: 'AI summary' });
    await toggle.click();
    const panel = page.locator('.components-panel__body', { has: toggle });
    assert.equal(await panel.getByRole('textbox', { name: 'Summary' }).inputValue(), SUMMARY);
    assert.equal(await panel.locator('code').textContent(), RUN);
    const screenshot = join(mkdtempSync(join(tmpdir(), 'wp-ai-relay-editor-')), `editor-panel-${wp.version}.png`);
    await page.screenshot({ path: screenshot });
    console.log(`# the editor with the panel on WordPress ${wp.version}: ${screenshot}`);
  });

  test('the panel uses the current API: no deprecation notice and no script error', () => {
    assert.deepEqual(
      consoleLines.filter((line) => /deprecated|PluginDocumentSettingPanel/i.test(line)),
      [],
    );
    assert.deepEqual(pageErrors, []);
  });

  test('an edit in the panel makes the summary the editor\'s, saved with the post, and it can be handed back', async () => {
    const panel = page.locator('.components-panel__body', { has: page.getByRole('button', { name: 'AI summary' }) });
    const save = () =>
      Promise.all([
        page.waitForResponse(
          (r) => decodeURIComponent(r.url()).includes(`/wp/v2/posts/${postId}`) && r.request().method() !== 'GET' && r.ok(),
        ),
        page.getByRole('button', { name: 'Save draft' }).click(),
      ]);
    await panel.getByRole('textbox', { name: 'Summary' }).fill('My own words about tomatoes.');
    await save();
    await panel.getByText(/Written by admin/).waitFor();
    const stored = async () =>
      ((await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).json()) as { meta: Record<string, unknown> }).meta;
    assert.equal((await stored()).ai_relay_summary, 'My own words about tomatoes.');
    assert.equal((await stored()).ai_relay_summary_editor, 1);
    // The save also sent the empty description the post never had (6.1 stores it): that is no edit, so no owner.
    assert.equal((await stored()).ai_relay_description_editor, 0);
    await panel.getByRole('button', { name: 'Hand back to the AI' }).scrollIntoViewIfNeeded();
    const screenshot = join(mkdtempSync(join(tmpdir(), 'wp-ai-relay-editor-')), `editor-panel-owned-${wp.version}.png`);
    await page.screenshot({ path: screenshot });
    console.log(`# the panel with an editor's summary on WordPress ${wp.version}: ${screenshot}`);

    await panel.getByRole('button', { name: 'Hand back to the AI' }).click();
    await save();
    await panel.locator('code').waitFor();
    assert.equal((await stored()).ai_relay_summary_editor, 0);
  });

  test("a translation in the plugin's text domain reaches both the PHP screens and the editor script", async () => {
    // As a language pack would install it: a .mo for PHP, and for the script a JSON file named by its path's md5.
    requireSystemFiles([{ path: '/usr/bin/msgfmt', pkg: 'gettext' }]);
    const languages = join(wp.dir, 'site/wp-content/languages/plugins');
    await mkdir(languages, { recursive: true });
    const po = join(wp.dir, 'de_DE.po');
    await writeFile(po, `msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "AI summary"\nmsgstr "KI-Zusammenfassung"\n`);
    await run('msgfmt', ['-o', join(languages, 'wp-ai-relay-de_DE.mo'), po]);
    const scriptPath = createHash('md5').update('assets/editor-panel.js').digest('hex');
    const jed = { locale_data: { messages: { '': { domain: 'messages', lang: 'de_DE' }, 'AI summary': ['KI-Zusammenfassung'] } } };
    await writeFile(join(languages, `wp-ai-relay-de_DE-${scriptPath}.json`), JSON.stringify(jed));
    await wp.runPhp("update_user_meta(1, 'locale', 'de_DE');");
    try {
      await page.goto(`${wp.baseUrl}/wp-admin/edit.php`);
      assert.equal((await page.locator('th#ai_relay_summary').textContent())?.trim(), 'KI-Zusammenfassung');
      await page.goto(`${wp.baseUrl}/wp-admin/post.php?post=${postId}&action=edit`);
      await page.getByRole('button', { name: 'KI-Zusammenfassung' }).waitFor();
    } finally {
      await wp.runPhp("delete_user_meta(1, 'locale');");
    }
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
