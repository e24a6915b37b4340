import { Client, Connection } from '@temporalio/client';
import { createStartEvent } from '../src/temporal/start-event';
import { sampleEvent } from '../src/webhooks/sample-events';
import type { DirectJob, KeyLog, LoadResult } from './load-protocol';
import { asRun, drive } from './pacer';

/** Same start deadline as the receiver's default (TEMPORAL_START_TIMEOUT_MS). */
const START_TIMEOUT_MS = 5000;

/**
 * Temporal's ceiling: the receiver's own start call (same options, payload shape and search attributes) made from
 * a plain loop over one connection, with no HTTP, signature or validation in front of it.
 */
export async function directRunner(job: DirectJob, keys: KeyLog) {
  const connection = await Connection.connect({ address: job.address });
  const client = new Client({ connection, namespace: job.namespace });
  const start = createStartEvent(client, { taskQueue: job.taskQueue, timeoutMs: START_TIMEOUT_MS });
  const send = async () => {
    const event = sampleEvent('post.published');
    keys.sent.push(event.idempotency_key);
    const result = await start(event);
    if (result.status === 'accepted') keys.accepted.push(event.idempotency_key);
    return result.status;
  };
  return {
    async run(seconds: number): Promise<Omit<LoadResult, 'sentKeys' | 'acceptedKeys'>> {
      return asRun(await drive({ ...job, durationSeconds: seconds }, send));
    },
    close: () => connection.close(),
  };
}
