import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { enrichLead } from '../../workflows';
import { sampleEvent } from '../../src/webhooks/sample-events';
import { startCrmStub, type CrmStub } from '../support/crm-stub';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { startRelay, type Relay } from '../support/relay';
import { startTestTemporal, type TestTemporal } from '../support/temporal';
import { sendWebhook } from '../support/webhook';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

/**
 * The case an Idempotency-Key exists for: the CRM stored the lead, and the worker died before the activity
 * completed, so Temporal runs deliverLead again on another worker. The retry carries the same key; the CRM
 * answers 409 and still holds one record.
 */
describe('enrichLead when the worker dies between the CRM storing the lead and the activity completing', () => {
  let temporal: TestTemporal;
  let llm: LlmStub;
  let crm: CrmStub;
  let relay: Relay;
  const workers: WorkerProcess[] = [];

  before(async () => {
    [temporal, llm, crm] = await Promise.all([startTestTemporal(), startLlmStub(), startCrmStub()]);
    llm.setDefault({ kind: 'json', value: { intent: 'demo', score: 64, summary: 'Asks for a demo.', stage: 'new' } });
    relay = await startRelay({ temporal, worker: false });
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await relay?.stop();
    await Promise.all([llm?.close(), crm?.close(), temporal?.stop()]);
  });

  /** `src/worker.ts` as its own process, as in production, on the relay's task queue. */
  async function startWorker(): Promise<WorkerProcess> {
    const worker = await spawnWorker({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: relay.taskQueue,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseURL,
      CRM_WEBHOOK_URL: crm.url,
      CRM_WEBHOOK_SECRET: crm.secret,
    });
    workers.push(worker);
    return worker;
  }

  it('the retry on another worker carries the same Idempotency-Key, and the CRM keeps one record', async () => {
    const first = await startWorker();
    crm.enqueue({
      kind: 'record-then',
      then: async () => {
        await first.kill();
        void startWorker();
      },
    });
    const event = sampleEvent('lead.submitted', { fields: { email: 'crash@example.org', message: 'Demo?' } });
    assert.equal((await sendWebhook(relay.url, event)).body.status, 'accepted');
    const handle = relay.client.workflow.getHandle<typeof enrichLead>(String(event.idempotency_key));
    const result = await handle.result();

    assert.equal(first.child.signalCode, 'SIGKILL', 'the first worker was killed mid-activity');
    const key = `crm:${event.idempotency_key}`;
    const requests = crm.requests.filter((r) => r.webhookId === key);
    assert.equal(requests.length, 2, 'delivered twice: once before the crash, once by the retry');
    assert.ok(requests.every((r) => r.idempotencyKey === key && r.signatureValid));
    assert.deepEqual(requests.map((r) => r.status), [201, 409]);
    assert.equal([...crm.records.keys()].filter((k) => k === key).length, 1, 'one record in the CRM');
    assert.equal(result.outcome, 'already_delivered');

    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));
    assert.equal(Math.max(...attempts.map(Number)), 2, 'deliverLead ran a second attempt');
  });
});
