import { healthy, spawnEntryPoint, type EntryPointProcess } from '../../tools/spawn-entry-point';
import { freePort } from './ports';
import { TEST_PAYLOAD_KEYS, TEST_START_TIMEOUT_MS } from './relay';

export interface ReceiverProcess extends EntryPointProcess {
  readonly url: string;
}

/** `src/receiver.ts` as its own process, the way it runs in production; resolves once /healthz answers. */
export async function spawnReceiver(env: Record<string, string>, port?: number): Promise<ReceiverProcess> {
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const receiver = await spawnEntryPoint({
    entry: 'src/receiver.ts',
    env: { PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS, TEMPORAL_START_TIMEOUT_MS: TEST_START_TIMEOUT_MS, ...env, PORT: String(listenPort), HOST: '127.0.0.1' },
    ready: healthy(url),
  });
  return { ...receiver, url };
}
