import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from './ports';

export interface TestTemporal extends DevServer {
  /** Stops and starts the server again on the same port and database: history survives, like a real restart. */
  restart(): Promise<TestTemporal>;
}

/**
 * A real `temporal server start-dev` on free ports, its history in a temp SQLite file so a restart keeps it.
 * `ui: true` also serves the Web UI, decoding payloads through `codecEndpoint` when given.
 */
export async function startTestTemporal(options: { ui?: boolean; codecEndpoint?: string } = {}): Promise<TestTemporal> {
  const port = await freePort();
  const uiPort = options.ui ? await freePort() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-temporal-'));
  // Removed when the test process ends, not on stop(): a stopped server may be started again on the same history.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const start = async (): Promise<TestTemporal> => {
    const server = await startDevServer({ port, uiPort, uiCodecEndpoint: options.codecEndpoint, dbFile: join(dir, 'temporal.db'), namespace: 'default', retentionDays: 7 });
    return { ...server, restart: async () => (await server.stop(), start()) };
  };
  return start();
}
