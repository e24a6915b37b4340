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
import { startWorkerProcess } from './temporal/worker-process';
import { startTracing } from './tracing/start-tracing';

/**
 * `npm start`: the whole relay from one command: an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set),
 * the worker (a child process, temporal/worker-process.ts) and the receiver (this process).
 */
runEntryPoint(async () => {
  const startedAt = Date.now();
  const config = loadConfig();
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
  const worker = await startWorkerProcess(workerEnv(address, keyFile?.path));
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

  let stopping = false;
  void worker.exited.then((how) => {
    if (stopping) return;
    logger.fatal({ exit: how }, 'worker stopped');
    process.exit(1);
  });

  return async () => {
    stopping = true;
    await receiver.close();
    await worker.stop();
    await connection.close();
    await dev?.stop();
    await tracing?.shutdown();
  };
});

/**
 * The worker process's environment: this one's, pointed at the Temporal the receiver uses. With the embedded dev
 * server it gets that server's address (plain gRPC: no TLS or API key) and the key file this process resolved.
 */
function workerEnv(address: string, keyFile: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: address };
  if (process.env.TEMPORAL_ADDRESS === undefined) {
    for (const name of Object.keys(env)) if (name.startsWith('TEMPORAL_TLS') || name === 'TEMPORAL_API_KEY') delete env[name];
  }
  if (keyFile !== undefined) env.PAYLOAD_ENCRYPTION_KEYS_FILE = keyFile;
  return env;
}
