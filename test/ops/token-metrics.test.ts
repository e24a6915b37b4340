import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleEvent } from '../../src/webhooks/sample-events';
import type { enrichLead } from '../../workflows';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { freePort } from '../support/ports';
import { startRelay, type Relay } from '../support/relay';
import { sendWebhook } from '../support/webhook';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';
import { eventually } from '../support/eventually';
import { sample, scrape } from './helpers/prometheus';

/** The worker process counts every LLM call's tokens on its Prometheus endpoint, by step, model and kind. */
describe('token metrics', () => {
  let llm: LlmStub;
  let crm: CrmStub;
  let relay: Relay;
  let worker: WorkerProcess;
  let metricsAddress: string;

  before(async () => {
    [llm, crm] = await Promise.all([startLlmStub(), startCrmStub()]);
    llm.setDefault({ kind: 'json', value: { intent: 'demo', score: 70, summary: 'Wants a demo.', stage: 'qualified' } });
    relay = await startRelay({ worker: false });
    metricsAddress = `127.0.0.1:${await freePort()}`;
    worker = await spawnWorker({
      TEMPORAL_ADDRESS: relay.temporal.address,
      TEMPORAL_TASK_QUEUE: relay.taskQueue,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'metrics-model',
      CRM_WEBHOOK_URL: crm.url,
      CRM_WEBHOOK_SECRET: crm.secret,
      WORKER_METRICS_ADDRESS: metricsAddress,
    });
  });
  after(async () => {
    await worker?.stop();
    await relay?.stop();
    await Promise.all([llm?.close(), crm?.close()]);
  });

  it('counts the prompt and completion tokens of each scoreLead call as wp_ai_relay_llm_tokens, by step and model', async () => {
    for (let i = 0; i < 2; i++) {
      const event = sampleEvent('lead.submitted');
      assert.equal((await sendWebhook(relay.url, event)).status, 202);
      await relay.client.workflow.getHandle<typeof enrichLead>(String(event.idempotency_key)).result();
    }
    const tokens = (text: string, kind: string) =>
      sample(text, 'wp_ai_relay_llm_tokens', { activityType: 'scoreLead', kind, model: 'metrics-model', namespace: 'default', taskQueue: relay.taskQueue });
    // The stand-in reports 10 prompt and 10 completion tokens per answer. The SDK hands samples to its exporter on
    // its own thread, so the scrape is repeated until the second call's are in; then the counts are exact.
    const text = await eventually(async () => {
      const body = await scrape(`http://${metricsAddress}/metrics`);
      return tokens(body, 'completion') >= 20 ? body : undefined;
    }, 'both calls counted');
    assert.equal(tokens(text, 'prompt'), 20);
    assert.equal(tokens(text, 'completion'), 20);
    assert.match(text, /^# TYPE wp_ai_relay_llm_tokens counter$/m);
  });
});
