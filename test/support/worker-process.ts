import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_PAYLOAD_KEYS } from './relay';

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything the process logged. */
  output(): string;
  /** SIGKILL: a crash mid-attempt, nothing cleaned up. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop; resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

const ROOT = join(__dirname, '..', '..');

/** `src/worker.ts` as its own process, the way it runs in production; resolves once it polls its task queue. */
export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/worker.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // Bundling the workflows takes a few seconds, more on a loaded machine.
  const deadline = Date.now() + 120_000;
  while (!output.includes('worker polling')) {
    if (exited()) throw new Error(`worker exited during start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start polling:\n${output}`);
    }
    await sleep(100);
  }
  return {
    child,
    output: () => output,
    kill: async () => {
      if (!exited()) child.kill('SIGKILL');
      await exit;
    },
    stop: async () => {
      if (!exited()) child.kill('SIGTERM');
      return exit;
    },
  };
}
