import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { run, waitFor } from './processes';

/** mariadbd refuses to run as root unless told to; naming the current user works for root and non-root alike. */
const mariaDbUser = () => `--user=${userInfo().username}`;
const MARIADB_SIZING = ['--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'];

/** An empty MariaDB datadir in `dir/db`. */
export async function installDb(dir: string): Promise<void> {
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

/** A private mariadbd on the datadir `dir/db`, reachable only through `socket`; resolves once it is ready. */
export async function startMariaDb(dir: string, socket: string): Promise<ChildProcess> {
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
