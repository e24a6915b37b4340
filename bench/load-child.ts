import { directRunner } from './direct-load';
import { agentLoop, closedLoop } from './http-load';
import type { DirectJob, HttpJob, KeyLog, LoadMessage, LoadResult } from './load-protocol';
import { requestFactory } from './requests';

/**
 * The load generator, in a process of its own so its CPU is not the receiver's: takes one job over IPC, warms up,
 * says when the measured window starts, and answers with the result.
 */
async function run(job: HttpJob | DirectJob): Promise<LoadResult> {
  const keys: KeyLog = { sent: [], accepted: [] };
  let measure: (seconds: number) => Promise<Omit<LoadResult, 'sentKeys' | 'acceptedKeys'>>;
  let close = async () => {};
  if (job.target === 'http') {
    const next = requestFactory(job.kind, job.secret, job.duplicateKey, job.signer);
    const loop = job.rate === undefined && job.client !== 'agent' ? closedLoop : agentLoop;
    measure = (seconds) => loop(job, seconds, next, keys);
  } else {
    const direct = await directRunner(job, keys);
    measure = (seconds) => direct.run(seconds);
    close = direct.close;
  }
  if (job.warmupSeconds > 0) await measure(job.warmupSeconds);
  send({ type: 'measuring' });
  const result = await measure(job.durationSeconds);
  await close();
  return { ...result, sentKeys: keys.sent, acceptedKeys: keys.accepted };
}

function send(message: LoadMessage, then?: () => void): void {
  process.send!(message, undefined, {}, () => then?.());
}

process.once('message', (job: HttpJob | DirectJob) => {
  run(job).then(
    (result) => {
      // A large result is still being written when send() returns; let go of the channel once it is out.
      send({ type: 'result', result }, () => process.disconnect());
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
