import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, logInToWordPress, type TestBrowser } from '../support/browser';
import { pluginLogLines, startWordPress, type WordPress } from '../../tools/wordpress';

const SUMMARY = 'Basil grows best in warm soil with six hours of sun.';
const DESCRIPTION = 'How to grow basil: warm soil, full sun and regular picking.';

/**
 * Suggest before publishing, in Chromium: the site holds summaries and descriptions for review, the relay has written
 * its results as suggestions (as activities/wordpress.ts does when the event says `suggest`), and an editor accepts
 * or rejects each one in the block editor's sidebar panel, then saves the post.
 */
describe('suggestions in the block editor: accept and reject, in Chromium', () => {
  let wp: WordPress;
  let chromium: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    const started = await Promise.allSettled([
      startWordPress({ options: { ai_relay_suggest: ['summary', 'description'] } }).then((w) => (wp = w)),
      launchChromium({ viewport: { width: 1280, height: 1000 } }).then((c) => (chromium = c)),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    // Yoast SEO stood in for by its constant and its description meta, so an accepted description shows where it goes.
    await writeFile(
      join(wp.dir, 'site/wp-content/mu-plugins/yoast-stand-in.php'),
      "<?php\ndefine( 'WPSEO_VERSION', 'stand-in' );\nadd_action( 'init', function () { register_meta( 'post', '_yoast_wpseo_metadesc', array( 'sanitize_callback' => 'sanitize_text_field' ) ); } );\n",
    );
    await wp.runPhp(
      "update_user_meta(1, $GLOBALS['wpdb']->get_blog_prefix() . 'persisted_preferences', array('core/edit-post' => array('welcomeGuide' => false), 'core' => array('welcomeGuide' => false), '_modified' => gmdate('c')));",
    );
    page = await logInToWordPress(chromium.context, wp);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  after(async () => {
    await chromium?.close();
    await wp?.stop();
  });

  /** A published post with both results waiting as suggestions, written as the relay writes them. */
  async function postWithSuggestions(title: string): Promise<number> {
    const id = Number(
      await wp.runPhp(
        `echo wp_insert_post(array('post_title' => '${title}', 'post_content' => '<!-- wp:paragraph --><p>Advice.</p><!-- /wp:paragraph -->', 'post_status' => 'publish'));`,
      ),
    );
    const meta = { ai_relay_summary_suggestion: SUMMARY, ai_relay_description_suggestion: DESCRIPTION, ai_relay_summary_hash: 'e'.repeat(64), ai_relay_summary_run: `wf-${id}/run` };
    assert.equal((await wp.rest(`/wp/v2/posts/${id}`, { method: 'POST', body: JSON.stringify({ meta }) })).status, 200);
    return id;
  }

  const stored = async (id: number): Promise<Record<string, unknown>> => ({
    ...((await (await wp.rest(`/wp/v2/posts/${id}?context=edit`)).json()) as { meta: Record<string, unknown> }).meta,
    yoast: await wp.runPhp(`echo get_post_meta(${id}, '_yoast_wpseo_metadesc', true);`),
  });

  async function openPanel(id: number): Promise<Locator> {
    await page.goto(`${wp.baseUrl}/wp-admin/post.php?post=${id}&action=edit`);
    const toggle = page.getByRole('button', { name: 'AI summary' });
    // A plugin's panel starts closed, and the editor remembers it open from the last post on.
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return page.locator('.components-panel__body', { has: toggle });
  }

  const save = (id: number) =>
    Promise.all([
      page.waitForResponse((r) => decodeURIComponent(r.url()).includes(`/wp/v2/posts/${id}`) && r.request().method() !== 'GET' && r.ok()),
      page.getByRole('button', { name: 'Save', exact: true }).click(),
    ]);

  test('the suggestions wait in the panel; nothing is published before an editor decides', async () => {
    const id = await postWithSuggestions('Growing basil');
    const panel = await openPanel(id);
    const summary = panel.getByRole('group', { name: 'Suggested summary' });
    const description = panel.getByRole('group', { name: 'Suggested SEO description' });
    assert.equal(await summary.locator('blockquote').textContent(), SUMMARY);
    assert.equal(await description.locator('blockquote').textContent(), DESCRIPTION);
    assert.equal(await panel.getByRole('textbox', { name: 'Summary' }).inputValue(), '');
    const before = await stored(id);
    assert.deepEqual([before.ai_relay_summary, before.ai_relay_description, before.yoast], ['', '', '']);
    const screenshot = join(mkdtempSync(join(tmpdir(), 'wp-ai-relay-editor-')), `editor-suggestions-${wp.version}.png`);
    await page.screenshot({ path: screenshot });
    console.log(`# the panel with suggestions on WordPress ${wp.version}: ${screenshot}`);
  });

  test('accepting the summary and rejecting the description: the one becomes the editor\'s summary, the other is dropped', async () => {
    const id = await postWithSuggestions('Watering basil');
    const panel = await openPanel(id);
    await panel.getByRole('group', { name: 'Suggested summary' }).getByRole('button', { name: 'Accept' }).click();
    await panel.getByRole('group', { name: 'Suggested SEO description' }).getByRole('button', { name: 'Reject' }).click();
    assert.equal(await panel.getByRole('textbox', { name: 'Summary' }).inputValue(), SUMMARY);
    await save(id);
    await panel.getByText(/Written by admin/).waitFor();
    const after = await stored(id);
    assert.equal(after.ai_relay_summary, SUMMARY);
    assert.equal(after.ai_relay_summary_suggestion, '');
    assert.equal(after.ai_relay_summary_editor, 1, 'accepted by an editor, it is theirs: the AI will not overwrite it');
    assert.equal(after.ai_relay_description, '');
    assert.equal(after.ai_relay_description_suggestion, '');
    assert.equal(after.yoast, '', 'a rejected description reaches no SEO plugin');
    assert.equal(await panel.locator('.ai-relay-suggestion').count(), 0, 'no suggestion is left');
  });

  test('accepting the description publishes it where the SEO plugin reads it', async () => {
    const id = await postWithSuggestions('Harvesting basil');
    const panel = await openPanel(id);
    await panel.getByRole('group', { name: 'Suggested SEO description' }).getByRole('button', { name: 'Accept' }).click();
    await save(id);
    const after = await stored(id);
    assert.equal(after.ai_relay_description, DESCRIPTION);
    assert.equal(after.ai_relay_description_suggestion, '');
    assert.equal(after.yoast, DESCRIPTION);
    assert.equal(after.ai_relay_summary_suggestion, SUMMARY, 'the summary still waits for a decision');
  });

  test('no script error, and WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
