// First: .env, then (with tracing on) the HTTP instrumentation, which must hook `http` before anything loads it.
import './config/env-file';
import './tracing/preload';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf, resolvePayloadCodec } from './temporal/data-converter';
import { loadConfig } from './config/config';
import { runEntryPoint } from './startup/entry-point';
import { startReceiver } from './http/server';
import { createLogger } from './logging/logger';
import { requireTemporalAddress } from './temporal/address';
import { temporalConnectionOptions } from './temporal/connection-options';
import { startTracing } from './tracing/start-tracing';

/** The receiver alone, for deployments that scale it apart from the worker. */
runEntryPoint(async () => {
  const config = loadConfig(process.env, { webhookSecret: true, payloadKeys: true });
  const tracing = startTracing(config, 'wp-ai-relay-receiver');
  const logger = createLogger(config.logLevel, 'wp-ai-relay-receiver', undefined, { traceIds: tracing !== undefined });
  const connection = Connection.lazy(temporalConnectionOptions(config, requireTemporalAddress(config, 'receiver')));
  const { codec } = resolvePayloadCodec(config);
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(codec),
    ...(tracing ? { interceptors: tracing.clientInterceptors } : {}),
  });
  const receiver = await startReceiver({ config, client, logger, codec });
  logger.info({ url: receiver.url }, 'receiver listening');
  return async () => {
    await receiver.close();
    await connection.close();
    await tracing?.shutdown();
  };
});
