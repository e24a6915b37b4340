import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { GIVE_UP_AFTER_MEMO } from '../../contract/activity-options';
import { activityRecords } from '../support/activity-history';
import { eventually } from '../support/eventually';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startOutageProxy, type OutageProxy } from '../support/outage-proxy';
import { runsByKey } from '../support/scale-out';
import { startRelay, type Relay } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { startWordPress, type WordPress } from '../../tools/wordpress';

const EVENTS = 60;
/** Sent while Temporal is down: each must be refused first (503), then accepted once it is back. */
const DURING_OUTAGE = 3;
/** Every fifth event is sent twice at once, as a sender that retried a request whose answer it lost. */
const TWICE_EVERY = 5;
/** Every seventh post is a page: the relay reads and writes it under its own REST base, `pages`. */
const PAGE_EVERY = 7;

/**
 * Signed events through the real receiver while everything around the worker fails: the worker process is
 * SIGKILLed mid-activity twice and stopped with SIGTERM once, the Temporal dev server is SIGKILLed and restarted on
 * the same database, WordPress is unreachable for a while during write-backs, and the LLM answers 429, 500 or
 * never. The sender retries 503 and 429 with the same key, as the plugin does. Afterwards every accepted key has
 * exactly one run, every run is Completed and every post holds exactly one summary, written by that run.
 */
describe('fault suite: nothing lost, nothing twice', () => {
  let temporal: TestTemporal;
  let wp: WordPress;
  let llm: LlmStub;
  let wpProxy: OutageProxy;
  let relay: Relay;
  let worker: WorkerProcess | undefined;
  let workerEnv: Record<string, string>;

  before(async () => {
    [temporal, wp, llm] = await Promise.all([startTestTemporal(), startWordPress(), startLlmStub()]);
    wpProxy = await startOutageProxy(wp.baseUrl);
    // While Temporal is down any start deadline ends in 503; a short one keeps the outage's refusals quick.
    relay = await startRelay({ temporal, worker: false, env: { TEMPORAL_START_TIMEOUT_MS: '3000' } });
    workerEnv = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: relay.taskQueue,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_TIMEOUT_MS: '2000',
      WP_BASE_URL: wpProxy.url,
      WP_USERNAME: wp.adminUser,
      WP_APP_PASSWORD: wp.appPassword,
      WP_TIMEOUT_MS: '3000',
      WORKER_SHUTDOWN_GRACE_MS: '3000',
    };
    worker = await spawnWorker(workerEnv);
  });

  after(async () => {
    await worker?.kill();
    await relay?.stop();
    await Promise.all([wpProxy?.close(), llm?.close(), wp?.stop(), temporal?.stop()]);
  });

  async function publishPosts(count: number): Promise<number[]> {
    // The plugin's filter lets pages through (so it registers the summary meta on them too).
    await writeFile(
      join(wp.dir, 'site/wp-content/mu-plugins/fault-suite-pages.php'),
      "<?php add_filter( 'ai_relay_post_types', fn( $types ) => array_merge( $types, array( 'page' ) ) );\n",
    );
    const out = await wp.runPhp(`
      $ids = array();
      for ( $i = 0; $i < ${count}; $i++ ) {
        $type = 0 === $i % ${PAGE_EVERY} ? 'page' : 'post';
        $ids[] = wp_insert_post( array( 'post_type' => $type, 'post_title' => "Fault $type $i", 'post_content' => "<p>Body $i.</p>", 'post_status' => 'publish' ), true );
      }
      echo wp_json_encode( $ids );`);
    const ids = JSON.parse(out) as number[];
    assert.equal(ids.length, count);
    return ids;
  }

  /**
   * The plugin's behaviour: retry a refused or unanswered delivery with the same key until it is taken.
   * `answered` hears the first answer, so a test can hold a fault until every delivery has met it.
   */
  async function deliver(
    event: Record<string, unknown>,
    { to = relay, answered }: { to?: Relay; answered?: (status: number) => void } = {},
  ): Promise<number[]> {
    const statuses: number[] = [];
    for (const deadline = Date.now() + 240_000; Date.now() < deadline; ) {
      const status = await sendWebhook(to.url, event).then((a) => a.status, () => 0);
      statuses.push(status);
      if (statuses.length === 1) answered?.(status);
      if (status === 202) return statuses;
      assert.ok([0, 429, 503].includes(status), `a delivery was refused with ${status}`);
      await sleep(500);
    }
    assert.fail(`event ${String(event.idempotency_key)} was never accepted: ${statuses.join(',')}`);
  }

  async function until(what: string, condition: () => boolean): Promise<void> {
    await eventually(() => condition() || undefined, what, undefined, () => `the worker logged:\n${worker?.output().slice(-3000)}`);
  }

  async function restartWorker(how: 'SIGKILL' | 'SIGTERM', env = workerEnv): Promise<number | null> {
    const code = how === 'SIGKILL' ? (await worker!.kill(), null) : await worker!.stop();
    worker = await spawnWorker(env);
    return code;
  }

  it('every accepted key has one Completed run and every post one summary, through kills and outages', { timeout: 480_000 }, async (t) => {
    const startedAt = Date.now();
    const postIds = await publishPosts(EVENTS);
    const events = postIds.map((postId, i) =>
      sampleEvent('post.published', { post_id: postId, ...(i % PAGE_EVERY === 0 ? { rest_base: 'pages' } : {}) }),
    );
    // Slow enough that attempts are in flight whenever a fault strikes.
    llm.setDefault({ kind: 'summary', delayMs: 800 });

    const answers: number[][] = [];
    // About one event a second, so the load runs through the faults below.
    const load = (async () => {
      for (const [i, event] of events.slice(DURING_OUTAGE).entries()) {
        const copies = i % TWICE_EVERY === 0 ? 2 : 1;
        answers.push(...(await Promise.all(Array.from({ length: copies }, () => deliver(event)))));
        await sleep(1000);
      }
    })();

    const faults: string[] = [];
    const seen = (n: number) => () => llm.requests.length >= n;

    await until('the first LLM calls', seen(5));
    await restartWorker('SIGKILL');
    faults.push('worker SIGKILL mid-activity');

    llm.enqueue(
      { kind: 'status', status: 429, retryAfter: '1' },
      { kind: 'status', status: 500 },
      { kind: 'hang' },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 429 },
      { kind: 'hang' },
    );
    faults.push('LLM 429 x2, 500 x2, hang x2');

    await until('more LLM calls', seen(15));
    // Temporal stays down until every delivery sent during the outage has had its answer: were it back within the
    // receiver's start deadline, a held start would be recorded and rightly answered 202, and the test would not
    // know which of the two it checks.
    const gone = once(temporal.process, 'exit');
    temporal.process.kill('SIGKILL');
    await gone;
    const firstAnswers: number[] = [];
    const duringOutage = Promise.all(events.slice(0, DURING_OUTAGE).map((event) => deliver(event, { answered: (status) => firstAnswers.push(status) })));
    await eventually(() => firstAnswers.length === DURING_OUTAGE || undefined, 'the answers to the events sent while Temporal was down');
    assert.deepEqual(firstAnswers, Array<number>(DURING_OUTAGE).fill(503), 'not accepted while Temporal was down: 503, to be retried');
    temporal = await temporal.restart();
    answers.push(...(await duringOutage));
    faults.push('Temporal SIGKILL, restarted on the same database once the events sent meanwhile were refused');

    await until('write-backs after the restart', seen(25));
    const logged = worker!.output().length;
    await wpProxy.down();
    // Up again once the relay has met the outage: a WordPress call of a run in flight failed.
    await until('a WordPress call refused while it is down', () =>
      worker!.output().slice(logged).split('\n').some((line) => /"activityType":"(fetchPost|writeSummary)".*"outcome":"failed"/.test(line)),
    );
    await wpProxy.up();
    faults.push('WordPress unreachable until a call of the relay failed');

    await until('more LLM calls', seen(35));
    await restartWorker('SIGKILL');
    faults.push('worker SIGKILL mid-activity');

    await until('more LLM calls', seen(45));
    const exitCode = await restartWorker('SIGTERM');
    assert.equal(exitCode, 0, 'SIGTERM stops the worker cleanly within its grace time');
    faults.push('worker SIGTERM (graceful)');

    await load;
    const keys = events.map((e) => e.idempotency_key);
    const results = await Promise.all(keys.map((key) => relay.client.workflow.getHandle(key).result()));
    assert.ok(results.every((r: { outcome: string }) => r.outcome === 'summarized'));

    const perKey = await runsByKey(relay.client, relay.taskQueue, keys);
    const runs = [...perKey.values()].flat();
    const lost = keys.filter((k) => !perKey.has(k));
    const twice = [...perKey.values()].filter((r) => r.length > 1);
    assert.deepEqual(lost, [], 'every accepted key has a run');
    assert.deepEqual(twice, [], 'no key has two runs');
    assert.equal(runs.length, keys.length);
    assert.ok(runs.every((r) => r.status.name === 'COMPLETED'), 'every run Completed');

    const meta = JSON.parse(
      await wp.runPhp(`
        $out = array();
        foreach ( json_decode( '${JSON.stringify(postIds)}' ) as $id ) {
          $out[ $id ] = array( get_post_meta( $id, 'ai_relay_summary', false ), get_post_meta( $id, 'ai_relay_summary_run', true ) );
        }
        echo wp_json_encode( $out );`),
    ) as Record<string, [string[], string]>;
    for (const [i, postId] of postIds.entries()) {
      const [summaries, run] = meta[postId]!;
      assert.equal(summaries.length, 1, `post ${postId} has exactly one summary`);
      assert.ok(summaries[0]!.length > 0);
      const key = keys[i]!;
      assert.equal(run, `${key}/${perKey.get(key)![0]!.runId}`, 'written by the run of its own key');
    }

    const { memo } = await relay.client.workflow.getHandle(keys[0]!).describe();
    assert.equal(memo?.[GIVE_UP_AFTER_MEMO], '24h', "each run records its give-up point, shown in the Web UI");

    const refused = answers.flat().filter((s) => s !== 202).length;
    t.diagnostic(
      `${EVENTS} events (${Math.ceil(EVENTS / PAGE_EVERY)} of them pages, ${answers.length} deliveries, ${refused} answered 503/429/unreachable and retried), ` +
        `${faults.length} faults: ${faults.join('; ')}; lost ${lost.length}, duplicated ${twice.length}, ` +
        `${llm.requests.length} LLM requests, ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
    );
  });

  it('SIGTERM hands an attempt in flight back: its LLM call is aborted at the grace time and the next worker finishes', { timeout: 240_000 }, async (t) => {
    // A task queue of its own, so the one LLM call in flight is this run's whatever the test before left running.
    const own = await startRelay({ temporal, worker: false });
    t.after(() => own.stop());
    const env = { ...workerEnv, TEMPORAL_TASK_QUEUE: own.taskQueue };
    // A client timeout far beyond the grace time: only the cancellation can end the hung call early.
    await restartWorker('SIGKILL', { ...env, OPENAI_TIMEOUT_MS: '50000', WORKER_SHUTDOWN_GRACE_MS: '1000' });
    const [pageId] = await publishPosts(1); // the first of a batch is a page
    const event = sampleEvent('post.published', { post_id: pageId, rest_base: 'pages' });
    llm.enqueue({ kind: 'hang' });
    const asked = llm.requests.length;
    const abandoned = llm.abandoned();
    await deliver(event, { to: own });
    const handle = own.client.workflow.getHandle(event.idempotency_key);
    await until('the hung LLM call', () => llm.requests.length > asked);
    const { raw } = await handle.describe();
    const inFlight = raw.pendingActivities?.find((a) => a.activityType?.name === 'summarizePost');
    assert.equal(inFlight?.attempt, 1, "the hung call is this run's first summarizePost attempt");

    assert.equal(await restartWorker('SIGTERM', env), 0, 'the worker exits cleanly');
    // The closed connection reaches the stand-in as an event of its own, not necessarily before the exit does.
    await until('the hung call to be closed', () => llm.abandoned() > abandoned);
    assert.equal(llm.abandoned(), abandoned + 1, 'the hung call was aborted, not left open');
    assert.equal(((await handle.result()) as { outcome: string }).outcome, 'summarized');
    const { activities } = await activityRecords(handle);
    const summarize = activities.find((a) => a.type === 'summarizePost')!;
    assert.equal(summarize.lastAttempt, 2);
    assert.doesNotMatch(summarize.lastFailure ?? '', /timed out|timeout/i, 'handed back, not timed out');
    t.diagnostic(`first attempt ended with: ${summarize.lastFailure}`);
  });
});
