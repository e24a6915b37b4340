import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { batchEnrich } from '../../workflows';
import { batchWorkflowId } from '../../contract/workflow-ids';
import { startStack, type Stack } from '../support/stack';
import { seedArchive, summaryCurrent } from '../support/archive';
import { eventually } from '../support/eventually';
import { runRelayCli } from './helpers/cli';

/** `relay schedule`: a Temporal Schedule that requests a site's batch, with no WordPress traffic at all. */
describe('relay schedule create | list | trigger | delete', () => {
  let stack: Stack;
  let env: Record<string, string>;
  const site = 'https://scheduled.example.org/';

  before(async () => {
    stack = await startStack();
    env = { TEMPORAL_ADDRESS: stack.temporal.address, TEMPORAL_TASK_QUEUE: stack.relay.taskQueue };
  });
  after(() => stack?.stop());

  it('creates a schedule that starts the batch, lists it, and deletes it', async () => {
    const archive = await seedArchive(stack.wp, 'Scheduled', { upToDate: 0, stale: 0, missing: 12 });
    const created = await runRelayCli(['schedule', 'create', '--site', site, '--cron', '0 3 * * *', '--limit', '5'], env);
    assert.equal(created.code, 0, created.stderr);
    const scheduleId = `batch-schedule:${site}`;
    assert.match(created.stdout, new RegExp(`created schedule ${scheduleId.replace(/[.]/g, '\\.')}`));
    assert.match(created.stdout, /next runs: \d{4}-\d\d-\d\dT03:00:00\.000Z/);

    const again = await runRelayCli(['schedule', 'create', '--site', site, '--cron', '0 3 * * *'], env);
    assert.equal(again.code, 1, 'a second schedule of the same id is refused');

    const listed = await eventually(async () => {
      const out = await runRelayCli(['schedule', 'list'], env);
      return out.stdout.includes(scheduleId) ? out.stdout : undefined;
    }, 'the schedule in the list');
    assert.match(listed, /scheduledBatch https:\/\/scheduled\.example\.org\/ {2}"0 3 \* \* \*" {2}next \d{4}-/);

    // Fire it now rather than wait for 03:00: the same action the cron would take.
    assert.equal((await runRelayCli(['schedule', 'trigger', scheduleId], env)).code, 0);
    const batch = await eventually(async () => {
      const handle = stack.relay.client.workflow.getHandle<typeof batchEnrich>(batchWorkflowId(site));
      return (await handle.describe().then(() => handle, () => undefined));
    }, 'the batch the schedule requested');
    const result = await batch.result();
    assert.ok(result.done >= archive.missing.length, `${result.done} summarised`);
    assert.ok([...(await summaryCurrent(stack.wp, archive.missing)).values()].every(Boolean));
    const [fired] = await eventually(async () => {
      const runs = [];
      for await (const run of stack.relay.client.workflow.list({ query: `WorkflowType = 'scheduledBatch' AND ExecutionStatus = 'Completed'` })) runs.push(run);
      return runs.length > 0 ? runs : undefined;
    }, 'the scheduled run in visibility');
    const scheduled = stack.relay.client.workflow.getHandle(fired!.workflowId, fired!.runId);
    assert.equal(await scheduled.result(), 'started');
    if (process.env.RECORD_HISTORY === '1') {
      writeFileSync(join(__dirname, '../fixtures/scheduled-batch-history.json'), `${historyToJSON(await scheduled.fetchHistory())}\n`);
    }

    assert.equal((await runRelayCli(['schedule', 'delete', scheduleId], env)).code, 0);
    await eventually(async () => {
      const out = await runRelayCli(['schedule', 'list'], env);
      return out.stdout.includes(scheduleId) ? undefined : out;
    }, 'the schedule gone from the list');
    const missing = await runRelayCli(['schedule', 'delete', scheduleId], env);
    assert.equal(missing.code, 1);
  });

  it('refuses a bad site or a missing cron with the usage', async () => {
    const bad = await runRelayCli(['schedule', 'create', '--site', 'ftp://x', '--cron', '0 3 * * *'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /site/);
    const noCron = await runRelayCli(['schedule', 'create', '--site', site], env);
    assert.equal(noCron.code, 2);
    assert.match(noCron.stderr, /cron/);
  });
});
