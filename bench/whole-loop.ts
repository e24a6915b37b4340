import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { sampleEvent } from '../src/webhooks/sample-events';
import { startLlmStub } from '../tools/llm-stub';
import { startWordPress, type WordPress } from '../tools/wordpress';
import { POST_CONTENT } from './loop';
import { startMonitor } from './monitor';
import { pause } from './pause';
import { signerFor } from './signers';
import { BENCH_SECRET } from './stack';
import { median, round, summarize } from './stats';
import type { Target } from './targets/target';

const run = promisify(execFile);

/** How often the stored summaries are counted: the resolution of each event's latency. */
const POLL_MS = 200;
/** A burst whose summaries are not all stored by then has stuck events (retried with backoff); the run says so. */
const STORE_TIMEOUT_MS = 300_000;
/** Not measured: a fresh worker's first runs pay for its workflow bundle, caches and connections (gunicorn's too). */
export const WARMUP_EVENTS = 10;

export interface WholeLoopOptions {
  readonly events: number;
  readonly connections: number;
  readonly rounds: number;
}

/** One burst on one target: what was sent, what was stored, and how fast. */
export interface WholeLoopRun {
  readonly scenario: 'whole-loop';
  readonly target: string;
  readonly round: number;
  readonly events: number;
  readonly accepted: number;
  readonly stored: number;
  /** From the first event sent to the last summary stored. */
  readonly seconds: number;
  readonly events_per_s: number;
  /** Per event, from its request sent to its summary seen in the database (± POLL_MS). */
  readonly stored_ms: ReturnType<typeof summarize>;
  readonly cpu_ms_per_event: Record<string, number>;
  readonly cpu_pct: Record<string, number>;
  readonly rss_mb: Record<string, number>;
}

/**
 * Creates the posts the bursts summarise, before anything is measured: published through the REST API by the
 * admin, with no endpoint configured in the plugin, so WordPress itself sends nothing.
 */
export async function createPosts(wp: WordPress, count: number): Promise<number[]> {
  const ids: number[] = [];
  let created = 0;
  const next = async (): Promise<void> => {
    while (created < count) {
      const n = created++;
      const response = await wp.rest('/wp/v2/posts', {
        method: 'POST',
        body: JSON.stringify({ title: `Whole-loop post ${n}`, content: POST_CONTENT, status: 'publish' }),
      });
      if (response.status !== 201) throw new Error(`creating a post answered ${response.status}: ${await response.text()}`);
      ids[n] = ((await response.json()) as { id: number }).id;
    }
  };
  await Promise.all(Array.from({ length: 4 }, next));
  return ids;
}

/** Of `postIds`, those with a stored summary, straight from MariaDB (a REST poll would load WordPress itself). */
async function storedSummaries(wp: WordPress, postIds: readonly number[]): Promise<Set<number>> {
  const sql = `SELECT post_id FROM wp_postmeta WHERE meta_key = 'ai_relay_summary' AND meta_value <> '' AND post_id IN (${postIds.join(',')})`;
  const { stdout } = await run('mariadb', ['-S', join(wp.dir, 'mysql.sock'), '-u', 'root', '-N', '-B', wp.dbName, '-e', sql]);
  return new Set(stdout.split('\n').filter(Boolean).map(Number));
}

/**
 * One burst: a signed post.published per post, sent over `connections` at once as fast as the target answers
 * (each target's own signature scheme), then the database polled until every accepted event's summary is stored.
 * The other targets are paused meanwhile, so each has the machine to itself, WordPress and the stand-in LLM aside.
 */
async function burst(
  wp: WordPress,
  target: Target,
  others: readonly Target[],
  postIds: readonly number[],
  options: WholeLoopOptions,
  roundNumber: number,
  keys: { sent: Set<string>; accepted: Set<string> },
): Promise<WholeLoopRun> {
  const paused = pause(others.flatMap((t) => Object.values(t.pids)));
  try {
    const sign = signerFor(target.signer);
    const sentAt = new Map<number, number>();
    const accepted: number[] = [];
    const monitor = startMonitor(target.pids, target.memoryOf);
    const started = performance.now();
    let next = 0;
    const sender = async () => {
      while (next < postIds.length) {
        const postId = postIds[next++]!;
        const event = sampleEvent('post.published', { post_id: postId, title: `Whole-loop post ${postId}` });
        const body = JSON.stringify(event);
        keys.sent.add(event.idempotency_key);
        sentAt.set(postId, performance.now());
        const answer = await fetch(`${target.url}/webhooks/wp`, { method: 'POST', headers: sign({ secret: BENCH_SECRET, body, idempotencyKey: event.idempotency_key }), body });
        await answer.arrayBuffer();
        if (answer.status === 202) {
          accepted.push(postId);
          keys.accepted.add(event.idempotency_key);
        }
      }
    };
    let sending = true;
    const sent = Promise.all(Array.from({ length: options.connections }, sender)).finally(() => (sending = false));
    // Awaited after the polling below; handled now, so a failed send is reported there rather than as unhandled.
    sent.catch(() => undefined);
    // Polled while the events are still being sent too, so an early summary is timed when it lands, not after the burst.
    const storedAt = new Map<number, number>();
    const deadline = started + STORE_TIMEOUT_MS;
    while ((sending || storedAt.size < accepted.length) && performance.now() < deadline) {
      const now = performance.now();
      if (accepted.length > storedAt.size) for (const id of await storedSummaries(wp, accepted)) if (!storedAt.has(id)) storedAt.set(id, now);
      if (sending || storedAt.size < accepted.length) await sleep(POLL_MS);
    }
    await sent;
    const { cpu_pct, rss_mb } = monitor.stop();
    const windowSeconds = (performance.now() - started) / 1000;
    const lastStored = storedAt.size === 0 ? windowSeconds : (Math.max(...storedAt.values()) - started) / 1000;
    // The window runs a poll past the last summary; CPU is spread over the summaries stored, the work done.
    const cpuMsPerEvent = Object.fromEntries(Object.entries(cpu_pct).map(([name, pct]) => [name, round(((pct / 100) * windowSeconds * 1000) / Math.max(1, storedAt.size), 1)]));
    return {
      scenario: 'whole-loop',
      target: target.name,
      round: roundNumber,
      events: postIds.length,
      accepted: accepted.length,
      stored: storedAt.size,
      seconds: round(lastStored, 2),
      events_per_s: round(storedAt.size / lastStored, 1),
      stored_ms: summarize([...storedAt].map(([id, at]) => at - sentAt.get(id)!)),
      cpu_ms_per_event: cpuMsPerEvent,
      cpu_pct,
      rss_mb,
    };
  } finally {
    paused.resume();
  }
}

/**
 * The whole loop, like for like on every target: signed post.published → the target's work (fetch the post from a
 * real WordPress, ask the stand-in LLM, write the summary back) → the summary stored. The seed runs its AI step
 * filled in (SEED_WORK=enrich, bench/seed/relay/enrich.py), the relay its enrichPost. Rounds interleave the targets,
 * each round on fresh posts (a stored summary would make the relay skip the LLM as unchanged).
 */
export async function runWholeLoop(
  wp: WordPress,
  targets: readonly Target[],
  options: WholeLoopOptions,
  keysOf: (target: Target) => { sent: Set<string>; accepted: Set<string> },
  log: (line: string) => void,
): Promise<WholeLoopRun[]> {
  const total = (WARMUP_EVENTS + options.events * options.rounds) * targets.length;
  log(`whole-loop: creating ${total} posts`);
  const posts = await createPosts(wp, total);
  let offset = 0;
  for (const target of targets) {
    log(`whole-loop: ${WARMUP_EVENTS} warm-up events on ${target.name}`);
    await burst(wp, target, targets.filter((t) => t !== target), posts.slice(offset, (offset += WARMUP_EVENTS)), options, 0, keysOf(target));
  }
  const runs: WholeLoopRun[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    for (const target of targets) {
      log(`whole-loop round ${r}/${options.rounds}: ${options.events} events on ${target.name}`);
      const ids = posts.slice(offset, (offset += options.events));
      runs.push(await burst(wp, target, targets.filter((t) => t !== target), ids, options, r, keysOf(target)));
    }
  }
  return runs;
}

/**
 * Per target the median over rounds of events/s and CPU per event, and each relay target's events/s over the seed's
 * within each round (back to back, under the same machine load), then the median: issue #18's whole-loop target.
 */
export function summarizeWholeLoop(runs: readonly WholeLoopRun[]): object {
  const targets = [...new Set(runs.map((r) => r.target))];
  const of = (target: string) => runs.filter((r) => r.target === target);
  const cpuTotal = (r: WholeLoopRun) => Object.values(r.cpu_ms_per_event).reduce((a, b) => a + b, 0);
  const ratios = Object.fromEntries(
    targets
      .filter((t) => t !== 'seed')
      .map((t) => {
        const perRound = of(t).flatMap((r) => {
          const seed = runs.find((s) => s.target === 'seed' && s.round === r.round);
          return seed && seed.events_per_s > 0 ? [round(r.events_per_s / seed.events_per_s, 3)] : [];
        });
        return [`${t}_over_seed`, perRound.length === 0 ? null : { median: round(median(perRound), 3), per_round: perRound, target: '≥ 1' }];
      }),
  );
  return {
    scenario: 'whole-loop',
    summary: Object.fromEntries(
      targets.map((t) => [t, { events_per_s: round(median(of(t).map((r) => r.events_per_s)), 1), cpu_ms_per_event: round(median(of(t).map(cpuTotal)), 1) }]),
    ),
    ...ratios,
  };
}

/**
 * What the whole loop's work talks to, shared by every target: a real WordPress with the plugin active (it registers
 * the summary meta both the relay and the seed write) and no endpoint, and the stand-in LLM; `env` points a worker at
 * them, in the variable names the relay and the seed's enrich.py both read.
 */
export async function startWholeLoopServices(log: (line: string) => void): Promise<{ wp: WordPress; env: Record<string, string>; stop(): Promise<void> }> {
  log('whole-loop: starting WordPress and the stand-in LLM');
  const [wp, llm] = await Promise.all([startWordPress({ constants: { AI_RELAY_SECRET: BENCH_SECRET } }), startLlmStub()]);
  return {
    wp,
    env: {
      WP_BASE_URL: wp.baseUrl,
      WP_USERNAME: wp.adminUser,
      WP_APP_PASSWORD: wp.appPassword,
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_MODEL: 'gpt-4o-mini',
    },
    stop: async () => {
      await llm.close();
      await wp.stop();
    },
  };
}
