import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const WORDPRESS_DIR = '/usr/share/wordpress';
/** Symlinked into each site, so a test run always loads the plugin as it is in the working tree. */
const PLUGIN_DIR = resolve(__dirname, '../../wordpress-plugin/wp-ai-relay');
export const PLUGIN_FILE = 'wp-ai-relay/wp-ai-relay.php';
const DB_NAME = 'wordpress';
const ADMIN_USER = 'admin';

export type ConfigValue = string | number | boolean;

export interface WordPressOptions {
  /** Extra `wp-config.php` constants, e.g. `{ AI_RELAY_SECRET: '…' }`; they override the harness defaults. */
  readonly constants?: Readonly<Record<string, ConfigValue>>;
  /** Options stored with `update_option` after the plugin is activated, e.g. `{ ai_relay_endpoint: url }`. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Activate the wp-ai-relay plugin (default true). */
  readonly activatePlugin?: boolean;
  /** Keep the temp dir (database, logs, site root) after `stop()`. `WP_HARNESS_KEEP=1` does the same. */
  readonly keep?: boolean;
}

export interface WordPress {
  /** `http://127.0.0.1:<port>`, no trailing slash. Pretty permalinks are on, so `/wp-json/…` works. */
  readonly baseUrl: string;
  readonly adminUser: string;
  /** The admin's login password, for wp-login.php (browser tests). */
  readonly adminPassword: string;
  /** An Application Password of the admin, for the REST API. */
  readonly appPassword: string;
  /** `Basic …` header value for `adminUser` + `appPassword`. */
  readonly authorization: string;
  readonly dbName: string;
  /** The temp dir: site root (`site/`), database (`db/`), `debug.log`, `php-server.log`, `mariadb.log`. */
  readonly dir: string;
  /** `fetch` against the REST API (`path` like `/wp/v2/posts`), authenticated with the Application Password. */
  rest(path: string, init?: RequestInit): Promise<Response>;
  /** Runs PHP statements inside WordPress (wp-load.php, current user = admin); resolves to stdout. */
  runPhp(code: string): Promise<string>;
  /**
   * Runs due WP-Cron events through `wp-cron.php`, as a real request. `advance` first moves every scheduled event
   * that many seconds earlier, as if that much time had passed. WP-Cron never runs on its own here.
   */
  runCron(options?: { advance?: number }): Promise<void>;
  /** `update_option` for each entry (plugin settings, for instance), as one PHP run. */
  setOptions(options: Readonly<Record<string, unknown>>): Promise<void>;
  /** Logs in through wp-login.php and returns the `Cookie` header value of the session. */
  login(): Promise<string>;
  /** What WordPress logged (WP_DEBUG_LOG): PHP notices, warnings, errors. */
  debugLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real WordPress (Debian's package, served by `php -S` with 4 workers) on a private MariaDB, in a temp dir,
 * with the wp-ai-relay plugin symlinked from this repository and activated. Every call gets a fresh site and
 * database: a copy of a freshly installed one, built once per machine and kept in the OS temp dir.
 */
export async function startWordPress(options: WordPressOptions = {}): Promise<WordPress> {
  const dir = await mkdtemp(join(tmpdir(), 'wp-ai-relay-wp-'));
  const processes: ChildProcess[] = [];
  const killAll = () => processes.forEach(killGroup);
  process.once('exit', killAll);
  const cleanUp = async (keep: boolean) => {
    await Promise.all(processes.map(stopGroup));
    process.removeListener('exit', killAll);
    if (!keep) await rm(dir, { recursive: true, force: true });
  };
  try {
    const socket = join(dir, 'mysql.sock');
    await Promise.all([
      (async () => {
        await run('cp', ['-a', join(await databaseTemplate(), 'db'), join(dir, 'db')]);
        processes.push(await startMariaDb(dir, socket));
      })(),
      buildSiteRoot(dir, socket, options.constants ?? {}),
    ]);
    const { server, port } = await startPhpServer(dir);
    processes.push(server);
    const baseUrl = `http://127.0.0.1:${port}`;

    const adminPassword = randomBytes(12).toString('base64url');
    const php = (code: string) => runPhpIn(dir, code);
    const { appPassword } = JSON.parse(await php(setupScript(baseUrl, adminPassword, options))) as { appPassword: string };
    const authorization = `Basic ${Buffer.from(`${ADMIN_USER}:${appPassword}`).toString('base64')}`;

    let stopped: Promise<void> | undefined;
    return {
      baseUrl,
      adminUser: ADMIN_USER,
      adminPassword,
      appPassword,
      authorization,
      dbName: DB_NAME,
      dir,
      rest: (path, init = {}) =>
        fetch(`${baseUrl}/wp-json${path}`, {
          ...init,
          headers: { authorization, 'content-type': 'application/json', ...Object.fromEntries(new Headers(init.headers)) },
        }),
      runPhp: php,
      runCron: async ({ advance = 0 } = {}) => {
        if (advance > 0) await php(shiftCronScript(advance));
        const response = await fetch(`${baseUrl}/wp-cron.php`);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`wp-cron.php answered ${response.status}`);
      },
      setOptions: async (values) => {
        await php(setOptionsScript(values));
      },
      login: () => login(baseUrl, ADMIN_USER, adminPassword),
      debugLog: () => readFile(join(dir, 'debug.log'), 'utf8').catch(() => ''),
      stop: () => (stopped ??= cleanUp(options.keep === true || process.env.WP_HARNESS_KEEP === '1')),
    };
  } catch (error) {
    await cleanUp(true);
    throw new Error(`WordPress did not start (logs kept in ${dir}): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A MariaDB datadir holding a freshly installed WordPress, built on first use and cached under a key of the
 * MariaDB binary, WordPress version and install script, so a change to any of them builds a new one.
 */
async function databaseTemplate(): Promise<string> {
  const mariadbd = statSync('/usr/sbin/mariadbd');
  const key = createHash('sha256')
    .update(await readFile(join(WORDPRESS_DIR, 'wp-includes/version.php')))
    .update(`${mariadbd.size}:${mariadbd.mtimeMs}`)
    .update(INSTALL_SCRIPT)
    .digest('hex')
    .slice(0, 16);
  const cacheRoot = join(tmpdir(), 'wp-ai-relay-harness-cache');
  const template = join(cacheRoot, key);
  if (existsSync(template)) return template;

  await mkdir(cacheRoot, { recursive: true });
  const build = await mkdtemp(join(cacheRoot, 'build-'));
  try {
    await installWordPress(build);
  } catch (error) {
    await rm(build, { recursive: true, force: true });
    throw error;
  }
  for (const entry of await readdir(build)) if (entry !== 'db') await rm(join(build, entry), { recursive: true, force: true });
  try {
    // Atomic: a concurrent test process sees either no template or a complete one.
    await rename(build, template);
  } catch {
    if (!existsSync(template)) throw new Error(`could not store the database template in ${template}`);
  }
  await rm(build, { recursive: true, force: true });
  return template;
}

async function installWordPress(build: string): Promise<void> {
  const socket = join(build, 'mysql.sock');
  await installDb(build);
  const mariadb = await startMariaDb(build, socket);
  const kill = () => killGroup(mariadb);
  process.once('exit', kill);
  try {
    await buildSiteRoot(build, socket, {});
    await runPhpIn(build, INSTALL_SCRIPT, { loadWordPress: false });
  } finally {
    await stopGroup(mariadb);
    process.removeListener('exit', kill);
  }
}

/** mariadbd refuses to run as root unless told to; naming the current user works for root and non-root alike. */
const mariaDbUser = () => `--user=${userInfo().username}`;
const MARIADB_SIZING = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'];

async function installDb(dir: string): Promise<void> {
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${join(dir, 'db')}`,
    mariaDbUser(),
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
    ...MARIADB_SIZING,
  ]);
}

async function startMariaDb(dir: string, socket: string): Promise<ChildProcess> {
  const log = join(dir, 'mariadb.log');
  const child = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${join(dir, 'db')}`,
      mariaDbUser(),
      `--socket=${socket}`,
      '--skip-networking',
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      `--log-error=${log}`,
      ...MARIADB_SIZING,
      // Throwaway data: durability settings only cost time here.
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--skip-log-bin',
    ],
    { detached: true, stdio: 'ignore' },
  );
  await waitFor(async () => (await readFile(log, 'utf8').catch(() => '')).includes('ready for connections'), child, log);
  return child;
}

/**
 * A copy of Debian's WordPress (hard links where the file system allows, so it is instant) with our own
 * wp-config.php and wp-content. Not symlinks: WordPress looks for wp-config.php beside the real path of
 * wp-load.php, which would be Debian's own.
 */
async function buildSiteRoot(dir: string, socket: string, constants: Readonly<Record<string, ConfigValue>>): Promise<void> {
  const site = join(dir, 'site');
  await mkdir(site);
  const skip = new Set(['wp-config.php', 'wp-config-sample.php', 'wp-content', '.htaccess']);
  const entries = (await readdir(WORDPRESS_DIR)).filter((name) => !skip.has(name)).map((n) => join(WORDPRESS_DIR, n));
  // -L: Debian links some files to other packages by relative paths (getID3, underscore, cropper), which would
  // point nowhere from the copy.
  try {
    await run('cp', ['-alL', ...entries, site]);
  } catch {
    await run('cp', ['-aL', ...entries, site]);
  }
  const content = join(site, 'wp-content');
  await mkdir(join(content, 'plugins'), { recursive: true });
  await mkdir(join(content, 'mu-plugins'));
  await mkdir(join(content, 'uploads'));
  await symlink(join(WORDPRESS_DIR, 'wp-content/themes'), join(content, 'themes'));
  await symlink(PLUGIN_DIR, join(content, 'plugins/wp-ai-relay'));
  await writeFile(join(content, 'mu-plugins/test-harness.php'), MU_PLUGIN);
  await writeFile(join(site, 'wp-config.php'), wpConfig(dir, socket, constants));
  await writeFile(join(dir, 'router.php'), ROUTER);
}

/** On a free port; another process can take the port between the check and php's bind, so that is retried. */
async function startPhpServer(dir: string): Promise<{ server: ChildProcess; port: number }> {
  const log = join(dir, 'php-server.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const out = openSync(log, 'a');
    const server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', join(dir, 'site'), join(dir, 'router.php')], {
      detached: true,
      stdio: ['ignore', out, out],
      // With one worker, a request waiting on its own outgoing webhook would block the relay's write-back.
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    });
    closeSync(out);
    try {
      await waitFor(() => canConnect(port), server, log);
      // Answering is not enough: the answer may come from whoever took the port first.
      if (server.exitCode === null) return { server, port };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
    await stopGroup(server);
    if (attempt >= 3) throw new Error('php -S found no free port');
  }
}

async function runPhpIn(dir: string, code: string, o = { loadWordPress: true }): Promise<string> {
  const file = join(dir, `run-${randomBytes(6).toString('hex')}.php`);
  // WordPress reads the host from the request; the CLI has none.
  const prelude = `<?php\n$_SERVER['HTTP_HOST'] = '127.0.0.1';\n$_SERVER['REQUEST_URI'] = '/';\n`;
  await writeFile(file, prelude + (o.loadWordPress ? loadWordPress(dir) : `$site = ${phpString(join(dir, 'site'))};\n`) + code);
  try {
    const { stdout } = await run('php', ['-d', 'display_errors=stderr', file], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`PHP failed: ${e.stderr || e.stdout || e.message}`);
  } finally {
    await rm(file, { force: true });
  }
}

/** Loads WordPress as the admin; errors go to stderr as plain text, not as WordPress's HTML error page. */
function loadWordPress(dir: string): string {
  return `define('WP_DISABLE_FATAL_ERROR_HANDLER', true);
require ${phpString(join(dir, 'site/wp-load.php'))};
ini_set('display_errors', 'stderr');
wp_set_current_user(1);
`;
}

/** Runs once per template; everything that differs per site (URL, passwords, plugin) is in setupScript. */
const INSTALL_SCRIPT = `
$db = new mysqli(null, 'root', '', '', 0, dirname($site) . '/mysql.sock');
$db->query('CREATE DATABASE ${DB_NAME} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
define('WP_INSTALLING', true);
function wp_new_blog_notification() {} // pluggable; there is no mail here
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('wp-ai-relay test site', '${ADMIN_USER}', 'admin@example.test', false, '', wp_generate_password(24));
$GLOBALS['wp_rewrite']->set_permalink_structure('/%postname%/');
update_option('timezone_string', 'UTC');
wp_update_user(array('ID' => 1, 'user_url' => ''));
`;

function setupScript(baseUrl: string, adminPassword: string, options: WordPressOptions): string {
  const activate =
    options.activatePlugin === false
      ? ''
      : `require_once ABSPATH . 'wp-admin/includes/plugin.php';
$activated = activate_plugin(${phpString(PLUGIN_FILE)});
if (is_wp_error($activated)) { fwrite(STDERR, $activated->get_error_message()); exit(1); }`;
  return `
update_option('siteurl', ${phpString(baseUrl)});
update_option('home', ${phpString(baseUrl)});
wp_set_password(${phpString(adminPassword)}, 1);
flush_rewrite_rules(false);
${activate}
${setOptionsScript(options.options ?? {})}
[$password] = WP_Application_Passwords::create_new_application_password(1, array('name' => 'wp-ai-relay tests'));
echo wp_json_encode(array('appPassword' => $password));
`;
}

function setOptionsScript(options: Readonly<Record<string, unknown>>): string {
  return `foreach (json_decode(${phpString(JSON.stringify(options))}, true) as $name => $value) {
  update_option($name, $value);
}
`;
}

function shiftCronScript(seconds: number): string {
  return `
$shifted = array();
foreach (_get_cron_array() as $timestamp => $hooks) {
  $at = $timestamp - ${Math.floor(seconds)};
  $shifted[$at] = array_merge($shifted[$at] ?? array(), $hooks);
}
ksort($shifted);
_set_cron_array($shifted);
`;
}

function wpConfig(dir: string, socket: string, extra: Readonly<Record<string, ConfigValue>>): string {
  const constants: Record<string, ConfigValue> = {
    DB_NAME,
    DB_USER: 'root',
    DB_PASSWORD: '',
    DB_HOST: `localhost:${socket}`,
    DB_CHARSET: 'utf8mb4',
    // Application Passwords need HTTPS or a "local" environment.
    WP_ENVIRONMENT_TYPE: 'local',
    WP_DEBUG: true,
    WP_DEBUG_LOG: join(dir, 'debug.log'),
    WP_DEBUG_DISPLAY: false,
    // Tests run WP-Cron explicitly (runCron), so nothing happens behind their back.
    DISABLE_WP_CRON: true,
    AUTOMATIC_UPDATER_DISABLED: true,
    // No waiting on api.wordpress.org from admin pages; localhost and the site itself stay reachable.
    WP_HTTP_BLOCK_EXTERNAL: true,
    ...extra,
  };
  for (const name of ['AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE']) {
    constants[`${name}_KEY`] ??= randomBytes(32).toString('hex');
    constants[`${name}_SALT`] ??= randomBytes(32).toString('hex');
  }
  const lines = Object.entries(constants).map(([name, value]) => `define(${phpString(name)}, ${phpValue(value)});`);
  return `<?php\n${lines.join('\n')}\n$table_prefix = 'wp_';\ndefine('ABSPATH', __DIR__ . '/');\nrequire_once ABSPATH . 'wp-settings.php';\n`;
}

/** `php -S` has no rewrite rules: real files are served as they are, everything else goes to index.php. */
const ROUTER = `<?php
$root = $_SERVER['DOCUMENT_ROOT'];
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if (is_file($root . $path) || (str_ends_with($path, '/') && is_file($root . $path . 'index.php'))) {
  return false;
}
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
chdir($root);
require $root . '/index.php';
`;

const MU_PLUGIN = `<?php
// Test harness only: there is no mail transport here, so mail is accepted and dropped.
add_filter('pre_wp_mail', '__return_true');
`;

async function login(baseUrl: string, user: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/wp-login.php`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    body: new URLSearchParams({ log: user, pwd: password, testcookie: '1', 'wp-submit': 'Log In' }),
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (response.status !== 302 || !cookies.some((c) => c?.startsWith('wordpress_logged_in_'))) {
    throw new Error(`login failed: ${response.status}`);
  }
  return cookies.join('; ');
}

function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function phpValue(value: ConfigValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return phpString(value);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/wp-includes/images/blank.gif`);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function waitFor(ready: () => Promise<boolean>, child: ChildProcess, log: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
      throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode}):\n${tail}`);
    }
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** SIGTERM to the process group: mariadbd shuts down cleanly, and php -S takes its workers with it. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await exited;
}

/** One row of the plugin's outbox, as stored. */
export interface OutboxRow {
  readonly id: number;
  readonly idempotency_key: string;
  readonly event: string;
  readonly object_id: number;
  readonly body: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly next_attempt_at: number;
  readonly last_http_status: number | null;
  readonly last_response: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** The plugin's outbox, oldest row first. */
export async function readOutbox(wp: WordPress): Promise<OutboxRow[]> {
  const json = await wp.runPhp(
    "global $wpdb; echo wp_json_encode($wpdb->get_results(\"SELECT * FROM {$wpdb->prefix}ai_relay_outbox ORDER BY id\", ARRAY_A));",
  );
  const numeric = new Set(['id', 'object_id', 'attempts', 'next_attempt_at', 'last_http_status', 'created_at', 'updated_at']);
  return (JSON.parse(json) as Record<string, string | null>[]).map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, numeric.has(k) && v !== null ? Number(v) : v]),
      ) as unknown as OutboxRow,
  );
}

/**
 * As if `seconds` had passed for the plugin: pending outbox rows and WP-Cron events fall due that much earlier,
 * then WP-Cron runs. Retries are minutes to hours apart; tests should not wait for them.
 */
export async function elapse(wp: WordPress, seconds: number): Promise<void> {
  await wp.runPhp(
    `global $wpdb; $wpdb->query($wpdb->prepare("UPDATE {$wpdb->prefix}ai_relay_outbox SET next_attempt_at = GREATEST(CAST(next_attempt_at AS SIGNED) - %d, 0) WHERE status = 'pending'", ${Math.floor(seconds)}));`,
  );
  await wp.runCron({ advance: seconds });
}
