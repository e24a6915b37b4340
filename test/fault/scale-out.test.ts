import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal as proto } from '@temporalio/proto';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { activityRecords } from '../support/activity-history';
import { seedArchive, summarisedTitles } from '../support/archive';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import {
  deliverLikeThePlugin,
  runsByKey,
  startScaleOut,
  summariesOf,
  countSummaryWrites,
  workerIdentity,
  type Delivery,
  type ScaleOut,
} from '../support/scale-out';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { startWordPress, type WordPress } from '../../tools/wordpress';

/** Events sent while the LLM holds every answer back, so each run is in one worker's hands at the kill. */
const BEFORE_KILL = 12;
/** Events sent after the kill, while the survivor takes over. */
const AFTER_KILL = 12;
/** Every fourth event goes to both receivers at once, as a sender that retried through another receiver. */
const BOTH_EVERY = 4;
const TITLE = 'Scale-out post';

/**
 * The production shape on one task queue: two receiver processes behind no balancer but the sender's own
 * alternation, two worker processes, a real WordPress and the stand-in LLM. One worker is SIGKILLed while runs are
 * in its hands; the other finishes them (their LLM attempt is retried on it after the heartbeat timeout), and every
 * key still has one Completed run and every post one summary write.
 */
describe('scale-out: two receivers and two workers on one task queue', () => {
  let temporal: TestTemporal;
  let wp: WordPress;
  let llm: LlmStub;
  let scale: ScaleOut;

  before(async () => {
    // Settled, so that when one part fails to start, after() still stops the others.
    const parts = await Promise.allSettled([
      startTestTemporal().then((t) => (temporal = t)),
      startWordPress().then((w) => (wp = w)),
      startLlmStub().then((l) => (llm = l)),
    ]);
    for (const part of parts) if (part.status === 'rejected') throw part.reason;
    scale = await startScaleOut({
      address: temporal.address,
      workerEnv: {
        OPENAI_BASE_URL: llm.baseURL,
        WP_BASE_URL: wp.baseUrl,
        WP_USERNAME: wp.adminUser,
        WP_APP_PASSWORD: wp.appPassword,
      },
    });
  });

  after(async () => {
    await scale?.stop();
    await Promise.all([llm?.close(), wp?.stop(), temporal?.stop()]);
  });

  /** Sends events alternately to the two receivers (every BOTH_EVERY-th to both at once), a little apart. */
  async function send(events: readonly Record<string, unknown>[], offset: number): Promise<Delivery[][]> {
    const sent: Promise<Delivery[]>[] = [];
    for (const [j, event] of events.entries()) {
      const i = offset + j;
      const targets = i % BOTH_EVERY === 0 ? scale.receivers : [scale.receivers[i % 2]!];
      sent.push(Promise.all(targets.map((r) => deliverLikeThePlugin(r.url, event))));
      await sleep(100);
    }
    return Promise.all(sent);
  }

  async function until(what: string, condition: () => boolean, timeoutMs = 120_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !condition(); await sleep(100)) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the workers logged:\n${scale.workers.map((w) => w.output().slice(-2000)).join('\n')}`);
    }
  }

  it('a worker SIGKILLed with runs in its hands: the other worker finishes them, one Completed run per key and one summary write per post', { timeout: 480_000 }, async (t) => {
    const { missing: postIds } = await seedArchive(wp, TITLE, { upToDate: 0, stale: 0, missing: BEFORE_KILL + AFTER_KILL });
    const summaryWrites = await countSummaryWrites(wp);
    const events = postIds.map((postId) => sampleEvent('post.published', { post_id: postId }));
    const keys = events.map((e) => e.idempotency_key);
    const titleOfKey = new Map(keys.map((key, i) => [key, `${TITLE} ${i + 1}`]));
    let release!: () => void;
    llm.setDefault({ kind: 'summary', until: new Promise<void>((resolve) => (release = resolve)) });

    const firstHalf = await send(events.slice(0, BEFORE_KILL), 0);
    await until('every run of the first half to ask the LLM', () => llm.requests.length >= BEFORE_KILL);

    // Who holds which attempt right now, as Temporal sees it (the Web UI's "pending activities").
    const holder = new Map<string, string>();
    for (const key of keys.slice(0, BEFORE_KILL)) {
      const { raw } = await scale.client.workflow.getHandle(key).describe();
      const pending = (raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'summarizePost');
      assert.equal(pending?.state, proto.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED, `${key} is mid-LLM-call`);
      holder.set(key, pending!.lastWorkerIdentity!);
    }
    const identities = scale.workers.map(workerIdentity);
    const held = identities.map((id) => [...holder.values()].filter((h) => h === id).length);
    assert.equal(held[0]! + held[1]!, BEFORE_KILL, 'every attempt is held by one of the two workers');
    assert.ok(held.every((n) => n > 0), `both workers took work from the shared queue (${held.join(' / ')})`);
    const victimIndex = held[0]! >= held[1]! ? 0 : 1;
    const victim = scale.workers[victimIndex]!;
    const [victimId, survivorId] = [identities[victimIndex]!, identities[1 - victimIndex]!];
    const inVictimsHands = [...holder].filter(([, id]) => id === victimId).map(([key]) => key);

    await victim.kill();
    const killedAt = Date.now();
    release();
    const secondHalf = await send(events.slice(BEFORE_KILL), BEFORE_KILL);

    const results = await Promise.all(keys.map((key) => scale.client.workflow.getHandle(key).result()));
    assert.ok(results.every((r: { outcome: string }) => r.outcome === 'summarized'));
    const handedOverDone = await Promise.all(inVictimsHands.map(async (key) => (await scale.client.workflow.getHandle(key).describe()).closeTime!.getTime()));
    const recoveredMs = Math.max(...handedOverDone) - killedAt;
    assert.equal(victim.child.signalCode, 'SIGKILL');

    // Each receiver took its share; a key sent to both started one run: one answer accepted, the other duplicate.
    const deliveries = [...firstHalf, ...secondHalf];
    const acceptedBy = scale.receivers.map((r) => deliveries.flat().filter((d) => d.url === r.url && d.outcome === 'accepted').length);
    assert.ok(acceptedBy.every((n) => n > 0), `each receiver started runs (${acceptedBy.join(' / ')})`);
    for (const pair of deliveries.filter((d) => d.length === 2)) {
      assert.deepEqual(pair.map((d) => d.outcome).sort(), ['accepted', 'duplicate'], `${pair[0]!.key} sent to both receivers`);
    }

    const runs = await runsByKey(scale.client, scale.taskQueue, keys);
    assert.deepEqual(keys.filter((k) => runs.get(k)?.length !== 1), [], 'every key has exactly one run');
    assert.equal(runs.size, keys.length, 'and no other workflow ran on the queue');
    assert.ok([...runs.values()].flat().every((r) => r.status.name === 'COMPLETED'), 'every run Completed');

    // The survivor finished what the victim held: the LLM attempt ran again on it, after the victim's heartbeat lapsed.
    // On the cluster, a retry can first be matched to a poll the killed worker left open (frontend and matching are
    // separate processes, so the dead connection is noticed late); that attempt runs nowhere, and only its own
    // heartbeat timeout leads to the next. Such extra attempts are counted, and must not have reached the LLM (below).
    let lingering = 0;
    for (const key of keys) {
      const { activities } = await activityRecords(scale.client.workflow.getHandle(key));
      const victimHeld = inVictimsHands.includes(key);
      for (const a of activities) {
        const expected = victimHeld && a.type === 'summarizePost' ? 2 : 1;
        assert.ok(a.lastAttempt! >= expected, `${key}: ${a.type} attempt ${a.lastAttempt}`);
        if (a.lastAttempt! > 1) {
          assert.equal(a.lastIdentity, survivorId, `${key}: ${a.type} retried on the surviving worker`);
          assert.match(a.lastFailure ?? '', /heartbeat/i, `${key}: ${a.type} retried only because the killed worker stopped heartbeating`);
        }
        lingering += a.lastAttempt! - expected;
      }
      if (victimHeld) assert.ok(activities.find((a) => a.type === 'summarizePost')!.lastAttempt! >= 2, `${key}: a second attempt`);
      if (!holder.has(key)) assert.ok(activities.every((a) => a.lastIdentity === survivorId), `${key}: sent after the kill, run by the survivor`);
    }

    // One LLM call per post, plus one for each attempt the victim took down with it: nothing else ran twice.
    const asked = summarisedTitles(llm.requests);
    for (const key of keys) {
      const expected = inVictimsHands.includes(key) ? 2 : 1;
      assert.equal(asked.filter((title) => title === titleOfKey.get(key)).length, expected, `${titleOfKey.get(key)} asked ${expected}×`);
    }
    const [writes, stored] = await Promise.all([summaryWrites(postIds), summariesOf(wp, postIds)]);
    for (const [i, postId] of postIds.entries()) {
      assert.equal(writes.get(postId), 1, `post ${postId} was written once`);
      const { summaries, run } = stored.get(postId)!;
      assert.equal(summaries.length, 1);
      assert.equal(run, `${keys[i]}/${runs.get(keys[i]!)![0]!.runId}`, 'written by the run of its own key');
    }

    t.diagnostic(
      `${keys.length} events, ${deliveries.flat().length} deliveries (${deliveries.filter((d) => d.length === 2).length} keys to both receivers); ` +
        `attempts held at the kill ${held.join(' / ')}; victim ${victimId} took ${inVictimsHands.length} LLM attempts down, ` +
        `survivor ${survivorId} finished them ${(recoveredMs / 1000).toFixed(1)} s after the kill; ${lingering} attempts matched to the killed worker's lingering polls; ${llm.requests.length} LLM requests; runs started per receiver ${acceptedBy.join(' / ')}`,
    );
  });
});
