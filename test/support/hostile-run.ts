import { Client, Connection } from '@temporalio/client';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/config';
import { startReceiver } from '../../src/http/server';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { captureLog, type CapturedLog } from './captured-log';
import { HOSTILE_ENV, HOSTILE_SECRETS, hostileCase, leaksInLog, sendCase, violation, type HostileCase } from './hostile-requests';
import { startTestTemporal } from './temporal';
import { sendWebhook } from './webhook';

/** A real Temporal dev server and the real receiver in front of it, logging into memory. */
export interface HostileTarget {
  readonly url: string;
  readonly log: CapturedLog;
  stop(): Promise<void>;
}

export async function startHostileTarget(): Promise<HostileTarget> {
  const temporal = await startTestTemporal();
  const connection = await Connection.connect({ address: temporal.address });
  const config = loadConfig({ ...HOSTILE_ENV, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: 'hostile-input' });
  const log = captureLog('info');
  const receiver = await startReceiver({ config, client: new Client({ connection }), logger: log.logger, port: 0 });
  return {
    url: receiver.url,
    log,
    async stop() {
      await receiver.close();
      await connection.close();
      await temporal.stop();
    },
  };
}

export interface HostileFigures {
  readonly requests: number;
  readonly byStatus: Record<string, number>;
  readonly violations: readonly string[];
  readonly leaks: readonly string[];
  /** Valid signed requests sent one after another while the fuzz ran, and how they fared. */
  readonly probes: { readonly sent: number; readonly accepted: number; readonly longestMs: number; readonly failures: readonly string[] };
  readonly seconds: number;
  /** fast-check's seed: `runHostile(..., { seed })` replays the same requests. */
  readonly seed: number;
}

/** Cases are generated this many at a time (each chunk from its own seed), so 100 000 never sit in memory at once. */
const CHUNK = 500;

/**
 * Sends `total` generated requests, `concurrency` at a time on connections of their own (a stalled sender holds
 * one slot, not a batch), while a probe sends valid signed events one after another; then checks the properties:
 * no 202 without a valid signature, no 5xx (Temporal is up throughout), every valid event accepted, no request
 * bytes in the log, every probe answered 202. Violations are collected, not thrown, so a run reports all of them;
 * `seed` replays the same requests.
 */
export async function runHostile(
  target: HostileTarget,
  options: { total: number; concurrency: number; seed?: number },
): Promise<HostileFigures> {
  const started = process.hrtime.bigint();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const byStatus: Record<string, number> = {};
  const violations: string[] = [];
  const secrets = new Set<string>();
  let requests = 0;

  let probing = true;
  const probes = { sent: 0, accepted: 0, longestMs: 0, failures: [] as string[] };
  const probe = (async () => {
    while (probing) {
      const event = sampleEvent('post.published');
      const sentAt = process.hrtime.bigint();
      probes.sent += 1;
      const answer = await sendWebhook(target.url, event, { secret: HOSTILE_SECRETS.k1, keyId: 'k1' }).catch((error: unknown) => ({ status: 0, body: { error: String(error) } }));
      probes.longestMs = Math.max(probes.longestMs, Number(process.hrtime.bigint() - sentAt) / 1e6);
      if (answer.status === 202) probes.accepted += 1;
      else probes.failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
    }
  })();

  let next = 0;
  let chunk: HostileCase[] = [];
  const take = (): HostileCase | undefined => {
    if (next >= options.total) return undefined;
    const index = next % CHUNK;
    if (index === 0) chunk = fc.sample(hostileCase, { numRuns: Math.min(CHUNK, options.total - next), seed: seed + next / CHUNK });
    next += 1;
    return chunk[index];
  };
  const sender = async () => {
    for (let generated = take(); generated !== undefined; generated = take()) {
      const c = generated.build();
      const answer = await sendCase(target.url, c);
      requests += 1;
      const status = String(answer.status ?? 'none');
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      for (const secret of c.secrets) secrets.add(secret);
      const wrong = violation(c, answer);
      if (wrong !== undefined) violations.push(wrong);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, sender));
  } finally {
    probing = false;
    await probe;
  }
  return {
    requests,
    byStatus,
    violations,
    leaks: leaksInLog(target.log.text(), secrets),
    probes,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    seed,
  };
}
