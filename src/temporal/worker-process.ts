import { fork } from 'node:child_process';

/** The worker entry point beside this directory: dist/src/worker.js when compiled, src/worker.ts under tsx. */
const WORKER_ENTRY = require.resolve('../worker');

/** What the worker entry point sends its parent once it polls (src/worker.ts). */
export const WORKER_READY_MESSAGE = 'wp-ai-relay-worker-ready';

export interface WorkerProcess {
  readonly pid: number;
  /** Settles when the process ends: with its exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM, then waits: the worker lets its activity attempts finish (WORKER_SHUTDOWN_GRACE_MS) and exits. */
  stop(): Promise<void>;
}

/**
 * `npm start`'s worker as a process of its own, so workflow activations and activities never hold up the
 * receiver's event loop (a 202 waited behind them when both shared one). It is put in a process group of its own:
 * Ctrl-C reaches only the parent, which stops the receiver first and then the worker, in that order. It stops by
 * itself when the parent goes (the IPC channel closes), so a parent killed hard leaves no worker behind.
 */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const child = fork(WORKER_ENTRY, [], { env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code ?? 0));
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message) => {
      if (message === WORKER_READY_MESSAGE) resolve();
    });
    void exited.then((how) => reject(new Error(`the worker exited (${how}) during start-up; its error is printed above`)));
  });
  return {
    pid: child.pid!,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
