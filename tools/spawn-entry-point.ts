import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOf, isRunning, killOnExit, stopChild } from './cluster/child-process';

const ROOT = join(__dirname, '..');

export interface EntryPointOptions {
  /**
   * The project file to run (`src/receiver.ts`, ...), by node itself so the pid is the service's own: through the
   * tsx loader as `npm run receiver` runs it, or, given `compiledDir`, the JavaScript tsc wrote there.
   */
  readonly entry: string;
  readonly compiledDir?: string | undefined;
  /** Another program instead (the seed's gunicorn, Celery, Redis); `entry` then only names it in errors. */
  readonly command?: readonly [string, ...string[]];
  readonly cwd?: string;
  /** The child's environment besides PATH and HOME: nothing else of this process's leaks into it. */
  readonly env: Record<string, string>;
  /**
   * Output appended to this file rather than kept in memory: a benchmark keeps its own process off the path of
   * what it measures.
   */
  readonly logFile?: string;
  /** Asked with the output so far, every 100 ms, until it says the process is ready. */
  readonly ready: (output: string) => Promise<boolean> | boolean;
  readonly timeoutMs?: number;
  /** SIGKILL once SIGTERM has not stopped it after this long; unset, `stop()` waits for the process to exit. */
  readonly stopGraceMs?: number;
}

export interface EntryPointProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, a graceful stop; resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, nothing cleaned up. */
  kill(): Promise<void>;
}

/**
 * An entry point of the project as its own process, the way it runs in production; resolves once `ready` says so,
 * and throws with the tail of its output if it exits first or is not ready within `timeoutMs` (tsx compiles at
 * start-up and the worker bundles its workflows: seconds, more on a loaded machine). Killed if this process exits.
 */
export async function spawnEntryPoint(options: EntryPointOptions): Promise<EntryPointProcess> {
  const args = options.compiledDir
    ? [join(options.compiledDir, options.entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', join(ROOT, options.entry)];
  const [file, ...rest] = options.command ?? [process.execPath, ...args];
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(file, rest, {
      cwd: options.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        // Compiled output lives outside the repository; its imports still resolve to the project's packages.
        ...(options.compiledDir ? { NODE_PATH: join(ROOT, 'node_modules') } : {}),
        ...options.env,
      },
      stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'],
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd); // the child holds its own copy
  }
  killOnExit(child);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  let captured = '';
  child.stdout?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
  const output = options.logFile === undefined ? () => captured : () => readFileSync(options.logFile!, 'utf8');

  const started: EntryPointProcess = {
    child,
    pid: child.pid ?? -1,
    output,
    stop: async () => {
      if (options.stopGraceMs === undefined) {
        if (isRunning(child)) child.kill('SIGTERM');
        await exitOf(child);
      } else {
        await stopChild(child, 'SIGTERM', options.stopGraceMs);
      }
      return child.exitCode;
    },
    kill: async () => {
      if (isRunning(child)) child.kill('SIGKILL');
      await exitOf(child);
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (spawnError) throw new Error(`${options.entry} could not be started: ${spawnError.message}`);
    if (!isRunning(child)) {
      throw new Error(`${options.entry} exited during start-up:\n${output().slice(-3000)}`);
    }
    if (await options.ready(output())) return started;
    if (Date.now() > deadline) {
      await started.kill();
      throw new Error(`${options.entry} was not ready within ${options.timeoutMs ?? 120_000} ms:\n${output().slice(-3000)}`);
    }
    await sleep(100);
  }
}

/** A `ready` check for an HTTP entry point: true once GET `${url}/healthz` answers 200. */
export function healthy(url: string): () => Promise<boolean> {
  return () => fetch(`${url}/healthz`).then((r) => r.ok, () => false);
}
