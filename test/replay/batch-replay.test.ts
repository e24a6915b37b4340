import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from '../support/workflow-bundle';

/**
 * Real histories of the two batch-and-edit workflows, recorded from their end-to-end tests (`RECORD_HISTORY=1`):
 * a batch paused, resumed and cancelled (test/e2e/batch-enrich.test.ts), a post's debounce run after eleven
 * edits (test/e2e/post-updated.test.ts) and a Schedule's run (test/ops/schedule.test.ts), replayed against today's
 * workflow code.
 */
describe('batchEnrich, debouncePostUpdates and scheduledBatch replay', () => {
  for (const [name, file, minEvents] of [
    ['batchEnrich', 'batch-enrich-event-input-history.json', 20],
    ['debouncePostUpdates', 'debounce-post-updates-event-input-history.json', 20],
    ['scheduledBatch', 'scheduled-batch-history.json', 5],
  ] as const) {
    it(`replays the recorded ${name} history without a determinism error`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(__dirname, '../fixtures', file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      assert.equal(started?.workflowType?.name, name);
      assert.ok((history.events?.length ?? 0) > minEvents, 'the fixture holds a real run');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `recorded-${name}`);
    });
  }
});
