import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../../tools/cluster/free-port';
import { compareKeys } from '../key-check';
import { requestFactory } from '../requests';
import { startPostgres } from '../../tools/cluster/postgres';
import { spawnService } from '../services';
import type { Target, TargetCheck } from './target';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const SEED_DIR = join(ROOT, 'bench', 'seed');
const GUNICORN_WORKERS = 4;
/** How long the check waits for Celery to drain what the load left queued. */
const DRAIN_WAIT_MS = 120_000;

export interface SeedSmoke {
  readonly key: string;
  /** The first signed event's answer. */
  readonly status: number;
  readonly body: string;
  /** From the 202 until its row said `done`: the Celery task ran. */
  readonly task_ran_ms: number;
}

/**
 * The seed's design as its author laid it out (bench/seed/README.md): PostgreSQL, Redis, migrations, gunicorn with
 * 4 sync workers serving the DRF view, one Celery worker (prefork, one child per core) consuming. Started once, then
 * smoke-checked: one signed event must be answered 202 accepted and its task must run, or the seed is not measured.
 */
export async function startSeedTarget(options: {
  dir: string;
  secret: string;
  log: (line: string) => void;
  /** Added to the seed's environment: SEED_WORK=enrich and where its work goes, for the whole loop. */
  env: Record<string, string>;
}): Promise<Target & { smoke: SeedSmoke }> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((error: unknown) => options.log(`stopping the seed: ${String(error)}`));
  };
  try {
    options.log('seed: set-up (redis-server, the pinned Python packages)');
    const { stdout } = await run('bash', [join(SEED_DIR, 'setup.sh')], { cwd: ROOT, maxBuffer: 2 ** 20 });
    const pythonPath = stdout.trim().split('\n').at(-1)!;

    options.log('seed: starting PostgreSQL and Redis');
    const [pgPort, redisPort, httpPort] = await Promise.all([freePort(), freePort(), freePort()]);
    // As root, PostgreSQL runs as the `postgres` user, which must be able to pass through the bench's temp dir.
    chmodSync(options.dir, 0o711);
    const postgres = await startPostgres({ dir: join(options.dir, 'seed-postgres'), port: pgPort });
    stops.push(() => postgres.stop());
    const redisDir = join(options.dir, 'seed-redis');
    mkdirSync(redisDir, { recursive: true });
    // Redis as Debian ships it (its defaults: RDB snapshots, no append-only file), on a port and directory of its own.
    const redis = await spawnService({
      entry: 'redis-server',
      command: ['redis-server', '--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--daemonize', 'no'],
      env: {},
      logFile: join(options.dir, 'seed-redis.log'),
      ready: (log) => log.includes('Ready to accept connections'),
    });
    stops.push(() => redis.stop());

    const env = {
      PYTHONPATH: `${pythonPath}:${SEED_DIR}`,
      // Byte-code goes to the temp dir, not into the repository.
      PYTHONPYCACHEPREFIX: join(options.dir, 'seed-pycache'),
      DJANGO_SETTINGS_MODULE: 'seedsite.settings',
      DJANGO_SECRET_KEY: randomBytes(32).toString('base64url'),
      WP_RELAY_SECRET: options.secret,
      SEED_PG_HOST: '127.0.0.1',
      SEED_PG_PORT: String(pgPort),
      SEED_PG_DATABASE: 'postgres',
      SEED_PG_USER: postgres.user,
      SEED_PG_PASSWORD: postgres.password,
      SEED_REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      ...options.env,
    };
    const python = (name: string, args: [string, ...string[]], ready: (log: string) => Promise<boolean> | boolean) =>
      spawnService({ entry: name, command: ['python3', ...args], cwd: SEED_DIR, env, logFile: join(options.dir, `seed-${name}.log`), ready });

    options.log('seed: migrations');
    await run('python3', ['manage.py', 'migrate', '--noinput'], { cwd: SEED_DIR, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });

    options.log(`seed: starting gunicorn (${GUNICORN_WORKERS} workers) and the Celery worker`);
    const url = `http://127.0.0.1:${httpPort}`;
    const gunicorn = await python(
      'gunicorn',
      ['-m', 'gunicorn', '--workers', String(GUNICORN_WORKERS), '--bind', `127.0.0.1:${httpPort}`, 'seedsite.wsgi:application'],
      () => fetch(`${url}/webhooks/wp`).then(() => true, () => false),
    );
    stops.push(() => gunicorn.stop());
    // Celery says nothing at its default log level once ready; the smoke check below is its readiness.
    const celery = await python('celery', ['-m', 'celery', '-A', 'seedsite', 'worker', '--loglevel', 'WARNING'], () => true);
    stops.push(() => celery.stop());

    const tableStatus = async (): Promise<Map<string, string>> => {
      const rows = await postgres.query("SELECT idempotency_key || ' ' || status FROM relay_webhookevent");
      return new Map(rows.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
    };
    const queued = async () => {
      const pending = Number(await postgres.query("SELECT count(*) FROM relay_webhookevent WHERE status IN ('queued', 'processing')"));
      const { stdout: inRedis } = await run('redis-cli', ['-p', String(redisPort), 'llen', 'celery']);
      return pending + Number(inRedis.trim());
    };

    const smoke = await smokeCheck(url, options.secret, tableStatus);
    options.log(`seed: smoke check ${smoke.status}, task ran ${smoke.task_ran_ms} ms after the 202`);

    const check = async (sent: ReadonlySet<string>, accepted: ReadonlySet<string>): Promise<TargetCheck> => {
      const deadline = Date.now() + DRAIN_WAIT_MS;
      while ((await queued()) > 0 && Date.now() < deadline) await sleep(500);
      const rows = await tableStatus();
      // The smoke check's event is in the table too.
      const sentAll = new Set([...sent, smoke.key]);
      const acceptedAll = new Set([...accepted, smoke.key]);
      let notRun = 0;
      for (const key of acceptedAll) if (rows.has(key) && rows.get(key) !== 'done') notRun += 1;
      // The idempotency key is UNIQUE in the seed's table: a key is there once or not at all.
      const keys = compareKeys(new Map([...rows.keys()].map((key) => [key, 1])), sentAll, acceptedAll);
      return { target: 'seed', ...keys, not_run: notRun, ok: keys.ok && notRun === 0 };
    };
    return {
      name: 'seed',
      url,
      signer: 'seed',
      pids: { gunicorn: gunicorn.pid, celery: celery.pid, postgres: postgres.process.pid, redis: redis.pid },
      memoryOf: ['gunicorn', 'celery'],
      smoke,
      check,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One signed event, as the seed's README would have a user try it: 202 accepted, then its task runs. */
async function smokeCheck(url: string, secret: string, tableStatus: () => Promise<Map<string, string>>): Promise<SeedSmoke> {
  const request = requestFactory('unique', secret, undefined, 'seed')();
  const answer = await fetch(`${url}/webhooks/wp`, { method: 'POST', headers: request.headers, body: request.body });
  const body = await answer.text();
  if (answer.status !== 202 || !body.includes('"status":"accepted"')) throw new Error(`the seed answered its first event ${answer.status} ${body}`);
  const accepted = performance.now();
  const deadline = accepted + 60_000;
  for (;;) {
    const status = (await tableStatus()).get(request.key);
    if (status === 'done') return { key: request.key, status: answer.status, body, task_ran_ms: Math.round(performance.now() - accepted) };
    if (performance.now() > deadline) throw new Error(`the seed's Celery task for its first event did not run in 60 s (status ${status ?? 'no row'}); see seed-celery.log`);
    await sleep(100);
  }
}
