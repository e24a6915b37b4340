import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, logInToWordPress, type TestBrowser } from '../support/browser';
import { pluginLogLines, startWordPress, type WordPress } from '../support/wordpress';

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
    [wp, chromium] = await Promise.all([startWordPress(), launchChromium({ viewport: { width: 1280, height: 900 } })]);
    postId = Number(
      await wp.runPhp(`
$id = wp_insert_post(array('post_title' => 'Growing tomatoes', 'post_content' => 'Some advice.', 'post_status' => 'draft'));
update_post_meta($id, 'ai_relay_summary', ${JSON.stringify(SUMMARY)});
update_post_meta($id, 'ai_relay_summary_run', ${JSON.stringify(RUN)});
// The welcome guide would cover the editor on a first visit.
update_user_meta(1, $GLOBALS['wpdb']->get_blog_prefix() . 'persisted_preferences', array('core/edit-post' => array('welcomeGuide' => false), 'core' => array('welcomeGuide' => false), '_modified' => gmdate('c')));
echo $id;`),
    );
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
    await panel.getByText(SUMMARY).waitFor();
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

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
