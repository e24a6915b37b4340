import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/codec/keys';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { workflowBundle } from '../support/workflow-bundle';

const fixture = (name: string) => readFileSync(join(__dirname, `../fixtures/${name}`), 'utf8');
const history = (name: string) => historyFromJSON(JSON.parse(fixture(name)));
const codec = new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS));

/**
 * Histories recorded from real runs and committed, replayed through the payload codec the worker uses: the
 * encrypted enrichLead history (recorded with TEST_PAYLOAD_KEYS, `RECORD_HISTORY=1` on test/e2e/enrich-lead.test.ts)
 * and the enrichPost one recorded before the codec existed, whose plaintext payloads the codec passes through.
 */
describe('replay through the payload codec', () => {
  it('the recorded, encrypted enrichLead history replays on today\'s workflow code', async () => {
    const recorded = history('enrich-lead-event-input-history.json');
    assert.ok((recorded.events?.length ?? 0) > 10, 'the fixture holds a full run');
    const text = fixture('enrich-lead-event-input-history.json');
    assert.ok(text.includes(Buffer.from('binary/encrypted').toString('base64')), 'its payloads are encrypted');
    assert.doesNotMatch(text, /lovelace|gmail/i, 'no e-mail in it');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(codec) }, recorded, 'recorded-enrich-lead');
  });

  it('the enrichPost history recorded before the codec still replays with the codec on', async () => {
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(codec) },
      history('enrich-post-history.json'),
      'recorded-enrich-post-with-codec',
    );
  });

  it('without the key the encrypted history does not replay: the codec is what reads it', async () => {
    const other = new AesGcmPayloadCodec(parsePayloadKeys('other:' + Buffer.alloc(32, 7).toString('base64')));
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: dataConverterOf(other) }, history('enrich-lead-event-input-history.json'), 'wrong-key'),
    );
  });
});
