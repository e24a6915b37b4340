import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports';
import { TEST_PAYLOAD_KEYS, TEST_START_TIMEOUT_MS } from './relay';

export interface ReceiverProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process logged, for assertions on log content. */
  output(): string;
  /** SIGKILL: a crash, not a clean stop. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/** `src/receiver.ts` as its own process, the way it runs in production; resolves once /healthz answers. */
export async function spawnReceiver(env: Record<string, string>, port?: number): Promise<ReceiverProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/receiver.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
      TEMPORAL_START_TIMEOUT_MS: TEST_START_TIMEOUT_MS,
      ...env,
      PORT: String(listenPort),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${listenPort}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = () => (exited() ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve())));

  // tsx compiles the receiver at start-up: seconds on a loaded machine, more with several processes starting at once.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited()) throw new Error(`receiver exited during start-up:\n${output}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`receiver did not answer /healthz:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    child,
    output: () => output,
    kill: async () => {
      child.kill('SIGKILL');
      await waitExit();
    },
    stop: async () => {
      child.kill('SIGTERM');
      await waitExit();
    },
  };
}
