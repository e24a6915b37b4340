import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf, resolvePayloadCodec } from '../../src/temporal/data-converter';
import { loadConfig, type Config } from '../../src/config/config';
import { startReceiver, type RunningReceiver } from '../../src/http/server';
import { createLogger, type Logger } from '../../src/logging/logger';
import { installRuntime } from '../../src/temporal/runtime';
import { createRelayWorker, type RelayWorker } from '../../src/temporal/worker';
import { startTestTemporal, type TestTemporal } from './temporal';
import { workflowBundle } from './workflow-bundle';

export const TEST_SECRET = 'test-secret-0123456789';
/** The payload codec's key in tests; processes a test spawns (receiver, worker, CLI) get the same one. */
export const TEST_PAYLOAD_KEYS = 'test-1:dGVzdC1wYXlsb2FkLWtleS0wMTIzNDU2Nzg5YWJjZGU=';
/**
 * The receivers' start deadline in tests (TEMPORAL_START_TIMEOUT_MS): far beyond a start on a loaded machine, so a
 * test's 202 never depends on its speed. A test of the 503 a down Temporal gets waits it out once, or sets a shorter
 * one: with Temporal gone, any deadline ends in 503.
 */
export const TEST_START_TIMEOUT_MS = '30000';

export interface RelayOptions {
  /** Share one Temporal server between relays; a new one is started (and stopped with the relay) otherwise. */
  readonly temporal?: TestTemporal;
  /** Extra environment for loadConfig (OPENAI_BASE_URL, WP_BASE_URL, WP_RELAY_SECRETS, ...). */
  readonly env?: Record<string, string>;
  /** Run a worker on the relay's task queue (default true). */
  readonly worker?: boolean;
  /** The receiver's port (the Web UI's codec endpoint must be known before it starts); a free one otherwise. */
  readonly port?: number;
}

export interface Relay {
  /** The receiver's base URL; webhooks go to `${url}/webhooks/wp`. */
  readonly url: string;
  readonly config: Config;
  readonly client: Client;
  readonly temporal: TestTemporal;
  readonly taskQueue: string;
  readonly logger: Logger;
  /** Closes the receiver and opens a new one on the same port: nothing of the old one's memory survives. */
  restartReceiver(): Promise<void>;
  stopReceiver(): Promise<void>;
  startReceiver(): Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * The real relay in this process: a real Temporal dev server, the worker (real activities, pointed at whatever
 * OPENAI_BASE_URL / WP_BASE_URL the test gives) and the Koa receiver on a free port. Each relay gets its own task
 * queue, so relays sharing a server never take each other's work.
 */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  if (!runtimeInstalled) {
    installRuntime('ERROR');
    runtimeInstalled = true;
  }
  const ownTemporal = options.temporal === undefined;
  const temporal = options.temporal ?? (await startTestTemporal());
  const taskQueue = `wp-ai-relay-test-${randomUUID()}`;
  const config = loadConfig({
    ...(options.env?.WP_RELAY_SECRETS ? {} : { WP_RELAY_SECRET: TEST_SECRET }),
    OPENAI_API_KEY: 'sk-test',
    LOG_LEVEL: process.env.RELAY_TEST_LOG_LEVEL ?? 'silent',
    TEMPORAL_START_TIMEOUT_MS: TEST_START_TIMEOUT_MS,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    ...options.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  const logger = createLogger(config.logLevel, 'test-relay');
  const { codec } = resolvePayloadCodec(config);

  let relayWorker: RelayWorker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker ?? true) {
    relayWorker = await createRelayWorker({ config, address: temporal.address, workflowBundle: await workflowBundle(), codec });
    running = relayWorker.worker.run();
  }

  const connection = Connection.lazy({ address: temporal.address });
  const newClient = () => new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverterOf(codec) });
  const client = newClient();
  let receiver: RunningReceiver | undefined = await startReceiver({ config, client, logger, port: options.port ?? 0, codec });
  const port = Number(new URL(receiver.url).port);

  const relay: Relay = {
    url: receiver.url,
    config,
    client,
    temporal,
    taskQueue,
    logger,
    async stopReceiver() {
      await receiver?.close();
      receiver = undefined;
    },
    async startReceiver() {
      receiver = await startReceiver({ config, client: newClient(), logger, port, codec });
    },
    async restartReceiver() {
      await relay.stopReceiver();
      await relay.startReceiver();
    },
    async stop() {
      await receiver?.close();
      if (relayWorker) {
        relayWorker.worker.shutdown();
        await running;
        await relayWorker.connection.close();
      }
      await connection.close();
      if (ownTemporal) await temporal.stop();
    },
  };
  return relay;
}
