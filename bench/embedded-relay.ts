import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveTemporalCli } from '../src/temporal/temporal-cli';
import { freePort } from '../tools/cluster/free-port';
import { processTree } from '../tools/proc-stats';

const ROOT = join(__dirname, '..');
const READY = /wp-ai-relay ready in ([\d.]+) s/;

/** One way of running `npm start`: extra environment for the relay, extra flags for its embedded dev server. */
export interface Variant {
  readonly name: string;
  readonly env: Record<string, string>;
  /** Appended to `temporal server start-dev` (e.g. `--dynamic-config-value K=V`), through a wrapper CLI. */
  readonly devArgs: readonly string[];
}

export interface EmbeddedRelay {
  readonly url: string;
  /** The relay's own node process (receiver + worker). */
  readonly pid: number;
  /** The embedded `temporal server start-dev`. */
  readonly temporalPid: number;
  readonly temporalAddress: string;
  /** The dev server's Prometheus endpoint (`--metrics-port`): persistence calls and latency per operation. */
  readonly temporalMetricsUrl: string;
  stop(): Promise<void>;
}

/**
 * `npm start` as a user runs it (src/main.ts through tsx: embedded dev server with its Web UI, worker, receiver),
 * on free ports and a fresh database under `dir`. Node is started directly, not through npm, so `pid` is the
 * relay's own process and its CPU is measured apart from the dev server's.
 */
export async function startEmbeddedRelay(variant: Variant, dir: string): Promise<EmbeddedRelay> {
  mkdirSync(dir, { recursive: true });
  const cli = await resolveTemporalCli(undefined);
  const port = await freePort();
  const devPort = await freePort();
  const metricsPort = await freePort();
  const devArgs = ['--metrics-port', String(metricsPort), ...variant.devArgs];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
    TEMPORAL_DEV_DB_FILE: join(dir, 'temporal.db'),
    PAYLOAD_KEY_FILE: join(dir, 'payload-keys'),
    TEMPORAL_CLI_PATH: wrapperCli(cli, devArgs, dir),
    ...variant.env,
  };
  const logFile = join(dir, 'relay.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', out, out] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    if (!(await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]))) {
      for (const pid of processTree(child.pid!).reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exited;
    }
  };
  const deadline = Date.now() + 120_000;
  while (!READY.test(readFileSync(logFile, 'utf8'))) {
    if (child.exitCode !== null) throw new Error(`npm start exited during start-up:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start not ready in 120 s:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await sleep(100);
  }
  const temporalPid = processTree(child.pid!).find((pid) => pid !== child.pid && commandOf(pid).includes('start-dev'));
  if (temporalPid === undefined) throw new Error('the embedded dev server process was not found');
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    temporalPid,
    temporalAddress: `127.0.0.1:${devPort}`,
    temporalMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stop,
  };
}

/** A `temporal` that adds the bench's and the variant's flags after the relay's own (a wrapper, so src/ needs no knob for it). */
function wrapperCli(cli: string, devArgs: readonly string[], dir: string): string {
  const file = join(dir, 'temporal');
  const quoted = devArgs.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(file, `#!/bin/sh\nexec '${cli}' "$@" ${quoted}\n`);
  chmodSync(file, 0o755);
  return file;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
