import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { leadSubmittedSchema } from '../../contract/events';
import { enrichLeadInputSchema } from '../../contract/leads';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/codec/keys';
import { recordedDataConverter, recordedHistory, recordedInput } from '../support/recorded-history';
import { workflowBundle } from '../support/workflow-bundle';

const fixture = (name: string) => readFileSync(join(__dirname, `../fixtures/${name}`), 'utf8');

/**
 * Histories recorded from real runs and committed, replayed through the payload codec the worker uses: the
 * encrypted enrichLead histories (recorded with TEST_PAYLOAD_KEYS, `RECORD_HISTORY=1` on test/e2e/enrich-lead.test.ts
 * writes enrich-lead-history.json), one started with the lead.submitted event itself before the workflow had an
 * input of its own, one with its own; and the enrichPost one recorded before the codec existed, whose plaintext
 * payloads the codec passes through.
 */
describe('replay through the payload codec', () => {
  for (const [shape, file, schema] of [
    ['the lead.submitted event', 'enrich-lead-event-input-history.json', leadSubmittedSchema],
    ['its own input', 'enrich-lead-history.json', enrichLeadInputSchema.strict()],
  ] as const) {
    it(`a recorded, encrypted enrichLead run started with ${shape} replays on today's workflow code`, async () => {
      const recorded = recordedHistory(file);
      assert.ok((recorded.events?.length ?? 0) > 10, 'the fixture holds a full run');
      const text = fixture(file);
      assert.ok(text.includes(Buffer.from('binary/encrypted').toString('base64')), 'its payloads are encrypted');
      assert.doesNotMatch(text, /lovelace|gmail/i, 'no e-mail in it');
      assert.ok(schema.safeParse(await recordedInput(recorded)).success, `the fixture's run was started with ${shape}`);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: recordedDataConverter }, recorded, `recorded-${file}`);
    });
  }

  it('the enrichPost history recorded before the codec still replays with the codec on', async () => {
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: recordedDataConverter },
      recordedHistory('enrich-post-history.json'),
      'recorded-enrich-post-with-codec',
    );
  });

  it('without the key the encrypted history does not replay: the codec is what reads it', async () => {
    const other = new AesGcmPayloadCodec(parsePayloadKeys('other:' + Buffer.alloc(32, 7).toString('base64')));
    await assert.rejects(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(other) },
        recordedHistory('enrich-lead-history.json'),
        'wrong-key',
      ),
    );
  });
});
