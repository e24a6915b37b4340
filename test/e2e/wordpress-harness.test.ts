import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startWordPress, type WordPress } from '../../tools/wordpress';

describe('the WordPress test harness', () => {
  let wp: WordPress;

  before(async () => {
    const started = Date.now();
    wp = await startWordPress({ options: { blogdescription: 'set through options' } });
    console.log(`# WordPress up in ${Date.now() - started} ms at ${wp.baseUrl}`);
  });
  after(() => wp?.stop());

  test('the site runs the WordPress version the harness was asked for', async () => {
    assert.ok((await wp.runPhp("echo get_bloginfo('version');")).startsWith(`${wp.version}.`));
  });

  test('the REST API answers the Application Password as the admin', async () => {
    const response = await wp.rest('/wp/v2/users/me?context=edit');
    assert.equal(response.status, 200);
    const me = (await response.json()) as { username: string; roles: string[] };
    assert.equal(me.username, wp.adminUser);
    assert.deepEqual(me.roles, ['administrator']);
  });

  test('the REST API refuses a wrong Application Password', async () => {
    const response = await fetch(`${wp.baseUrl}/wp-json/wp/v2/users/me`, {
      headers: { authorization: `Basic ${Buffer.from(`${wp.adminUser}:wrong wrong wrong`).toString('base64')}` },
    });
    assert.equal(response.status, 401);
  });

  test('the plugin is active and a summary meta written through REST reads back', async () => {
    const created = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Harness post', content: 'Body', status: 'draft' }),
    });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: number };

    const meta = { ai_relay_summary: 'A summary — with “quotes”', ai_relay_summary_hash: 'ab'.repeat(32), ai_relay_summary_run: 'wf-1/run-1' };
    const updated = await wp.rest(`/wp/v2/posts/${id}`, { method: 'POST', body: JSON.stringify({ meta }) });
    assert.equal(updated.status, 200);

    const read = await wp.rest(`/wp/v2/posts/${id}?context=edit`);
    const post = (await read.json()) as { meta: Record<string, string> };
    assert.deepEqual(
      { ai_relay_summary: post.meta.ai_relay_summary, ai_relay_summary_hash: post.meta.ai_relay_summary_hash, ai_relay_summary_run: post.meta.ai_relay_summary_run },
      meta,
    );
  });

  test('options given to the harness are stored and runPhp runs inside WordPress', async () => {
    assert.equal(await wp.runPhp("echo get_option('blogdescription');"), 'set through options');
    const active = "require_once ABSPATH . 'wp-admin/includes/plugin.php'; echo is_plugin_active('wp-ai-relay/wp-ai-relay.php') ? 'active' : 'inactive';";
    assert.equal(await wp.runPhp(active), 'active');
  });

  test('runPhp rejects with the PHP error', async () => {
    await assert.rejects(wp.runPhp('no_such_function();'), /Call to undefined function no_such_function/);
  });

  test('runCron runs an event once it is due, and advance makes a future one due', async () => {
    const scheduled = "echo wp_next_scheduled('harness_probe') ?: 'none';";
    await wp.runPhp("wp_schedule_single_event(time() + 3600, 'harness_probe');");
    await wp.runCron();
    assert.notEqual(await wp.runPhp(scheduled), 'none', 'an event an hour away must not run yet');
    await wp.runCron({ advance: 3600 });
    assert.equal(await wp.runPhp(scheduled), 'none');
  });

  test('login gives a session that opens wp-admin', async () => {
    const cookie = await wp.login();
    const response = await fetch(`${wp.baseUrl}/wp-admin/`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Dashboard/);
  });

  test('pretty permalinks serve a published post', async () => {
    const created = await wp.rest('/wp/v2/posts', {
      method: 'POST',
      body: JSON.stringify({ title: 'Pretty link', content: 'Visible body', status: 'publish' }),
    });
    const { link } = (await created.json()) as { link: string };
    assert.match(link, /\/pretty-link\/$/);
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Visible body/);
  });
});

test('stop() ends the servers and removes the temp dir', async () => {
  const wp = await startWordPress({ activatePlugin: false });
  await wp.stop();
  assert.equal(existsSync(wp.dir), false);
  await assert.rejects(fetch(`${wp.baseUrl}/wp-json/`));
});
