import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postPublishedSchema } from '../../contract/events';
import { TEST_SECRET, type Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { PLUGIN_FILE, pluginLogLines, startWordPress, type OutboxRow, type WordPress } from '../../tools/wordpress';
import { login } from '../../tools/wordpress/login';

/** Both sites publish a post with this ID, so a write-back to the wrong site would land on the other's post. */
const SHARED_POST_ID = 500;

describe('a multisite network with the plugin network-activated, with the real relay and worker', () => {
  let stack: Stack;
  let wp: WordPress;
  let relay: Relay;
  /** The sites' addresses as their events name them (home_url('/')), by blog id. */
  let sites: Record<number, string>;

  /** PHP on site `blogId` (the harness runs PHP on the main site). */
  const onSite = (blogId: number, code: string) => wp.runPhp(`switch_to_blog(${blogId});\n${code}\nrestore_current_blog();`);
  const outbox = async (blogId: number): Promise<OutboxRow[]> =>
    JSON.parse(await onSite(blogId, `global $wpdb; echo wp_json_encode($wpdb->get_results("SELECT * FROM {$wpdb->prefix}ai_relay_outbox ORDER BY id", ARRAY_A));`)) as OutboxRow[];
  /** The REST API of the site at `path` ('' for the main site), as the admin's Application Password. */
  const rest = (path: string, route: string, init: RequestInit = {}) =>
    fetch(`${wp.baseUrl}${path}/wp-json${route}`, { ...init, headers: { authorization: wp.authorization, 'content-type': 'application/json' } });

  before(async () => {
    stack = await startStack({ wordpress: { network: { sites: ['second'] }, constants: { AI_RELAY_SECRET: TEST_SECRET } } });
    ({ wp, relay } = stack);
    sites = { 1: `${wp.baseUrl}/`, 2: `${wp.baseUrl}/second/` };
  });
  after(() => stack?.stop());

  test('network activation set up every site, and a site created later is set up when WordPress creates it', async () => {
    const setUp = `global $wpdb; echo wp_json_encode(array(
  'outbox' => $wpdb->get_var("SHOW TABLES LIKE '{$wpdb->prefix}ai_relay_outbox'") !== null,
  'role' => get_role('ai_relay') !== null,
  'daily' => (bool) wp_next_scheduled('ai_relay_daily'),
));`;
    const third = Number(await wp.runPhp(`echo wp_insert_site(array('domain' => get_network()->domain, 'path' => '/third/', 'title' => 'Third', 'user_id' => 1));`));
    assert.ok(third > 2);
    const expected = JSON.stringify({ outbox: true, role: true, daily: true });
    assert.deepEqual([await onSite(1, setUp), await onSite(2, setUp), await onSite(third, setUp)], [expected, expected, expected]);
    assert.equal(await wp.runPhp(`require_once ABSPATH . 'wp-admin/includes/plugin.php'; echo is_plugin_active_for_network('${PLUGIN_FILE}') ? 'network' : 'not';`), 'network');

    // A deleted site's outbox goes with its other tables.
    await wp.runPhp(`wp_delete_site(${third});`);
    assert.equal(await wp.runPhp(`global $wpdb; echo $wpdb->get_var("SHOW TABLES LIKE '{$wpdb->base_prefix}${third}_ai_relay_outbox'") ?? 'gone';`), 'gone');
  });

  test('the defaults saved on the Network Admin screen are every site\'s settings', async () => {
    const cookie = await wp.login();
    const screen = await (await fetch(`${wp.baseUrl}/wp-admin/network/settings.php?page=ai-relay`, { headers: { cookie } })).text();
    const nonce = /name="_wpnonce" value="([^"]+)"/.exec(screen)?.[1];
    assert.ok(nonce, 'the network screen has its form');
    assert.match(screen, /Set in wp-config\.php \(AI_RELAY_SECRET\): every site signs with it/);
    // What a browser sends for the form as shown, with the endpoint filled in and the private network ticked.
    const form = new URLSearchParams({
      _wpnonce: nonce,
      ai_relay_endpoint: `${relay.url}/webhooks/wp`,
      ai_relay_key_id: '',
      ai_relay_scheme: 'wp',
      ai_relay_allow_private: '1',
      'ai_relay_events[]': 'post.published',
      ai_relay_batch_recurrence: 'daily',
      ai_relay_comment_fallback: 'approve',
      ai_relay_comment_fallback_minutes: '15',
    });
    const saved = await fetch(`${wp.baseUrl}/wp-admin/network/edit.php?action=ai_relay_network`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    assert.equal(saved.status, 302);
    const shown = await (await fetch(`${wp.baseUrl}/wp-admin/network/settings.php?page=ai-relay`, { headers: { cookie } })).text();
    assert.match(shown, /Network defaults saved\./);
    assert.ok(shown.includes(`id="ai_relay_endpoint" name="ai_relay_endpoint" value="${relay.url}/webhooks/wp"`), 'the screen shows the network\'s endpoint');
    const settings = `echo wp_json_encode(array(ai_relay_endpoint(), ai_relay_allow_private(), ai_relay_enabled_events(), ai_relay_site_overrides('ai_relay_endpoint')));`;
    const expected = [`${relay.url}/webhooks/wp`, true, ['post.published'], false];
    assert.deepEqual([JSON.parse(await onSite(1, settings)), JSON.parse(await onSite(2, settings))], [expected, expected]);
  });

  test('a post published on each site reaches the relay with its own site, and its summary is written back to that site', async () => {
    for (const [blogId, title] of [[1, 'News from the main site'], [2, 'News from the second site']] as const) {
      await onSite(blogId, `wp_insert_post(array('import_id' => ${SHARED_POST_ID}, 'post_title' => '${title}', 'post_content' => 'Body.', 'post_status' => 'draft'));`);
    }
    for (const path of ['', '/second']) {
      const published = await rest(path, `/wp/v2/posts/${SHARED_POST_ID}`, { method: 'POST', body: JSON.stringify({ status: 'publish' }) });
      assert.equal(published.status, 200);
    }

    for (const [blogId, title] of [[1, 'News from the main site'], [2, 'News from the second site']] as const) {
      const rows = await outbox(blogId);
      assert.deepEqual(rows.map((row) => [row.event, Number(row.object_id), row.status, Number(row.last_http_status)]), [['post.published', SHARED_POST_ID, 'delivered', 202]]);
      const event = postPublishedSchema.parse(JSON.parse(rows[0]!.body));
      assert.equal(event.site, sites[blogId]);
      assert.equal(event.title, title);
      const result = await relay.client.workflow.getHandle(event.idempotency_key).result();
      assert.equal(result.outcome, 'summarized');
    }
    // Each site's post got the summary of its own title: the write-back went to the site the event came from.
    for (const [path, title] of [['', 'News from the main site'], ['/second', 'News from the second site']] as const) {
      const post = (await (await rest(path, `/wp/v2/posts/${SHARED_POST_ID}?context=edit`)).json()) as { meta: Record<string, string> };
      assert.equal(post.meta.ai_relay_summary, `A short summary of “${title}”.`);
    }
  });

  test('a site\'s own setting overrides the network default; saving the default back follows the network again', async () => {
    await onSite(2, `update_option('ai_relay_events', array('post.published', 'comment.created'));`);
    const enabled = `echo wp_json_encode(array(ai_relay_enabled_events(), ai_relay_site_overrides('ai_relay_events')));`;
    assert.equal(await onSite(2, enabled), JSON.stringify([['post.published', 'comment.created'], true]));
    assert.equal(await onSite(1, enabled), JSON.stringify([['post.published'], false]));
    const page = await (await fetch(`${wp.baseUrl}/second/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie: await wp.login() } })).text();
    assert.match(page, /uses the network&#039;s AI Relay settings except where it sets its own \(Send\)/);
    assert.match(page, /<input type="checkbox" name="ai_relay_events\[\]" value="comment\.created" checked='checked'/);

    // A comment on each site, with the same ID on both: only the site that turned comments on sends it, with its
    // own site, from its own outbox (the request was switched to it), and the verdict is stored on its comment.
    const commentIds: string[] = [];
    for (const blogId of [1, 2]) {
      commentIds.push(
        await onSite(blogId, `echo wp_insert_comment(array('comment_post_ID' => ${SHARED_POST_ID}, 'comment_content' => 'Nice post.', 'comment_author' => 'Reader', 'comment_approved' => 1));`),
      );
    }
    assert.equal(commentIds[0], commentIds[1]);
    assert.deepEqual((await outbox(1)).map((row) => row.event), ['post.published']);
    const comments = (await outbox(2)).filter((row) => row.event === 'comment.created');
    assert.deepEqual(comments.map((row) => [row.status, Number(row.last_http_status)]), [['delivered', 202]]);
    const event = JSON.parse(comments[0]!.body) as { site: string; idempotency_key: string };
    assert.equal(event.site, sites[2]);
    await relay.client.workflow.getHandle(event.idempotency_key).result();
    const verdict = `echo get_comment_meta(${commentIds[1]}, 'ai_relay_verdict', true) === '' ? 'none' : 'stored';`;
    assert.deepEqual([await onSite(1, verdict), await onSite(2, verdict)], ['none', 'stored']);

    // Saving the network's value keeps no copy: the site follows the next change of the default.
    await onSite(2, `update_option('ai_relay_events', array('post.published'));`);
    assert.equal(await onSite(2, enabled), JSON.stringify([['post.published'], false]));
    await wp.runPhp(`update_site_option('ai_relay_events', array('post.published', 'post.updated'));`);
    assert.equal(await onSite(2, enabled), JSON.stringify([['post.published', 'post.updated'], false]));
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });

  test('uninstalling removes what the plugin stored on every site, and the network\'s defaults', async () => {
    const stored = `global $wpdb; echo wp_json_encode(array(
  $wpdb->get_var("SHOW TABLES LIKE '{$wpdb->prefix}ai_relay_outbox'") !== null,
  (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE 'ai\\\\_relay\\\\_%'") > 0,
  (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE 'ai\\\\_relay\\\\_%'") > 0,
));`;
    assert.deepEqual([await onSite(1, stored), await onSite(2, stored)], [JSON.stringify([true, true, true]), JSON.stringify([true, true, true])]);
    await wp.runPhp(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
deactivate_plugins('${PLUGIN_FILE}', false, true);
uninstall_plugin('${PLUGIN_FILE}');`);
    assert.deepEqual([await onSite(1, stored), await onSite(2, stored)], [JSON.stringify([false, false, false]), JSON.stringify([false, false, false])]);
    assert.equal(await wp.runPhp(`global $wpdb; echo (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->sitemeta} WHERE meta_key LIKE '%ai\\\\_relay\\\\_%'");`), '0');
  });
});

describe('a network without the wp-config secret: each site\'s administrator and their own secret', () => {
  let wp: WordPress;
  const secrets = { 1: 'main-site-secret-0123456789', 2: 'second-site-secret-0123456789' } as const;
  const onSite = (blogId: number, code: string) => wp.runPhp(`switch_to_blog(${blogId});\n${code}\nrestore_current_blog();`);

  before(async () => {
    wp = await startWordPress({ network: { sites: ['second'] } });
    for (const blogId of [1, 2] as const) await onSite(blogId, `update_option('ai_relay_secret', '${secrets[blogId]}');`);
    // An administrator of the second site only, as a network gives each site its own.
    await wp.runPhp(`$id = wp_insert_user(array('user_login' => 'siteadmin', 'user_pass' => 'site-admin-password-123', 'user_email' => 'siteadmin@example.test'));
remove_user_from_blog($id, 1);
add_user_to_blog(2, $id, 'administrator');`);
  });
  after(() => wp?.stop());

  /** The settings form of the second site as `cookie` sees it, and a save of it with `changes`. */
  async function saveSecondSite(cookie: string, changes: Record<string, string>): Promise<void> {
    const page = await (await fetch(`${wp.baseUrl}/second/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } })).text();
    const nonce = /<input type="hidden" id="_wpnonce" name="_wpnonce" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(nonce, 'the settings form is shown');
    const form = new URLSearchParams({ option_page: 'ai_relay', action: 'update', _wpnonce: nonce, _wp_http_referer: '/second/wp-admin/options-general.php?page=ai-relay', ...changes });
    const saved = await fetch(`${wp.baseUrl}/second/wp-admin/options.php`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    assert.equal(saved.status, 302);
  }

  test('a site\'s administrator sees neither site\'s secret, and cannot open another site\'s settings or the network\'s', async () => {
    const cookie = await login(wp.baseUrl, 'siteadmin', 'site-admin-password-123');
    const own = await fetch(`${wp.baseUrl}/second/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie } });
    assert.equal(own.status, 200);
    const ownPage = await own.text();
    assert.match(ownPage, /A secret is stored; leave empty to keep it/);
    for (const secret of Object.values(secrets)) assert.ok(!ownPage.includes(secret), 'no secret on the settings page');
    // WordPress's own list of every option shows this site's options only: the other site's secret is not there.
    assert.ok(!(await (await fetch(`${wp.baseUrl}/second/wp-admin/options.php`, { headers: { cookie } })).text()).includes(secrets[1]));
    for (const path of ['/wp-admin/options-general.php?page=ai-relay', '/wp-admin/network/settings.php?page=ai-relay']) {
      const other = await fetch(`${wp.baseUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
      const body = await other.text();
      assert.equal(other.status, 403, path);
      assert.ok(!body.includes(secrets[1]) && !body.includes('ai_relay_endpoint'), `${path} shows nothing of the plugin's settings`);
    }
  });

  test('only a network administrator lets the plugin into a private network; a site\'s administrator cannot', async () => {
    const allowed = `echo ai_relay_allow_private() ? 'allowed' : 'refused';`;
    const siteAdmin = await login(wp.baseUrl, 'siteadmin', 'site-admin-password-123');
    const page = await (await fetch(`${wp.baseUrl}/second/wp-admin/options-general.php?page=ai-relay`, { headers: { cookie: siteAdmin } })).text();
    assert.match(page, /name="ai_relay_allow_private" value="1" disabled='disabled'/);
    await saveSecondSite(siteAdmin, { ai_relay_endpoint: 'http://10.0.0.5:9000/webhooks/wp', ai_relay_allow_private: '1' });
    assert.equal(await onSite(2, `echo ai_relay_endpoint();`), 'http://10.0.0.5:9000/webhooks/wp', 'the rest of the form was saved');
    assert.equal(await onSite(2, allowed), 'refused');

    await saveSecondSite(await wp.login(), { ai_relay_endpoint: 'http://10.0.0.5:9000/webhooks/wp', ai_relay_allow_private: '1' });
    assert.equal(await onSite(2, allowed), 'allowed');
    // Neither save touched the stored secret, which the form never shows.
    assert.equal(await onSite(2, `echo ai_relay_secret();`), secrets[2]);
  });

  test('WordPress logged no PHP notice, warning or error from the plugin', async () => {
    assert.deepEqual(await pluginLogLines(wp), []);
  });
});
