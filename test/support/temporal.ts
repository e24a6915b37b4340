import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalCluster, type TemporalCluster } from '../../tools/cluster/cluster';
import type { ServiceLayout } from '../../tools/cluster/services';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { resolveTemporalCli } from '../../src/temporal/temporal-cli';
import { freeLowPort, freePort } from '../../tools/cluster/free-port';

export interface TestTemporal extends DevServer {
  /** Stops and starts the server again on the same port and database: history survives, like a real restart. */
  restart(): Promise<TestTemporal>;
}

/**
 * The one switch between the two real Temporals the suite runs on: `TEST_TEMPORAL=cluster` starts the production
 * shape (the Temporal server on PostgreSQL, tools/cluster), anything else `temporal server start-dev`.
 */
export const TEST_TEMPORAL: 'dev' | 'cluster' = process.env.TEST_TEMPORAL === 'cluster' ? 'cluster' : 'dev';

/**
 * A real Temporal on free ports, its history in a temp directory so a restart keeps it: a dev server on SQLite, or
 * with TEST_TEMPORAL=cluster the cluster harness (`TEST_TEMPORAL_SERVICES=separate` runs one process per service).
 * `ui: true` also serves the Web UI, decoding payloads through `codecEndpoint` when given (dev server only: the
 * cluster has no UI).
 */
export async function startTestTemporal(options: { ui?: boolean; codecEndpoint?: string } = {}): Promise<TestTemporal> {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-temporal-'));
  // Removed when the test process ends, not on stop(): a stopped server may be started again on the same history.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return TEST_TEMPORAL === 'cluster' ? startTestCluster(dir, options) : startTestDevServer(dir, options);
}

async function startTestDevServer(dir: string, options: { ui?: boolean; codecEndpoint?: string }): Promise<TestTemporal> {
  const port = await freeLowPort(); // outside the ephemeral range, so no client takes it while the server restarts
  const uiPort = options.ui ? await freePort() : undefined;
  const start = async (): Promise<TestTemporal> => {
    const server = await startDevServer({ port, uiPort, uiCodecEndpoint: options.codecEndpoint, dbFile: join(dir, 'temporal.db'), namespace: 'default', retentionDays: 7 });
    return { ...server, restart: async () => (await server.stop(), start()) };
  };
  return start();
}

/** The cluster harness in `dir` with the tests' namespace settings (7 days' retention on `default`). */
export function startClusterForTests(dir: string, services: ServiceLayout): Promise<TemporalCluster> {
  return startTemporalCluster({ dir, services, namespace: 'default', retentionDays: 7, binDir: process.env.TEMPORAL_SERVER_BIN_DIR || undefined });
}

/** A cluster as the tests see a Temporal: `process` is the frontend's, restart() restarts every part on its data. */
export async function clusterAsTestTemporal(cluster: TemporalCluster): Promise<TestTemporal> {
  const cli = await resolveTemporalCli();
  const view = (): TestTemporal => ({
    address: cluster.address,
    uiUrl: undefined,
    process: cluster.process('frontend')!,
    cli,
    stop: () => cluster.stop(),
    restart: async () => (await cluster.restart(), view()),
  });
  return view();
}

async function startTestCluster(dir: string, options: { ui?: boolean }): Promise<TestTemporal> {
  if (options.ui) throw new Error('This test needs the Web UI, which only the dev server serves: run it without TEST_TEMPORAL=cluster.');
  return clusterAsTestTemporal(await startClusterForTests(dir, process.env.TEST_TEMPORAL_SERVICES === 'separate' ? 'separate' : 'single'));
}
