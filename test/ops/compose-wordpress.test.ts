import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WordPressClient } from '../../activities/wordpress-client';
import { loadConfig } from '../../src/config/config';
import { startWordPress, type WordPress } from '../../tools/wordpress';
import { login } from '../../tools/wordpress/login';
import { phpString } from '../../tools/wordpress/php';
import { freePort } from '../support/ports';
import { eventually } from '../support/eventually';
import { ROOT, runCommand } from './helpers/cli';
import { renderCompose, serviceEnvironment } from './helpers/compose';

/**
 * docker-compose.yml's WordPress without Docker: the same wp-config additions (deploy/compose/wp-config-relay.php)
 * and the same one-off set-up (deploy/compose/wordpress-setup.php, with relay-setup's environment from the rendered
 * compose file) on a real WordPress under `php -S`, starting from an empty database as a first `up` does.
 */
describe('the compose WordPress set-up, on a real WordPress under php -S', () => {
  let wp: WordPress;
  let secrets: string;
  let setupEnv: Record<string, string>;
  const read = (file: string) => readFileSync(join(secrets, file), 'utf8');

  before(async () => {
    secrets = mkdtempSync(join(tmpdir(), 'wp-ai-relay-compose-wp-'));
    setupEnv = serviceEnvironment(await renderCompose(), 'relay-setup');
    wp = await startWordPress({
      configExtra: `define('AI_RELAY_SECRETS_DIR', ${phpString(secrets)});\nrequire ${phpString(join(ROOT, 'deploy/compose/wp-config-relay.php'))};`,
      // The harness's defaults would make these hold anyway; set against them, only wp-config-relay.php can.
      constants: { WP_ENVIRONMENT_TYPE: 'production', DISABLE_WP_CRON: false },
      activatePlugin: false,
    });
    // An empty database, as the compose's first `up` has.
    await wp.runPhp('global $wpdb; foreach ($wpdb->get_col("SHOW TABLES") as $table) { $wpdb->query("DROP TABLE `$table`"); }');
  });
  after(async () => {
    await wp?.stop();
    if (secrets) rmSync(secrets, { recursive: true, force: true });
  });

  const runSetup = (overrides: Record<string, string> = {}) =>
    runCommand('php', [join(ROOT, 'deploy/compose/wordpress-setup.php')], {
      ...setupEnv,
      WORDPRESS_PATH: join(wp.dir, 'site'),
      RELAY_SECRETS_DIR: secrets,
      WORDPRESS_URL: wp.baseUrl,
      ...overrides,
    });

  test('installs WordPress, turns on permalinks and the plugin, and hands the worker a working Application Password', async () => {
    // Inside the container the site's published URL reaches nothing, so WordPress's own loopback test for pretty
    // permalinks fails during the install: a port nothing listens on does the same here.
    const first = await runSetup({ WORDPRESS_URL: `http://127.0.0.1:${await freePort()}` });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const step of ['webhook secret generated', 'payload keys generated', 'WordPress installed', 'pretty permalinks on', 'plugin activated', 'plugin endpoint set', 'Application Password']) {
      assert.match(first.stdout, new RegExp(step), `the set-up says: ${step}`);
    }
    const files = ['webhook-secret', 'payload-keys', 'wp-app-password', 'wordpress-admin-password'].map(read);
    for (const value of files) {
      assert.ok(value.length >= 16);
      assert.ok(!first.stdout.includes(value) && !first.stderr.includes(value), 'no secret is printed');
    }
    assert.match(read('webhook-secret'), /^[0-9a-f]{64}$/);
    // The address the browser uses, given later (WORDPRESS_URL), is taken as it is.
    const moved = await runSetup();
    assert.equal(moved.code, 0, moved.stdout + moved.stderr);

    const site = JSON.parse(
      await wp.runPhp(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
echo wp_json_encode(array(
  'environment' => wp_get_environment_type(),
  'cronDisabled' => DISABLE_WP_CRON,
  'secret' => AI_RELAY_SECRET,
  'endpoint' => get_option('ai_relay_endpoint'),
  'allowPrivate' => (bool) get_option('ai_relay_allow_private'),
  'active' => is_plugin_active('wp-ai-relay/wp-ai-relay.php'),
  'permalinks' => get_option('permalink_structure'),
  'home' => get_option('home'),
));`),
    ) as Record<string, unknown>;
    assert.deepEqual(site, {
      environment: 'local',
      cronDisabled: true,
      secret: read('webhook-secret'),
      endpoint: setupEnv.RELAY_ENDPOINT,
      allowPrivate: true,
      active: true,
      permalinks: '/%postname%/',
      home: wp.baseUrl,
    });

    const index = await fetch(`${wp.baseUrl}/wp-json/`);
    assert.equal(index.status, 200, '/wp-json/ answers with pretty permalinks');
    const namespaces = ((await index.json()) as { namespaces: string[] }).namespaces;
    assert.ok(namespaces.includes('wp/v2') && namespaces.includes('ai-relay/v1'), namespaces.join());

    // The worker's own configuration path: WP_APP_PASSWORD_FILE, read by loadConfig, used by its WordPress client.
    const worker = loadConfig({ WP_BASE_URL: wp.baseUrl, WP_USERNAME: setupEnv.WORDPRESS_ADMIN_USER!, WP_APP_PASSWORD_FILE: join(secrets, 'wp-app-password') });
    const me = (await WordPressClient.fromConfig(worker.wordpress).request('GET', 'wp/v2/users/me?context=edit')) as { slug: string; capabilities: Record<string, boolean> };
    assert.equal(me.slug, setupEnv.WORDPRESS_ADMIN_USER);
    assert.equal(me.capabilities.edit_posts, true);
    assert.equal((await fetch(`${wp.baseUrl}/wp-json/wp/v2/users/me`)).status, 401, 'and without it, no one');

    assert.match(await login(wp.baseUrl, setupEnv.WORDPRESS_ADMIN_USER!, read('wordpress-admin-password')), /wordpress_logged_in_/);
  });

  test('run again, it changes nothing; a revoked password is replaced and a given secret wins', async () => {
    const before = ['webhook-secret', 'payload-keys', 'wp-app-password'].map(read);
    const again = await runSetup();
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(again.stdout.trim(), 'relay-setup: done', 'nothing left to do');
    assert.deepEqual(['webhook-secret', 'payload-keys', 'wp-app-password'].map(read), before);

    await wp.runPhp(`foreach (WP_Application_Passwords::get_user_application_passwords(1) as $item) {
  if ('wp-ai-relay worker' === $item['name']) WP_Application_Passwords::delete_application_password(1, $item['uuid']);
}`);
    const given = 'given-webhook-secret-0123456789';
    const replaced = await runSetup({ WP_RELAY_SECRET: given });
    assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
    assert.equal(read('webhook-secret'), given);
    assert.notEqual(read('wp-app-password'), before[2]);
    const names = JSON.parse(await wp.runPhp('echo wp_json_encode(array_column(WP_Application_Passwords::get_user_application_passwords(1), "name"));')) as string[];
    assert.deepEqual(names.filter((n) => n === 'wp-ai-relay worker'), ['wp-ai-relay worker'], 'one password of the worker\'s');
    const worker = loadConfig({ WP_BASE_URL: wp.baseUrl, WP_USERNAME: setupEnv.WORDPRESS_ADMIN_USER!, WP_APP_PASSWORD_FILE: join(secrets, 'wp-app-password') });
    await WordPressClient.fromConfig(worker.wordpress).request('GET', 'wp/v2/users/me');
  });

  test('fails, saying what to fix, where WordPress offers no Application Passwords (production over plain http)', async () => {
    // wp-config-relay.php takes WP_ENVIRONMENT_TYPE from the environment when given: what a site behind TLS sets.
    const out = await runSetup({ WP_ENVIRONMENT_TYPE: 'production' });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /Application Passwords are unavailable: WordPress offers them over HTTPS or with WP_ENVIRONMENT_TYPE=local only/);
  });

  test('the cron service runs due WP-Cron events through wp-cron.php, and reports a failed call without exiting', async () => {
    const probe = "array('wp-ai-relay-cron-probe')";
    await wp.runPhp(`wp_schedule_single_event(time() - 60, 'delete_expired_transients', ${probe});`);
    const cron = startCron(`${wp.baseUrl}/wp-cron.php`);
    try {
      await eventually(
        async () => ((await wp.runPhp(`echo wp_next_scheduled('delete_expired_transients', ${probe}) ? 'due' : 'ran';`)) === 'ran' ? true : undefined),
        'the cron service to run the due event',
        60_000,
      );
    } finally {
      await stopCron(cron.child);
    }

    const failing = startCron('http://127.0.0.1:9/wp-cron.php');
    try {
      await eventually(async () => ((failing.stderr().match(/failed; trying again/g) ?? []).length >= 2 ? true : undefined), 'two reported failures');
      assert.equal(failing.child.exitCode, null, 'still running after failed calls');
    } finally {
      assert.equal(await stopCron(failing.child), 0, 'SIGTERM stops it cleanly');
    }
  });
});

function startCron(url: string): { child: ChildProcess; stderr: () => string } {
  const child = spawn('sh', [join(ROOT, 'deploy/compose/wordpress-cron.sh')], {
    env: { PATH: process.env.PATH ?? '', WP_CRON_URL: url, WP_CRON_INTERVAL_SECONDS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

async function stopCron(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}
