import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..');

export interface Service {
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * An entry point of the project (`src/receiver.ts`, ...) as its own process, started by node itself so the pid is
 * the service's own and its memory is measured alone: the TypeScript source through the tsx loader as
 * `npm run receiver` runs it, or, given `compiledDir`, the JavaScript tsc wrote there. Given `command` instead, that
 * program (the seed's gunicorn, Celery, Redis) in `cwd`. Output goes to `logFile` (not through this process, which
 * shares the machine with what it measures); ready once `ready(log)` says so.
 */
export async function spawnService(options: {
  entry: string;
  command?: readonly [string, ...string[]];
  cwd?: string;
  compiledDir?: string | undefined;
  env: Record<string, string>;
  logFile: string;
  ready: (log: string) => Promise<boolean> | boolean;
  timeoutMs?: number;
}): Promise<Service> {
  const out = openSync(options.logFile, 'a');
  const args = options.compiledDir
    ? [join(options.compiledDir, options.entry.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', join(ROOT, options.entry)];
  const [file, ...rest] = options.command ?? [process.execPath, ...args];
  const child = spawn(file, rest, {
    cwd: options.cwd ?? ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // Compiled output lives outside the repository; its imports still resolve to the project's packages.
      ...(options.compiledDir ? { NODE_PATH: join(ROOT, 'node_modules') } : {}),
      ...options.env,
    },
    stdio: ['ignore', out, out],
  });
  const log = () => readFileSync(options.logFile, 'utf8');
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (exited()) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    if (!(await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]))) {
      child.kill('SIGKILL');
      await gone;
    }
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited()) throw new Error(`${options.entry} exited during start-up:\n${log().slice(-3000)}`);
    if (await options.ready(log())) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.entry} was not ready in time:\n${log().slice(-3000)}`);
    }
    await sleep(100);
  }
  return { pid: child.pid!, stop };
}

/** True once GET `${url}/healthz` answers 200. */
export function healthy(url: string): () => Promise<boolean> {
  return () => fetch(`${url}/healthz`).then((r) => r.ok, () => false);
}

/** Emits the project's JavaScript (tsconfig.json: src, bench, test, ...) into `outDir` for `--compiled` runs; type checking is `npm run typecheck`'s job. */
export async function compileProject(outDir: string): Promise<void> {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json'), '--outDir', outDir, '--noCheck'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`tsc exited with ${code}`);
}

/**
 * `tsc -b tsconfig.build.json`, as `npm start` runs it before starting: the relay's JavaScript in dist/ (incremental,
 * about a second when nothing changed). Returns the directory.
 */
export async function buildProject(log: (line: string) => void): Promise<string> {
  log('building the relay (tsc -b tsconfig.build.json), as npm start does');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-b', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`tsc -b exited with ${code}`);
  return join(ROOT, 'dist');
}
