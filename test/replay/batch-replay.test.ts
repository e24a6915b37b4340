import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { ZodType } from 'zod';
import { batchInputSchema } from '../../contract/batch';
import { batchRequestedSchema, postUpdatedSchema } from '../../contract/events';
import { postUpdatesInputSchema } from '../../contract/post-updates';
import { recordedDataConverter, recordedHistory, recordedInput } from '../support/recorded-history';
import { workflowBundle } from '../support/workflow-bundle';

/**
 * Real histories of the two batch-and-edit workflows, recorded from their end-to-end tests (`RECORD_HISTORY=1`):
 * a batch paused, resumed and cancelled (test/e2e/batch-enrich.test.ts), a post's debounce run after eleven
 * edits (test/e2e/post-updated.test.ts) and a Schedule's run (test/ops/schedule.test.ts), replayed against today's
 * workflow code. The batch and debounce runs were recorded twice: started with the webhook event itself, before
 * the workflows had inputs of their own (`…-event-input-history.json`), and with their own.
 */
describe('batchEnrich, debouncePostUpdates and scheduledBatch replay', () => {
  const fixtures: [name: string, file: string, minEvents: number, input: ZodType][] = [
    ['batchEnrich', 'batch-enrich-event-input-history.json', 20, batchRequestedSchema],
    ['batchEnrich', 'batch-enrich-history.json', 20, batchInputSchema.strict()],
    ['debouncePostUpdates', 'debounce-post-updates-event-input-history.json', 20, postUpdatedSchema],
    ['debouncePostUpdates', 'debounce-post-updates-history.json', 20, postUpdatesInputSchema.strict()],
    ['scheduledBatch', 'scheduled-batch-history.json', 5, batchInputSchema.strict()],
  ];
  for (const [name, file, minEvents, input] of fixtures) {
    it(`replays the recorded ${name} history ${file} without a determinism error`, async () => {
      const history = recordedHistory(file);
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      assert.equal(started?.workflowType?.name, name);
      assert.ok((history.events?.length ?? 0) > minEvents, 'the fixture holds a real run');
      assert.ok(input.safeParse(await recordedInput(history)).success, 'the fixture was started with the input it stands for');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: recordedDataConverter }, history, `recorded-${file}`);
    });
  }
});
