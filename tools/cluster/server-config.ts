import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The server's static config, as Temporal's `config/development-postgres12.yaml` and docker template lay it out:
 * both stores on PostgreSQL (plugin postgres12), every service on 127.0.0.1 on the given ports, one cluster.
 * Written as JSON, which is YAML too, so no YAML writer is needed; mode 0600 because it holds the database password.
 */
export function writeServerConfig(file: string, postgres: Postgres, ports: ClusterPorts): void {
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
      numHistoryShards: NUM_HISTORY_SHARDS,
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
    dynamicConfigClient: { filepath: dynamicConfigFile(), pollInterval: '10s' },
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
