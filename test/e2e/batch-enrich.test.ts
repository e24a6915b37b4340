import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { batchEnrich } from '../../workflows';
import type { BatchProgress } from '../../contract/batch';
import { batchProgressQuery, cancelBatchSignal, pauseBatchSignal, resumeBatchSignal } from '../../contract/batch';
import { eventually } from '../support/eventually';
import type { LlmStub } from '../../tools/llm-stub';
import type { Relay } from '../support/relay';
import { startStack, type Stack } from '../support/stack';
import { sendWebhook } from '../support/webhook';
import { deliverLikeThePlugin } from '../support/scale-out';
import type { WordPress } from '../../tools/wordpress';
import { seedArchive, summarisedTitles, summaryCurrent } from '../support/archive';

const WINDOW = 4;

/**
 * batchEnrich end to end: a real WordPress with a few hundred posts (the plugin's backlog route pages through
 * them), a real Temporal, the real worker with its enrichPost children, and the stand-in LLM counting requests
 * and how many it answers at once.
 */
describe('batchEnrich over a real WordPress archive', () => {
  let stack: Stack;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;

  before(async () => {
    stack = await startStack({ relayEnv: { BATCH_CONCURRENCY: String(WINDOW), BATCH_CHILDREN_PER_RUN: '50' } });
    ({ wp, llm, relay } = stack);
    // The fresh site's sample post would be one more post to summarise; the counts below are the seeded ones.
    await wp.runPhp(`foreach (get_posts(array('post_status' => 'any', 'numberposts' => -1)) as $p) { wp_delete_post($p->ID, true); }`);
    // Slow enough that the children overlap, so the window is what bounds them.
    llm.setDefault({ kind: 'summary', delayMs: 40 });
  });
  after(() => stack?.stop());

  async function requestBatch(limit = 40): Promise<WorkflowHandle<typeof batchEnrich>> {
    const answer = await sendWebhook(relay.url, sampleEvent('batch.requested', { limit }));
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'accepted');
    return relay.client.workflow.getHandle<typeof batchEnrich>(String(answer.body.workflowId));
  }

  async function until(handle: WorkflowHandle<typeof batchEnrich>, ok: (p: BatchProgress) => boolean): Promise<BatchProgress> {
    for (;;) {
      const progress = await handle.query(batchProgressQuery);
      if (ok(progress)) return progress;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Signals the run and waits until a workflow task completed after the signal: the run has acted on it. */
  async function signalTaken(handle: WorkflowHandle<typeof batchEnrich>, signal: SignalDefinition): Promise<void> {
    await handle.signal(signal);
    await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const signalled = events.map((e) => Boolean(e.workflowExecutionSignaledEventAttributes)).lastIndexOf(true);
      return events.slice(signalled + 1).some((e) => e.workflowTaskCompletedEventAttributes) || undefined;
    }, 'the run to take the signal');
  }

  it('summarises exactly the posts that need it, never more than N at once, across continue-as-new; a second batch does nothing', async () => {
    const archive = await seedArchive(wp, 'Archive', { upToDate: 60, stale: 40, missing: 110, drafts: 10 });
    const from = llm.requests.length;
    // The first answers wait until two calls are open at once: whether children overlap must not depend on how
    // fast WordPress answers their fetches compared with the LLM. Serialised children never get there, and fail below.
    const sideBySide = eventually(() => llm.peakConcurrent > 1 || undefined, 'two LLM calls at once').catch(() => undefined);
    llm.setDefault({ kind: 'summary', delayMs: 40, until: sideBySide });
    const handle = await requestBatch();

    const second = await sendWebhook(relay.url, sampleEvent('batch.requested'));
    assert.deepEqual([second.status, second.body.status], [202, 'duplicate'], 'one batch per site at a time');

    const result = await handle.result();
    const needed = [...archive.stale, ...archive.missing];
    assert.deepEqual(
      { status: result.status, done: result.done, skipped: result.skipped, failed: result.failed, remaining: result.remaining },
      { status: 'completed', done: needed.length, skipped: archive.upToDate.length, failed: 0, remaining: 0 },
    );
    assert.equal(result.total, 210);
    assert.equal(result.scanned, 210);
    assert.ok(result.runs >= 2, `continued as new (${result.runs} times for ${needed.length} children at 50 a run)`);

    const titles = summarisedTitles(llm.requests, from);
    assert.equal(titles.length, needed.length, 'one LLM call per post that needed one');
    assert.equal(new Set(titles).size, titles.length, 'no post summarised twice');
    assert.ok(llm.peakConcurrent <= WINDOW, `at most ${WINDOW} LLM calls at once, saw ${llm.peakConcurrent}`);
    assert.ok(llm.peakConcurrent > 1, 'the children did run side by side');

    const current = await summaryCurrent(wp, [...needed, ...archive.upToDate]);
    assert.deepEqual([...current.values()].filter((ok) => !ok).length, 0, 'every published post has a current summary');
    const draftsNow = await summaryCurrent(wp, archive.drafts);
    assert.ok([...draftsNow.values()].every((ok) => !ok), 'drafts are left alone');

    const again = await (await requestBatch()).result();
    assert.deepEqual([again.done, again.failed, again.skipped], [0, 0, 210]);
    assert.equal(llm.requests.length, from + needed.length, 'the second batch called the LLM for nothing');
    llm.setDefault({ kind: 'summary', delayMs: 40 });
  });

  it('pauses, resumes and cancels; a later batch picks up what the cancelled one left', async () => {
    const archive = await seedArchive(wp, 'Pausable', { upToDate: 0, stale: 0, missing: 40 });
    llm.setDefault({ kind: 'summary', delayMs: 150 });
    try {
      const from = llm.requests.length;
      const handle = await requestBatch(20);
      await until(handle, (p) => p.done >= 2);

      await handle.signal(pauseBatchSignal);
      const paused = await until(handle, (p) => p.status === 'paused' && p.inFlight === 0);
      const calls = llm.requests.length;
      // Woken again while paused: once it has taken that signal, whatever it would start it has started.
      await signalTaken(handle, pauseBatchSignal);
      const still = await handle.query(batchProgressQuery);
      assert.deepEqual([still.status, still.done, llm.requests.length], ['paused', paused.done, calls], 'nothing starts while paused');

      // Answers held from the resume until the run has taken the cancel, so the cancel lands short of the end
      // whatever the machine's speed.
      let release!: () => void;
      llm.setDefault({ kind: 'summary', until: new Promise<void>((resolve) => (release = resolve)) });
      await handle.signal(resumeBatchSignal);
      await eventually(() => llm.requests.length > calls || undefined, 'a child asking the LLM after the resume');
      await handle.signal(cancelBatchSignal);
      await until(handle, (p) => p.status === 'cancelling');
      release();
      const cancelled = await handle.result();
      assert.equal(cancelled.status, 'cancelled');
      assert.ok(cancelled.done > paused.done, 'the resume let it go on');
      assert.ok(cancelled.done < archive.missing.length, 'the cancel stopped it short');
      if (process.env.RECORD_HISTORY === '1') {
        const file = join(__dirname, '../fixtures/batch-enrich-history.json');
        writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
      }
      assert.equal(cancelled.done + cancelled.failed, llm.requests.length - from, 'every started child finished its summary');

      const rest = await (await requestBatch(20)).result();
      assert.equal(rest.done, archive.missing.length - cancelled.done);
      const current = await summaryCurrent(wp, archive.missing);
      assert.ok([...current.values()].every(Boolean));
      assert.equal(new Set(summarisedTitles(llm.requests, from)).size, archive.missing.length, 'each post summarised once');
    } finally {
      llm.setDefault({ kind: 'summary', delayMs: 40 });
    }
  });

  it('a post published while a batch runs is summarised once, by the batch or by its own publish run', async () => {
    const archive = await seedArchive(wp, 'Racing', { upToDate: 0, stale: 0, missing: 30 });
    const from = llm.requests.length;
    const keys = JSON.parse(
      await wp.runPhp(`echo wp_json_encode(array_map(fn($id) => ai_relay_event_key('post', (string) $id, 'publish', ai_relay_published_time(get_post($id))), ${JSON.stringify(archive.missing)}));`),
    ) as string[];
    const handle = await requestBatch(10);
    // Each post's publish event arrives while the batch is working through the same posts. Thirty at once on a
    // loaded machine can outlast the receiver's start deadline: a 503 is then re-sent with the same key, as the
    // plugin does, and every event must end accepted (deliverLikeThePlugin fails on any other refusal).
    const answers = await Promise.all(
      archive.missing.map((postId, i) => deliverLikeThePlugin(relay.url, sampleEvent('post.published', { post_id: postId, idempotency_key: keys[i] }))),
    );
    const result = await handle.result();
    for (const [i, answer] of answers.entries()) {
      if (answer.outcome === 'accepted') await relay.client.workflow.getHandle(keys[i]!).result();
    }
    const titles = summarisedTitles(llm.requests, from);
    assert.equal(titles.length, archive.missing.length, 'one LLM call per post, whoever made it');
    assert.equal(new Set(titles).size, archive.missing.length);
    assert.deepEqual([result.failed, result.remaining], [0, 0]);
    assert.ok([...(await summaryCurrent(wp, archive.missing)).values()].every(Boolean));
  });
});
