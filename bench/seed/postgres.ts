import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';
const USER = 'seed';

export interface Postgres {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly process: ChildProcess;
  /** `psql -tAc <sql>` against the `postgres` database; returns its output. */
  query(sql: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Interim: PostgreSQL 15 in a private data directory, in the shape of the cluster harness's starter
 * (src/cluster/postgres.ts), which replaces it once merged. As root it runs as Debian's `postgres` user.
 */
export async function startPostgres(options: { dir: string; port: number }): Promise<Postgres> {
  const ids = process.getuid?.() === 0 ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) } : undefined;
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  if (ids) chownSync(options.dir, ids.uid, ids.gid);
  const data = join(options.dir, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(options.dir, 'password');
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (ids) chownSync(pwfile, ids.uid, ids.gid);
  await run(join(BIN, 'initdb'), ['-D', data, '-U', USER, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=peer', '-E', 'UTF8', '--locale=C'], { ...ids });
  const log = openSync(join(options.dir, 'postgres.log'), 'a');
  const child = spawn(join(BIN, 'postgres'), ['-D', data, '-c', 'listen_addresses=127.0.0.1', '-c', `port=${options.port}`, '-c', `unix_socket_directories=${data}`], { ...ids, stdio: ['ignore', log, log] });
  const env = { PATH: process.env.PATH ?? '', PGPASSWORD: password };
  const connection = ['-h', '127.0.0.1', '-p', String(options.port), '-U', USER, '-d', 'postgres'];
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await gone;
  };
  for (let i = 0; ; i++) {
    try {
      await run(join(BIN, 'pg_isready'), connection, { env });
      break;
    } catch (error) {
      if (i > 300) {
        await stop();
        throw new Error(`PostgreSQL did not start in ${options.dir}: ${String(error)}`);
      }
      await sleep(100);
    }
  }
  return {
    port: options.port,
    user: USER,
    password,
    process: child,
    async query(sql) {
      const { stdout } = await run(join(BIN, 'psql'), [...connection, '-v', 'ON_ERROR_STOP=1', '-tAc', sql], { env, maxBuffer: 256 * 2 ** 20 });
      return stdout.trim();
    },
    stop,
  };
}
