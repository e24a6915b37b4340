import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium, logInToWordPress, type TestBrowser } from '../support/browser';
import { pluginLogLines, startWordPress, type WordPress } from '../../tools/wordpress';
import { login } from '../../tools/wordpress/login';

const DAY = 86_400;

describe('the dashboard widget', () => {
  let wp: WordPress;

  /** The widget's cells, row by row: `{ summaries: ['1 of 2', '2 of 3'], … }`. */
  async function widget(cookie: string): Promise<Record<string, string[]> | null> {
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/index.php`, { headers: { cookie } })).text();
    const table = /<table class="widefat striped ai-relay-dashboard">([\s\S]*?)<\/table>/.exec(page)?.[1];
    if (table === undefined) return null;
    return Object.fromEntries(
      [...table.matchAll(/<tr data-row="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => [
        m[1] ?? '',
        [...(m[2] ?? '').matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1] ?? ''),
      ]),
    );
  }

  before(async () => {
    wp = await startWordPress();
    // Posts: two published now (one summarised), one ten days ago (summarised), one forty days ago (summarised).
    // Comments: a spam verdict today, a question verdict twenty days ago, an ok verdict forty days ago.
    // Outbox: a lead delivered today, one delivered forty days ago, one failed, one waiting.
    await wp.runPhp(`
global $wpdb;
wp_delete_post(1, true); // The install's "Hello world!", published today.
$make_post = function ($days_ago, $summarised) {
  $date = gmdate('Y-m-d H:i:s', time() - $days_ago * ${DAY});
  $id = wp_insert_post(array('post_title' => "Post $days_ago", 'post_content' => 'x', 'post_status' => 'publish', 'post_date' => $date, 'post_date_gmt' => $date));
  if ($summarised) { update_post_meta($id, 'ai_relay_summary_run', "wf-$id/run"); }
  return $id;
};
$on = $make_post(0, true); $make_post(0, false); $make_post(10, true); $make_post(40, true);
$make_comment = function ($days_ago, $label) use ($on) {
  $date = gmdate('Y-m-d H:i:s', time() - $days_ago * ${DAY});
  $id = wp_insert_comment(array('comment_post_ID' => $on, 'comment_content' => 'c', 'comment_date' => $date, 'comment_date_gmt' => $date));
  add_comment_meta($id, 'ai_relay_verdict', wp_json_encode(array('label' => $label, 'confidence' => 0.9, 'reason' => 'r', 'action' => 'keep', 'run' => 'wf/r', 'at' => gmdate('c'))));
};
$make_comment(0, "spam"); $make_comment(20, "question"); $make_comment(40, "ok");
$make_row = function ($event, $status, $days_ago) use ($wpdb) {
  $at = time() - $days_ago * ${DAY};
  $wpdb->insert($wpdb->prefix . 'ai_relay_outbox', array('idempotency_key' => wp_generate_uuid4(), 'event' => $event, 'body' => '{}', 'status' => $status, 'created_at' => $at, 'updated_at' => $at));
};
$make_row('lead.submitted', 'delivered', 0); $make_row('lead.submitted', 'delivered', 40); $make_row('post.published', 'failed', 1); $make_row('comment.created', 'pending', 0);
$editor = wp_insert_user(array('user_login' => 'editor1', 'user_pass' => 'editor-password-123', 'role' => 'editor'));
`);
  });
  after(() => wp?.stop());

  test('shows the last 7 and 30 days of summaries, verdicts by label and leads, and the deliveries that need a look', async () => {
    const cookie = await wp.login();
    assert.deepEqual(await widget(cookie), {
      summaries: ['1 of 2', '2 of 3'],
      'comments-spam': ['1', '1'],
      'comments-toxic': ['0', '0'],
      'comments-question': ['0', '1'],
      'comments-ok': ['0', '0'],
      leads: ['1', '1'],
    });
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/index.php`, { headers: { cookie } })).text();
    assert.match(page, /<a href="[^"]*options-general\.php\?page=ai-relay#ai-relay-deliveries">Deliveries: 1 failed, 1 waiting<\/a>/);
  });

  test('charts the last 30 days by day: posts with a summary, and comments by verdict', async () => {
    const page = await (await fetch(`${wp.baseUrl}/wp-admin/index.php`, { headers: { cookie: await wp.login() } })).text();
    /** Each chart's bars as [days ago, series, count]. */
    const bars = (chart: string) => {
      const svg = new RegExp(`<svg class="ai-relay-chart" data-chart="${chart}"[\\s\\S]*?</svg>`).exec(page)?.[0] ?? '';
      return [...svg.matchAll(/<rect [^>]*data-day="(\d+)" data-series="(\w+)" data-count="(\d+)"/g)].map((m) => [Number(m[1]), m[2], Number(m[3])]);
    };
    // The post forty days ago and the comment forty days ago are outside the chart, as outside the 30 days' figures.
    assert.deepEqual(bars('summaries'), [[0, 'summarised', 1], [10, 'summarised', 1]]);
    assert.deepEqual(bars('comments'), [[0, 'spam', 1], [20, 'question', 1]]);
    assert.match(page, /<title>Question: 1, 20 days ago<\/title>/);
  });

  test('is not shown to a user who cannot manage options', async () => {
    const cookie = await login(wp.baseUrl, 'editor1', 'editor-password-123');
    assert.equal(await widget(cookie), null);
  });

  test('looks right in Chromium', async () => {
    let chromium: TestBrowser | undefined;
    try {
      chromium = await launchChromium({ viewport: { width: 1280, height: 900 } });
      const page = await logInToWordPress(chromium.context, wp);
      const box = page.locator('#ai_relay_dashboard');
      await box.waitFor();
      const screenshot = join(mkdtempSync(join(tmpdir(), 'wp-ai-relay-dashboard-')), `dashboard-widget-${wp.version}.png`);
      await box.screenshot({ path: screenshot });
      console.log(`# the dashboard widget on WordPress ${wp.version}: ${screenshot}`);
      assert.equal(await box.locator('tr[data-row="summaries"] td').first().textContent(), '1 of 2');
      // The chart is drawn: its bars take up room on the page.
      const bar = await box.locator('svg[data-chart="comments"] rect[data-series="spam"]').boundingBox();
      assert.ok(bar && bar.width > 0 && bar.height > 0, `the spam bar is drawn: ${JSON.stringify(bar)}`);
    } finally {
      await chromium?.close();
    }
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
