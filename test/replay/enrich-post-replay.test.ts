import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { parsePayloadKeys } from '../../src/codec/keys';
import { TEST_PAYLOAD_KEYS } from '../support/relay';
import { workflowBundle } from '../support/workflow-bundle';

/**
 * Real enrichPost histories, recorded once from end-to-end tests (`RECORD_HISTORY=1`) and committed, replayed against
 * today's workflow code: a change that breaks determinism for runs already in flight fails here. They replay through
 * the worker's payload codec (TEST_PAYLOAD_KEYS): the later history's payloads are encrypted; the first one's, recorded
 * before the codec, are plaintext, which the codec passes through.
 */
const RECORDED = {
  // test/e2e/enrich-post.test.ts, before the summary step answered an SEO description too.
  'enrich-post-history.json': 'a summary alone',
  // test/e2e/plugin-seo-description.test.ts: the summary and its description from one answer.
  'enrich-post-description-history.json': 'a summary and its SEO description',
};
const dataConverter = dataConverterOf(new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS)));

describe('enrichPost replay', () => {
  for (const [file, what] of Object.entries(RECORDED)) {
    it(`replays a recorded run that wrote ${what} without a determinism error`, async () => {
      const json: unknown = JSON.parse(readFileSync(join(__dirname, '../fixtures', file), 'utf8'));
      const history = historyFromJSON(json);
      assert.ok((history.events?.length ?? 0) > 10, 'the fixture holds a full run');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter }, history, `recorded-${file}`);
    });
  }
});
