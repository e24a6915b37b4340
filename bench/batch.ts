import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { startDevServer } from '../src/temporal/dev-server';
import { createStartEvent } from '../src/temporal/start-event';
import { sampleEvent } from '../src/webhooks/sample-events';
import type { BatchRequested, PostUpdated } from '../contract/events';
import type { batchEnrich } from '../workflows';
import { batchProgressQuery } from '../contract/batch';
import { debounceStatusQuery } from '../contract/post-updates';
import { batchWorkflowId } from '../contract/workflow-ids';
import { seedArchive } from '../test/support/archive';
import { startLlmStub } from '../tools/llm-stub';
import { freePort } from '../tools/cluster/free-port';
import { startWordPress } from '../tools/wordpress';
import { startMonitor } from './monitor';
import { spawnService } from './services';
import { round } from './stats';

const log = (line: string) => console.error(`[bench:batch] ${line}`);
const print = (line: object) => console.log(JSON.stringify(line));

const HELP = `npm run bench:batch -- [flags]

  --posts <n>          posts in the archive, none summarised (default 5000)
  --window <n>         BATCH_CONCURRENCY: enrichPost children in flight (default 50)
  --per-run <n>        BATCH_CHILDREN_PER_RUN: children before continue-as-new (default 1000)
  --page <n>           posts per backlog page (the event's limit, default 200)
  --edit-posts <n>     posts edited in the debounce burst (default 20)
  --edits <n>          edits of each of them, sent as fast as Temporal takes them (default 25)
  --quiet <s>          EDIT_QUIET_SECONDS for the burst (default 2)
  --keep               keep the temp dir (worker log, Temporal database)
`;

/**
 * A batch over a big archive with an instant LLM (posts/s, peak in-flight, worker CPU and RSS), then a burst of
 * edits into the debounce runs (updates/s, LLM calls, settle time). Real Temporal (dev server on SQLite), a real
 * WordPress with the plugin, the worker in its own process. Prints JSON lines; asserts nothing.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      posts: { type: 'string', default: '5000' },
      window: { type: 'string', default: '50' },
      'per-run': { type: 'string', default: '1000' },
      page: { type: 'string', default: '200' },
      'edit-posts': { type: 'string', default: '20' },
      edits: { type: 'string', default: '25' },
      quiet: { type: 'string', default: '2' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const n = (name: keyof typeof values) => Number(values[name]);
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-bench-batch-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    print({ machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version }, date: new Date().toISOString(), options: values });
    log('starting Temporal, WordPress and the stand-in LLM');
    const [temporal, wp, llm] = await Promise.all([
      startDevServer({ port: await freePort(), dbFile: join(dir, 'temporal.db'), namespace: 'default', retentionDays: 14 }),
      startWordPress(),
      startLlmStub(),
    ]);
    stops.push(() => temporal.stop(), () => wp.stop(), () => llm.close());
    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const taskQueue = `bench-batch-${randomUUID().slice(0, 8)}`;

    log(`seeding ${n('posts')} posts and ${n('edit-posts')} to edit`);
    const archive = await seedArchive(wp, 'Bench', { upToDate: 0, stale: 0, missing: n('posts') });
    const editable = await seedArchive(wp, 'Edited', { upToDate: n('edit-posts'), stale: 0, missing: 0 });

    log('starting the worker');
    const worker = await spawnService({
      entry: 'src/worker.ts',
      env: {
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        LOG_LEVEL: 'info',
        OPENAI_API_KEY: 'sk-bench',
        OPENAI_BASE_URL: llm.baseURL,
        WP_BASE_URL: wp.baseUrl,
        WP_USERNAME: wp.adminUser,
        WP_APP_PASSWORD: wp.appPassword,
        BATCH_CONCURRENCY: String(n('window')),
        BATCH_CHILDREN_PER_RUN: String(n('per-run')),
        EDIT_QUIET_SECONDS: String(n('quiet')),
      },
      logFile: join(dir, 'worker.log'),
      ready: (output) => output.includes('worker polling'),
    });
    stops.push(() => worker.stop());

    // The batch, started as the receiver's route starts it.
    const event = sampleEvent('batch.requested', { limit: n('page'), site: `${wp.baseUrl}/` }) as BatchRequested;
    const monitor = startMonitor({ worker: worker.pid }, ['worker']);
    const started = performance.now();
    const handle = await client.workflow.start<typeof batchEnrich>('batchEnrich', {
      taskQueue,
      workflowId: batchWorkflowId(event.site),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      args: [event],
    });
    let peakInFlight = 0;
    let finished = false;
    const result = handle.result().finally(() => (finished = true));
    while (!finished) {
      const progress = await handle.query(batchProgressQuery).catch(() => undefined);
      if (progress) peakInFlight = Math.max(peakInFlight, progress.inFlight);
      await sleep(250);
    }
    const done = await result;
    const seconds = (performance.now() - started) / 1000;
    print({
      scenario: 'batch',
      posts: archive.missing.length,
      done: done.done,
      failed: done.failed,
      skipped: done.skipped,
      seconds: round(seconds, 1),
      posts_per_s: round(done.done / seconds, 1),
      peak_in_flight: peakInFlight,
      peak_llm_concurrent: llm.peakConcurrent,
      llm_calls: llm.requests.length,
      continued_as_new: done.runs,
      ...monitor.stop(),
    });

    // What WordPress alone takes: each child makes one GET and one meta POST; the same two calls, without
    // Temporal, with as many at once as php -S has workers.
    const sample = archive.missing.slice(0, 80);
    const wpStart = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (const postId of sample.filter((_, i) => i % 4 === lane)) {
          await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`)).arrayBuffer();
          await (await wp.rest(`/wp/v2/posts/${postId}?context=edit`, { method: 'POST', body: JSON.stringify({ meta: { ai_relay_summary: `Bench ${lane}` } }) })).arrayBuffer();
        }
      }),
    );
    print({ scenario: 'wordpress_ceiling', posts: sample.length, posts_per_s: round(sample.length / ((performance.now() - wpStart) / 1000), 1) });

    // The burst: every edit of every post as one update-with-start each, as fast as they go.
    log(`debounce: ${n('edit-posts')} posts × ${n('edits')} edits`);
    const llmBefore = llm.requests.length;
    await wp.runPhp(`foreach (${JSON.stringify(editable.upToDate)} as $id) { wp_update_post(array('ID' => $id, 'post_content' => "Edited content of $id")); }`);
    const burstMonitor = startMonitor({ worker: worker.pid }, ['worker']);
    const burstStart = performance.now();
    const startEvent = createStartEvent(client, { taskQueue, timeoutMs: 60_000 });
    const answers = await Promise.all(
      editable.upToDate.map(async (postId) => {
        const statuses: string[] = [];
        for (let i = 0; i < n('edits'); i++) {
          const edit = sampleEvent('post.updated', { post_id: postId, site: event.site }) as PostUpdated;
          const answer = await startEvent(edit);
          statuses.push(answer.status);
        }
        return statuses;
      }),
    );
    const burstSeconds = (performance.now() - burstStart) / 1000;
    const updates = answers.flat();
    // Settled once every post's run has summarised its latest content.
    for (;;) {
      const statuses = await Promise.all(
        editable.upToDate.map((postId) => client.workflow.getHandle(`post-updates:${postId}@${event.site}`).query(debounceStatusQuery)),
      );
      if (statuses.every((s) => !s.pending && s.lastOutcome !== null)) break;
      await sleep(100);
    }
    const settleSeconds = (performance.now() - burstStart) / 1000 - burstSeconds;
    print({
      scenario: 'debounce',
      posts: editable.upToDate.length,
      edits: updates.length,
      accepted: updates.filter((s) => s === 'accepted').length,
      updates_per_s: round(updates.length / burstSeconds, 1),
      burst_s: round(burstSeconds, 2),
      settled_after_last_edit_s: round(settleSeconds, 2),
      quiet_s: n('quiet'),
      llm_calls: llm.requests.length - llmBefore,
      ...burstMonitor.stop(),
    });
  } finally {
    log('stopping');
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`stopping: ${String(error)}`));
    if (values.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
