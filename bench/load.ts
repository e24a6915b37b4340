import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { DirectJob, HttpJob, LoadMessage, LoadResult } from './load-protocol';

const ROOT = join(__dirname, '..');

/**
 * Runs one job in a fresh load process. `onMeasuring` is called with its pid when the measured window starts
 * (after the warm-up), so the caller can start watching CPU and memory there.
 */
export function runLoad(job: HttpJob | DirectJob, onMeasuring: (pid: number) => void): Promise<LoadResult> {
  const child = fork(join(__dirname, 'load-child.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const deadline = (job.warmupSeconds + job.durationSeconds) * 1000 + 60_000;
  return new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load process did not finish within ${deadline / 1000} s`));
    }, deadline);
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'measuring') onMeasuring(child.pid!);
      else {
        clearTimeout(timer);
        resolve(message.result);
      }
    });
    // 'close', not 'exit': 'exit' may come before the last IPC message has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`load process exited (${signal ?? code}) without a result`));
    });
    child.send(job);
  });
}
