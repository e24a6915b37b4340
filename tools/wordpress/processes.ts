import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** Polls `ready` until it holds; if the child dies first, rejects with the tail of its log. */
export async function waitFor(ready: () => Promise<boolean>, child: ChildProcess, log: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
      throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode}):\n${tail}`);
    }
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** For `process.on('exit')`, where nothing can be awaited any more. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** SIGTERM to the process group: mariadbd shuts down cleanly, and php -S takes its workers with it. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await exited;
}
