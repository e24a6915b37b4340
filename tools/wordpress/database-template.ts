import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_USER, DB_NAME } from './constants';
import { installDb, startMariaDb } from './mariadb';
import { runPhpIn } from './php';
import { killGroup, stopGroup } from './processes';
import { buildSiteRoot } from './site-root';
import type { WordPressInstall } from './versions';

/**
 * A MariaDB datadir holding a freshly installed WordPress, built on first use and cached under a key of the
 * MariaDB binary, WordPress version and install script, so a change to any of them builds a new one.
 */
export async function databaseTemplate(wordpress: WordPressInstall): Promise<string> {
  const mariadbd = statSync('/usr/sbin/mariadbd');
  const key = createHash('sha256')
    .update(await readFile(join(wordpress.dir, 'wp-includes/version.php')))
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
    await installWordPress(build, wordpress);
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

async function installWordPress(build: string, wordpress: WordPressInstall): Promise<void> {
  const socket = join(build, 'mysql.sock');
  await installDb(build);
  const mariadb = await startMariaDb(build, socket);
  const kill = () => killGroup(mariadb);
  process.once('exit', kill);
  try {
    await buildSiteRoot(build, socket, wordpress.dir, {});
    await runPhpIn(build, INSTALL_SCRIPT, { loadWordPress: false });
  } finally {
    await stopGroup(mariadb);
    process.removeListener('exit', kill);
  }
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
