import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freeLowPort, isFree } from './free-port';
import { registerNamespace, waitUntilUsable } from './namespace';
import { startPostgres, type Postgres } from './postgres';
import { setUpSchemas } from './schema';
import { resolveServerBinaries } from './server-binaries';
import { SERVICES, writeServerConfig, type ClusterPorts, type ServerTuning, type ServiceName } from './server-config';
import { ServiceRunner, type ServiceLayout } from './services';

export interface ClusterOptions {
  /** Keeps PostgreSQL's data, the server config and the services' logs; reusing it keeps every run's history. */
  readonly dir: string;
  readonly services?: ServiceLayout;
  readonly namespace?: string;
  /** The idempotency window: 14 days by default, as the relay's embedded server has it. */
  readonly retentionDays?: number;
  /** Pre-built `server` and `sql` binaries (TEMPORAL_SERVER_BIN_DIR); built into the tools directory once when unset. */
  readonly binDir?: string | undefined;
  /** PostgreSQL's bin directory; the newest Debian one (15 or later) when unset. */
  readonly postgresBinDir?: string | undefined;
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Tuning experiments (the bench's levers); the defaults are tools/cluster/tuning.ts and the shared dynamic config. */
  readonly tuning?: ServerTuning;
}

export interface TemporalCluster {
  /** The frontend's gRPC endpoint, `127.0.0.1:<port>`: TEMPORAL_ADDRESS for the relay. */
  readonly address: string;
  readonly namespace: string;
  readonly layout: ServiceLayout;
  /** `postgres://temporal:<password>@127.0.0.1:<port>/postgres`, for inspecting the stores with psql. */
  readonly pgUrl: string;
  readonly dir: string;
  /** Runs SQL with psql against `database` (`temporal`, `temporal_visibility`, default `postgres`); rows on lines. */
  queryPostgres(sql: string, database?: string): Promise<string>;
  /** The OS process hosting `service` (the one process in the single layout); undefined while stopped. */
  process(service: ServiceName | 'postgres'): ChildProcess | undefined;
  /** Signals the process hosting `service` and waits until it has exited; SIGKILL (a crash) by default. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts `service`'s process again on its ports and the same database (stopping it first if it still runs); with
   * no service, the whole cluster, PostgreSQL included, and waits until the namespace is usable again.
   */
  restart(service?: ServiceName): Promise<void>;
  /** Stops every service, then PostgreSQL; the data stays in `dir`, so restart() continues where it stopped. */
  stop(): Promise<void>;
}

/**
 * The ports this directory's cluster used last time when they are all still free, so an address a relay was given
 * keeps working across `npm run cluster` runs; else new ones (kept for next time).
 */
async function portsFor(dir: string): Promise<{ ports: ClusterPorts; postgres: number }> {
  const file = join(dir, 'ports.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { ports: ClusterPorts; postgres: number };
    const all = [saved.postgres, saved.ports.frontendHttp, ...Object.values(saved.ports.services).flatMap((s) => [s.grpc, s.membership])];
    if ((await Promise.all(all.map(isFree))).every(Boolean)) return saved;
  }
  const fresh = await allocatePorts();
  writeFileSync(file, `${JSON.stringify(fresh)}\n`);
  return fresh;
}

/** Ports for every service's gRPC and membership listener, the frontend's HTTP API and PostgreSQL, all distinct. */
async function allocatePorts(): Promise<{ ports: ClusterPorts; postgres: number }> {
  const taken = new Set<number>();
  const next = async () => {
    const port = await freeLowPort(taken);
    taken.add(port);
    return port;
  };
  const services = {} as Record<ServiceName, { grpc: number; membership: number }>;
  for (const service of SERVICES) services[service] = { grpc: await next(), membership: await next() };
  return { ports: { services, frontendHttp: await next() }, postgres: await next() };
}

/**
 * The relay's production shape on one machine: PostgreSQL in a private data directory, Temporal's schemas set up
 * with its sql tool, the Temporal server 1.32 from a config written here (in one process, or one per service), the
 * namespace with its retention and the relay's search attributes registered, and ready as /readyz means it.
 */
export async function startTemporalCluster(options: ClusterOptions): Promise<TemporalCluster> {
  const log = options.log ?? (() => {});
  const layout = options.services ?? 'single';
  const namespace = options.namespace ?? 'default';
  const retentionDays = options.retentionDays ?? 14;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  mkdirSync(join(options.dir, 'logs'), { recursive: true });
  // PostgreSQL runs as the `postgres` user when we are root: it must be able to reach its own directory inside.
  if (process.getuid?.() === 0) chmodSync(options.dir, 0o711);

  const binaries = await resolveServerBinaries(options.binDir, log);
  const { ports, postgres: pgPort } = await portsFor(options.dir);
  const configFile = join(options.dir, 'temporal-server.yaml');
  const address = `127.0.0.1:${ports.services.frontend.grpc}`;
  const runner = new ServiceRunner({ server: binaries.server, configFile, logDir: join(options.dir, 'logs'), ports, layout, env: options.tuning?.env });
  let postgres: Postgres | undefined;

  const stop = async () => {
    await runner.stopAll();
    await postgres?.stop();
  };
  const startAll = async () => {
    postgres = await startPostgres({ dir: join(options.dir, 'postgres'), port: pgPort, binDir: options.postgresBinDir });
    await setUpSchemas(binaries.sql, postgres);
    writeServerConfig(configFile, postgres, ports, options.tuning);
    await runner.startAll(readyTimeoutMs);
    try {
      // The frontend listens before it answers gRPC, the more so when four processes restart at once on a loaded
      // machine: the connection gets the whole readiness deadline, not a fixed few seconds.
      const connection = await Connection.connect({ address, connectTimeout: readyTimeoutMs });
      try {
        await registerNamespace(connection, { namespace, retentionDays });
        await waitUntilUsable(connection, namespace, readyTimeoutMs);
      } finally {
        await connection.close();
      }
    } catch (error) {
      // A service that listened and then exited (a bad config value, the database refusing it) says why in its log.
      const exited = runner.exitedReport();
      throw exited === undefined ? error : new Error(`${exited}\n(while: ${error instanceof Error ? error.message : String(error)})`);
    }
  };
  try {
    const started = Date.now();
    await startAll();
    log(`Temporal cluster (${layout}) ready at ${address} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await stop();
    throw error;
  }
  const cluster: TemporalCluster = {
    address,
    namespace,
    layout,
    pgUrl: postgres!.url,
    dir: options.dir,
    queryPostgres: (sql, database) => {
      if (!postgres) throw new Error('PostgreSQL is not running');
      return postgres.query(sql, database);
    },
    process: (service) => (service === 'postgres' ? postgres?.process : runner.child(service)),
    kill: (service, signal) => runner.kill(service, signal),
    async restart(service) {
      if (service !== undefined) return runner.restart(service, readyTimeoutMs);
      await stop();
      await startAll();
    },
    stop,
  };
  return cluster;
}
