import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { isExecutable } from '../../src/tools-dir/executable';
import { exitOf, spawnLogged, stopChild } from './child-process';
import { POSTGRES_SETTINGS } from './tuning';

const run = promisify(execFile);

/** Debian installs each PostgreSQL major version under its own directory. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
/** The superuser initdb creates; Temporal connects as it. */
export const POSTGRES_USER = 'temporal';

export class PostgresMissingError extends Error {
  override readonly name = 'PostgresMissingError';
  constructor(what: string) {
    super(`${what}\nThe cluster harness runs PostgreSQL 15 or later: on Debian or Ubuntu, apt-get install postgresql (scripts/setup-debian.sh does), or pass its bin directory.`);
  }
}

/** The newest `/usr/lib/postgresql/<major>/bin` that has initdb and postgres. */
export function findPostgresBinDir(): string {
  const majors = existsSync(DEBIAN_POSTGRES_ROOT)
    ? readdirSync(DEBIAN_POSTGRES_ROOT).filter((name) => /^\d+$/.test(name)).map(Number).filter((major) => major >= 15)
    : [];
  for (const major of majors.sort((a, b) => b - a)) {
    const bin = join(DEBIAN_POSTGRES_ROOT, String(major), 'bin');
    if (isExecutable(join(bin, 'initdb')) && isExecutable(join(bin, 'postgres'))) return bin;
  }
  throw new PostgresMissingError(`No PostgreSQL server found under ${DEBIAN_POSTGRES_ROOT}/<15 or later>/bin.`);
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** initdb and postgres refuse to run as root: as root, they run as Debian's `postgres` system user. */
async function unprivilegedUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  } catch {
    throw new PostgresMissingError('Running as root, and there is no `postgres` system user to run PostgreSQL as (the Debian package creates it).');
  }
}

export interface PostgresOptions {
  /** Private directory: the data directory `data/`, the password file, the unix socket and the log live here. */
  readonly dir: string;
  readonly port: number;
  readonly binDir?: string | undefined;
}

export interface Postgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `postgres://temporal:…@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly process: ChildProcess;
  /** `psql -tAc <sql>` against `database` (default `postgres`); returns its output, rows on lines. */
  query(sql: string, database?: string): Promise<string>;
  /** Fast shutdown (SIGINT): open transactions are rolled back, committed ones are on disk. */
  stop(): Promise<void>;
}

/**
 * PostgreSQL in `dir`: initialised there on first use (password authentication over TCP, only on 127.0.0.1), then
 * started on `port` with its unix socket inside the data directory. A second start on the same directory keeps the data.
 */
export async function startPostgres(options: PostgresOptions): Promise<Postgres> {
  const bin = options.binDir ?? findPostgresBinDir();
  const owner = await unprivilegedUser();
  const data = join(options.dir, 'data');
  const passwordFile = join(options.dir, 'password');
  const logFile = join(options.dir, 'postgres.log');
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  if (owner) {
    chownSync(options.dir, owner.uid, owner.gid);
    chmodSync(options.dir, 0o700);
  }
  if (!existsSync(join(data, 'PG_VERSION'))) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    if (owner) chownSync(passwordFile, owner.uid, owner.gid);
    try {
      await run(join(bin, 'initdb'), ['-D', data, '-U', POSTGRES_USER, `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256', '--auth-local=peer', '-E', 'UTF8', '--locale=C'], {
        ...owner,
      });
    } catch (error) {
      throw new Error(`initdb failed in ${data}: ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`);
    }
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const settings = Object.entries({ ...POSTGRES_SETTINGS, listen_addresses: '127.0.0.1', port: String(options.port), unix_socket_directories: data });
  const child = spawnLogged(join(bin, 'postgres'), ['-D', data, ...settings.flatMap(([name, value]) => ['-c', `${name}=${value}`])], logFile, { ...owner });
  const env = { PATH: process.env.PATH ?? '', PGPASSWORD: password, PGCONNECT_TIMEOUT: '2' };
  const connection = (database = 'postgres') => ['-h', '127.0.0.1', '-p', String(options.port), '-U', POSTGRES_USER, '-d', database];
  const postgres: Postgres = {
    port: options.port,
    user: POSTGRES_USER,
    password,
    url: `postgres://${POSTGRES_USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`,
    process: child,
    async query(sql, database) {
      const { stdout } = await run(join(bin, 'psql'), [...connection(database), '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { env });
      return stdout.trim();
    },
    stop: () => stopChild(child, 'SIGINT', 30_000),
  };
  let exited = false;
  void exitOf(child).then(() => (exited = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await run(join(bin, 'pg_isready'), connection(), { env });
      return postgres;
    } catch {
      if (exited || Date.now() > deadline) {
        await postgres.stop();
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
        throw new Error(`PostgreSQL did not start on 127.0.0.1:${options.port} (log ${logFile}):\n${log}`);
      }
      await sleep(100);
    }
  }
}
