import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startTemporalCluster } from '../../tools/cluster/cluster';
import { SERVICES, type ServerTuning } from '../../tools/cluster/server-config';
import type { ServiceLayout } from '../../tools/cluster/services';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/codec/keys';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { freePort } from '../../tools/cluster/free-port';
import { healthy } from '../../tools/spawn-entry-point';
import { spawnService } from '../services';
import { checkTemporalTarget } from './temporal-check';
import type { Target } from './target';

const TASK_QUEUE = 'wp-ai-relay';

/**
 * The production shape: the cluster harness (tools/cluster/: the real Temporal server 1.32 on PostgreSQL 15, its
 * defaults and tools/cluster/tuning.ts), the receiver and the worker each in its own process as a deployment runs
 * them, payloads encrypted. As with `npm start`, no WordPress or LLM is configured: each run ends at its first
 * activity (MissingConfig), so the worker still takes every run from the queue and closes it.
 */
export async function startClusterTarget(options: {
  dir: string;
  secret: string;
  log: (line: string) => void;
  receiverEnv: Record<string, string>;
  workerEnv: Record<string, string>;
  services: ServiceLayout;
  /** The project's compiled JavaScript (buildProject): the receiver and worker run as `npm run receiver` runs them. */
  compiledDir: string;
  /** PostgreSQL settings applied once the cluster is up (`--pg-setting`; reloadable ones, else PostgreSQL refuses). */
  pgSettings: readonly (readonly [string, string])[];
  serverTuning: ServerTuning;
}): Promise<Target> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((error: unknown) => options.log(`stopping the cluster: ${String(error)}`));
  };
  try {
    options.log('cluster: starting PostgreSQL and the Temporal server (tools/cluster)');
    const cluster = await startTemporalCluster({
      dir: join(options.dir, 'cluster'),
      services: options.services,
      // As `npm run cluster` takes it: pre-built binaries, else the project's cached build, else built once.
      binDir: process.env.TEMPORAL_SERVER_BIN_DIR || undefined,
      tuning: options.serverTuning,
      log: (line) => options.log(`cluster: ${line}`),
    });
    stops.push(() => cluster.stop());
    if (options.pgSettings.length > 0) {
      for (const [name, value] of options.pgSettings) await cluster.queryPostgres(`ALTER SYSTEM SET ${name} = '${value.replace(/'/g, "''")}'`);
      await cluster.queryPostgres('SELECT pg_reload_conf()');
      options.log(`cluster: PostgreSQL ${options.pgSettings.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
    const payloadKeys = `bench:${randomBytes(32).toString('base64')}`;
    const relayEnv = {
      WP_RELAY_SECRET: options.secret,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    options.log('cluster: starting the receiver and the worker');
    const receiver = await spawnService({
      entry: 'src/receiver.ts',
      compiledDir: options.compiledDir,
      env: { ...relayEnv, ...options.receiverEnv, PORT: String(port), HOST: '127.0.0.1' },
      logFile: join(options.dir, 'receiver.log'),
      ready: healthy(url),
    });
    stops.push(() => receiver.stop());
    const worker = await spawnService({
      entry: 'src/worker.ts',
      compiledDir: options.compiledDir,
      env: { ...relayEnv, ...options.workerEnv },
      logFile: join(options.dir, 'worker.log'),
      ready: (log) => log.includes('worker polling'),
    });
    stops.push(() => worker.stop());
    const connection = await Connection.connect({ address: cluster.address });
    stops.push(() => connection.close());
    const client = new Client({
      connection,
      namespace: cluster.namespace,
      dataConverter: dataConverterOf(new AesGcmPayloadCodec(parsePayloadKeys(payloadKeys))),
    });
    // One process in the single layout, one per service otherwise: each counted once.
    const temporal = [...new Set(SERVICES.map((service) => cluster.process(service)?.pid))];
    const servicePids = temporal.length === 1 ? { temporal: temporal[0] } : Object.fromEntries(SERVICES.map((s) => [s, cluster.process(s)?.pid]));
    return {
      name: 'cluster',
      url,
      signer: 'relay',
      pids: { receiver: receiver.pid, worker: worker.pid, ...servicePids, postgres: cluster.process('postgres')?.pid },
      memoryOf: ['receiver', 'worker'],
      // Transactions and WAL flushes (fsyncs) per request: what a commit setting changes, whatever the machine's load.
      counters: async () => {
        const commits = Number(await cluster.queryPostgres("SELECT sum(xact_commit) FROM pg_stat_database WHERE datname LIKE 'temporal%'"));
        const [walWrites, walSyncs] = (await cluster.queryPostgres('SELECT wal_write, wal_sync FROM pg_stat_wal')).trim().split('|').map(Number);
        return { 'pg.transactions': commits, 'pg.wal_writes': walWrites ?? NaN, 'pg.wal_flushes': walSyncs ?? NaN };
      },
      check: (sent, accepted) => checkTemporalTarget('cluster', client, TASK_QUEUE, sent, accepted),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
