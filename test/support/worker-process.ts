import { spawnEntryPoint, type EntryPointProcess } from '../../tools/spawn-entry-point';
import { TEST_PAYLOAD_KEYS } from './relay';

export type WorkerProcess = EntryPointProcess;

/** `src/worker.ts` as its own process, the way it runs in production; resolves once it polls its task queue. */
export function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  return spawnEntryPoint({
    entry: 'src/worker.ts',
    env: { LOG_LEVEL: 'info', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS, ...env },
    ready: (output) => output.includes('worker polling'),
  });
}
