// First: .env, then (with tracing on) the HTTP instrumentation, which must hook `http` before anything loads it.
import './config/env-file';
import './tracing/preload';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf, resolvePayloadCodec } from './temporal/data-converter';
import { ConfigError, loadConfig, type Config } from './config/config';
import { runEntryPoint } from './startup/entry-point';
import { startReceiver, type RunningReceiver } from './http/server';
import { createLogger } from './logging/logger';
import { displayPath } from './startup/display-path';
import { portInUseMessage, portProblems, type WantedPort } from './startup/ports';
import { StartedParts } from './startup/started-parts';
import { StartupError } from './startup/startup-error';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { temporalConnectionOptions, type TemporalConnectionOptions } from './temporal/connection-options';
import { checkReadiness } from './temporal/readiness';
import { startWorkerProcess } from './temporal/worker-process';
import { startTracing } from './tracing/start-tracing';

/**
 * `npm start`: the whole relay in one process: an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set),
 * the worker (a child process, temporal/worker-process.ts, so workflow activations never hold up a 202) and the
 * receiver (this process). Start-up is a transaction: every problem that can be found without connecting or
 * spawning is listed at once first; then each part starts, and a failure (or Ctrl-C) stops those already started.
 */
runEntryPoint(async (signal) => {
  const startedAt = Date.now();
  const config = loadConfig(process.env, { webhookSecret: true, payloadKeys: true });
  const connectionOptions = await preflight(config);

  const tracing = startTracing(config, 'wp-ai-relay');
  const logger = createLogger(config.logLevel, 'wp-ai-relay', undefined, { traceIds: tracing !== undefined });
  if (config.webhook.usingDevSecret) {
    logger.warn('no WP_RELAY_SECRET set: accepting webhooks signed with the public development secret');
  }
  const { codec, keyFile } = resolvePayloadCodec(config);
  if (keyFile?.created) logger.warn({ keyFile: keyFile.path }, 'no PAYLOAD_ENCRYPTION_KEYS set: generated a payload key for the embedded dev server');

  const started = new StartedParts();
  if (tracing) started.add('tracing', () => tracing.shutdown());
  try {
    let dev: DevServer | undefined;
    if (connectionOptions === undefined) {
      dev = await startDevServer({
        ...config.temporal.dev,
        uiCodecEndpoint: `http://${receiverHost(config)}:${config.port}/codec`,
        ip: '127.0.0.1',
        namespace: config.temporal.namespace,
        retentionDays: config.temporal.retentionDays,
        signal,
      });
      started.add('the Temporal dev server', () => dev!.stop());
    }
    const options = connectionOptions ?? { address: dev!.address };
    const connection = await connectTemporal(options, dev === undefined);
    started.add('the Temporal connection', () => connection.close());
    signal.throwIfAborted();

    const worker = await startWorkerProcess(workerEnv(options.address, keyFile?.path, dev !== undefined));
    let stopping = false;
    started.add('the worker', async () => {
      stopping = true;
      await worker.stop();
    });
    void worker.exited.then((how) => {
      if (stopping) return;
      logger.fatal({ exit: how }, 'worker stopped');
      process.exit(1);
    });
    signal.throwIfAborted();

    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverterOf(codec),
      ...(tracing ? { interceptors: tracing.clientInterceptors } : {}),
    });
    const receiver = await listen(config, () => startReceiver({ config, client, logger, codec }));
    started.add('the receiver', () => receiver.close());
    signal.throwIfAborted();

    // "Ready" only when /readyz would say so; otherwise what to fix, each fix once.
    const readiness = await checkReadiness(client, config.temporal.namespace);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const status =
      readiness.status === 'ready'
        ? [`wp-ai-relay ready in ${seconds} s`]
        : readiness.status === 'misconfigured'
          ? [`wp-ai-relay not ready (webhooks are answered 503 until this is fixed):`, ...readiness.problems.map((p) => `  - ${p}`)]
          : [`wp-ai-relay not ready: Temporal at ${options.address} does not answer; webhooks are answered 503 until it does`];
    console.log(
      [
        ...status,
        `  webhooks   POST ${receiver.url}/webhooks/wp`,
        `  health     ${receiver.url}/healthz  ${receiver.url}/readyz  ${receiver.url}/metrics`,
        `  codec      ${receiver.url}/codec (payloads are encrypted; the Web UI decrypts through it)`,
        `  temporal   ${options.address}${dev ? ' (embedded dev server, history in ' + config.temporal.dev.dbFile + ')' : ' (TEMPORAL_ADDRESS)'}`,
        ...(dev?.uiUrl ? [`  web ui     ${dev.uiUrl}/namespaces/${config.temporal.namespace}/workflows`] : []),
        ...(dev ? [`  cli        ${displayPath(dev.cli)}`] : []),
        '  Ctrl-C to stop',
      ].join('\n'),
    );
    return () => started.stopAll();
  } catch (error) {
    await started.stopAll();
    throw error;
  }
});

function receiverHost(config: Config): string {
  return config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
}

/**
 * Everything that can be checked before anything connects or spawns, listed in one error: the ports (the receiver's,
 * and the dev server's when it is embedded) and the TLS files. Returns how to reach the configured Temporal, or
 * undefined when the embedded dev server is to be started.
 */
async function preflight(config: Config): Promise<TemporalConnectionOptions | undefined> {
  const problems: string[] = [];
  const wanted: WantedPort[] = [{ variable: 'PORT', port: config.port, host: config.host }];
  if (config.temporal.address === undefined) {
    wanted.push({ variable: 'TEMPORAL_DEV_PORT', port: config.temporal.dev.port, host: '127.0.0.1' });
    if (config.temporal.dev.uiPort !== undefined) wanted.push({ variable: 'TEMPORAL_DEV_UI_PORT', port: config.temporal.dev.uiPort, host: '127.0.0.1' });
  }
  problems.push(...(await portProblems(wanted)));
  let options: TemporalConnectionOptions | undefined;
  try {
    options = config.temporal.address === undefined ? undefined : temporalConnectionOptions(config, config.temporal.address);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return options;
}

/** A client connection; an unreachable TEMPORAL_ADDRESS is one line naming the variable, not a transport stack. */
async function connectTemporal(options: TemporalConnectionOptions, configured: boolean): Promise<Connection> {
  try {
    return await Connection.connect({ ...options, connectTimeout: 10_000 });
  } catch (error) {
    if (!configured) throw error;
    const message = String((error as Error).message ?? error);
    const reason = /deadline/i.test(message) ? 'no answer within 10 s' : /refused/i.test(message) ? 'connection refused' : message.split('\n')[0];
    throw new StartupError(
      `cannot reach Temporal at ${options.address} (TEMPORAL_ADDRESS): ${reason}. Start it, fix TEMPORAL_ADDRESS, or unset it to run the embedded dev server`,
    );
  }
}

/** The receiver's listen; a port taken since the pre-flight check gets the same one-line message. */
async function listen(config: Config, start: () => Promise<RunningReceiver>): Promise<RunningReceiver> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new StartupError(portInUseMessage({ variable: 'PORT', port: config.port, host: config.host }, code));
    throw error;
  }
}

/**
 * The worker process's environment: this one's, pointed at the Temporal the receiver uses. With the embedded dev
 * server it gets that server's address (plain gRPC: no TLS or API key) and the key file this process resolved.
 */
function workerEnv(address: string, keyFile: string | undefined, embedded: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: address };
  if (embedded) {
    for (const name of Object.keys(env)) if (name.startsWith('TEMPORAL_TLS') || name === 'TEMPORAL_API_KEY') delete env[name];
  }
  if (keyFile !== undefined) env.PAYLOAD_ENCRYPTION_KEYS_FILE = keyFile;
  return env;
}
