import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { workflowBundle } from '../support/workflow-bundle';

/**
 * A real enrichPost history, recorded once from the end-to-end test (`RECORD_HISTORY=1`) and committed, replayed
 * against today's workflow code: a change that breaks determinism for runs already in flight fails here.
 */
describe('enrichPost replay', () => {
  it('replays the recorded history without a determinism error', async () => {
    const json: unknown = JSON.parse(readFileSync(join(__dirname, '../fixtures/enrich-post-history.json'), 'utf8'));
    const history = historyFromJSON(json);
    assert.ok((history.events?.length ?? 0) > 10, 'the fixture holds a full run');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'recorded-enrich-post');
  });
});
