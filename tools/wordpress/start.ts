import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_USER, DB_NAME } from './constants';
import { databaseTemplate } from './database-template';
import { login } from './login';
import { startMariaDb } from './mariadb';
import { runPhpIn } from './php';
import { startPhpServer } from './php-server';
import { convertToNetworkScript, NETWORK_CONFIG_INCLUDE, NETWORK_ROUTER, populateNetworkScript, writeNetworkConfig } from './network';
import { killGroup, run, stopGroup } from './processes';
import { setOptionsScript, setupScript, shiftCronScript } from './site-scripts';
import { buildSiteRoot } from './site-root';
import type { WordPress, WordPressOptions } from './types';
import { wordpressInstall, wordpressSeries } from './versions';
import { requireSystemFiles } from '../system-packages';

/**
 * A real WordPress (Debian's package, 6.8 or 6.1 as `options.version` or TEST_WORDPRESS says, served by `php -S`
 * with 4 workers) on a private MariaDB, in a temp dir, with the wp-ai-relay plugin symlinked from this repository
 * and activated (unless `options` say otherwise). Every call gets a fresh site and database: a copy of a freshly
 * installed one, built once per machine and kept in the OS temp dir. With `network`, the site becomes a subdirectory
 * multisite's main site (network.ts) and the plugin is network-activated.
 */
export async function startWordPress(options: WordPressOptions = {}): Promise<WordPress> {
  const wordpress = wordpressInstall(options.version ?? wordpressSeries());
  requireSystemFiles([
    ...wordpress.needs,
    { path: '/usr/bin/php', pkg: 'php-cli' },
    { path: '/usr/sbin/mariadbd', pkg: 'mariadb-server' },
  ]);
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
        await run('cp', ['-a', join(await databaseTemplate(wordpress), 'db'), join(dir, 'db')]);
        processes.push(await startMariaDb(dir, socket));
      })(),
      (async () => {
        const configExtra = options.network ? `${NETWORK_CONFIG_INCLUDE}\n${options.configExtra ?? ''}` : options.configExtra;
        await buildSiteRoot(dir, socket, wordpress.dir, options.constants ?? {}, configExtra, options.installPlugin !== false);
        if (options.network) await writeFile(join(dir, 'router.php'), NETWORK_ROUTER);
      })(),
    ]);
    const { server, port } = await startPhpServer(dir);
    processes.push(server);
    const baseUrl = `http://127.0.0.1:${port}`;

    const adminPassword = randomBytes(12).toString('base64url');
    const php = (code: string) => runPhpIn(dir, code);
    // A network's plugin is activated for the whole network, once the network exists.
    const single = options.network ? { ...options, activatePlugin: false } : options;
    const { appPassword } = JSON.parse(await php(setupScript(baseUrl, adminPassword, single))) as { appPassword: string };
    if (options.network) {
      const domain = `127.0.0.1:${port}`;
      await php(convertToNetworkScript(domain));
      await writeNetworkConfig(dir, domain);
      await php(populateNetworkScript(domain, options.network, options.activatePlugin !== false && options.installPlugin !== false));
    }
    const authorization = `Basic ${Buffer.from(`${ADMIN_USER}:${appPassword}`).toString('base64')}`;

    let stopped: Promise<void> | undefined;
    return {
      baseUrl,
      version: wordpress.series,
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
