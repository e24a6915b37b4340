import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { parsePayloadKeys } from '../../src/codec/keys';
import { AesGcmPayloadCodec } from '../../src/codec/payload-codec';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';
import { temporalTracing } from '../../src/tracing/sdk';
import { TEST_PAYLOAD_KEYS } from '../support/relay';

const FIXTURES = join(__dirname, '../fixtures');

/**
 * Every recorded history (all made without tracing) replayed on a worker with the tracing interceptors installed
 * exactly as the relay installs them (src/tracing/sdk.ts): the workflow interceptors in the bundle, the span sink
 * beside it. Turning tracing on must not break a run already in flight, and a replay must not export spans again.
 */
describe('replay with the OpenTelemetry interceptors installed', () => {
  it('replays each recorded history without a determinism error, and exports no span while replaying', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = temporalTracing(new SimpleSpanProcessor(exporter), new Resource({ 'service.name': 'replay-test' }));
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules: tracing.worker.workflowModules,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message) },
    });
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('-history.json'));
    assert.ok(files.length >= 6, `the recorded histories (found ${files.length})`);
    const histories = files.map((file) => ({ workflowId: `traced-${file}`, history: historyFromJSON(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'))) }));
    const results = Worker.runReplayHistories(
      {
        workflowBundle,
        interceptors: { activity: [tracing.worker.activity] },
        sinks: tracing.worker.sinks,
        // The encrypted histories need the key they were recorded with; the codec passes plaintext ones through.
        dataConverter: dataConverterOf(new AesGcmPayloadCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS))),
      },
      histories,
    );
    const replayed: string[] = [];
    for await (const result of results) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
      replayed.push(result.workflowId);
    }
    assert.equal(replayed.length, files.length);
    assert.deepEqual(exporter.getFinishedSpans(), [], 'replay exported no span');
  });
});
