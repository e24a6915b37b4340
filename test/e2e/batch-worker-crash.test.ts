import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { batchEnrich } from '../../workflows';
import { batchProgressQuery } from '../../contract/batch';
import { eventually } from '../support/eventually';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startRelay, type Relay } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { startWordPress, type WordPress } from '../../tools/wordpress';
import { seedArchive, summarisedTitles, summaryCurrent } from '../support/archive';

const WINDOW = 5;

/** The worker as its own process, killed with SIGKILL halfway through a batch and started again. */
describe('a batch survives its worker being killed', () => {
  let temporal: TestTemporal;
  let wp: WordPress;
  let llm: LlmStub;
  let relay: Relay;
  const workers: WorkerProcess[] = [];

  before(async () => {
    [temporal, wp, llm] = await Promise.all([startTestTemporal(), startWordPress(), startLlmStub()]);
    relay = await startRelay({ temporal, worker: false });
    llm.setDefault({ kind: 'summary', delayMs: 100 });
    await wp.runPhp(`foreach (get_posts(array('post_status' => 'any', 'numberposts' => -1)) as $p) { wp_delete_post($p->ID, true); }`);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await relay?.stop();
    await Promise.all([llm?.close(), wp?.stop(), temporal?.stop()]);
  });

  const workerEnv = () => ({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: relay.taskQueue,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: llm.baseURL,
    WP_BASE_URL: wp.baseUrl,
    WP_USERNAME: wp.adminUser,
    WP_APP_PASSWORD: wp.appPassword,
    BATCH_CONCURRENCY: String(WINDOW),
    BATCH_CHILDREN_PER_RUN: '40',
  });

  it('finishes with every post summarised once and the progress right', async () => {
    const archive = await seedArchive(wp, 'Crash', { upToDate: 10, stale: 0, missing: 100 });
    workers.push(await spawnWorker(workerEnv()));
    const answer = await sendWebhook(relay.url, sampleEvent('batch.requested', { limit: 25 }));
    assert.equal(answer.body.status, 'accepted');
    const handle = relay.client.workflow.getHandle<typeof batchEnrich>(String(answer.body.workflowId));
    await eventually(async () => ((await handle.query(batchProgressQuery)).done >= 30 || undefined), 'thirty posts done', undefined, () => workers[0]!.output().slice(-3000));
    await workers[0]!.kill();
    workers.push(await spawnWorker(workerEnv()));

    const result = await handle.result();
    assert.deepEqual(
      [result.status, result.done, result.skipped, result.failed, result.remaining, result.total],
      ['completed', 100, 10, 0, 0, 110],
    );
    assert.ok(result.runs >= 2, 'it continued as new too');
    const titles = summarisedTitles(llm.requests);
    assert.equal(new Set(titles).size, 100, 'every post that needed one was summarised');
    // Activities are at least once: an LLM call cut off by the kill is made again, at most one per window slot.
    assert.ok(titles.length <= 100 + WINDOW, `${titles.length} LLM calls for 100 posts`);
    assert.ok([...(await summaryCurrent(wp, archive.missing)).values()].every(Boolean));

    // One enrichPost run per post (visibility lags a little behind the batch's own result).
    const completedRuns = async () => {
      const ids: string[] = [];
      for await (const run of relay.client.workflow.list({ query: `WorkflowType = 'enrichPost' AND ExecutionStatus = 'Completed'` })) ids.push(run.workflowId);
      return ids;
    };
    await eventually(async () => ((await completedRuns()).length >= 100 || undefined), 'every enrichPost run Completed in visibility');
    const runs = await completedRuns();
    assert.deepEqual([runs.length, new Set(runs).size], [100, 100]);
  });
});
