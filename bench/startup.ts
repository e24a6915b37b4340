import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../tools/cluster/free-port';

const ROOT = join(__dirname, '..');
const READY = /wp-ai-relay ready in ([\d.]+) s/;
const TIMEOUT_MS = 60_000;

export interface StartupRun {
  /** Spawn of `npm start` → its ready line, as a user waits for it. */
  readonly ready_s: number;
  /** What the relay itself reports (from its own start, so without npm's and tsx's launch). */
  readonly reported_s: number;
}

/**
 * Times `npm start` as a user runs it (embedded dev server with its Web UI, worker, receiver) on free ports and a
 * fresh database, then stops it with Ctrl-C. It runs in its own process group, so the signal reaches npm, tsx,
 * the relay and the dev server alike, as in a terminal.
 */
export async function timeStartup(dbFile: string): Promise<StartupRun> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
    TEMPORAL_DEV_DB_FILE: dbFile,
    LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  try {
    const reported = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start not ready in ${TIMEOUT_MS / 1000} s:\n${output}`)), TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = READY.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`npm start exited before it was ready:\n${output}`)));
    });
    return { ready_s: Math.round((performance.now() - started) / 100) / 10, reported_s: reported };
  } finally {
    await stopGroup(child.pid!, exited);
  }
}

async function stopGroup(pid: number, exited: Promise<void>): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGINT');
  if (!(await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]))) signal('SIGKILL');
  await exited;
  // The dev server may outlive npm by a moment while it shuts down.
  await sleep(500);
  signal('SIGKILL');
}
