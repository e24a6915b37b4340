/**
 * Every tunable of the cluster harness in one place, so a performance change is one reviewable diff here (the
 * dynamic config, which the docker-compose file mounts too, is deploy/temporal/dynamic-config.yaml).
 */

/**
 * Temporal's history shards: fixed when the database is created; changing it needs a fresh data directory. 8 cost
 * ~30 % more Temporal and PostgreSQL CPU per event on 2 cores with no more throughput, and GOGC=200, one task-queue
 * partition and PostgreSQL group commit changed nothing (docs/performance.md, "Temporal and PostgreSQL levers, each
 * alone"): `npm run bench -- --history-shards N` (and --server-env, --dynamic-config, --pg-setting) measures a change.
 */
export const NUM_HISTORY_SHARDS = 4;

/** Connection pools per Temporal process (each service process opens its own), as Temporal's docker template has. */
export const SQL_POOLS = {
  default: { maxConns: 20, maxIdleConns: 20, maxConnLifetime: '1h' },
  visibility: { maxConns: 10, maxIdleConns: 10, maxConnLifetime: '1h' },
} as const;

/**
 * PostgreSQL settings passed as `-c name=value`. Durable only: fsync and synchronous_commit stay on, so a start
 * Temporal acknowledged survives a power cut. max_connections covers four separate service processes' pools.
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  max_connections: '200',
  shared_buffers: '128MB',
};

/** Temporal's own log level for the harness's services (their output goes to `<dir>/logs/<service>.log`). */
export const SERVER_LOG_LEVEL = 'warn';
