import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { spawnEntryPoint, type EntryPointOptions } from '../tools/spawn-entry-point';

const ROOT = join(__dirname, '..');

export interface Service {
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * An entry point of the project (`src/receiver.ts`, ...) or, given `command`, another program (the seed's gunicorn,
 * Celery, Redis), with its output in `logFile` (not through this process, which shares the machine with what it
 * measures); ready once `ready(log)` says so. A service that ignores SIGTERM for 10 s is killed.
 */
export async function spawnService(options: EntryPointOptions & { logFile: string }): Promise<Service> {
  const service = await spawnEntryPoint({ timeoutMs: 60_000, stopGraceMs: 10_000, ...options });
  return { pid: service.pid, stop: async () => void (await service.stop()) };
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
