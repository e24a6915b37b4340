import { randomBytes } from 'node:crypto';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DB_NAME, PLUGIN_DIR } from './constants';
import { phpString, phpValue } from './php';
import { run } from './processes';
import type { ConfigValue } from './types';

/**
 * A copy of Debian's WordPress in `wordpressDir` (hard links where the file system allows, so it is instant) with our own
 * wp-config.php and wp-content. Not symlinks: WordPress looks for wp-config.php beside the real path of
 * wp-load.php, which would be Debian's own.
 */
export async function buildSiteRoot(
  dir: string,
  socket: string,
  wordpressDir: string,
  constants: Readonly<Record<string, ConfigValue>>,
  configExtra = '',
  installPlugin = true,
): Promise<void> {
  const site = join(dir, 'site');
  await mkdir(site);
  const skip = new Set(['wp-config.php', 'wp-config-sample.php', 'wp-content', '.htaccess']);
  const entries = (await readdir(wordpressDir)).filter((name) => !skip.has(name)).map((n) => join(wordpressDir, n));
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
  await symlink(join(wordpressDir, 'wp-content/themes'), join(content, 'themes'));
  if (installPlugin) await symlink(PLUGIN_DIR, join(content, 'plugins/wp-ai-relay'));
  await writeFile(join(content, 'mu-plugins/test-harness.php'), MU_PLUGIN);
  await writeFile(join(site, 'wp-config.php'), wpConfig(dir, socket, constants, configExtra));
  await writeFile(join(dir, 'router.php'), ROUTER);
}

function wpConfig(dir: string, socket: string, extra: Readonly<Record<string, ConfigValue>>, configExtra: string): string {
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
  // Guarded, so constants the extra code defined first stay as it set them.
  const lines = Object.entries(constants).map(([name, value]) => `defined(${phpString(name)}) || define(${phpString(name)}, ${phpValue(value)});`);
  return `<?php\n${configExtra}\n${lines.join('\n')}\n$table_prefix = 'wp_';\ndefine('ABSPATH', __DIR__ . '/');\nrequire_once ABSPATH . 'wp-settings.php';\n`;
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
