import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf } from '../src/temporal/data-converter';
import { parsePayloadKeys } from '../src/codec/keys';
import { AesGcmPayloadCodec } from '../src/codec/payload-codec';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { startLlmStub } from '../tools/llm-stub';
import { freePort } from '../tools/cluster/free-port';
import { startWordPress, type WordPress } from '../tools/wordpress';
import type { BenchOptions } from './options';
import { healthy } from '../tools/spawn-entry-point';
import { compileProject, spawnService, type Service } from './services';

export const BENCH_SECRET = 'wp-ai-relay-bench-secret';

export interface HttpService extends Service {
  readonly url: string;
}

export interface Stack {
  readonly temporal: DevServer;
  readonly client: Client;
  /** Load scenarios start runs here, where no worker polls: they measure the path into Temporal alone. */
  readonly ingestQueue: string;
  readonly directQueue: string;
  /** The loop's receiver and worker share this one. */
  readonly loopQueue: string;
  readonly bare?: HttpService;
  readonly receiver?: HttpService;
  readonly loop?: { readonly receiver: HttpService; readonly worker: Service; readonly wordpress: WordPress };
  /** Why the loop has no stack (no PHP or MariaDB on this machine, ...). */
  readonly loopUnavailable?: string;
  stop(): Promise<void>;
}

/**
 * Everything the scenarios talk to, each service in its own process: a real `temporal server start-dev` on a temp
 * SQLite file, the bare app, the receiver, and for the loop a real WordPress with the plugin, its own receiver and
 * the worker pointed at WordPress and the stand-in LLM.
 */
export async function startStack(options: BenchOptions, dir: string, log: (line: string) => void): Promise<Stack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((error: unknown) => log(`stopping: ${String(error)}`));
  };
  try {
    const wanted = options.scenarios;
    const needsReceiver = wanted.has('reject') || wanted.has('duplicate');
    const wantsLoop = wanted.has('loop');
    const suffix = randomUUID().slice(0, 8);
    const queues = { ingestQueue: `bench-ingest-${suffix}`, directQueue: `bench-direct-${suffix}`, loopQueue: `bench-loop-${suffix}` };
    const loopPort = await freePort();

    let compiledDir: string | undefined;
    if (options.compiled) {
      log('compiling the project with tsc (--compiled)');
      compiledDir = join(dir, 'dist');
      await compileProject(compiledDir);
    }

    log('starting Temporal dev server' + (wantsLoop ? ', WordPress' : '') + ' and the stand-in LLM');
    const [temporal, llm, wordpress] = await Promise.all([
      startDevServer({
        port: await freePort(),
        dbFile: options.temporalInMemory ? undefined : join(dir, 'temporal.db'),
        // None given: the dev server's own default (DEFAULT_SQLITE_PRAGMAS), as `npm start` runs it.
        sqlitePragmas: options.sqlitePragmas.length > 0 ? options.sqlitePragmas : undefined,
        namespace: 'default',
        retentionDays: 14,
      }),
      startLlmStub(),
      wantsLoop ? startBenchWordPress(`http://127.0.0.1:${loopPort}/webhooks/wp`) : undefined,
    ]);
    stops.push(() => temporal.stop(), () => llm.close());
    if (wordpress && 'stop' in wordpress) stops.push(() => wordpress.stop());
    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const payloadKeys = `bench:${randomBytes(32).toString('base64')}`;
    // The check lists the runs, and listing decodes their (encrypted) memo.
    const client = new Client({ connection, namespace: 'default', dataConverter: dataConverterOf(new AesGcmPayloadCodec(parsePayloadKeys(payloadKeys))) });

    const relayEnv = {
      WP_RELAY_SECRET: BENCH_SECRET,
      TEMPORAL_ADDRESS: temporal.address,
      LOG_LEVEL: 'info',
      // Encrypted as in production, so the figures include the codec.
      PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
    };
    const http = async (name: string, entry: string, env: Record<string, string>, port?: number): Promise<HttpService> => {
      log(`starting ${name}`);
      const listen = port ?? (await freePort());
      const url = `http://127.0.0.1:${listen}`;
      const service = await spawnService({
        entry,
        compiledDir,
        env: { ...relayEnv, ...options.receiverEnv, ...env, PORT: String(listen), HOST: '127.0.0.1' },
        logFile: join(dir, `${name.replace(/\W+/g, '-')}.log`),
        ready: healthy(url),
      });
      stops.push(() => service.stop());
      return { ...service, url };
    };

    const bare = wanted.has('bare') ? await http('the bare app', 'bench/bare-receiver.ts', {}) : undefined;
    const receiver = needsReceiver
      ? await http('the receiver', 'src/receiver.ts', { TEMPORAL_TASK_QUEUE: queues.ingestQueue })
      : undefined;
    let loop: Stack['loop'];
    if (wordpress && 'stop' in wordpress) {
      const loopReceiver = await http('the loop receiver', 'src/receiver.ts', { TEMPORAL_TASK_QUEUE: queues.loopQueue }, loopPort);
      log('starting the worker');
      // Always through tsx: the worker's workflow bundler resolves packages from the workflow files' own directory.
      const worker = await spawnService({
        entry: 'src/worker.ts',
        env: {
          ...relayEnv,
          TEMPORAL_TASK_QUEUE: queues.loopQueue,
          OPENAI_API_KEY: 'sk-bench',
          OPENAI_BASE_URL: llm.baseURL,
          WP_BASE_URL: wordpress.baseUrl,
          WP_USERNAME: wordpress.adminUser,
          WP_APP_PASSWORD: wordpress.appPassword,
          ...options.workerEnv,
        },
        logFile: join(dir, 'worker.log'),
        ready: (output) => output.includes('worker polling'),
      });
      stops.push(() => worker.stop());
      loop = { receiver: loopReceiver, worker, wordpress };
    }
    const loopUnavailable = wordpress && !('stop' in wordpress) ? wordpress.unavailable : undefined;
    return { temporal, client, ...queues, bare, receiver, loop, loopUnavailable, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A real WordPress whose plugin sends post.published to `endpoint`, or why there is none. */
async function startBenchWordPress(endpoint: string): Promise<WordPress | { unavailable: string }> {
  try {
    return await startWordPress({
      constants: { AI_RELAY_SECRET: BENCH_SECRET },
      options: { ai_relay_endpoint: endpoint, ai_relay_allow_private: true, ai_relay_events: ['post.published'] },
    });
  } catch (error) {
    return { unavailable: (error as Error).message.split('\n')[0]! };
  }
}
