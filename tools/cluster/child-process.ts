import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set<ChildProcess>();
// A harness that exits without stopping what it started (a failed test, an uncaught error) must not leave
// PostgreSQL, Temporal or a relay process running: 'exit' handlers cannot wait, but a signal is sent synchronously.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** SIGKILLs `child` when this process exits, unless it has exited by then. */
export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/**
 * A long-running child with its stdout and stderr appended to `logFile`, so a failure can be read afterwards; it is
 * killed when this process exits.
 */
export function spawnLogged(command: string, args: readonly string[], logFile: string, options: SpawnOptions = {}): ChildProcess {
  const fd = openSync(logFile, 'a', 0o600);
  try {
    // Its own process group: Ctrl-C in a terminal reaches the harness only, which then stops the services before
    // PostgreSQL instead of every process at once.
    const child = spawn(command, args, { ...options, stdio: ['ignore', fd, fd], detached: true });
    killOnExit(child);
    return child;
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when the child has exited, or could not be started at all. */
export function exitOf(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

/** Sends `signal`, and SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = exitOf(child);
  child.kill(signal);
  const done = await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}
