import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TemporalCluster } from '../../tools/cluster/cluster';
import type { ServiceName } from '../../tools/cluster/server-config';
import { TEMPORAL_RETRY_AFTER_SECONDS } from '../../src/http/start-failure-answer';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { activityRecords } from '../support/activity-history';
import { seedArchive, summarisedTitles } from '../support/archive';
import { eventually } from '../support/eventually';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import {
  countSummaryWrites,
  deliverLikeThePlugin,
  runsByKey,
  startScaleOut,
  summariesOf,
  type Delivery,
  type DeliveryAttempt,
  type ScaleOut,
} from '../support/scale-out';
import { startClusterForTests } from '../support/temporal';
import { startWordPress, type WordPress } from '../../tools/wordpress';

const EVENTS = 48;
/** Two events a second, so the load runs before, through and after the outage (and the test WordPress keeps up). */
const PACE_MS = 500;
/** The service is killed once this many events have been sent. */
const KILL_AFTER = 12;
/** Every fourth event goes to both receivers at once. */
const BOTH_EVERY = 4;

/**
 * Two receivers and two workers against the production shape (the Temporal server 1.32 on PostgreSQL, each service
 * its own process) while one Temporal service is SIGKILLed mid-load and restarted on the same database. The sender
 * retries every refusal with the same key and a fresh signature, as the plugin does. Afterwards nothing is lost
 * (every key has one Completed run and one summary) and nothing ran twice: each post's LLM calls and summary writes
 * equal the attempts its run's history records, and every retried attempt is listed with the failure that caused it.
 */
describe('scale-out on the cluster: a Temporal service killed and restarted mid-load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-scale-cluster-'));
  let cluster: TemporalCluster;
  let wp: WordPress;
  let llm: LlmStub;
  let scale: ScaleOut;
  let summaryWrites: Awaited<ReturnType<typeof countSummaryWrites>>;

  before(async () => {
    // Settled, so that when one part fails to start, after() still stops the others.
    const parts = await Promise.allSettled([
      startClusterForTests(dir, 'separate').then((c) => (cluster = c)),
      startWordPress().then((w) => (wp = w)),
      startLlmStub().then((l) => (llm = l)),
    ]);
    for (const part of parts) if (part.status === 'rejected') throw part.reason;
    summaryWrites = await countSummaryWrites(wp);
    // Slow enough that attempts are in flight whenever the service dies.
    llm.setDefault({ kind: 'summary', delayMs: 1000 });
    scale = await startScaleOut({
      address: cluster.address,
      namespace: cluster.namespace,
      workerEnv: {
        OPENAI_BASE_URL: llm.baseURL,
        WP_BASE_URL: wp.baseUrl,
        WP_USERNAME: wp.adminUser,
        WP_APP_PASSWORD: wp.appPassword,
        // `php -S` on a shared 2-core machine can take seconds per request: retries should come from the outage.
        WP_TIMEOUT_MS: '25000',
      },
    });
  });

  after(async () => {
    await scale?.stop();
    await Promise.all([llm?.close(), wp?.stop(), cluster?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * `service` SIGKILLed after KILL_AFTER events under a steady load, and restarted once a request sent after the kill
   * has had the answer the outage is about, whatever the machine's speed: `refusesStarts` (history, frontend), no
   * start can be recorded while it is down, so a 503 and never a 202; otherwise (matching) a 202, recorded anyway.
   */
  async function outage(service: ServiceName, refusesStarts: boolean, t: { diagnostic(message: string): void }): Promise<void> {
    const { missing: postIds } = await seedArchive(wp, `Outage of ${service}`, { upToDate: 0, stale: 0, missing: EVENTS });
    const events = postIds.map((postId) => sampleEvent('post.published', { post_id: postId }));
    const keys = events.map((e) => e.idempotency_key);
    const askedBefore = llm.requests.length;

    const sent: Promise<Delivery[]>[] = [];
    let killedAt = 0;
    let restartAt = 0;
    let restartedAt = 0;
    let restarted: Promise<void> | undefined;
    const answeredAfterKill: DeliveryAttempt[] = [];
    const answered = (attempt: DeliveryAttempt) => killedAt > 0 && attempt.atMs > killedAt && answeredAfterKill.push(attempt);
    for (const [i, event] of events.entries()) {
      const targets = i % BOTH_EVERY === 0 ? scale.receivers : [scale.receivers[i % 2]!];
      sent.push(Promise.all(targets.map((r) => deliverLikeThePlugin(r.url, event, { answered }))));
      if (i + 1 === KILL_AFTER) {
        await cluster.kill(service);
        killedAt = Date.now();
        restarted = (async () => {
          const expected = refusesStarts ? 503 : 202;
          await eventually(() => answeredAfterKill.some((a) => a.status === expected) || undefined, `a ${expected} while ${service} is down`);
          restartAt = Date.now();
          await cluster.restart(service);
          restartedAt = Date.now();
        })();
      }
      await sleep(PACE_MS);
    }
    const deliveries = (await Promise.all(sent)).flat();
    await restarted;
    const results = await Promise.all(keys.map((key) => scale.client.workflow.getHandle(key).result()));
    assert.ok(results.every((r: { outcome: string }) => r.outcome === 'summarized'));

    const attempts = deliveries.flatMap((d) => d.attempts);
    const refused = attempts.filter((a) => a.status !== 202);
    assert.ok(refused.every((a) => a.status === 503 && a.retryAfter === String(TEMPORAL_RETRY_AFTER_SECONDS)), `refusals: ${refused.map((a) => `${a.status}/${a.retryAfter}`).join(',')}`);
    const whileDown = attempts.filter((a) => a.atMs > killedAt && a.answeredAtMs <= restartAt);
    if (refusesStarts) {
      assert.ok(whileDown.length > 0, 'events arrived while the service was down');
      assert.deepEqual(whileDown.filter((a) => a.status === 202), [], `no 202 while ${service} was down: nothing acknowledged that was not recorded`);
    } else {
      assert.ok(whileDown.some((a) => a.status === 202), `starts are still recorded while ${service} is down`);
    }
    const firstAcceptAfter = Math.min(...attempts.filter((a) => a.status === 202 && a.atMs > killedAt).map((a) => a.answeredAtMs));

    // Nothing lost: every key one Completed run, one summary, written by that run.
    const runs = await runsByKey(scale.client, scale.taskQueue, keys);
    assert.deepEqual(keys.filter((k) => runs.get(k)?.length !== 1), [], 'every key has exactly one run');
    assert.ok(keys.every((k) => runs.get(k)![0]!.status.name === 'COMPLETED'), 'every run Completed');
    for (const key of keys) {
      assert.ok(deliveries.filter((d) => d.key === key && d.outcome === 'accepted').length <= 1, `${key}: at most one start was answered accepted`);
    }
    const stored = await summariesOf(wp, postIds);
    for (const [i, postId] of postIds.entries()) {
      const { summaries, run } = stored.get(postId)!;
      assert.equal(summaries.length, 1, `post ${postId} has one summary`);
      assert.equal(run, `${keys[i]}/${runs.get(keys[i]!)![0]!.runId}`, 'written by the run of its own key');
    }

    // Nothing twice: at most one LLM call or write per attempt the history records, and a second one only after a
    // failure made Temporal retry. An attempt can reach no one: history recorded it as started, then died before the
    // task reached a worker; its heartbeat timeout starts the next. Those are counted too.
    const asked = summarisedTitles(llm.requests, askedBefore);
    const writes = await summaryWrites(postIds);
    const retried = new Map<string, number>();
    let unreached = 0;
    for (const [i, key] of keys.entries()) {
      const { activities } = await activityRecords(scale.client.workflow.getHandle(key));
      const summarize = activities.find((a) => a.type === 'summarizePost')!;
      const write = activities.find((a) => a.type === 'writeSummary')!;
      const title = `Outage of ${service} ${i + 1}`;
      const [calls, written] = [asked.filter((a) => a === title).length, writes.get(postIds[i]!)!];
      assert.ok(calls >= 1 && calls <= summarize.lastAttempt!, `${title}: ${calls} LLM calls in ${summarize.lastAttempt} attempts`);
      assert.ok(written >= 1 && written <= write.lastAttempt!, `${title}: ${written} writes in ${write.lastAttempt} attempts`);
      unreached += summarize.lastAttempt! - calls + (write.lastAttempt! - written);
      for (const a of activities.filter((a) => a.lastAttempt! > 1)) {
        const why = `${a.type} retried after "${a.lastFailure}"`;
        retried.set(why, (retried.get(why) ?? 0) + 1);
      }
    }

    const lostAnswers = deliveries.filter((d) => d.outcome === 'duplicate' && d.attempts.some((a) => a.status !== 202));
    const lastClose = Math.max(...keys.map((k) => runs.get(k)![0]!.closeTime!.getTime()));
    t.diagnostic(
      `${service}: ${EVENTS} events, ${deliveries.length} deliveries, ${attempts.length} requests; down ${((restartAt - killedAt) / 1000).toFixed(1)} s, ` +
        `restart took ${((restartedAt - restartAt) / 1000).toFixed(1)} s; ${whileDown.length} requests while down (${whileDown.filter((a) => a.status === 503).length}×503), ` +
        `${refused.length}×503 in all; first 202 after the kill ${((firstAcceptAfter - killedAt) / 1000).toFixed(1)} s after it (${((firstAcceptAfter - restartAt) / 1000).toFixed(1)} s after the restart began); ` +
        `last run closed ${((lastClose - restartAt) / 1000).toFixed(1)} s after the restart began; runs per key 1; ` +
        `${lostAnswers.length} starts recorded whose answer was 503 (the retry got duplicate); ${asked.length} LLM calls for ${EVENTS} posts; ${unreached} attempts that reached neither LLM nor WordPress; ` +
        `runs with a retried activity: ${[...retried].map(([why, runs]) => `${runs}× ${why}`).join('; ') || 'none'}`,
    );
  }

  it('history SIGKILLed and restarted mid-load: 503 + Retry-After while it is down, nothing lost, nothing run twice', { timeout: 480_000 }, async (t) => {
    await outage('history', true, t);
  });

  it('matching SIGKILLed and restarted mid-load: starts are still recorded, and every run completes once it is back', { timeout: 480_000 }, async (t) => {
    await outage('matching', false, t);
  });

  it('frontend SIGKILLed and restarted mid-load: 503 + Retry-After while it is down, nothing lost, nothing run twice', { timeout: 480_000 }, async (t) => {
    await outage('frontend', true, t);
  });
});
