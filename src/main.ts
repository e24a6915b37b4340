// First: with tracing on, the HTTP instrumentation must hook `http` before anything below loads it.
import './tracing/preload';
import { relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf, resolvePayloadCodec } from './codec/data-converter';
import { loadConfig } from './config';
import { runEntryPoint } from './entry-point';
import { startReceiver } from './http/server';
import { createLogger } from './logger';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { temporalConnectionOptions } from './temporal/connection-options';
import { installRuntime } from './temporal/runtime';
import { createRelayWorker } from './temporal/worker';
import { startTracing } from './tracing/start-tracing';

/**
 * `npm start`: the whole relay in one process: an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set),
 * the worker and the receiver.
 */
runEntryPoint(async () => {
  const startedAt = Date.now();
  const config = loadConfig();
  installRuntime('WARN', config.worker.metricsAddress);
  const tracing = startTracing(config, 'wp-ai-relay');
  const logger = createLogger(config.logLevel, 'wp-ai-relay', undefined, { traceIds: tracing !== undefined });
  if (config.webhook.usingDevSecret) {
    logger.warn('no WP_RELAY_SECRET set: accepting webhooks signed with the public development secret');
  }

  const { codec, keyFile } = resolvePayloadCodec(config);
  if (keyFile?.created) logger.warn({ keyFile: keyFile.path }, 'no PAYLOAD_ENCRYPTION_KEYS set: generated a payload key for the embedded dev server');
  const receiverHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let dev: DevServer | undefined;
  if (config.temporal.address === undefined) {
    dev = await startDevServer({
      ...config.temporal.dev,
      uiCodecEndpoint: `http://${receiverHost}:${config.port}/codec`,
      ip: '127.0.0.1',
      namespace: config.temporal.namespace,
      retentionDays: config.temporal.retentionDays,
    });
  }
  const address = config.temporal.address ?? dev!.address;
  const { worker, connection: workerConnection } = await createRelayWorker({
    config,
    address,
    codec,
    logger,
    ...(tracing ? { tracing: tracing.worker } : {}),
  });
  const running = worker.run();
  const connection = await Connection.connect(temporalConnectionOptions(config, address));
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterOf(codec),
    ...(tracing ? { interceptors: tracing.clientInterceptors } : {}),
  });
  const receiver = await startReceiver({ config, client, logger, codec });

  const lines = [
    `wp-ai-relay ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  webhooks   POST ${receiver.url}/webhooks/wp`,
    `  health     ${receiver.url}/healthz  ${receiver.url}/readyz  ${receiver.url}/metrics`,
    `  codec      ${receiver.url}/codec (payloads are encrypted; the Web UI decrypts through it)`,
    `  temporal   ${address}${dev ? ' (embedded dev server, history in ' + config.temporal.dev.dbFile + ')' : ''}`,
    ...(dev?.uiUrl ? [`  web ui     ${dev.uiUrl}/namespaces/${config.temporal.namespace}/workflows`] : []),
    ...(dev ? [`  cli        ${relative(process.cwd(), dev.cli) || dev.cli}`] : []),
    '  Ctrl-C to stop',
  ];
  console.log(lines.join('\n'));

  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker stopped');
    process.exit(1);
  });

  return async () => {
    await receiver.close();
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    await dev?.stop();
    await tracing?.shutdown();
  };
});
