import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { delimiter, dirname, join } from 'node:path';
import { resolveTemporalCli } from '../../src/temporal/temporal-cli';
import { freePort } from './ports';

const ROOT = join(__dirname, '..', '..');

export interface NpmStart {
  readonly child: ChildProcess;
  readonly banner: Promise<string>;
  output(): string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * The environment a shell gives `npm start`, and nothing else of this process's: PATH (with the temporal CLI the
 * relay would find or install on it), HOME, and free ports for the receiver, the embedded dev server and its UI.
 */
export async function npmStartEnv(): Promise<Record<string, string>> {
  return {
    PATH: [dirname(await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH)), process.env.PATH ?? ''].join(delimiter),
    HOME: process.env.HOME ?? '',
    PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_DEV_UI_PORT: String(await freePort()),
  };
}

/**
 * `npm start` in its own process, in this checkout or in `cwd` (a copy of it); `banner` is its first stdout block,
 * `output()` all it printed so far, `stop` signals npm and waits for its exit.
 */
export function startNpmStart(env: Record<string, string>, cwd = ROOT): NpmStart {
  const child = spawn('npm', ['start', '--silent'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Whatever other lines come first, the banner starts with "wp-ai-relay" and ends with "Ctrl-C to stop".
      const start = stdout.search(/^wp-ai-relay (ready|not ready)/m);
      if (start >= 0 && stdout.includes('Ctrl-C to stop', start)) resolve(stdout.slice(start));
    });
    void exited.then((code) => reject(new Error(`npm start exited (${code}) before its banner:\n${stdout}\n${stderr}`)));
  });
  banner.catch(() => undefined);
  return {
    child,
    banner,
    output: () => stdout,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
