// First: .env, then (with tracing on) the HTTP instrumentation, which must hook `http` before anything loads it.
import './config/env-file';
import './tracing/preload';
import { loadConfig } from './config/config';
import { runEntryPoint } from './startup/entry-point';
import { createLogger } from './logging/logger';
import { requireTemporalAddress } from './temporal/address';
import { installRuntime } from './temporal/runtime';
import { createRelayWorker } from './temporal/worker';
import { WORKER_READY_MESSAGE } from './temporal/worker-process';
import { startTracing } from './tracing/start-tracing';

/** The worker alone: workflows and activities on the task queue. */
runEntryPoint(async () => {
  const config = loadConfig(process.env, { payloadKeys: true });
  const tracing = startTracing(config, 'wp-ai-relay-worker');
  const logger = createLogger(config.logLevel, 'wp-ai-relay-worker', undefined, { traceIds: tracing !== undefined });
  installRuntime('WARN', config.worker.metricsAddress, logger);
  const { worker, connection } = await createRelayWorker({
    config,
    address: requireTemporalAddress(config, 'worker'),
    logger,
    ...(tracing ? { tracing: tracing.worker } : {}),
  });
  const running = worker.run();
  logger.info({ taskQueue: config.temporal.taskQueue, metricsAddress: config.worker.metricsAddress }, 'worker polling');
  if (process.send) {
    // Started by `npm start` (temporal/worker-process.ts): say so, and stop as Ctrl-C would when the parent goes.
    process.send(WORKER_READY_MESSAGE);
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker stopped');
    process.exit(1);
  });
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await tracing?.shutdown();
  };
});
