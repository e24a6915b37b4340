import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { requireWebhookSecrets, type Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { checkReadiness } from '../temporal/readiness';
import { createStartEvent } from '../temporal/start-event';
import { createApp } from './app';
import { clientErrorHandler } from './client-error';
import { createReceiverMetrics } from './metrics';

export interface RunningReceiver {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** The receiver wired to a Temporal client and listening; `port: 0` picks a free port. */
export async function startReceiver(options: {
  config: Config;
  client: Client;
  logger: Logger;
  port?: number;
  /** The payload codec the client uses; the receiver then also serves it at /codec/* for the Web UI. */
  codec?: PayloadCodec;
}): Promise<RunningReceiver> {
  const { config, client, logger } = options;
  requireWebhookSecrets(config);
  const metrics = createReceiverMetrics();
  const startEvent = createStartEvent(client, {
    taskQueue: config.temporal.taskQueue,
    timeoutMs: config.temporal.startTimeoutMs,
    giveUpAfter: config.retry.giveUpAfter,
    tokenBudgetPerDay: config.tokenBudgetPerDay,
  });
  const app = createApp({
    webhook: config.webhook,
    startEvent: async (event) => {
      const end = metrics.startLatency.startTimer();
      try {
        return await startEvent(event);
      } finally {
        end();
      }
    },
    checkReady: () => checkReadiness(client, config.temporal.namespace),
    logger,
    metrics,
    ...(options.codec ? { codec: { codec: options.codec, options: config.codec } } : {}),
  });
  const { headersTimeoutMs, bodyTimeoutMs } = config.webhook;
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      // A backstop behind the route's own body deadline (which answers with a reason), for whatever bypasses it.
      requestTimeout: headersTimeoutMs + bodyTimeoutMs + 1000,
      // How often Node checks those two; its default of 30 s would let a slow sender hold a socket that long.
      connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
    },
    app.callback(),
  );
  server.on('clientError', clientErrorHandler(logger, metrics));
  server.listen(options.port ?? config.port, config.host);
  await once(server, 'listening');
  // Senders reuse connections; keep them a little longer than common client idle timeouts.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
