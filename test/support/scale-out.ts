import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { dataConverterOf, resolvePayloadCodec } from '../../src/temporal/data-converter';
import { loadConfig } from '../../src/config/config';
import { spawnReceiver, type ReceiverProcess } from './receiver-process';
import { TEST_PAYLOAD_KEYS, TEST_SECRET } from './relay';
import { sendWebhook } from './webhook';
import { spawnWorker, type WorkerProcess } from './worker-process';
import type { WordPress } from '../../tools/wordpress';
import { phpString } from '../../tools/wordpress/php';

export interface ScaleOutOptions {
  /** The Temporal frontend every process connects to. */
  readonly address: string;
  readonly namespace?: string;
  /** The workers' wiring to the LLM and WordPress (OPENAI_BASE_URL, WP_BASE_URL, ...). */
  readonly workerEnv: Record<string, string>;
  readonly receiverEnv?: Record<string, string>;
}

/** The production shape on one machine: receivers and workers as processes of their own, one task queue. */
export interface ScaleOut {
  readonly taskQueue: string;
  /** A client of the test's own, for what an operator would look at: results, histories, visibility. */
  readonly client: Client;
  readonly receivers: readonly ReceiverProcess[];
  readonly workers: readonly WorkerProcess[];
  stop(): Promise<void>;
}

/** Two `src/receiver.ts` and two `src/worker.ts` processes on a fresh task queue. */
export async function startScaleOut(options: ScaleOutOptions): Promise<ScaleOut> {
  const taskQueue = `wp-ai-relay-scale-${randomUUID()}`;
  const namespace = options.namespace ?? 'default';
  const common = { TEMPORAL_ADDRESS: options.address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: taskQueue };
  // The tests' long start deadline (spawnReceiver's default): a key sent to both receivers is answered accepted by
  // one and duplicate by the other, never 503 because a loaded machine took seconds to record a start.
  const receiverEnv = { ...common, WP_RELAY_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...options.receiverEnv };
  const workerEnv = { ...common, OPENAI_API_KEY: 'sk-test', ...options.workerEnv };
  // Receivers first, then workers: four Node processes compiling at once can miss a receiver's start-up deadline.
  const receivers = await Promise.allSettled([spawnReceiver(receiverEnv), spawnReceiver(receiverEnv)]);
  const workers: PromiseSettledResult<WorkerProcess>[] = receivers.every((r) => r.status === 'fulfilled') ? await Promise.allSettled([spawnWorker(workerEnv), spawnWorker(workerEnv)]) : [];
  const settled = [...receivers, ...workers];
  const stopAll = () => Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.kill() : undefined)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const value = <T>(s: PromiseSettledResult<T>): T => (s as PromiseFulfilledResult<T>).value;
  const { codec } = resolvePayloadCodec(loadConfig({ PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS }));
  const connection = Connection.lazy({ address: options.address });
  return {
    taskQueue,
    client: new Client({ connection, namespace, dataConverter: dataConverterOf(codec) }),
    receivers: receivers.map(value),
    workers: workers.map(value),
    async stop() {
      await stopAll();
      await connection.close();
    },
  };
}

/** The identity a worker process reports to Temporal (the SDK's default, `pid@host`), as it appears in histories. */
export function workerIdentity(worker: WorkerProcess): string {
  return `${worker.child.pid}@${hostname()}`;
}

export interface DeliveryAttempt {
  /** HTTP status, or 0 when the receiver could not be reached. */
  readonly status: number;
  readonly retryAfter: string | null;
  /** When it was sent and when its answer (or the connection error) came back. */
  readonly atMs: number;
  readonly answeredAtMs: number;
}

export interface Delivery {
  readonly key: string;
  /** The receiver it was sent to. */
  readonly url: string;
  readonly attempts: readonly DeliveryAttempt[];
  /** `accepted` or `duplicate`: what the last (202) answer said. */
  readonly outcome: string;
}

/**
 * The plugin's behaviour: a delivery refused with 429 or 5xx, or not answered, is sent again with the same key and
 * a fresh signature until it is taken (the plugin waits minutes from WP-Cron; a test waits `retryDelayMs`). Any
 * other refusal fails the test: it would be permanent, and the plugin would drop the event.
 */
export async function deliverLikeThePlugin(
  url: string,
  event: Record<string, unknown>,
  {
    retryDelayMs = 500,
    deadlineMs = 240_000,
    answered,
  }: { retryDelayMs?: number; deadlineMs?: number; /** Hears each attempt as its answer comes. */ answered?: (attempt: DeliveryAttempt) => void } = {},
): Promise<Delivery> {
  const attempts: DeliveryAttempt[] = [];
  const key = String(event.idempotency_key);
  for (const deadline = Date.now() + deadlineMs; Date.now() < deadline; await sleep(retryDelayMs)) {
    const atMs = Date.now();
    const answer = await sendWebhook(url, event).catch(() => undefined);
    attempts.push({ status: answer?.status ?? 0, retryAfter: answer?.headers.get('retry-after') ?? null, atMs, answeredAtMs: Date.now() });
    answered?.(attempts.at(-1)!);
    if (answer?.status === 202) return { key, url, attempts, outcome: String(answer.body.status) };
    assert.ok(answer === undefined || answer.status === 429 || answer.status >= 500, `${key} was refused with ${answer?.status}`);
  }
  assert.fail(`${key} was never accepted: ${attempts.map((a) => a.status).join(',')}`);
}

/**
 * Every run on the task queue by workflow ID, once visibility lists each of `keys` as closed (or after a minute, for
 * the assertion): call it after the results, since visibility is updated after the run closes, later on a cluster.
 */
export async function runsByKey(client: Client, taskQueue: string, keys: readonly string[]): Promise<Map<string, WorkflowExecutionInfo[]>> {
  const byKey = new Map<string, WorkflowExecutionInfo[]>();
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(300)) {
    byKey.clear();
    for await (const run of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) {
      byKey.set(run.workflowId, [...(byKey.get(run.workflowId) ?? []), run]);
    }
    if (keys.every((key) => byKey.get(key)?.every((run) => run.status.name !== 'RUNNING'))) break;
  }
  return byKey;
}

/** Each post's stored summary values and the run that wrote the last one (`key/runId`). */
export async function summariesOf(wp: WordPress, postIds: readonly number[]): Promise<Map<number, { summaries: string[]; run: string }>> {
  const out = await wp.runPhp(`
    $out = array();
    foreach ( json_decode( '${JSON.stringify(postIds)}' ) as $id ) {
      $out[ $id ] = array( 'summaries' => get_post_meta( $id, 'ai_relay_summary', false ), 'run' => get_post_meta( $id, 'ai_relay_summary_run', true ) );
    }
    echo wp_json_encode( (object) $out );`);
  const parsed = JSON.parse(out) as Record<string, { summaries: string[]; run: string }>;
  return new Map(Object.entries(parsed).map(([id, value]) => [Number(id), value]));
}

/**
 * Counts the summary write-backs WordPress receives from here on: an mu-plugin appends the post ID of every REST
 * `POST /wp/v2/posts/{id}` that sets `ai_relay_summary` to a file, before WordPress handles it, so a write that
 * repeats the same value (which leaves the meta as it was) is still counted.
 */
export async function countSummaryWrites(wp: WordPress): Promise<(postIds: readonly number[]) => Promise<Map<number, number>>> {
  const log = join(wp.dir, 'summary-writes.log');
  await writeFile(log, '');
  await writeFile(
    join(wp.dir, 'site/wp-content/mu-plugins/count-summary-writes.php'),
    `<?php
add_filter( 'rest_pre_dispatch', function ( $result, $server, $request ) {
  if ( 'POST' === $request->get_method() && preg_match( '#^/wp/v2/posts/(\\d+)$#', $request->get_route(), $m ) && isset( $request['meta']['ai_relay_summary'] ) ) {
    file_put_contents( ${phpString(log)}, $m[1] . "\n", FILE_APPEND | LOCK_EX );
  }
  return $result;
}, 10, 3 );
`,
  );
  return async (postIds) => {
    const writes = new Map(postIds.map((id) => [id, 0]));
    for (const line of (await readFile(log, 'utf8')).split('\n').filter(Boolean)) {
      const postId = Number(line);
      if (writes.has(postId)) writes.set(postId, writes.get(postId)! + 1);
    }
    return writes;
  };
}
