import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { readOrCreateKeyFile } from '../../src/codec/keys';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { resolveTemporalCli } from '../../src/temporal/temporal-cli';
import { persistenceCalls } from '../persistence-metrics';
import { freePort } from '../../tools/cluster/free-port';
import { processTree } from '../../tools/proc-stats';
import { spawnService } from '../services';
import { checkTemporalTarget } from './temporal-check';
import type { Target } from './target';

const TASK_QUEUE = 'wp-ai-relay';

/**
 * `npm start` as a user runs it: the receiver's process, the worker's (its child), the embedded dev server (its
 * SQLite file, the project's default pragmas) as its child, the Web UI on. No WordPress or LLM is configured, so
 * each run's first activity fails at once with MissingConfig: the worker still picks up and closes every run, the
 * counterpart of the seed's task whose AI step is `pass`. Its dev server is started through a wrapper that adds
 * `--metrics-port` (its persistence calls per request are read from there) and `devArgs`, so src/ needs no knob for it.
 */
export async function startDevTarget(options: {
  dir: string;
  secret: string;
  env: Record<string, string>;
  log: (line: string) => void;
  /** The project's compiled JavaScript (buildProject): `npm start` runs dist/src/main.js. */
  compiledDir: string;
  /** Extra `temporal server start-dev` flags (`--dev-arg`), each value split on spaces. */
  devArgs: readonly string[];
}): Promise<Target> {
  const [port, temporalPort, uiPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const keyFile = join(options.dir, 'dev', 'payload-keys');
  mkdirSync(join(options.dir, 'dev'), { recursive: true });
  const cli = wrapperCli(await resolveTemporalCli(undefined, options.log), ['--metrics-port', String(metricsPort), ...options.devArgs.flatMap((flags) => flags.split(' ').filter(Boolean))], join(options.dir, 'dev'));
  options.log('dev: starting `npm start` (embedded dev server, worker, receiver)');
  const relay = await spawnService({
    entry: 'src/main.ts',
    compiledDir: options.compiledDir,
    env: {
      WP_RELAY_SECRET: options.secret,
      PORT: String(port),
      HOST: '127.0.0.1',
      TEMPORAL_DEV_PORT: String(temporalPort),
      TEMPORAL_DEV_UI_PORT: String(uiPort),
      TEMPORAL_DEV_DB_FILE: join(options.dir, 'dev', 'temporal.db'),
      // No PAYLOAD_ENCRYPTION_KEYS: `npm start` creates its key file, and the check reads the runs with it.
      PAYLOAD_KEY_FILE: keyFile,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      TEMPORAL_CLI_PATH: cli,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    logFile: join(options.dir, 'dev-relay.log'),
    ready: (log) => log.includes('wp-ai-relay ready'),
  });
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` }).catch(async (error: unknown) => {
    await relay.stop();
    throw error;
  });
  const codec = new AesGcmPayloadCodec(readOrCreateKeyFile(keyFile).keys);
  const client = new Client({ connection, namespace: 'default', dataConverter: dataConverterOf(codec) });
  return {
    name: 'dev',
    url: `http://127.0.0.1:${port}`,
    signer: 'relay',
    pids: { relay: relay.pid, worker: descendant(relay.pid, 'worker.js'), temporal: descendant(relay.pid, 'start-dev') },
    memoryOf: ['relay'],
    counters: async () => {
      const calls = await persistenceCalls(`http://127.0.0.1:${metricsPort}/metrics`);
      return { 'persistence.total': Object.values(calls).reduce((a, b) => a + b, 0), ...calls };
    },
    check: (sent, accepted) => checkTemporalTarget('dev', client, TASK_QUEUE, sent, accepted),
    stop: async () => {
      await connection.close();
      await relay.stop();
    },
  };
}

/** The embedded `temporal server start-dev` or the worker process among the relay's descendants, so its CPU is counted apart. */
function descendant(relayPid: number, inCommandLine: string): number | undefined {
  return processTree(relayPid).find((pid) => {
    try {
      return pid !== relayPid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(inCommandLine);
    } catch {
      return false;
    }
  });
}

/** A `temporal` that adds the bench's flags after the relay's own. */
function wrapperCli(cli: string, args: readonly string[], dir: string): string {
  const file = join(dir, 'temporal');
  const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(file, `#!/bin/sh\nexec '${cli}' "$@" ${quoted}\n`);
  chmodSync(file, 0o755);
  return file;
}
