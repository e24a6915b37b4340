import { once } from 'node:events';
import { loadConfig } from '../src/config/config';
import { runEntryPoint } from '../src/startup/entry-point';
import { createApp } from '../src/http/app';
import { createReceiverMetrics } from '../src/http/metrics';
import { createLogger } from '../src/logging/logger';
import type { StartEvent } from '../src/temporal/start-event';

/**
 * The receiver's ceiling: the same Koa app (request log, metrics, content type, size-limited read, signature,
 * validation) with a start that answers at once instead of calling Temporal.
 */
const startAtOnce: StartEvent = async (event) => ({ status: 'accepted', workflowId: event.idempotency_key, runId: 'bare' });

runEntryPoint(async () => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'wp-ai-relay-bare');
  const app = createApp({
    webhook: config.webhook,
    startEvent: startAtOnce,
    checkReady: async () => ({ status: 'ready' }),
    logger,
    metrics: createReceiverMetrics(),
  });
  const server = app.listen(config.port, config.host);
  await once(server, 'listening');
  // As in startReceiver, so both answer connections the same way.
  server.keepAliveTimeout = 65_000;
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
});
