import { loadavg } from 'node:os';
import { QUIET_LOAD_AVERAGE } from './options';

/**
 * Refuses to start a run meant for publishing on a busy machine, and says why; `--force` runs anyway (the run's
 * first line records the load average either way).
 */
export function requireQuietMachine(force: boolean, log: (line: string) => void): void {
  const [oneMinute = 0] = loadavg();
  if (oneMinute <= QUIET_LOAD_AVERAGE) return;
  const why =
    `the load average is ${oneMinute.toFixed(2)} (over the last minute), above ${QUIET_LOAD_AVERAGE}: other processes ` +
    'are using the CPU, and latency and throughput measured now would describe them, not what is measured';
  if (force) {
    log(`${why}; running anyway (--force): these figures are for exploration, not for publishing`);
    return;
  }
  throw new QuietMachineError(`${why}. Wait until the machine is quiet (see \`uptime\`), or pass --force to explore.`);
}

export class QuietMachineError extends Error {
  override readonly name = 'QuietMachineError';
}
