import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectDir } from '../../src/temporal/temporal-cli';
import type { Postgres } from './postgres';
import { DATABASES } from './schema';
import { NUM_HISTORY_SHARDS, SERVER_LOG_LEVEL, SQL_POOLS } from './tuning';

/** Temporal's four services; `single` runs them in one process, `separate` one process each. */
export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServicePorts {
  readonly grpc: number;
  readonly membership: number;
}

export interface ClusterPorts {
  readonly services: Readonly<Record<ServiceName, ServicePorts>>;
  /** The frontend's HTTP API (Temporal binds one; its default port would clash between clusters). */
  readonly frontendHttp: number;
}

/** The dynamic config the harness and docker-compose.yml share. */
export function dynamicConfigFile(): string {
  return join(projectDir(), 'deploy', 'temporal', 'dynamic-config.yaml');
}

/** Departures from the harness's tuning, one lever at a time, for measuring each alone (`npm run bench`). */
export interface ServerTuning {
  /** In place of NUM_HISTORY_SHARDS; takes effect on a fresh data directory only (the count is fixed at creation). */
  readonly historyShards?: number | undefined;
  /** Dynamic config keys added to the shared file's, each with one unconstrained value (a YAML scalar). */
  readonly dynamicConfig?: Readonly<Record<string, string>> | undefined;
  /** The server processes' extra environment: the Go runtime's GOGC and GOMAXPROCS. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/**
 * The shared dynamic config with `extra` appended, written beside the server config. A key the shared file sets
 * already is refused rather than merged: YAML rejects a repeated key, and a lever that silently changed a value we
 * ship would measure the wrong thing.
 */
function writeDynamicConfig(file: string, extra: Readonly<Record<string, string>>): string {
  const shared = readFileSync(dynamicConfigFile(), 'utf8');
  const added = Object.entries(extra).map(([key, value]) => {
    if (!/^[A-Za-z0-9.]+$/.test(key)) throw new Error(`dynamic config key ${key}: letters, digits and dots only`);
    if (new RegExp(`^${key.replace(/\./g, '\\.')}:`, 'm').test(shared)) throw new Error(`dynamic config key ${key} is set in ${dynamicConfigFile()} already: change it there`);
    return `${key}:\n  - value: ${value}\n`;
  });
  writeFileSync(file, `${shared}\n# Added for this run (a tuning lever under measurement)\n${added.join('')}`);
  return file;
}

/**
 * The server's static config, as Temporal's `config/development-postgres12.yaml` and docker template lay it out:
 * both stores on PostgreSQL (plugin postgres12), every service on 127.0.0.1 on the given ports, one cluster.
 * Written as JSON, which is YAML too, so no YAML writer is needed; mode 0600 because it holds the database password.
 */
export function writeServerConfig(file: string, postgres: Postgres, ports: ClusterPorts, tuning: ServerTuning = {}): void {
  const store = (databaseName: string, pool: (typeof SQL_POOLS)[keyof typeof SQL_POOLS]) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      ...pool,
    },
  });
  const frontend = `127.0.0.1:${ports.services.frontend.grpc}`;
  const config = {
    log: { stdout: true, level: SERVER_LOG_LEVEL },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: tuning.historyShards ?? NUM_HISTORY_SHARDS,
      datastores: { default: store(DATABASES.default, SQL_POOLS.default), visibility: store(DATABASES.visibility, SQL_POOLS.visibility) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' }, pprof: { port: 0 } },
    services: Object.fromEntries(
      Object.entries(ports.services).map(([name, service]) => [
        name,
        { rpc: { grpcPort: service.grpc, membershipPort: service.membership, bindOnIP: '127.0.0.1', ...(name === 'frontend' ? { httpPort: ports.frontendHttp } : {}) } },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend, httpAddress: `127.0.0.1:${ports.frontendHttp}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: {
      filepath: tuning.dynamicConfig === undefined ? dynamicConfigFile() : writeDynamicConfig(join(dirname(file), 'dynamic-config.yaml'), tuning.dynamicConfig),
      pollInterval: '10s',
    },
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
