import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { enrichPost } from '../workflows';
import type { WordPress } from '../tools/wordpress';
import { runTiming, type RunTiming } from './history-timing';
import { median, round, summarize } from './stats';

/** One publication followed to its summary in WordPress. */
interface Publication {
  readonly postId: number;
  /** ms since the epoch when the publishing request was sent, and how long WordPress took to answer it. */
  readonly publishedAt: number;
  readonly publishMs: number;
  readonly timing: RunTiming;
}

const FIND_RUN_TIMEOUT_MS = 15_000;
/** A run still open after this is stuck (WordPress or the LLM failing, retried with backoff); the loop reports it. */
const RUN_TIMEOUT_MS = 60_000;
const WARMUP_EVENTS = 2;
/** A benchmark post's body: long enough to be a real prompt, the same for the loop and the whole loop. */
export const POST_CONTENT = Array.from(
  { length: 6 },
  (_, i) => `<p>Paragraph ${i + 1} of a post written for the benchmark: long enough to be a real prompt, short enough to read.</p>`,
).join('\n');

/** Publishes a post through the WordPress REST API, as an editor would; the plugin sends post.published from that request. */
async function publish(wp: WordPress, n: number) {
  const publishedAt = Date.now();
  const response = await wp.rest('/wp/v2/posts', {
    method: 'POST',
    body: JSON.stringify({ title: `Benchmark post ${n}`, content: POST_CONTENT, status: 'publish' }),
  });
  const publishMs = Date.now() - publishedAt;
  if (response.status !== 201) throw new Error(`publishing answered ${response.status}: ${await response.text()}`);
  const { id: postId } = (await response.json()) as { id: number };
  return { postId, publishedAt, publishMs };
}

/** Finds the post's run by its WpPostId search attribute and follows it to its end. */
async function follow(client: Client, taskQueue: string, published: Awaited<ReturnType<typeof publish>>): Promise<Publication> {
  const query = `WpPostId = ${published.postId} AND TaskQueue = "${taskQueue}"`;
  const deadline = Date.now() + FIND_RUN_TIMEOUT_MS;
  for (;;) {
    for await (const info of client.workflow.list({ query })) {
      const handle = client.workflow.getHandle<typeof enrichPost>(info.workflowId, info.runId);
      const result = await Promise.race([
        handle.result(),
        sleep(RUN_TIMEOUT_MS, undefined, { ref: false }).then(() => Promise.reject(new Error(`run ${info.workflowId} still open after ${RUN_TIMEOUT_MS} ms`))),
      ]);
      if (result.outcome !== 'summarized') throw new Error(`run ${info.workflowId} ended "${result.outcome}" without writing a summary`);
      return { ...published, timing: await runTiming(handle) };
    }
    if (Date.now() > deadline) {
      throw new Error(`no run for post ${published.postId} within ${FIND_RUN_TIMEOUT_MS} ms: did the plugin send it?`);
    }
    await sleep(20);
  }
}

export interface LoopOptions {
  readonly events: number;
  readonly concurrency: number;
  readonly concurrentEvents: number;
}

/**
 * Publish → summary written back, end to end with a real WordPress: first one event at a time, each followed to
 * its end before the next (latency without queueing), then `concurrency` editors publishing back to back while
 * the runs proceed (completed runs per second).
 */
export async function runLoop(wp: WordPress, client: Client, taskQueue: string, options: LoopOptions) {
  // Not measured: the first run of a fresh worker and WordPress pays for caches and connections.
  for (let i = 0; i < WARMUP_EVENTS; i++) await follow(client, taskQueue, await publish(wp, -1 - i));
  const sequential: Publication[] = [];
  for (let i = 0; i < options.events; i++) sequential.push(await follow(client, taskQueue, await publish(wp, i)));

  let next = options.events;
  const last = options.events + options.concurrentEvents;
  const following: Promise<Publication>[] = [];
  const started = Date.now();
  const editor = async () => {
    while (next < last) {
      const run = follow(client, taskQueue, await publish(wp, next++));
      run.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
      following.push(run);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, editor));
  const concurrent = await Promise.all(following);
  const lastWrite = Math.max(...concurrent.map((p) => p.timing.writtenBackAt));
  // One post, one run: the plugin's key and the write-back (which must not look like a new publication) both hold.
  const { count: runs } = await client.workflow.count(`TaskQueue = "${taskQueue}"`);

  return {
    events: sequential.length,
    posts_published: WARMUP_EVENTS + sequential.length + concurrent.length,
    runs,
    latency_ms: summarize(sequential.map(endToEnd)),
    breakdown_ms_p50: breakdown(sequential),
    concurrent: {
      editors: options.concurrency,
      events: concurrent.length,
      workflows_per_s: round(concurrent.length / ((lastWrite - started) / 1000)),
      latency_ms: summarize(concurrent.map(endToEnd)),
      breakdown_ms_p50: breakdown(concurrent),
    },
  };
}

const endToEnd = (p: Publication) => p.timing.writtenBackAt - p.publishedAt;

/** Medians of each leg, so the figures show which part of the loop bounds it. */
function breakdown(publications: readonly Publication[]) {
  const leg = (f: (p: Publication) => number) => round(median(publications.map(f)), 1);
  const activity = (name: string) => leg((p) => p.timing.activityMs[name] ?? NaN);
  return {
    /** The REST request that publishes: WordPress saves the post, then the plugin delivers the webhook (receiver → Temporal). */
    publish_request: leg((p) => p.publishMs),
    publish_to_run_started: leg((p) => p.timing.startedAt - p.publishedAt),
    run_started_to_first_task: leg((p) => p.timing.firstTaskAt - p.timing.startedAt),
    fetch_post: activity('fetchPost'),
    summarize_post: activity('summarizePost'),
    write_summary: activity('writeSummary'),
    run_started_to_written_back: leg((p) => p.timing.writtenBackAt - p.timing.startedAt),
  };
}
