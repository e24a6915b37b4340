import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PLUGIN_FILE, pluginLogLines, readOutbox, startWordPress, type WordPress } from '../../tools/wordpress';

const php = {
  table: "global $wpdb; echo $wpdb->get_var(\"SHOW TABLES LIKE '{$wpdb->prefix}ai_relay_outbox'\") ?: 'none';",
  next: (hook: string) => `echo wp_next_scheduled('${hook}') ?: 'none';`,
  schedule: (hook: string) => `echo wp_get_schedule('${hook}') ?: 'none';`,
  plugins: "require_once ABSPATH . 'wp-admin/includes/plugin.php';",
};

describe('activation, deactivation and uninstall', () => {
  let wp: WordPress;

  before(async () => {
    // Nothing listens on port 9 here: events wait in the outbox.
    wp = await startWordPress({ options: { ai_relay_endpoint: 'http://127.0.0.1:9/webhooks/wp', ai_relay_secret: 'a-secret-of-16-chars-or-more' } });
  });
  after(() => wp?.stop());

  test('activation creates the outbox table and the daily housekeeping event', async () => {
    assert.equal(await wp.runPhp(php.table), 'wp_ai_relay_outbox');
    assert.equal(await wp.runPhp(php.schedule('ai_relay_daily')), 'daily');
  });

  test('the batch event is scheduled while enabled, at the chosen recurrence', async () => {
    assert.equal(await wp.runPhp(php.next('ai_relay_batch')), 'none');
    await wp.setOptions({ ai_relay_events: ['post.published', 'batch.requested'] });
    assert.equal(await wp.runPhp(php.schedule('ai_relay_batch')), 'daily');
    await wp.setOptions({ ai_relay_batch_recurrence: 'hourly' });
    assert.equal(await wp.runPhp(php.schedule('ai_relay_batch')), 'hourly');

    await wp.runCron({ advance: 3600 });
    const [row] = (await readOutbox(wp)).filter((r) => r.event === 'batch.requested');
    assert.ok(row, 'WP-Cron stored a batch.requested event');
    assert.deepEqual(Object.keys(JSON.parse(row.body) as object), ['event', 'idempotency_key', 'site', 'requested_at', 'limit']);

    await wp.setOptions({ ai_relay_events: ['post.published'] });
    assert.equal(await wp.runPhp(php.next('ai_relay_batch')), 'none');
  });

  test('deactivation stops the schedules and keeps pending events, which reactivation schedules again', async () => {
    assert.equal((await readOutbox(wp)).filter((r) => r.status === 'pending').length, 1);
    await wp.runPhp(`${php.plugins} deactivate_plugins('${PLUGIN_FILE}');`);
    assert.equal(await wp.runPhp(php.next('ai_relay_daily')), 'none');
    assert.equal(await wp.runPhp(php.next('ai_relay_process_outbox')), 'none');

    await wp.runPhp(`${php.plugins} activate_plugin('${PLUGIN_FILE}');`);
    assert.notEqual(await wp.runPhp(php.next('ai_relay_process_outbox')), 'none');
    assert.equal((await readOutbox(wp)).filter((r) => r.status === 'pending').length, 1);
  });

  test('posts published by an import are not sent, one published by hand is', async () => {
    const before = (await readOutbox(wp)).length;
    await wp.runPhp("define('WP_IMPORTING', true); wp_insert_post(array('post_title' => 'Imported', 'post_status' => 'publish'));");
    assert.equal((await readOutbox(wp)).length, before);
    await wp.runPhp("wp_insert_post(array('post_title' => 'By hand', 'post_status' => 'publish'));");
    assert.equal((await readOutbox(wp)).length, before + 1);
  });

  test('uninstall removes the options, the outbox, the schedules and the summaries', async () => {
    const created = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Summarised', status: 'draft', meta: { ai_relay_summary: 'S', ai_relay_summary_hash: 'a'.repeat(64), ai_relay_summary_run: 'w/r' } }),
    });
    const { id } = (await created.json()) as { id: number };
    assert.equal(await wp.runPhp(`echo get_post_meta(${id}, 'ai_relay_summary', true);`), 'S');

    await wp.runPhp(`${php.plugins} deactivate_plugins('${PLUGIN_FILE}'); uninstall_plugin('${PLUGIN_FILE}');`);
    assert.equal(await wp.runPhp(php.table), 'none');
    const left = "global $wpdb; echo $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE 'ai\\\\_relay\\\\_%'\");";
    assert.equal(await wp.runPhp(left), '0');
    assert.equal(await wp.runPhp(`echo count(get_post_meta(${id}));`), '0');
    assert.equal(await wp.runPhp(php.next('ai_relay_process_outbox')), 'none');
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});

test('with AI_RELAY_SECRET in wp-config.php, activation deletes a secret stored in the database', async () => {
  const wp = await startWordPress({ activatePlugin: false, constants: { AI_RELAY_SECRET: 'from-wp-config-0123456789' } });
  try {
    await wp.setOptions({ ai_relay_secret: 'stored-before-0123456789' });
    await wp.runPhp(`${php.plugins} activate_plugin('${PLUGIN_FILE}');`);
    assert.equal(await wp.runPhp("var_export(get_option('ai_relay_secret'));"), 'false');
  } finally {
    await wp.stop();
  }
});
